// A citizen's draft of a form ("Zwischenspeichern"): not an Antrag, no workflow. It is found by the hash of its
// link's token and its content is encrypted with a key derived from that token, so the database alone can read
// neither who wrote it nor what; it expires after the configured number of days.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('entwurf')
    // sha256 of the token in the resume link (hex); the token itself is never stored.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull())
    // null for a Prozessmodellierer's preview of a version: it never becomes an Antrag.
    .addColumn('aktivierung_id', 'text')
    .addColumn('formular_version', 'text', (c) => c.notNull())
    .addColumn('vorschau', 'boolean', (c) => c.notNull().defaultTo(false))
    // the signed-in account that may resume it (another account's link is refused as unknown)
    .addColumn('owner', 'text', (c) => c.notNull())
    // AES-256-GCM (iv | tag | data) of the answers, attachments and the step reached
    .addColumn('inhalt_encrypted', 'bytea', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('gueltig_bis', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('entwurf_gueltig_bis_idx').on('entwurf').column('gueltig_bis').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('entwurf').execute();
}
