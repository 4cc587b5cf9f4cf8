// The process definition decides for the Antrag what the Mandant leaves to it: the fee by the process's rule (here
// per unit answered), a required Prozessparameter's declared default (the gate lets it pass unset, so the Antrag
// runs with it), and the process's Fristen under the parameters the Mandant sets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployStage, insertVersion } from '../db/stores/formular';
import { anwohnerparkenDefinition } from '../domain/formular/demo-definitionen';
import { definitionSchema, type DefinitionEingabe } from '../domain/formular/format';
import { antragStack, antragsteller, anwohnerparken, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';

/** Anwohnerparken 2.0: 15 € per Ausweis, a default Buchungstext, six seconds to pay. */
const definition: DefinitionEingabe = structuredClone(anwohnerparkenDefinition);
definition.abschnitte[2]!.felder.push({
  id: 'ausweise',
  typ: 'zahl',
  label: 'Anzahl der Ausweise',
  ganzzahl: true,
  min: 1,
  max: 3,
  ausgabe: { xml: 'Ausweis/Anzahl', xfall: 'antrag.ausweise' },
});
definition.prozess.gebuehr = { art: 'jeEinheit', parameter: 'gebuehr.betragCent', feld: 'ausweise' };
definition.prozess.fristen = { zahlungAbbruch: '6s' };
definition.prozess.parameter = definition.prozess.parameter!.map((p) =>
  p.name === 'epaybl.buchungstext' ? { ...p, default: 'Bewohnerparkausweise' } : p,
);

let h: AntragStack;
let aktivierung: string;

beforeAll(async () => {
  h = await antragStack();
  const { row } = await insertVersion(h.db, {
    onlinedienstId: 'anwohnerparken',
    definition: definitionSchema.parse(definition),
    createdBy: 'pm-seitenbau',
  });
  await deployStage(h.db, {
    onlinedienstId: 'anwohnerparken',
    stage: 'produktion',
    version: row.version,
    contentHash: row.content_hash,
    by: 'test',
  });
  // The fee's parameters without the Buchungstext, whose default the process declares.
  const { 'epaybl.buchungstext': _, ...gebuehr } = h.gebuehr(1500);
  aktivierung = await h.aktivierung(gebuehr);
}, 120_000);
afterAll(() => h?.close());

const kassenzeichenVon = (vn: string) =>
  h.waitFor('Kassenzeichen', () =>
    h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst(),
  );

describe('the process decides the fee and the defaults of an Antrag', () => {
  it('charges per Ausweis answered, with the declared Buchungstext, and delivers once paid', async () => {
    const res = await h.submit({
      aktivierungId: aktivierung,
      daten: anwohnerparken({ ausweise: 2 }),
      antragsteller: antragsteller(`${uniqueId('zwei')}@example.org`),
    });
    expect(res.status).toBe(201);
    const vn = res.body.vorgangsnummer;
    const zahlung = await kassenzeichenVon(vn);
    expect(zahlung.betrag_cent).toBe(3000);
    const kz = h.epaybl.kassenzeichen(zahlung.kassenzeichen)!;
    expect(kz.hauptforderungenCent).toBe(3000);
    expect(kz.buchungen[0]?.buchungstext).toContain('Bewohnerparkausweise');
    h.epaybl.zahlung(zahlung.kassenzeichen, 3000, 'GIROPAY');
    await h.zugestellt(vn);
    expect((await h.sicht(vn)).zahlung).toMatchObject({ status: 'bezahlt' });
  });

  it("ends an Antrag nobody pays after the process's Frist, not the standard 14 days", async () => {
    const res = await h.submit({
      aktivierungId: aktivierung,
      daten: anwohnerparken({ ausweise: 1 }),
      antragsteller: antragsteller(`${uniqueId('nie')}@example.org`),
    });
    const vn = res.body.vorgangsnummer;
    expect((await kassenzeichenVon(vn)).betrag_cent).toBe(1500);
    const ende = await h.waitFor('cancelled unpaid', async () => {
      const s = await h.sicht(vn);
      return s.phase === 'abgebrochen' ? s : undefined;
    });
    expect(ende.zahlung).toMatchObject({ status: 'nicht-bezahlt' });
  });
});
