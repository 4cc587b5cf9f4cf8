import { describe, expect, it } from 'vitest';
import { pruefeDefinition } from '../../domain/formular/definition';
import type { Definition } from '../../domain/formular/format';
import { fehlendePflichtparameter, pruefeParameter } from '../../domain/formular/parameter';
import { zertifiziere } from '../../domain/formular/zertifizierung';
import { gateCheck } from '../../domain/onlinedienst/gate-check';
import { beispiel } from './formular-fixtures';

const parse = (d: unknown): Definition => {
  const r = pruefeDefinition(d);
  if (!r.ok) throw new Error(JSON.stringify(r.befunde));
  return r.definition;
};
const befunde = (d: unknown) => zertifiziere(parse(d)).befunde.map((b) => [b.pfad, b.regel]);

describe('automatic certification', () => {
  it('passes a complete definition', () => {
    expect(zertifiziere(parse(beispiel()))).toEqual({ regelwerk: 'zertifizierung/2', bestanden: true, befunde: [] });
  });

  it('refuses a cycle in conditions (an endless loop), naming the condition', () => {
    const def = beispiel() as any;
    // name is shown only when vorfall is filled, vorfall only when name is: neither can ever appear.
    def.abschnitte[0].felder[0].bedingung = { wirkung: 'anzeigen', wenn: { feld: 'vorfall', ausgefuellt: true } };
    def.abschnitte[0].felder[2].bedingung = { wirkung: 'anzeigen', wenn: { feld: 'name', ausgefuellt: true } };
    const r = zertifiziere(parse(def));
    expect(r.bestanden).toBe(false);
    expect(r.befunde).toEqual([
      {
        pfad: '/abschnitte/0/felder/0/bedingung',
        regel: 'bedingung-zyklus',
        meldung: 'Bedingungen bilden einen Kreis (Endlosschleife): name → vorfall → name.',
      },
    ]);
    const self = beispiel() as any;
    self.abschnitte[0].felder[2].bedingung = { wirkung: 'anzeigen', wenn: { feld: 'vorfall', gleich: 'x' } };
    expect(befunde(self)).toEqual([['/abschnitte/0/felder/2/bedingung', 'bedingung-zyklus']]);
  });

  it('refuses a missing label, an unknown condition target, options, limits and an open upload', () => {
    const def = beispiel() as any;
    delete def.abschnitte[0].felder[1].label;
    def.abschnitte[0].felder[2].bedingung.wenn.feld = 'gibtsnicht';
    def.abschnitte[0].felder[6].optionen = [];
    def.abschnitte[0].felder[0].minLaenge = 90;
    delete def.abschnitte[0].felder[3].erlaubteTypen;
    expect(befunde(def)).toEqual([
      ['/abschnitte/0/felder/0', 'grenzen'],
      ['/abschnitte/0/felder/1/label', 'label'],
      ['/abschnitte/0/felder/3/erlaubteTypen', 'upload'],
      ['/abschnitte/0/felder/6/optionen', 'optionen'],
      ['/abschnitte/0/felder/2/bedingung', 'bedingung-ziel'],
    ]);
  });

  it('refuses a fee without ePayBL parameters, a missing data protection statement and unmapped fields', () => {
    const def = beispiel() as any;
    def.prozess.parameter = def.prozess.parameter.filter((p: any) => !p.name.startsWith('epaybl.'));
    delete def.prozess.datenschutz;
    def.prozess.zustellung.ausgabeformat = 'xml';
    def.abschnitte[0].felder = def.abschnitte[0].felder
      .slice(0, 2)
      .map((f: any) => ({ ...f, ausgabe: { xml: 'A/B' } }));
    delete def.abschnitte[0].felder[1].ausgabe;
    expect(zertifiziere(parse(def)).befunde).toEqual([
      { pfad: '/prozess/datenschutz', regel: 'datenschutz', meldung: 'Die Datenschutzerklärung des Prozesses fehlt.' },
      {
        pfad: '/prozess/gebuehr',
        regel: 'gebuehr-epaybl',
        meldung:
          'Gebühr ohne ePayBL-Parameter: epaybl.mandantNr, epaybl.bewirtschafterNr, epaybl.haushaltsstelle, ' +
          'epaybl.buchungstext nicht deklariert.',
      },
      {
        pfad: '/abschnitte/0/felder/1/ausgabe',
        regel: 'ausgabe',
        meldung: 'Feld „gefaehrlich“ hat keine Zuordnung im Ausgabeformat xml.',
      },
    ]);
  });

  it('checks Prozessparameter against the declaration, and the gate names the missing required ones', () => {
    const deklariert = parse(beispiel()).prozess.parameter;
    const r = pruefeParameter(
      [
        { key: 'gebuehr.betragCnt', wert: '3050', geschuetzt: false },
        { key: 'gebuehr.betragCent', wert: 'dreißig', geschuetzt: false },
        { key: 'epaybl.mandantNr', wert: '014', geschuetzt: false },
      ],
      deklariert,
    );
    expect(r.probleme).toEqual([
      { name: 'gebuehr.betragCnt', reason: 'Unbekannter Prozessparameter: vom Prozess nicht deklariert.' },
      { name: 'gebuehr.betragCent', reason: 'Ganze Zahl erwartet. (Typ ganzzahl)' },
    ]);
    // Without a definition, the standard namespaces are still guarded; other keys are the Onlinedienst's own.
    expect(pruefeParameter([{ key: 'epayblPasswort', wert: 'x', geschuetzt: true }], null).probleme).toEqual([]);
    expect(
      pruefeParameter([{ key: 'frist.zahlungAbbruch', wert: '2 Wochen', geschuetzt: false }], null).probleme,
    ).toEqual([{ name: 'frist.zahlungAbbruch', reason: 'Dauer wie 90d, 4h, 30m, 10s erwartet. (Typ dauer)' }]);
    const fehlend = fehlendePflichtparameter(deklariert, ['gebuehr.betragCent', 'epaybl.mandantNr']);
    expect(fehlend).toEqual(['epaybl.bewirtschafterNr', 'epaybl.haushaltsstelle', 'epaybl.buchungstext']);
    const gate = gateCheck(
      { mandantId: 'm', leistungId: 'L', zustaendigeStelleId: 'OE', fehlendeParameter: fehlend },
      {
        leistungen: [{ id: 'L', name: 'L', organisationseinheitIds: ['OE'] }],
        organisationseinheiten: [
          { id: 'OE', name: 'OE', mandantId: 'm', kommunikation: [{ typ: 'behoerdenkonto', behoerdenkontoId: 'B' }] },
        ],
        behoerdenkonten: [{ id: 'B', mandantId: 'm', aktiv: true }],
        mandanten: [{ id: 'm', name: 'M', impressum: 'I', logo: 'L', datenschutzbeauftragter: { name: 'D' } }],
      },
    );
    expect(gate.failures).toEqual([
      {
        code: 'prozessparameter-missing',
        message:
          'Für die Aktivierung bei m fehlen Pflicht-Prozessparameter: epaybl.bewirtschafterNr, ' +
          'epaybl.haushaltsstelle, epaybl.buchungstext.',
      },
    ]);
  });
});
