// Reading the content of ePayBL's replies: the result block every reply carries, a Kassenzeichen, and the amounts
// and pay-page status of lesenKassenzeichenInfo.
import { decimalToCents } from './amounts';
import {
  deriveKassenzeichenState,
  EpayblError,
  isZahlverfahren,
  TRANSPORT_CODES,
  type EpayblOperation,
  type EpayblResult,
  type Kassenzeichen,
  type KassenzeichenInfo,
} from './types';
import { child, text, type XmlValue } from './xml';

export function readResult(value: XmlValue | undefined): EpayblResult {
  // ePayBL 3.x moved code and texts into a nested <text>; 2.x has them flat. Accept both.
  const nested = child(value, 'text');
  const pick = (name: string) => text(value, name) ?? text(nested, name) ?? '';
  const istOk = pick('istOk') || pick('istOK');
  return {
    ok: istOk === 'true' || istOk === '1',
    code: pick('code'),
    shortText: pick('kurzText'),
    longText: pick('langText'),
    ePaymentId: pick('EPaymentId'),
    timestamp: pick('EPaymentTimestamp'),
  };
}

export function readKassenzeichen(operation: EpayblOperation, ret: XmlValue): Kassenzeichen {
  const liste = child(ret, 'buchungsListe');
  const kassenzeichen = text(liste, 'kassenzeichen');
  if (!kassenzeichen) {
    throw new EpayblError({ operation, code: TRANSPORT_CODES.INVALID_RESPONSE, message: 'reply has no kassenzeichen' });
  }
  return {
    result: readResult(child(ret, 'ergebnis')),
    kassenzeichen,
    eShopTransaktionsNr: text(liste, 'EShopTransaktionsNr') ?? '',
    betragCent: decimalToCents(operation, text(liste, 'betrag') ?? ''),
    faelligkeitsdatum: text(liste, 'faelligkeitsdatum') ?? '',
  };
}

/** The reply of lesenKassenzeichenInfo for `asked`, whose result block was already found ok. */
export function readKassenzeichenInfo(ret: XmlValue, asked: string, result: EpayblResult): KassenzeichenInfo {
  const invalid = (message: string) =>
    new EpayblError({
      operation: 'lesenKassenzeichenInfo',
      code: TRANSPORT_CODES.INVALID_RESPONSE,
      message,
      retryable: false,
    });
  // Koha's client treats this as suspicious too: never book a payment read for another Kassenzeichen.
  const kassenzeichen = text(ret, 'kassenzeichen');
  if (kassenzeichen !== asked) {
    throw invalid(`asked for ${asked}, reply is about ${kassenzeichen ?? 'nothing'}`);
  }
  // Total and saldo decide "paid": a missing one must not read as 0. Partial sums may be left out.
  const amount = (name: string, mandatory: boolean) => {
    const value = text(ret, name);
    if (!value && mandatory) throw invalid(`reply has no ${name}`);
    return decimalToCents('lesenKassenzeichenInfo', value || '0');
  };
  const totalCent = amount('betragHauptforderungen', true);
  const saldoCent = amount('saldo', true);
  const stornoCent = amount('betragStornos', false);
  const paidCent = amount('betragZahlungseingaenge', false) - amount('betragRuecklastschriften', false);
  const paypageCode = text(child(ret, 'paypageStatus'), 'code');
  const verfahren = text(ret, 'zahlverfahren');
  return {
    result,
    kassenzeichen,
    eShopKundenNr: text(ret, 'EShopKundenNr') ?? '',
    // Anything but an explicit INAKTIV counts as active: never conclude a visit ended on a missing field.
    paypageStatus: paypageCode === 'INAKTIV' ? 'inaktiv' : 'aktiv',
    zahlverfahren: verfahren && isZahlverfahren(verfahren) ? verfahren : null,
    totalCent,
    paidCent,
    stornoCent,
    saldoCent,
    storniert: totalCent > 0 && totalCent - stornoCent <= 0,
    state: deriveKassenzeichenState({ totalCent, stornoCent, paidCent, saldoCent }),
  };
}
