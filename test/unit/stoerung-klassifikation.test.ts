// Which failures no retry fixes, and who fixes them: the ePayBL codes as the client reports them, and the types the
// Antrag's retry policy stops on.
import { describe, expect, it } from 'vitest';
import { epayblFehlerTyp } from '../../activities/antrag/zahlung';
import { DAUERHAFTE_FEHLER, DAUERHAFTE_FEHLERTYPEN, istDauerhafterFehler } from '../../domain/antrag/stoerung';
import { EpayblError } from '../../integrations/epaybl/types';

const fehler = (code: string) => new EpayblError({ operation: 'anlegenKassenzeichen', code, message: 'x' });

describe('Störung classification', () => {
  it('maps ePayBL codes: -0611 to the AWB, field errors to the Mandant, temporary ones to retries', () => {
    expect(epayblFehlerTyp(fehler('-0611'))).toBe('EpayblKonfiguration');
    expect(epayblFehlerTyp(fehler('-611'))).toBe('EpayblKonfiguration');
    expect(epayblFehlerTyp(fehler('-0103'))).toBe('EpayblDatenAbgelehnt');
    expect(epayblFehlerTyp(fehler('-0117'))).toBe('EpayblAbgelehnt');
    for (const temporary of ['-0510', 'TIMEOUT', 'TRANSPORT', 'HTTP_503']) {
      expect(epayblFehlerTyp(fehler(temporary))).toBe('EpayblFehler');
    }
    expect(DAUERHAFTE_FEHLER.EpayblKonfiguration.behebbarDurch).toBe('awb');
    expect(DAUERHAFTE_FEHLER.EpayblDatenAbgelehnt.behebbarDurch).toBe('mandant');
    expect(DAUERHAFTE_FEHLER.KonfigurationsFehler.behebbarDurch).toBe('mandant');
  });

  it('stops retrying on exactly the final types; everything else is retried until the threshold', () => {
    expect(DAUERHAFTE_FEHLERTYPEN).toEqual(
      expect.arrayContaining([
        'KonfigurationsFehler',
        'EpayblKonfiguration',
        'EpayblDatenAbgelehnt',
        'EpayblAbgelehnt',
      ]),
    );
    expect(istDauerhafterFehler('EpayblFehler')).toBe(false);
    expect(istDauerhafterFehler('toString')).toBe(false);
    expect(istDauerhafterFehler(undefined)).toBe(false);
  });
});
