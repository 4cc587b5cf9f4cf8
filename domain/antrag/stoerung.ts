// A Störung (incident): an Antrag stuck on something a retry cannot fix — a Prozessparameter the Mandant mistyped, a
// configuration error at ePayBL's operator, data ePayBL refuses — or on an outage that has lasted past the threshold.
// The workflow waits on it instead of retrying for ever; whoever can fix it is told once per cause.

/** Who can remove the cause: the Mandant (its Prozessparameter) or the AWB (operations, ePayBL's operator). */
export type BehebbarDurch = 'mandant' | 'awb';

/** `dauerhaft`: a failure no retry can fix; `anhaltend`: a temporary failure that outlasted the threshold. */
export type StoerungArt = 'dauerhaft' | 'anhaltend';

/**
 * Where in the Antrag the step failed (receipt, payment, the Wartungsmodus check), or `zahlungsabfrage`: the long
 * wait for the payment (or a refund) cannot read its Kassenzeichen. That one holds nothing up — the wait goes on, the
 * citizen's money may still come — and resolves itself with the next good read.
 */
export type StoerungSchritt = 'eingang' | 'zahlung' | 'wartung' | 'zahlungsabfrage';

/** A Störung the Antrag does not wait on: it clears itself, no "try again" is needed. */
export function behebtSichSelbst(schritt: StoerungSchritt): boolean {
  return schritt === 'zahlungsabfrage';
}

/**
 * The failure types (ApplicationFailure.type) no retry fixes, with who fixes them. Every other failure is
 * retryable; it becomes a Störung only once it has lasted past the threshold.
 */
export const DAUERHAFTE_FEHLER = {
  /** A Prozessparameter is missing or malformed (activities/antrag/konfiguration.ts). */
  KonfigurationsFehler: { behebbarDurch: 'mandant', was: 'Prozessparameter der Aktivierung fehlerhaft' },
  /** The Organisationseinheit an answer names as recipient is unknown or has no channel (activities/antrag/empfaenger.ts). */
  EmpfaengerFehler: { behebbarDurch: 'mandant', was: 'Empfangende Stelle des Antrags nicht eingerichtet' },
  /** ePayBL -0611: Mandant, Bewirtschafter or Haushaltsstelle unknown at the operator. */
  EpayblKonfiguration: { behebbarDurch: 'awb', was: 'ePayBL meldet einen Konfigurationsfehler beim Betreiber' },
  /** ePayBL refuses a field we send from the Prozessparameter (a Buchungstext character, a length). */
  EpayblDatenAbgelehnt: { behebbarDurch: 'mandant', was: 'ePayBL weist die Zahlungsdaten der Aktivierung zurück' },
  /** Any other final ePayBL code: the operator has to look (with the ePayment id). */
  EpayblAbgelehnt: { behebbarDurch: 'awb', was: 'ePayBL lehnt den Aufruf endgültig ab' },
  /** A SOAP Client fault, an HTTP 4xx, a reply about another Kassenzeichen: our call or the endpoint is wrong. */
  EpayblSchnittstellenfehler: { behebbarDurch: 'awb', was: 'Die ePayBL-Schnittstelle weist den Aufruf zurück' },
} as const satisfies Record<string, { behebbarDurch: BehebbarDurch; was: string }>;

export type DauerhafterFehler = keyof typeof DAUERHAFTE_FEHLER;

export const DAUERHAFTE_FEHLERTYPEN = Object.keys(DAUERHAFTE_FEHLER) as DauerhafterFehler[];

export function istDauerhafterFehler(typ: string | undefined): typ is DauerhafterFehler {
  return typ !== undefined && Object.hasOwn(DAUERHAFTE_FEHLER, typ);
}

export const BEHEBBAR_DURCH_TEXT: Record<BehebbarDurch, string> = {
  mandant: 'der Mandant (Prozessparameter)',
  awb: 'der AWB (Betrieb)',
};

export const SCHRITT_TEXT: Record<StoerungSchritt, string> = {
  eingang: 'Eingang',
  zahlung: 'Zahlung (ePayBL)',
  wartung: 'Wartungsmodus-Prüfung',
  zahlungsabfrage: 'Abfrage des Zahlungseingangs (ePayBL)',
};

/** What the workflow knows of the failure it waits on (never personal data: types, codes and our own texts). */
export interface StoerungFehler {
  typ: string;
  nachricht: string;
  /** the ePayBL code, when ePayBL answered */
  code?: string;
  ePaymentId?: string;
}
