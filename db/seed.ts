// Demo master data for development (`npm start`): two Mandanten, their OEs, Behördenkonten, Leistungen and one
// Onlinedienst, with the form+process definitions of the demo Onlinedienste. Idempotent: running it again changes nothing that exists.
import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { seedFormulare } from './seed-formulare';

export async function seedDemoData(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('mandant')
      .values([
        {
          id: 'leipzig',
          name: 'Stadt Leipzig',
          impressum: 'Stadt Leipzig, Martin-Luther-Ring 4–6, 04109 Leipzig',
          datenschutzerklaerung_url: 'https://www.leipzig.de/datenschutz',
          datenschutzbeauftragte_r: JSON.stringify({
            name: 'Datenschutzbeauftragte der Stadt Leipzig',
            email: 'datenschutz@leipzig.de',
          }),
          logo_url: 'https://www.leipzig.de/logo.svg',
        },
        {
          id: 'dresden',
          name: 'Landeshauptstadt Dresden',
          impressum: null,
          datenschutzerklaerung_url: null,
          datenschutzbeauftragte_r: JSON.stringify(null),
          logo_url: null,
        },
      ])
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('behoerdenkonto')
      .values([
        {
          id: 'bk-leipzig-ordnungsamt',
          mandant_id: 'leipzig',
          bezeichnung: 'Ordnungsamt Leipzig',
          postfach_handle: 'bk:leipzig:ordnungsamt',
        },
      ])
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('organisationseinheit')
      .values([
        {
          id: 'oe-leipzig-ordnungsamt',
          mandant_id: 'leipzig',
          name: 'Ordnungsamt',
          behoerdenkonto_id: 'bk-leipzig-ordnungsamt',
          email: 'ordnungsamt@leipzig.de',
        },
        { id: 'oe-dresden-buergeramt', mandant_id: 'dresden', name: 'Bürgeramt', behoerdenkonto_id: null, email: null },
      ])
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('leistung')
      .values([
        { id: '99050012104000', name: 'Hundesteuer Anmeldung', beschreibung: 'Anmeldung eines Hundes zur Hundesteuer' },
        { id: '99102013000000', name: 'Anwohnerparkausweis', beschreibung: 'Erteilung eines Bewohnerparkausweises' },
      ])
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('leistung_oe')
      .values([{ leistung_id: '99102013000000', oe_id: 'oe-leipzig-ordnungsamt' }])
      .onConflict((oc) => oc.columns(['leistung_id', 'oe_id']).doNothing())
      .execute();
    await trx
      .insertInto('onlinedienst')
      .values({
        id: 'anwohnerparken',
        name: 'Anwohnerparkausweis online beantragen',
        prozess_name: 'bewohnerparken',
        prozess_version: '1.0',
        formular_name: 'bewohnerparken-antrag',
        formular_version: '1.0',
        prozesseigner: 'pe-smk',
        features: JSON.stringify(['payment', 'transfer-plain', 'form:upload']),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('onlinedienst_leistung')
      .values({ onlinedienst_id: 'anwohnerparken', leistung_id: '99102013000000' })
      .onConflict((oc) => oc.columns(['onlinedienst_id', 'leistung_id']).doNothing())
      .execute();
    await trx
      .insertInto('aktivierung')
      .values({
        id: 'anwohnerparken-leipzig',
        onlinedienst_id: 'anwohnerparken',
        mandant_id: 'leipzig',
        oe_id: 'oe-leipzig-ordnungsamt',
        leistung_id: '99102013000000',
        status: 'aktiv',
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('onlinedienst')
      .values({
        id: 'hundesteuer',
        name: 'Hundesteuer anmelden',
        prozess_name: 'hundesteuer',
        prozess_version: '1.0',
        formular_name: 'hundesteuer-anmeldung',
        formular_version: '1.0',
        prozesseigner: 'pe-smk',
        features: JSON.stringify(['fitconnect']),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('leistung_oe')
      .values([{ leistung_id: '99050012104000', oe_id: 'oe-leipzig-ordnungsamt' }])
      .onConflict((oc) => oc.columns(['leistung_id', 'oe_id']).doNothing())
      .execute();
    await trx
      .insertInto('aktivierung')
      .values({
        id: 'hundesteuer-leipzig',
        onlinedienst_id: 'hundesteuer',
        mandant_id: 'leipzig',
        oe_id: 'oe-leipzig-ordnungsamt',
        leistung_id: '99050012104000',
        status: 'aktiv',
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const parameter: [string, string, string][] = [
      ['anwohnerparken-leipzig', 'gebuehr.betragCent', '3050'],
      ['anwohnerparken-leipzig', 'epaybl.mandantNr', '014'],
      ['anwohnerparken-leipzig', 'epaybl.bewirtschafterNr', 'L-ORD'],
      ['anwohnerparken-leipzig', 'epaybl.haushaltsstelle', '1220.1100'],
      ['anwohnerparken-leipzig', 'epaybl.buchungstext', 'Bewohnerparkausweis'],
      ['anwohnerparken-leipzig', 'zustellung.modus', 'transfer-plain'],
      ['hundesteuer-leipzig', 'zustellung.modus', 'fitconnect'],
      ['hundesteuer-leipzig', 'fitconnect.destinationId', 'demo-destination'],
    ];
    await trx
      .insertInto('prozessparameter')
      .values(
        parameter.map(([aktivierung_id, key, value]) => ({
          aktivierung_id,
          key,
          value,
          value_encrypted: null,
          protected: false,
        })),
      )
      .onConflict((oc) => oc.columns(['aktivierung_id', 'key']).doNothing())
      .execute();
    await seedFormulare(trx);
  });
}
