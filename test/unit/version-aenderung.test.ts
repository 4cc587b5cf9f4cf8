// A change in Betrieb as a new version: the size of a change between two definitions, and the change cycle of the
// lifecycle rules (Betrieb → Prototyp → Test → Zertifizierung → Produktivsetzung → Betrieb) next to the old
// recertification of the same version.
import { describe, expect, it } from 'vitest';
import { aenderungsumfang } from '../../domain/formular/aenderungsumfang';
import { anwohnerparkenDefinition } from '../../domain/formular/demo-definitionen';
import { definitionSchema, type Definition } from '../../domain/formular/format';
import { lifecycleInBetrieb } from '../../domain/onlinedienst/bestand';
import { automatischZertifiziert } from '../../domain/onlinedienst/aenderung';
import { openEventTask } from '../../domain/onlinedienst/tasks';
import { CONTEXT, done, driveTo, H, must, T0 } from './lifecycle-fixtures';

const v1 = (): Definition => definitionSchema.parse(structuredClone(anwohnerparkenDefinition));

describe('the size of a change', () => {
  it('is small for labels, help texts and optional fields', () => {
    const neu = v1();
    neu.abschnitte[0]!.felder[0]!.label = 'Amtliches Kennzeichen';
    neu.abschnitte[0]!.felder[0]!.hilfe = 'Wie im Fahrzeugschein.';
    neu.abschnitte[2]!.felder.push({ id: 'hinweis', typ: 'text', label: 'Hinweis', pflicht: false });
    expect(aenderungsumfang(v1(), neu)).toEqual({ umfang: 'klein', gruende: [] });
  });

  it('is large for required fields, the fee, the delivery and required Prozessparameter, each named', () => {
    const neu = v1();
    neu.abschnitte[2]!.felder.push({ id: 'zweitwagen', typ: 'janein', label: 'Zweitwagen', pflicht: true });
    neu.abschnitte[1]!.felder = neu.abschnitte[1]!.felder.filter((f) => f.id !== 'zone');
    neu.abschnitte[2]!.felder[1]!.pflicht = true;
    neu.prozess.gebuehr = { art: 'keine' };
    neu.prozess.zustellung = { modus: 'fitconnect', ausgabeformat: 'json' };
    neu.prozess.parameter.push({ name: 'zonen.verzeichnis', typ: 'text', pflicht: true, geschuetzt: false });
    expect(aenderungsumfang(v1(), neu)).toEqual({
      umfang: 'gross',
      gruende: [
        'Feld bemerkung: jetzt Pflichtfeld',
        'Neues Pflichtfeld zweitwagen',
        'Pflichtfeld zone entfernt',
        'Gebühr geändert',
        'Zustellung geändert',
        'Neuer Pflicht-Prozessparameter zonen.verzeichnis',
      ],
    });
  });
});

const inBetrieb = (versioniert: boolean) =>
  lifecycleInBetrieb(
    {
      ...CONTEXT,
      ...(versioniert ? { versionierteAenderung: true } : {}),
      prozess: { name: 'P', version: '1.0' },
      formular: { name: 'F', version: '1.0' },
      zertifizierungsReferenz: 'Z-1',
      aktivierteMandanten: ['m-leipzig'],
    },
    'pl-1',
    T0,
  );
const rechtsaenderung = (versioniert: boolean, umsetzung: string) => {
  const opened = must(openEventTask(inBetrieb(versioniert), 'rechtsaenderung', { key: 'RA-1', now: T0 + H }));
  return done(opened.state, 'rechtsaenderung:RA-1', T0 + 2 * H, {
    beschreibung: 'Zweitwagen',
    inKraftAb: '2026-06-01',
    umsetzung,
  });
};

describe('the change cycle', () => {
  it('takes a new version through Prototyp, Test, Zertifizierung and Produktivsetzung back to Betrieb', () => {
    const r = rechtsaenderung(true, 'ohne-rezertifizierung');
    expect(r.transitions.map((t) => `${t.from}→${t.to}:${t.kind}`)).toEqual(['betrieb→prototyp:recertification']);
    expect(r.state.context.aenderung).toEqual({
      anlass: 'rechtsaenderung',
      grund: 'Rechtsänderung: Zweitwagen',
      vollePruefung: false,
    });
    const zert = driveTo('zertifizierung', r.state, T0 + 3 * H);
    // No second Leistungsbeschreibung or rollout planning for a new version: only the certification.
    expect(zert.openTasks.map((t) => t.id)).toEqual(['zertifizierung']);
    const prod = driveTo('produktivsetzung', zert, T0 + 20 * H);
    // The Projektleitung releases every new version, also of an Onlinedienst imported as Bestand.
    expect(prod.openTasks.map((t) => t.id)).toEqual(['produktivsetzung-freigeben']);
    const back = driveTo('betrieb', prod, T0 + 30 * H);
    expect(back.history.at(-1)).toMatchObject({ from: 'produktivsetzung', to: 'betrieb', kind: 'recertification' });
    expect(back.context.aenderung).toBeUndefined();
    // The activations stay live: no second activation chain, only the yearly review.
    expect(back.openTasks.map((t) => t.id)).toEqual(['betriebspruefung']);
  });

  it('keeps the old recertification of the same version for lifecycles without the rule', () => {
    const r = rechtsaenderung(false, 'mit-rezertifizierung');
    expect(r.transitions.map((t) => `${t.from}→${t.to}`)).toEqual(['betrieb→zertifizierung']);
    expect(rechtsaenderung(false, 'ohne-rezertifizierung').transitions).toEqual([]);
  });

  it('lets the automatic checks decide a Blaupause or a small change, the Zertifizierer a large or a required one', () => {
    const ctx = (aenderung: { vollePruefung: boolean; umfang?: 'klein' | 'gross' }, blaupause = false) => ({
      ...CONTEXT,
      ...(blaupause ? { blaupause } : {}),
      aenderung: { anlass: 'rechtsaenderung' as const, grund: 'x', ...aenderung },
    });
    expect(automatischZertifiziert(ctx({ vollePruefung: false, umfang: 'klein' }))).toBe(true);
    expect(automatischZertifiziert(ctx({ vollePruefung: false, umfang: 'gross' }))).toBe(false);
    expect(automatischZertifiziert(ctx({ vollePruefung: true, umfang: 'klein' }))).toBe(false);
    expect(automatischZertifiziert(ctx({ vollePruefung: false, umfang: 'gross' }, true))).toBe(true);
    expect(automatischZertifiziert({ ...CONTEXT })).toBe(false);
  });
});
