// What the process itself decides for an Antrag's configuration: the declared defaults and the process's Fristen
// under the Mandant's values, and the fee by the process's rule (none, flat, per unit answered).
import { describe, expect, it } from 'vitest';
import { gebuehrCent, prozessVorgaben } from '../../domain/formular/parameter';
import { standardParameter } from '../../domain/formular/standard-parameter';

describe('prozessVorgaben', () => {
  it('gives the declared defaults as text, with the process’s delivery mode and Fristen over them', () => {
    const vorgaben = prozessVorgaben({
      parameter: [
        standardParameter('gebuehr.betragCent', { pflicht: true, default: 1200 }),
        standardParameter('frist.zahlungAbbruch'),
        standardParameter('zustellung.verzeichnis', { pflicht: true }),
        standardParameter('zustellung.modus'),
      ],
      zustellung: { modus: 'transfer-xfall', ausgabeformat: 'xfall' },
      fristen: { zahlungAbbruch: '7d', widerspruch: '1m' },
    });
    expect(vorgaben).toEqual({
      'gebuehr.betragCent': '1200',
      'frist.zahlungAbbruch': '7d',
      'frist.widerspruch': '1m',
      'zustellung.modus': 'transfer-xfall',
    });
  });
});

describe('gebuehrCent', () => {
  it('charges nothing, the flat amount, or the amount per unit answered', () => {
    expect(gebuehrCent({ art: 'keine' }, 3050, {})).toBe(0);
    expect(gebuehrCent({ art: 'pauschal', parameter: 'gebuehr.betragCent' }, 3050, {})).toBe(3050);
    const jeHund = { art: 'jeEinheit', parameter: 'gebuehr.betragCent', feld: 'haltung.anzahl' } as const;
    expect(gebuehrCent(jeHund, 1200, { haltung: { anzahl: 3 } })).toBe(3600);
    expect(gebuehrCent(jeHund, 1200, { haltung: {} })).toBe(0);
    expect(gebuehrCent(jeHund, 1200, { haltung: { anzahl: '3' } })).toBe(0);
  });
});
