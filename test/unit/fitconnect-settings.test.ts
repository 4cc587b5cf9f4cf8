// What FIT-Connect is told and how we reach it, without a server: the payment information the authority reads in
// the metadata, and the configuration of the API prefix and the callback secrets.
import { describe, expect, it } from 'vitest';
import { paymentInformation } from '../../integrations/fitconnect/client';
import { ConfigError, loadConfig } from '../../runtime/config';

const claim = {
  kassenzeichen: 'KZ-014-000123',
  transaktionsnummer: 'A24-7K3M9-20261204',
  status: 'bezahlt',
  betragCent: 3050,
  zahlverfahren: 'GIROPAY',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/amt24');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('FIT-Connect payment information', () => {
  it('names the Kassenzeichen, the transaction, the method, BOOKED and the fee in euros', () => {
    expect(paymentInformation(claim)).toEqual({
      transactionReference: 'KZ-014-000123',
      transactionId: 'A24-7K3M9-20261204',
      paymentMethod: 'GIROPAY',
      status: 'BOOKED',
      grossAmount: 30.5,
    });
  });

  it("maps ePayBL's methods onto FIT-Connect's and keeps the detail where there is no match", () => {
    expect(paymentInformation({ ...claim, zahlverfahren: 'KREDITKARTE' }).paymentMethod).toBe('CREDITCARD');
    expect(paymentInformation({ ...claim, zahlverfahren: 'UEBERWEISUNGNACH' })).toMatchObject({
      paymentMethod: 'INVOICE',
      paymentMethodDetail: 'Überweisung',
    });
    expect(paymentInformation({ ...claim, zahlverfahren: 'LASTSCHRIFTMIT' })).toMatchObject({
      paymentMethod: 'OTHER',
      paymentMethodDetail: 'SEPA-Lastschrift (Mandat)',
    });
    expect(paymentInformation({ ...claim, zahlverfahren: null }).paymentMethod).toBe('OTHER');
  });

  it('says INITIAL, CANCELED or FAILED when the claim is not booked', () => {
    expect(paymentInformation({ ...claim, status: 'offen' }).status).toBe('INITIAL');
    expect(paymentInformation({ ...claim, status: 'ueberbezahlt' }).status).toBe('BOOKED');
    expect(paymentInformation({ ...claim, status: 'storniert' }).status).toBe('CANCELED');
    expect(paymentInformation({ ...claim, status: 'nicht-bezahlt' }).status).toBe('FAILED');
  });
});

describe('FIT-Connect configuration', () => {
  it('takes /v1 by default, /v2 when asked, and refuses anything else naming the variable', () => {
    expect(loadConfig({}, '/srv').fitconnect.apiPrefix).toBe('/v1');
    expect(loadConfig({ FITCONNECT_API_PREFIX: '/v2' }, '/srv').fitconnect.apiPrefix).toBe('/v2');
    expect(problemsOf({ FITCONNECT_API_PREFIX: 'v2' })).toEqual([
      'FITCONNECT_API_PREFIX: must be the Submission API version prefix, /v1 or /v2',
    ]);
  });

  it('takes callback secrets newest first, each at least 32 characters; none means polling only', () => {
    expect(loadConfig({}, '/srv').fitconnect.callbackSecrets).toEqual([]);
    const neu = 'n'.repeat(32);
    const alt = 'a'.repeat(40);
    expect(loadConfig({ FITCONNECT_CALLBACK_SECRET: `${neu},${alt}` }, '/srv').fitconnect.callbackSecrets).toEqual([
      neu,
      alt,
    ]);
    expect(problemsOf({ FITCONNECT_CALLBACK_SECRET: 'kurz' })[0]).toMatch(/^FITCONNECT_CALLBACK_SECRET: /);
  });
});
