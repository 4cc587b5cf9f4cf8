// The citizen's Antrag: what people query about it. Personal data lives here (never in workflow history or
// search attributes) so that retention can really delete it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('antrag')
    .addColumn('vorgangsnummer', 'text', (c) => c.primaryKey())
    .addColumn('aktivierung_id', 'text', (c) => c.notNull().references('aktivierung.id'))
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull())
    .addColumn('mandant_id', 'text', (c) => c.notNull())
    .addColumn('formular_version', 'text', (c) => c.notNull())
    .addColumn('payload_hash', 'text', (c) => c.notNull())
    .addColumn('form_data', 'jsonb')
    .addColumn('antragsteller', 'jsonb')
    .addColumn('test', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('angenommen'))
    .addColumn('zustell_status', 'text', (c) => c.notNull().defaultTo('ausstehend'))
    .addColumn('bearbeitung_status', 'text')
    .addColumn('eingegangen_am', 'timestamptz')
    .addColumn('personendaten_geloescht_am', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('antrag_mandant_idx').on('antrag').columns(['mandant_id', 'created_at']).execute();
  await db.schema.createIndex('antrag_aktivierung_status_idx').on('antrag').columns(['aktivierung_id', 'status']).execute();

  await db.schema
    .createTable('antrag_datei')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vorgangsnummer', 'text', (c) => c.notNull().references('antrag.vorgangsnummer'))
    .addColumn('art', 'text', (c) => c.notNull().check(sql`art in ('anlage', 'antrag-pdf', 'bescheid', 'nachreichung')`))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', 'bytea')
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('antrag_datei_vorgang_idx').on('antrag_datei').column('vorgangsnummer').execute();

  // The timeline: technical delivery ('technisch') and processing ('bearbeitung') kept apart.
  await db.schema
    .createTable('antrag_ereignis')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('vorgangsnummer', 'text', (c) => c.notNull().references('antrag.vorgangsnummer'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('spur', 'text', (c) => c.notNull().check(sql`spur in ('technisch', 'bearbeitung')`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .execute();
  await db.schema.createIndex('antrag_ereignis_vorgang_idx').on('antrag_ereignis').columns(['vorgangsnummer', 'id']).execute();

  await db.schema
    .createTable('zahlung')
    .addColumn('vorgangsnummer', 'text', (c) => c.primaryKey().references('antrag.vorgangsnummer'))
    .addColumn('kassenzeichen', 'text', (c) => c.notNull().unique())
    .addColumn('transaktionsnummer', 'text', (c) => c.notNull().unique())
    .addColumn('betrag_cent', 'integer', (c) => c.notNull())
    .addColumn('bezahlt_cent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('paypage_url', 'text', (c) => c.notNull())
    .addColumn('zahlverfahren', 'text')
    .addColumn('gebucht_am', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('zustellung')
    .addColumn('vorgangsnummer', 'text', (c) => c.primaryKey().references('antrag.vorgangsnummer'))
    .addColumn('modus', 'text', (c) => c.notNull())
    .addColumn('endpunkt', 'text', (c) => c.notNull())
    .addColumn('referenz', 'text')
    .addColumn('versuche', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('letzter_fehler', 'text')
    .addColumn('wartet_seit', 'timestamptz')
    .addColumn('zugestellt_am', 'timestamptz')
    .addColumn('transfer_geloescht_am', 'timestamptz')
    .execute();
  await db.schema.createIndex('zustellung_endpunkt_idx').on('zustellung').columns(['endpunkt', 'zugestellt_am']).execute();

  // One row per Fachverfahren endpoint: how long it has been down, whether the AWB was alerted.
  await db.schema
    .createTable('endpunkt_status')
    .addColumn('endpunkt', 'text', (c) => c.primaryKey())
    .addColumn('down_since', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('alert_sent_for', 'timestamptz')
    .execute();

  // Tasks for people that no API can do (e.g. a refund at the Kasse), visible in their inbox.
  await db.schema
    .createTable('aufgabe')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('art', 'text', (c) => c.notNull())
    .addColumn('rolle', 'text', (c) => c.notNull())
    .addColumn('mandant_id', 'text')
    .addColumn('betreff_typ', 'text', (c) => c.notNull())
    .addColumn('betreff_id', 'text', (c) => c.notNull())
    .addColumn('titel', 'text', (c) => c.notNull())
    .addColumn('beschreibung', 'text', (c) => c.notNull())
    .addColumn('faellig_am', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('offen').check(sql`status in ('offen', 'erledigt')`))
    .addColumn('erledigt_von', 'text')
    .addColumn('erledigt_am', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('aufgabe_rolle_status_idx').on('aufgabe').columns(['rolle', 'status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['aufgabe', 'endpunkt_status', 'zustellung', 'zahlung', 'antrag_ereignis', 'antrag_datei', 'antrag']) {
    await db.schema.dropTable(table).execute();
  }
}
