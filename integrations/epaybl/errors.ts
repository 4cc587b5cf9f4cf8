// What an ePayBL error means for the Antrag waiting on it: the one list of failure type names an activity raises, and
// the rule that picks one (external-systems.md, "ePayBL in detail": istOk=false is final unless the code is one of
// the temporary ones; a SOAP Server fault or a transport failure is temporary). Pure, so workflows may import the
// names too (incidents group stuck Anträge by them).
import { codeNumber, EPAYBL_CODES, EpayblError, sameCode } from './types';

/**
 * Failure type names, one per cause. Only `voruebergehend` is retried; the others need a person. The names are in
 * recorded histories (the Störung an Antrag waits on is grouped by them): never rename one.
 */
export const EPAYBL_FAILURE_TYPES = {
  /** -0510/-0511/-0513, timeout, connection refused, HTTP 5xx/408/429, SOAP Server fault, unreadable reply. */
  voruebergehend: 'EpayblFehler',
  /** -0611: Mandant, Bewirtschafter or Haushaltsstelle unknown at the operator. */
  konfiguration: 'EpayblKonfiguration',
  /** -0101…-0109: a field we send from the Prozessparameter is refused (a Buchungstext character, a length). */
  datenAbgelehnt: 'EpayblDatenAbgelehnt',
  /** Any other istOk=false: ePayBL refused this request (the customer, the claim); the operator has to look. */
  abgelehnt: 'EpayblAbgelehnt',
  /** SOAP Client fault, HTTP 4xx, a reply about another Kassenzeichen: the call or the endpoint is wrong. */
  schnittstelle: 'EpayblSchnittstellenfehler',
} as const;

export type EpayblFailureType = (typeof EPAYBL_FAILURE_TYPES)[keyof typeof EPAYBL_FAILURE_TYPES];

/** The final ones: the workflow's retry policy does not retry them (a person has to act). */
export const EPAYBL_FINAL_FAILURE_TYPES: readonly EpayblFailureType[] = [
  EPAYBL_FAILURE_TYPES.konfiguration,
  EPAYBL_FAILURE_TYPES.datenAbgelehnt,
  EPAYBL_FAILURE_TYPES.abgelehnt,
  EPAYBL_FAILURE_TYPES.schnittstelle,
];

/** Who can fix a final one: the AWB has the operator's configuration and the interface, the Mandant its data. */
export const EPAYBL_ZUSTAENDIG: Record<EpayblFailureType, 'awb' | 'mandant' | null> = {
  EpayblFehler: null,
  EpayblKonfiguration: 'awb',
  EpayblDatenAbgelehnt: 'mandant',
  EpayblAbgelehnt: 'awb',
  EpayblSchnittstellenfehler: 'awb',
};

/** What travels with the failure (its details) and into the log: the operator asks for the ePayment id. */
export interface EpayblFailureDetails {
  operation: string;
  code: string;
  ePaymentId: string | null;
  zustaendig: 'awb' | 'mandant' | null;
}

export interface EpayblFailure {
  type: EpayblFailureType;
  /** no retry fixes it (the activity still raises it as retryable; the workflow's policy stops on the type) */
  final: boolean;
  message: string;
  details: EpayblFailureDetails;
}

export function classifyEpayblError(err: EpayblError): EpayblFailure {
  const type = err.retryable
    ? EPAYBL_FAILURE_TYPES.voruebergehend
    : sameCode(err.code, EPAYBL_CODES.CONFIGURATION_ERROR)
      ? EPAYBL_FAILURE_TYPES.konfiguration
      : err.result
        ? isFieldError(err.code)
          ? EPAYBL_FAILURE_TYPES.datenAbgelehnt
          : EPAYBL_FAILURE_TYPES.abgelehnt
        : EPAYBL_FAILURE_TYPES.schnittstelle;
  return {
    type,
    final: !err.retryable,
    message: `ePayBL ${err.message}`,
    details: {
      operation: err.operation,
      code: err.code,
      ePaymentId: err.result?.ePaymentId || null,
      zustaendig: EPAYBL_ZUSTAENDIG[type],
    },
  };
}

function isFieldError(code: string): boolean {
  const n = codeNumber(code);
  return n <= -101 && n >= -109;
}

export function isFinalEpayblFailureType(type: string | undefined | null): boolean {
  return (EPAYBL_FINAL_FAILURE_TYPES as readonly string[]).includes(type ?? '');
}
