// The process definition decides the Antrag's steps (fee, delivery, Fristen, recipient) with the activation's
// Prozessparameter filling in, and the output mapping shapes what the Fachverfahren receives.
import { describe, expect, it } from 'vitest';
import { pruefeDefinition } from '../../domain/formular/definition';
import type { Definition, DefinitionEingabe } from '../../domain/formular/format';
import { ausgabeDaten } from '../../domain/formular/ausgabe';
import { prozessSchritte } from '../../domain/formular/prozess-schritte';
import { anwohnerparkenDefinition, hundesteuerDefinition } from '../../domain/formular/demo-definitionen';
import { schulanmeldungDefinition, SCHULANMELDUNG_BEISPIEL } from '../../domain/formular/schulanmeldung';
import { zertifiziere } from '../../domain/formular/zertifizierung';
import { buildAusgabeXml } from '../../integrations/transfer/ausgabe-xml';
import { beispiel } from './formular-fixtures';

const parse = (d: unknown): Definition => {
  const r = pruefeDefinition(d);
  if (!r.ok) throw new Error(JSON.stringify(r.befunde));
  return r.definition;
};
const prozess = (d: DefinitionEingabe, aenderung: Record<string, unknown> = {}) =>
  parse({ ...d, prozess: { ...d.prozess, ...aenderung } }).prozess;

describe('the process definition decides the steps', () => {
  it('charges a fixed fee from the declared amount parameter, none when the process has no fee', () => {
    const mitGebuehr = prozessSchritte(prozess(anwohnerparkenDefinition), { 'gebuehr.betragCent': '3050' }, {});
    expect(mitGebuehr.gebuehrCent).toBe(3050);
    expect(mitGebuehr.parameter['gebuehr.betragCent']).toBe('3050');
    // A stray amount on an activation of a process without a fee charges nothing.
    const ohne = prozessSchritte(prozess(hundesteuerDefinition), { 'gebuehr.betragCent': '3050' }, {});
    expect(ohne.gebuehrCent).toBeNull();
    expect(ohne.parameter['gebuehr.betragCent']).toBeUndefined();
    const kaputt = prozessSchritte(prozess(anwohnerparkenDefinition), { 'gebuehr.betragCent': '30,50' }, {});
    expect(kaputt.probleme).toEqual(['gebuehr.betragCent: Ganze Zahl ≥ 0 (Cent) erwartet']);
  });

  it('computes count × amount from an answer', () => {
    const def = beispiel() as any;
    def.abschnitte[0].felder.push({ id: 'hunde', typ: 'zahl', label: 'Anzahl Hunde', ganzzahl: true, min: 1 });
    def.prozess.gebuehr = { art: 'jeEinheit', parameter: 'gebuehr.betragCent', feld: 'hunde' };
    const p = parse(def).prozess;
    expect(prozessSchritte(p, { 'gebuehr.betragCent': '1200' }, { hunde: 3 }).gebuehrCent).toBe(3600);
    expect(prozessSchritte(p, { 'gebuehr.betragCent': '1200' }, { hunde: 0 }).gebuehrCent).toBeNull();
    expect(prozessSchritte(p, { 'gebuehr.betragCent': '1200' }, { hunde: 2.5 }).probleme).toEqual([
      'hunde: die Anzahl für die Gebühr ist keine ganze Zahl ≥ 0',
    ]);
  });

  it("takes the process's delivery mode and Fristen, the Mandant's values where the process declares them", () => {
    const p = prozess(hundesteuerDefinition, { fristen: { widerspruch: '14d', bescheidWartezeit: '100d' } });
    const s = prozessSchritte(p, { 'frist.bescheidWartezeit': '200d' }, {});
    expect(s.modus).toBe('fitconnect');
    expect(s.parameter['frist.widerspruch']).toBe('14d');
    expect(s.parameter['frist.bescheidWartezeit']).toBe('200d');
    expect(prozessSchritte(p, { 'zustellung.modus': 'transfer-plain' }, {}).modus).toBe('transfer-plain');
    // Not declared: the process's mode holds whatever an activation carries.
    const fest = prozess(hundesteuerDefinition, {
      parameter: hundesteuerDefinition.prozess.parameter!.filter((d) => d.name !== 'zustellung.modus'),
    });
    expect(prozessSchritte(fest, { 'zustellung.modus': 'transfer-plain' }, {}).modus).toBe('fitconnect');
  });

  it('takes the recipient from the answer the process names', () => {
    const p = prozess(schulanmeldungDefinition);
    expect(prozessSchritte(p, {}, SCHULANMELDUNG_BEISPIEL).empfaengerOe).toBe('gs-leipzig-mitte');
    expect(prozessSchritte(p, {}, { ...SCHULANMELDUNG_BEISPIEL, wunschschule1: undefined }).probleme).toEqual([
      'wunschschule1: keine empfangende Stelle gewählt',
    ]);
  });
});

