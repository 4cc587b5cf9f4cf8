// The ePayBL adapter's contract. Operation and element names follow the SOAP interface as used by public
// open-source clients (Koha's EPayBLPaypage, B3's Egovs_Paymentbase); the official WSDL is not public.

export const ZAHLVERFAHREN = [
  'UEBERWEISUNGVOR',
  'UEBERWEISUNGNACH',
  'LASTSCHRIFTMIT',
  'LASTSCHRIFTOHNE',
  'GIROPAY',
  'KREDITKARTE',
] as const;
export type Zahlverfahren = (typeof ZAHLVERFAHREN)[number];

export function isZahlverfahren(value: string): value is Zahlverfahren {
  return (ZAHLVERFAHREN as readonly string[]).includes(value);
}

/** Maximum lengths ePayBL enforces; the simulator rejects longer values with -0102, as the real system does. */
export const FIELD_LIMITS = {
  bewirtschafterNr: 8,
  haushaltsstelle: 10,
  objektnummer: 10,
  kennzeichenMahnverfahren: 5,
  buchungstext: 120,
  /** SEPA remittance field: ePayBL builds it as "Kassenzeichen/Buchungstext" and cuts it here. */
  verwendungszweck: 27,
  kassenzeichenMin: 2,
  kassenzeichenMax: 30,
  eShopTransaktionsNr: 30,
  eShopKundenNr: 100,
  vorname: 27,
  nachname: 27,
} as const;

/**
 * The result codes the client acts on, as documented for real ePayBL installations (external-systems.md, "ePayBL in
 * detail"). Nothing else is branched on: every other code is final (not retryable) and is logged with its texts and
 * the ePayment id. Codes are negative four-digit strings; compare them with `sameCode`, never as strings.
 */
export const EPAYBL_CODES = {
  OK: '0',
  CUSTOMER_BLOCKED: '-0117',
  CUSTOMER_NOT_DELETABLE: '-0119',
  CUSTOMER_UNKNOWN: '-0199',
  CONFIGURATION_ERROR: '-0611',
} as const;

/** "Processing failed" / "method not available" at the operator: the only codes worth retrying later. */
export const RETRYABLE_EPAYBL_CODES: readonly string[] = ['-0510', '-0511', '-0513'];

/** ePayBL codes as numbers ("-0510", "-510" and "-00510" are the same code); NaN for our own transport codes. */
export function codeNumber(code: string): number {
  return /^[+-]?\d{1,6}$/.test(code.trim()) ? Number(code.trim()) : Number.NaN;
}

export function sameCode(a: string, b: string): boolean {
  const n = codeNumber(a);
  return Number.isNaN(n) ? a === b : n === codeNumber(b);
}

/** Codes the client itself raises when no ePayBL result block arrived. */
export const TRANSPORT_CODES = {
  TIMEOUT: 'TIMEOUT',
  CONNECTION: 'TRANSPORT',
  INVALID_RESPONSE: 'INVALID_RESPONSE',
  SOAP_FAULT: 'SOAP_FAULT',
} as const;

/**
 * Per-activation payment settings (a Prozessparameter set). The amount is in cents because the portal's process
 * API passes cents; the client converts to ePayBL's decimal(15,2) EUR.
 */
export interface EpayblPaymentConfig {
  mandantNr: string;
  /** ≤ 8 */
  bewirtschafterNr: string;
  /** ≤ 10 */
  haushaltsstelle: string;
  /** ≤ 10 */
  objektnummer?: string;
  /** ≤ 5 */
  kennzeichenMahnverfahren: string;
  /** Days until the due date; ePayBL only forwards the date to dunning, it never expires a Kassenzeichen. */
  fristTage: number;
  betragCent: number;
  /** ≤ 120; only the first characters survive in the 27-character bank-transfer reference. */
  buchungstext: string;
}

/** The result block every ePayBL reply carries ("Ergebnis"). */
export interface EpayblResult {
  ok: boolean;
  /** e.g. "0" or "-0199" */
  code: string;
  shortText: string;
  longText: string;
  /** ePayBL's id of the stored request: log it, the operator asks for it. */
  ePaymentId: string;
  timestamp: string;
}

export interface EpayblKunde {
  /** Our customer number at ePayBL (≤ 100); real pay-page clients use a fresh one per payment. */
  eShopKundenNr: string;
  /** ≤ 27, shown on the pay page */
  vorname?: string;
  /** ≤ 27, shown on the pay page */
  nachname?: string;
  /** ISO 639 alpha-2, default "de" */
  sprache?: string;
}

export interface CustomerRef {
  mandantNr: string;
  bewirtschafterNr: string;
}

export interface CreateKassenzeichenInput {
  config: EpayblPaymentConfig;
  eShopKundenNr: string;
  /** Our own transaction number (≤ 30), the key to find this Kassenzeichen again after a lost reply. */
  eShopTransaktionsNr: string;
  /** Restrict the Kassenzeichen to one method (e.g. UEBERWEISUNGVOR for a bank transfer); omit for the pay page. */
  zahlverfahren?: Zahlverfahren;
  /** Only when the Mandant issues its own Kassenzeichen (2–30 alphanumerics); normally ePayBL issues it. */
  kassenzeichen?: string;
  /** Start of the Frist; defaults to the current time. */
  now?: Date;
}

/** A Kassenzeichen as returned by anlegenKassenzeichen and by the lookup by transaction number. */
export interface Kassenzeichen {
  result: EpayblResult;
  kassenzeichen: string;
  eShopTransaktionsNr: string;
  betragCent: number;
  faelligkeitsdatum: string;
}

