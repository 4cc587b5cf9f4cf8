// The SOAP operations: each validates like the real system, changes state, and returns the reply content that
// follows the result block. A refusal is a SimFailure and changes nothing.
import { RESULT_CODES, SimFailure, missing, type SimOperation } from './codes';
import { createKassenzeichen } from './kassenzeichen';
import { formatDecimal, limited } from './limits';
import { isOpen } from './saldo';
import { paidCent, saldoCent, stateOf, type EpayblStore, type SimKassenzeichen, type SimKunde } from './state';
import { child, el, leaf, optional, required, type Xml } from './xml';

export type Operations = Record<SimOperation, (args: Xml) => string>;

export function createOperations(store: EpayblStore, mandanten: ReadonlySet<string> | null): Operations {
  function checkMandant(args: Xml): string {
    const mandantNr = required(args, 'mandantNr');
    if (mandanten && !mandanten.has(mandantNr)) {
      throw new SimFailure(
        RESULT_CODES.CONFIGURATION_ERROR,
        'Konfigurationsfehler',
        `Mandant ${mandantNr} ist im ePayment-System nicht eingerichtet`,
      );
    }
    return mandantNr;
  }

  function requireKunde(mandantNr: string, nr: string): SimKunde {
    const k = store.kunde(mandantNr, nr);
    if (!k) throw new SimFailure(RESULT_CODES.CUSTOMER_UNKNOWN, 'Kunde unbekannt', `Kunde ${nr} ist nicht bekannt`);
    return k;
  }

  return {
    isAlive(args) {
      checkMandant(args);
      return '';
    },

    anlegenKunde(args) {
      const mandantNr = checkMandant(args);
      const bewirtschafterNr = limited(required(args, 'bewirtschafterNr'), 'bewirtschafterNr');
      const kunde = child(args, 'kunde');
      if (kunde === undefined) throw missing('kunde');
      const nr = limited(required(kunde, 'EShopKundenNr'), 'eShopKundenNr', 'EShopKundenNr');
      const vorname = optional(kunde, 'vorname');
      const nachname = optional(kunde, 'nachname');
      if (vorname !== null) limited(vorname, 'vorname');
      if (nachname !== null) limited(nachname, 'nachname');
      if (store.kunde(mandantNr, nr)) {
        throw new SimFailure(RESULT_CODES.CUSTOMER_EXISTS, 'Kunde existiert bereits', `Kunde ${nr} existiert bereits`);
      }
      store.putKunde({
        mandantNr,
        bewirtschafterNr,
        eShopKundenNr: nr,
        vorname,
        nachname,
        sprache: optional(kunde, 'sprache'),
        gesperrt: false,
      });
      store.save();
      return '';
    },

    loeschenKunde(args) {
      const mandantNr = checkMandant(args);
      required(args, 'bewirtschafterNr');
      const nr = required(args, 'EShopKundenNr');
      requireKunde(mandantNr, nr);
      const open = [...store.kassenzeichen.values()].some((kz) => {
        if (kz.mandantNr !== mandantNr || kz.eShopKundenNr !== nr) return false;
        store.settle(kz);
        return kz.pending !== null || isOpen(stateOf(kz));
      });
      if (open) {
        throw new SimFailure(
          RESULT_CODES.CUSTOMER_NOT_DELETABLE,
          'Kunde nicht löschbar',
          `Kunde ${nr} hat offene Kassenzeichen`,
        );
      }
      store.deleteKunde(mandantNr, nr);
      store.save();
      return '';
    },

    anlegenKassenzeichen(args) {
      const mandantNr = checkMandant(args);
      const kz = createKassenzeichen(store, mandantNr, args, requireKunde);
      return buchungsListeXml(kz);
    },

    lesenKassenzeichenInfo(args) {
      const mandantNr = checkMandant(args);
      // Clients disagree on the element's case (Koha: kassenzeichen, Egovs: Kassenzeichen).
      const nr = optional(args, 'kassenzeichen') ?? required(args, 'Kassenzeichen');
      const kz = store.find(nr);
      if (!kz || kz.mandantNr !== mandantNr) {
        throw new SimFailure(RESULT_CODES.KASSENZEICHEN_UNKNOWN, 'Kassenzeichen unbekannt', `${nr} ist unbekannt`);
      }
      return kassenzeichenInfoXml(kz);
    },

    lesenTransaktion(args) {
      const mandantNr = checkMandant(args);
      const tx = required(args, 'eShopTransaktionsNr');
      const kz = store.byTransaktion(mandantNr, tx);
      if (!kz) throw new SimFailure(RESULT_CODES.TRANSACTION_UNKNOWN, 'Transaktion unbekannt', `${tx} ist unbekannt`);
      return buchungsListeXml(kz);
    },
  };
}

function buchungsListeXml(kz: SimKassenzeichen): string {
  return el(
    'buchungsListe',
    leaf('betrag', formatDecimal(kz.hauptforderungenCent)) +
      leaf('bewirtschafterNr', kz.bewirtschafterNr) +
      leaf('faelligkeitsdatum', kz.faelligkeitsdatum) +
      leaf('kassenzeichen', kz.kassenzeichen) +
      leaf('kennzeichenMahnverfahren', kz.kennzeichenMahnverfahren) +
      leaf('waehrungskennzeichen', 'EUR') +
      (kz.eShopTransaktionsNr === null ? '' : leaf('EShopTransaktionsNr', kz.eShopTransaktionsNr)),
  );
}

/** Only the amounts: ePayBL names no state, the client derives it (bank transfers have no callback). */
function kassenzeichenInfoXml(kz: SimKassenzeichen): string {
  const aktiv = kz.paypageStatus === 'AKTIV';
  return (
    leaf('kassenzeichen', kz.kassenzeichen) +
    leaf('EShopKundenNr', kz.eShopKundenNr) +
    (kz.vorname === null ? '' : leaf('vorname', kz.vorname)) +
    (kz.nachname === null ? '' : leaf('name', kz.nachname)) +
    (kz.zahlverfahren === null ? '' : leaf('zahlverfahren', kz.zahlverfahren)) +
    leaf('betragZahlungseingaenge', formatDecimal(paidCent(kz))) +
    leaf('betragHauptforderungen', formatDecimal(kz.hauptforderungenCent)) +
    leaf('betragRuecklastschriften', '0.00') +
    leaf('betragLastschriften', '0.00') +
    leaf('betragSonstigeBuchungen', '0.00') +
    leaf('betragStornos', formatDecimal(kz.stornosCent)) +
    leaf('saldo', formatDecimal(saldoCent(kz))) +
    leaf('waehrung', 'EUR') +
    el(
      'paypageStatus',
      leaf('code', aktiv ? 'AKTIV' : 'INAKTIV') +
        leaf('kurzText', aktiv ? 'Paypage aktiv' : 'Paypage inaktiv') +
        leaf('sprache', 'de'),
    )
  );
}
