// Mandanten and their master data, and the organisation units and Leistungen an activation refers to.
import { sql, type Kysely } from 'kysely';
import type { Database, DatenschutzbeauftragteR, Mandant } from '../schema';

export interface MandantStammdaten {
  name: string;
  impressum: string | null;
  datenschutzerklaerungUrl: string | null;
  datenschutzbeauftragteR: DatenschutzbeauftragteR | null;
  logoUrl: string | null;
}

export async function listMandanten(db: Kysely<Database>): Promise<Mandant[]> {
  return db.selectFrom('mandant').selectAll().orderBy('id').execute();
}

export async function findMandant(db: Kysely<Database>, id: string): Promise<Mandant | undefined> {
  return db.selectFrom('mandant').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function mandantExists(db: Kysely<Database>, id: string): Promise<boolean> {
  return (await db.selectFrom('mandant').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** Creates or replaces the master data; run it in the transaction that audits the change. */
export async function saveMandant(db: Kysely<Database>, id: string, input: MandantStammdaten): Promise<Mandant> {
  const values = {
    name: input.name,
    impressum: input.impressum,
    datenschutzerklaerung_url: input.datenschutzerklaerungUrl,
    datenschutzbeauftragte_r: JSON.stringify(input.datenschutzbeauftragteR),
    logo_url: input.logoUrl,
  };
  return db
    .insertInto('mandant')
    .values({ id, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findOrganisationseinheit(
  db: Kysely<Database>,
  id: string,
): Promise<{ id: string; mandant_id: string } | undefined> {
  return db.selectFrom('organisationseinheit').select(['id', 'mandant_id']).where('id', '=', id).executeTakeFirst();
}

export async function leistungExists(db: Kysely<Database>, id: string): Promise<boolean> {
  return (await db.selectFrom('leistung').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}