export type PaypageStatus = 'aktiv' | 'inaktiv';

export type KassenzeichenState = 'offen' | 'teilbezahlt' | 'bezahlt' | 'ueberbezahlt' | 'storniert';

export interface KassenzeichenInfo {
  result: EpayblResult;
  kassenzeichen: string;
  eShopKundenNr: string;
  /** "inaktiv" once the citizen paid or aborted on the pay page: only then is the saldo final for that visit. */
  paypageStatus: PaypageStatus;
  zahlverfahren: Zahlverfahren | null;
  /** Sum of the claims (Hauptforderungen). */
  totalCent: number;
  /** Payments received minus returned direct debits. */
  paidCent: number;
  stornoCent: number;
  /** What is still owed; negative when overpaid. */
  saldoCent: number;
  /** All claims cancelled. Money already received then has to be refunded by a person. */
  storniert: boolean;
  state: KassenzeichenState;
}

export interface PaypageLinkInput {
  mandantNr: string;
  eShopKundenNr: string;
  kassenzeichen: string;
  /** Where the pay page sends the citizen after paying. Not proof of payment: ePayBL does not sign it. */
  backlinkSuccess: string;
  backlinkAbort: string;
}

export type EpayblOperation =
  'isAlive' | 'anlegenKunde' | 'loeschenKunde' | 'anlegenKassenzeichen' | 'lesenKassenzeichenInfo' | 'lesenTransaktion';

export const EPAYBL_OPERATIONS: readonly EpayblOperation[] = [
  'isAlive',
  'anlegenKunde',
  'loeschenKunde',
  'anlegenKassenzeichen',
  'lesenKassenzeichenInfo',
  'lesenTransaktion',
];

/**
 * One ePayBL endpoint. Every method throws `EpayblError` when the reply is not ok or no reply arrived.
 * There is deliberately no cancel or refund: ePayBL has no public operation for it; a storno shows up later in
 * `lesenKassenzeichenInfo`.
 */
export interface EpayblAdapter {
  isAlive(mandantNr: string): Promise<EpayblResult>;
  anlegenKunde(input: CustomerRef & { kunde: EpayblKunde }): Promise<EpayblResult>;
  /** Fails with -0119 while the customer has open Kassenzeichen; the pay-page flow ignores that. */
  loeschenKunde(input: CustomerRef & { eShopKundenNr: string }): Promise<EpayblResult>;
  anlegenKassenzeichen(input: CreateKassenzeichenInput): Promise<Kassenzeichen>;
  lesenKassenzeichenInfo(input: { mandantNr: string; kassenzeichen: string }): Promise<KassenzeichenInfo>;
  /**
   * Finds the Kassenzeichen created with our transaction number, or null when none exists — so a retry after a
   * timed-out anlegenKassenzeichen reuses the first one instead of creating a second claim.
   */
  lesenTransaktion(input: { mandantNr: string; eShopTransaktionsNr: string }): Promise<Kassenzeichen | null>;
  /** The URL to send the citizen to. */
  paypageUrl(input: PaypageLinkInput): string;
}

export function isRetryableCode(code: string): boolean {
  if (RETRYABLE_EPAYBL_CODES.some((c) => sameCode(c, code))) return true;
  if (code === TRANSPORT_CODES.TIMEOUT || code === TRANSPORT_CODES.CONNECTION) return true;
  if (code === TRANSPORT_CODES.INVALID_RESPONSE) return true;
  const http = /^HTTP_(\d{3})$/.exec(code);
  if (http?.[1]) {
    const status = Number(http[1]);
    return status >= 500 || status === 408 || status === 429;
  }
  return false;
}

export class EpayblError extends Error {
  override readonly name = 'EpayblError';
  readonly operation: string;
  /** ePayBL code ("-0510") or one of TRANSPORT_CODES / "HTTP_503". */
  readonly code: string;
  /** Whether the same call may succeed later; false means a person or a configuration change has to act. */
  readonly retryable: boolean;
  readonly result?: EpayblResult;

  constructor(input: {
    operation: string;
    code: string;
    message: string;
    retryable?: boolean;
    result?: EpayblResult;
    cause?: unknown;
  }) {
    super(`${input.operation}: ${input.code} ${input.message}`, { cause: input.cause });
    this.operation = input.operation;
    this.code = input.code;
    this.retryable = input.retryable ?? isRetryableCode(input.code);
    this.result = input.result;
  }
}

export interface Amounts {
  totalCent: number;
  stornoCent: number;
  paidCent: number;
  saldoCent: number;
}

/**
 * The states the workflow acts on, from ePayBL's amounts (bank transfers have no callback, only these), in the
 * documented order: a claim cancelled with no money received is "storniert"; otherwise saldo ≤ 0 is paid (< 0
 * overpaid — which is also what money received on a cancelled claim looks like: it must be paid back by a person,
 * see `KassenzeichenInfo.storniert`); 0 < saldo with money received is partly paid.
 */
export function deriveKassenzeichenState(a: Amounts): KassenzeichenState {
  if (a.totalCent > 0 && a.totalCent - a.stornoCent <= 0 && a.paidCent <= 0) return 'storniert';
  if (a.saldoCent < 0) return 'ueberbezahlt';
  if (a.saldoCent === 0) return 'bezahlt';
  if (a.paidCent > 0) return 'teilbezahlt';
  return 'offen';
}

/** The reference a citizen writes on a bank transfer, as ePayBL builds it. */
export function verwendungszweck(kassenzeichen: string, buchungstext: string): string {
  return `${kassenzeichen}/${buchungstext}`.slice(0, FIELD_LIMITS.verwendungszweck);
}
