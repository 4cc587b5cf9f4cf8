// Demo master data for the Digitale Schulanmeldung: Leipzig's Amt für Schule with its Behördenkonto as channel and
// the Leistung it is zuständig for, so the Blaupause's gate checks pass like a real authority's would.
import type { Kysely } from 'kysely';
import type { Database } from './schema';

export const SCHULANMELDUNG_LEISTUNG = '99041002000000';
export const SCHULAMT_OE = 'oe-leipzig-schulamt';

export async function seedSchule(trx: Kysely<Database>): Promise<void> {
  await trx
    .insertInto('behoerdenkonto')
    .values({
      id: 'bk-leipzig-schulamt',
      mandant_id: 'leipzig',
      bezeichnung: 'Amt für Schule Leipzig',
      postfach_handle: 'bk:leipzig:schulamt',
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await trx
    .insertInto('organisationseinheit')
    .values({
      id: SCHULAMT_OE,
      mandant_id: 'leipzig',
      name: 'Amt für Schule',
      behoerdenkonto_id: 'bk-leipzig-schulamt',
      email: 'schulamt@leipzig.de',
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await trx
    .insertInto('leistung')
    .values({
      id: SCHULANMELDUNG_LEISTUNG,
      name: 'Schulanmeldung Grundschule',
      beschreibung: 'Anmeldung eines schulpflichtigen Kindes an einer Grundschule',
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await trx
    .insertInto('leistung_oe')
    .values({ leistung_id: SCHULANMELDUNG_LEISTUNG, oe_id: SCHULAMT_OE })
    .onConflict((oc) => oc.columns(['leistung_id', 'oe_id']).doNothing())
    .execute();
}
