// A person who closes a task may say how ("am 3.12. per Post versandt"): the note beside who and when. Never edit
// after landing; add a new migration instead.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('aufgabe').addColumn('erledigt_notiz', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('aufgabe').dropColumn('erledigt_notiz').execute();
}
