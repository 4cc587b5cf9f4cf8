// anlegenKassenzeichen: the claim with its booking lines, checked field by field as ePayBL does before it looks at
// the customer, so a malformed request is reported as such even for an unknown customer.
import { RESULT_CODES, SimFailure, amountInvalid, invalid, isZahlverfahren, missing } from './codes';
import { BUCHUNGSTEXT_CHARS, KASSENZEICHEN_PATTERN, limited, parseAmount } from './limits';
import type { EpayblStore, SimKassenzeichen, SimKunde } from './state';
import type { SimBuchung } from './types';
import { child, optional, required, type Xml } from './xml';

export function createKassenzeichen(
  store: EpayblStore,
  mandantNr: string,
  args: Xml,
  requireKunde: (mandantNr: string, nr: string) => SimKunde,
): SimKassenzeichen {
  const kundeNr = required(args, 'eShopKundenNr');
  const liste = child(args, 'buchungsListe');
  if (liste === undefined) throw missing('buchungsListe');

  const betragCent = parseAmount(required(liste, 'betrag'), 'betrag');
  if (betragCent <= 0) throw amountInvalid('Betrag muss > 0 sein');
  const waehrung = required(liste, 'waehrungskennzeichen');
  if (waehrung !== 'EUR') {
    throw new SimFailure(RESULT_CODES.CURRENCY_UNSUPPORTED, 'Währung nicht unterstützt', `Währung ${waehrung}`);
  }
  const bewirtschafterNr = limited(required(liste, 'bewirtschafterNr'), 'bewirtschafterNr');
  const mahn = limited(required(liste, 'kennzeichenMahnverfahren'), 'kennzeichenMahnverfahren');
  const faellig = required(liste, 'faelligkeitsdatum');
  if (Number.isNaN(Date.parse(faellig)) || !/^\d{4}-\d{2}-\d{2}/.test(faellig)) {
    throw invalid('faelligkeitsdatum', 'kein xsd:dateTime');
  }

  const tx = optional(liste, 'EShopTransaktionsNr');
  if (tx !== null) {
    limited(tx, 'eShopTransaktionsNr', 'EShopTransaktionsNr');
    const taken = store.byTransaktion(mandantNr, tx);
    if (taken) {
      throw new SimFailure(
        RESULT_CODES.TRANSACTION_TAKEN,
        'TransaktionsNr vergeben',
        `Transaktion ${tx} gehört bereits zu Kassenzeichen ${taken.kassenzeichen}`,
      );
    }
  }

  const wanted = optional(liste, 'kassenzeichen');
  if (wanted !== null) {
    if (!KASSENZEICHEN_PATTERN.test(wanted)) {
      throw new SimFailure(
        RESULT_CODES.KASSENZEICHEN_INVALID,
        'Kassenzeichen ungültig',
        'Kassenzeichen muss aus 2-30 alphanumerischen Zeichen bestehen',
      );
    }
    if (store.kassenzeichen.has(wanted)) {
      throw new SimFailure(RESULT_CODES.KASSENZEICHEN_TAKEN, 'Kassenzeichen vergeben', `${wanted} ist vergeben`);
    }
  }

  const buchungen = readBuchungen(liste, betragCent);
  const verfahren = optional(args, 'zahlverfahren');
  if (verfahren !== null && !isZahlverfahren(verfahren)) {
    throw new SimFailure(RESULT_CODES.PAYMENT_METHOD_INVALID, 'Zahlverfahren ungültig', `${verfahren}`);
  }

  const kunde = requireKunde(mandantNr, kundeNr);
  if (kunde.gesperrt) {
    throw new SimFailure(RESULT_CODES.CUSTOMER_BLOCKED, 'Kunde gesperrt', `Kunde ${kundeNr} ist gesperrt`);
  }

  const kz: SimKassenzeichen = {
    kassenzeichen: wanted ?? store.issueKassenzeichen(),
    mandantNr,
    bewirtschafterNr,
    eShopKundenNr: kundeNr,
    eShopTransaktionsNr: tx,
    vorname: kunde.vorname,
    nachname: kunde.nachname,
    kennzeichenMahnverfahren: mahn,
    faelligkeitsdatum: faellig,
    buchungen,
    hauptforderungenCent: betragCent,
    stornosCent: 0,
    zahlungen: [],
    zahlverfahren: verfahren,
    paypageStatus: 'AKTIV',
    pending: null,
  };
  store.kassenzeichen.set(kz.kassenzeichen, kz);
  store.save();
  return kz;
}

/** The booking lines; a line without an amount takes the whole claim, and all lines must add up to it. */
function readBuchungen(liste: Xml, betragCent: number): SimBuchung[] {
  const buchungen: SimBuchung[] = [];
  const lines = child(liste, 'buchungen', 'buchung');
  for (const b of Array.isArray(lines) ? lines : lines === undefined ? [] : [lines]) {
    const text = limited(required(b, 'buchungstext'), 'buchungstext');
    const bad = [...text].find((c) => !BUCHUNGSTEXT_CHARS.test(c));
    if (bad !== undefined) throw invalid('buchungstext', `unzulässiges Zeichen '${bad}'`);
    const objekt = optional(b, 'objektnummer');
    const lineBetrag = optional(b, 'betrag');
    buchungen.push({
      betragCent: lineBetrag === null ? betragCent : parseAmount(lineBetrag, 'buchung.betrag'),
      buchungstext: text,
      haushaltsstelle: limited(required(b, 'haushaltsstelle'), 'haushaltsstelle'),
      objektnummer: objekt === null ? null : limited(objekt, 'objektnummer'),
    });
  }
  if (buchungen.length > 0 && buchungen.reduce((s, b) => s + b.betragCent, 0) !== betragCent) {
    throw new SimFailure(
      RESULT_CODES.BOOKING_SUM_MISMATCH,
      'Buchungssumme falsch',
      'Die Summe der Buchungen muss dem Betrag der Buchungsliste entsprechen',
    );
  }
  return buchungen;
}
