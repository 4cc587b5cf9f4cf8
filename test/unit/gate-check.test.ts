import { describe, expect, it } from 'vitest';
import { gateCheck, gateCheckAll, type GateMasterData } from '../../domain/onlinedienst/gate-check';

describe('gate check', () => {
  const activation = { mandantId: 'm-pirna', leistungId: 'L-99001', zustaendigeStelleId: 'OE-steuer' };
  const broken: GateMasterData = {
    leistungen: [{ id: 'L-99001', name: 'Hundesteuer Anmeldung', organisationseinheitIds: ['OE-buergeramt'] }],
    organisationseinheiten: [
      {
        id: 'OE-steuer',
        name: 'Steueramt Pirna',
        mandantId: 'm-pirna',
        kommunikation: [{ typ: 'email', wert: 'steuer@pirna.de' }],
      },
    ],
    behoerdenkonten: [{ id: 'BK-1', mandantId: 'm-pirna', aktiv: true }],
    mandanten: [
      {
        id: 'm-pirna',
        name: 'Stadt Pirna',
        impressum: 'Stadt Pirna, Am Markt 1',
        logo: '  ',
        datenschutzbeauftragter: null,
      },
    ],
  };

  it('fails with German messages, then passes once the master data is maintained', () => {
    const first = gateCheck(activation, broken);
    expect(first.passed).toBe(false);
    expect(first.failures).toEqual([
      {
        code: 'leistung-not-linked',
        message: 'Leistung „Hundesteuer Anmeldung“ und Organisationseinheit „Steueramt Pirna“ sind nicht verknüpft.',
      },
      {
        code: 'behoerdenkonto-not-channel',
        message:
          'Das Behördenkonto ist nicht als Kommunikationskanal der zuständigen Stelle „Steueramt Pirna“ hinterlegt.',
      },
      { code: 'logo-missing', message: 'Im Mandanten „Stadt Pirna“ ist kein Logo / Bild gepflegt.' },
      {
        code: 'datenschutzbeauftragter-missing',
        message: 'Im Mandanten „Stadt Pirna“ ist keine Datenschutzbeauftragte / kein Datenschutzbeauftragter gepflegt.',
      },
    ]);

    const fixed: GateMasterData = {
      ...broken,
      leistungen: [{ ...broken.leistungen[0]!, organisationseinheitIds: ['OE-buergeramt', 'OE-steuer'] }],
      organisationseinheiten: [
        {
          ...broken.organisationseinheiten[0]!,
          kommunikation: [
            { typ: 'email', wert: 'steuer@pirna.de' },
            { typ: 'behoerdenkonto', behoerdenkontoId: 'BK-1' },
          ],
        },
      ],
      mandanten: [{ ...broken.mandanten[0]!, logo: 'pirna.png', datenschutzbeauftragter: { name: 'Frau Beispiel' } }],
    };
    expect(gateCheck(activation, fixed)).toEqual({ passed: true, failures: [] });

    const empty: GateMasterData = { leistungen: [], organisationseinheiten: [], behoerdenkonten: [], mandanten: [] };
    expect(gateCheck(activation, empty).failures.map((f) => f.code)).toEqual([
      'leistung-missing',
      'organisationseinheit-missing',
      'mandant-missing',
    ]);
    const noKonto = gateCheckAll([activation], { ...fixed, behoerdenkonten: [] });
    expect(noKonto[0]!.failures).toEqual([
      { code: 'behoerdenkonto-missing', message: 'Für den Mandanten m-pirna gibt es kein Behördenkonto.' },
    ]);
    const inactive = gateCheck(activation, {
      ...fixed,
      behoerdenkonten: [{ id: 'BK-1', mandantId: 'm-pirna', aktiv: false }],
    });
    expect(inactive.failures.map((f) => f.code)).toEqual(['behoerdenkonto-inactive']);
  });
});
