// FIT-Connect callbacks: each one answered 200 is remembered, so the service's retries of it (it repeats until it
// sees a 200) are recognised and change nothing. And the Antrag a callback names is found by its submission id.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('fitconnect_callback')
    // sha256 of the callback's `callback-authentication` (an HMAC over timestamp and body: one per callback sent).
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('submission_ids', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Only a FIT-Connect delivery's reference is JSON; the case keeps the cast away from the others.
  await sql`create index zustellung_fitconnect_submission_idx on zustellung
    ((case when modus = 'fitconnect' then referenz::jsonb ->> 'submissionId' end))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists zustellung_fitconnect_submission_idx`.execute(db);
  await db.schema.dropTable('fitconnect_callback').execute();
}
