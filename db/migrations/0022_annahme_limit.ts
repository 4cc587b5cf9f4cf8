// Admission limits of submissions (api/annahme.ts): one row per scope (`*` for all Anträge, `mandant:<id>`) holding
// the current second's count. The API processes behind a load balancer share these rows, so a limit holds for
// all of them together; one row per scope, overwritten each second, so nothing accumulates.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('annahme_zaehler')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    // whole seconds since the epoch, by the database's clock (the one clock every API process shares)
    .addColumn('sekunde', 'bigint', (c) => c.notNull())
    .addColumn('anzahl', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('annahme_zaehler').execute();
}
