// Drafts of forms: stored, read, replaced and deleted by the hash of their token. Expired drafts are never
// returned and are deleted whenever a new one is written.
import type { Kysely, Selectable } from 'kysely';
import type { Database, EntwurfTable } from '../schema';

export type Entwurf = Selectable<EntwurfTable>;

export interface NewEntwurf {
  id: string;
  onlinedienstId: string;
  aktivierungId: string | null;
  formularVersion: string;
  vorschau: boolean;
  owner: string;
  inhalt: Buffer;
  gueltigBis: Date;
}

export async function insertEntwurf(db: Kysely<Database>, e: NewEntwurf): Promise<Entwurf> {
  await deleteExpiredEntwuerfe(db);
  return db
    .insertInto('entwurf')
    .values({
      id: e.id,
      onlinedienst_id: e.onlinedienstId,
      aktivierung_id: e.aktivierungId,
      formular_version: e.formularVersion,
      vorschau: e.vorschau,
      owner: e.owner,
      inhalt_encrypted: e.inhalt,
      bytes: e.inhalt.length,
      gueltig_bis: e.gueltigBis,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The draft while it is valid; undefined when unknown or expired. */
export async function findEntwurf(db: Kysely<Database>, id: string): Promise<Entwurf | undefined> {
  return db
    .selectFrom('entwurf')
    .selectAll()
    .where('id', '=', id)
    .where('gueltig_bis', '>', new Date())
    .executeTakeFirst();
}

/** Replaces the content; saving again extends the validity. False when the draft is gone or expired. */
export async function updateEntwurf(
  db: Kysely<Database>,
  id: string,
  inhalt: Buffer,
  gueltigBis: Date,
): Promise<Entwurf | undefined> {
  return db
    .updateTable('entwurf')
    .set({ inhalt_encrypted: inhalt, bytes: inhalt.length, gueltig_bis: gueltigBis, updated_at: new Date() })
    .where('id', '=', id)
    .where('gueltig_bis', '>', new Date())
    .returningAll()
    .executeTakeFirst();
}

export async function deleteEntwurf(db: Kysely<Database>, id: string): Promise<boolean> {
  const r = await db.deleteFrom('entwurf').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function deleteExpiredEntwuerfe(db: Kysely<Database>): Promise<number> {
  const r = await db.deleteFrom('entwurf').where('gueltig_bis', '<=', new Date()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
