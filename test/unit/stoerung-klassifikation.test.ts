// Which failures no retry fixes, and who fixes them: the ePayBL codes as the client reports them, and the types the
// Antrag's retry policy stops on.
import { describe, expect, it } from 'vitest';
import { DAUERHAFTE_FEHLER, DAUERHAFTE_FEHLERTYPEN, istDauerhafterFehler } from '../../domain/antrag/stoerung';
import { classifyEpayblError } from '../../integrations/epaybl/errors';
import { EpayblError } from '../../integrations/epaybl/types';

// An istOk=false reply carries its result; a transport failure or a SOAP fault has none.
const fehler = (code: string, reply = true) =>
  new EpayblError({
    operation: 'anlegenKassenzeichen',
    code,
    message: 'x',
    ...(reply
      ? {
          result: {
            ok: false,
            code,
            shortText: 'x',
            longText: 'x',
            ePaymentId: 'EP000000000001',
            timestamp: '2026-12-04T12:00:00Z',
          },
        }
      : {}),
  });
const epayblFehlerTyp = (err: EpayblError) => classifyEpayblError(err).type;

describe('Störung classification', () => {
  it('maps ePayBL codes: -0611 to the AWB, field errors to the Mandant, temporary ones to retries', () => {
    expect(epayblFehlerTyp(fehler('-0611'))).toBe('EpayblKonfiguration');
    expect(epayblFehlerTyp(fehler('-611'))).toBe('EpayblKonfiguration');
    expect(epayblFehlerTyp(fehler('-0103'))).toBe('EpayblDatenAbgelehnt');
    expect(epayblFehlerTyp(fehler('-0117'))).toBe('EpayblAbgelehnt');
    for (const temporary of ['-0510', 'TIMEOUT', 'TRANSPORT', 'HTTP_503']) {
      expect(epayblFehlerTyp(fehler(temporary, temporary === '-0510'))).toBe('EpayblFehler');
    }
    expect(epayblFehlerTyp(fehler('SOAP_CLIENT_FAULT', false))).toBe('EpayblSchnittstellenfehler');
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
        'EpayblSchnittstellenfehler',
      ]),
    );
    expect(istDauerhafterFehler('EpayblFehler')).toBe(false);
    expect(istDauerhafterFehler('toString')).toBe(false);
    expect(istDauerhafterFehler(undefined)).toBe(false);
  });
});
