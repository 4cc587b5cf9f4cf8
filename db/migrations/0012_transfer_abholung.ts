// When the authority fetched a Vorgang from its Transferverzeichnis (the folder or xFall file is gone from it):
// "written" and "fetched" are different facts, and reminders, warnings and the deletion depend on the second.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('zustellung').addColumn('abgeholt_am', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('zustellung').dropColumn('abgeholt_am').execute();
}
