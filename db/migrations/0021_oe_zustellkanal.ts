// Where an Organisationseinheit receives Anträge when the process names it per Antrag (a Schulanmeldung goes to the
// chosen school): its own Transferverzeichnis and FIT-Connect destination. Null: not set up, and an Antrag for it
// becomes a Störung for its Mandant. Never edit after landing; add a new migration instead.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('organisationseinheit')
    .addColumn('zustell_verzeichnis', 'text')
    .addColumn('fitconnect_destination_id', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('organisationseinheit')
    .dropColumn('fitconnect_destination_id')
    .dropColumn('zustell_verzeichnis')
    .execute();
}