describe('certification of the recipient', () => {
  it('passes the Schulanmeldung and refuses a recipient field that is no required single choice', () => {
    expect(zertifiziere(parse(schulanmeldungDefinition)).befunde).toEqual([]);
    for (const feld of ['wunschschule2', 'vorname', 'gibtsnicht']) {
      const def = structuredClone(schulanmeldungDefinition) as any;
      def.prozess.empfaenger.feld = feld;
      expect(zertifiziere(parse(def)).befunde.map((b) => [b.pfad, b.regel])).toEqual([
        ['/prozess/empfaenger/feld', 'empfaenger'],
      ]);
    }
  });
});

describe('the output mapping', () => {
  it('moves each answer to its JSON path, groups and lists included; keys it does not know stay', () => {
    const out = ausgabeDaten(
      parse(schulanmeldungDefinition),
      { ...SCHULANMELDUNG_BEISPIEL, antragsteller: 'x' },
      'json',
    );
    expect(out).toEqual({
      kind: {
        vorname: 'Mia',
        nachname: 'Bürger',
        geburtsdatum: '2020-08-14',
        anschrift: SCHULANMELDUNG_BEISPIEL.anschrift,
      },
      schule: { bezirk: 'mitte', erstwunsch: 'gs-leipzig-mitte', zweitwunsch: 'gs-leipzig-nord' },
      sorgeberechtigte: { name: 'Anna Bürger', email: 'anna@example.org' },
      antragsteller: 'x',
    });
    const def = beispiel() as any;
    def.abschnitte[0].felder[4].ausgabe = { json: 'haushalt.kinder' };
    def.abschnitte[0].felder[4].felder[0].ausgabe = { json: 'person.vorname' };
    const liste = ausgabeDaten(parse(def), { name: 'A', kinder: [{ vorname: 'B', alter: 3 }] }, 'json');
    expect(liste).toEqual({ name: 'A', haushalt: { kinder: [{ person: { vorname: 'B' }, alter: 3 }] } });
  });

  it('shapes xFall by the xFall ids and XML by element paths', () => {
    const hund = ausgabeDaten(
      parse(hundesteuerDefinition),
      { hund: { name: 'Bello', rasse: 'Dackel' }, gefaehrlich: false, haltungSeit: '2026-11-01' },
      'xfall',
    );
    expect(hund).toEqual({
      hund: { name: 'Bello', rasse: 'Dackel', gefaehrlich: false },
      antrag: { haltungSeit: '2026-11-01' },
    });
    const parken = parse(anwohnerparkenDefinition);
    const xml = buildAusgabeXml(
      {
        vorgangsnummer: 'A24-00000-00001',
        onlinedienstId: 'anwohnerparken',
        mandantId: 'leipzig',
        submittedAt: '2026-12-01T10:00:00.000Z',
        formData: {},
        pdf: new Uint8Array(),
        attachments: [],
      },
      ausgabeDaten(parken, { kennzeichen: 'L-AB 1234', zone: 'A3', bemerkung: 'Hof <B> & "C"' }, 'xml'),
    );
    expect(xml).toContain('<Fahrzeug>\n    <Kennzeichen>L-AB 1234</Kennzeichen>\n  </Fahrzeug>');
    expect(xml).toContain('<Wohnsitz>\n    <Zone>A3</Zone>');
    expect(xml).toContain('<Bemerkung>Hof &lt;B&gt; &amp; "C"</Bemerkung>');
    expect(xml).not.toContain('<kennzeichen>');
  });
});
