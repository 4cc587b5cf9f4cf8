// Organisationseinheiten maintained by their Mandant: a phone number beside the e-mail address, and whether the OE
// is published (shown to citizens as zuständige Stelle). Never edit after landing; add a new migration instead.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('organisationseinheit')
    .addColumn('telefon', 'text')
    // Existing OEs were entered by the operators as the zuständige Stelle of live activations: they are public.
    .addColumn('veroeffentlicht', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('organisationseinheit').dropColumn('veroeffentlicht').dropColumn('telefon').execute();
}
