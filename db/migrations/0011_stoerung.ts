// Störungen: one row per Antrag stuck on a cause (what, since when, who can fix it, open or resolved), and one row
// per cause that counts its episodes, so whoever can fix it is mailed once per episode however many Anträge hit it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stoerung_ursache')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ursache_key', 'text', (c) => c.notNull().unique())
    // An episode ends when no Antrag is stuck on the cause any more; the next one is mailed again.
    .addColumn('folge', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('offen', 'boolean', (c) => c.notNull().defaultTo(false))
    // The Antrag that opened the episode sends its mail (concurrent reports must not each send one).
    .addColumn('eroeffnet_von', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('stoerung')
    .addColumn('vorgangsnummer', 'text', (c) => c.notNull().references('antrag.vorgangsnummer').onDelete('cascade'))
    .addColumn('ursache_id', 'text', (c) => c.notNull().references('stoerung_ursache.id'))
    .addColumn('ursache_key', 'text', (c) => c.notNull())
    .addColumn('art', 'text', (c) => c.notNull().check(sql`art in ('dauerhaft', 'anhaltend')`))
    .addColumn('schritt', 'text', (c) => c.notNull())
    .addColumn('fehler_typ', 'text', (c) => c.notNull())
    .addColumn('was', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('mandant_id', 'text', (c) => c.notNull())
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull())
    .addColumn('aktivierung_id', 'text', (c) => c.notNull())
    .addColumn('behebbar_durch', 'text', (c) => c.notNull().check(sql`behebbar_durch in ('mandant', 'awb')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('offen', 'behoben')`))
    .addColumn('seit', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('zuletzt', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('meldungen', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('behoben_am', 'timestamptz')
    .addPrimaryKeyConstraint('stoerung_pk', ['vorgangsnummer', 'ursache_id'])
    .execute();
  await db.schema.createIndex('stoerung_offen_idx').on('stoerung').columns(['status', 'ursache_id', 'vorgangsnummer']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('stoerung').execute();
  await db.schema.dropTable('stoerung_ursache').execute();
}
