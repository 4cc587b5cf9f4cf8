// ePayBL's own vocabulary as the simulator speaks it: operation names, payment methods and result codes, written from
// what public clients show of the real system (shared/domain/external-systems.md, "ePayBL" and "ePayBL in detail"),
// never taken from our client, so a client that misreads ePayBL fails against this.

/** The SOAP operations public pay-page clients call; anything else gets a Client fault. */
export const OPERATIONS = [
  'isAlive',
  'anlegenKunde',
  'loeschenKunde',
  'anlegenKassenzeichen',
  'lesenKassenzeichenInfo',
  'lesenTransaktion',
] as const;
export type SimOperation = (typeof OPERATIONS)[number];

export function isOperation(value: unknown): value is SimOperation {
  return (OPERATIONS as readonly unknown[]).includes(value);
}

/** ePayBL's payment methods (Zahlverfahren). */
export const ZAHLVERFAHREN = [
  'UEBERWEISUNGVOR',
  'UEBERWEISUNGNACH',
  'LASTSCHRIFTMIT',
  'LASTSCHRIFTOHNE',
  'GIROPAY',
  'KREDITKARTE',
] as const;
export type SimZahlverfahren = (typeof ZAHLVERFAHREN)[number];

export function isZahlverfahren(value: unknown): value is SimZahlverfahren {
  return (ZAHLVERFAHREN as readonly unknown[]).includes(value);
}

/**
 * Methods a citizen can pick on the pay page (an assumption: the documentation lists methods, not where they are
 * offered); bank transfers arrive through the control API instead.
 */
export const PAYPAGE_METHODS: readonly SimZahlverfahren[] = ['GIROPAY', 'KREDITKARTE', 'LASTSCHRIFTOHNE'];

/** The pay-page status clients poll for; `INAKTIV` once the citizen paid or aborted. */
export type PaypageStatus = 'AKTIV' | 'INAKTIV';

/**
 * Result codes: negative four-digit strings. Documented ones carry their documented meaning. The full catalogue is
 * not public, so every other code is an assumption and says so; several of those collide with a documented meaning
 * but stay because tests pin them (see the notes).
 */
export const RESULT_CODES = {
  OK: '0',
  /** Documented: the customer does not exist (normal on first contact). */
  CUSTOMER_UNKNOWN: '-0199',
  /** Documented: the customer is blocked. */
  CUSTOMER_BLOCKED: '-0117',
  /** Documented: the customer cannot be deleted, it has open transactions. */
  CUSTOMER_NOT_DELETABLE: '-0119',
  /** Documented: configuration problem at the operator (wrong Mandant, Bewirtschafter, Haushaltsstelle). */
  CONFIGURATION_ERROR: '-0611',
  /** Assumption: a required element is missing (-01xx is the documented field-error family). */
  FIELD_MISSING: '-0101',
  /** Assumption pinned by tests; the documented field-too-long codes are -0103/-0104/-0107/-0109/-0203/-0205. */
  FIELD_TOO_LONG: '-0102',
  /** Assumption pinned by tests (a character outside the Buchungstext set); documented -0103 means "too long". */
  FIELD_INVALID: '-0103',
  /** Assumption: the customer number is taken. */
  CUSTOMER_EXISTS: '-0118',
  /** Assumption: the booking lines do not add up to the claim. */
  BOOKING_SUM_MISMATCH: '-0110',
  /** Assumption: a currency other than EUR. */
  CURRENCY_UNSUPPORTED: '-0111',
  /** Assumption: a payment method ePayBL does not know. */
  PAYMENT_METHOD_INVALID: '-0112',
  /** Assumption pinned by tests; documented -0201…-0213 are address errors. */
  AMOUNT_INVALID: '-0201',
  /** Assumption pinned by tests: a Mandant's own Kassenzeichen breaks the 2–30 alphanumerics (documented: length). */
  KASSENZEICHEN_INVALID: '-0203',
  /** Assumption pinned by tests; documented -0201…-0213 are address errors. */
  KASSENZEICHEN_TAKEN: '-0204',
  /** Assumption pinned by tests; documented -0205 means "a field too long". */
  KASSENZEICHEN_UNKNOWN: '-0205',
  /** Assumption pinned by tests; documented -0201…-0213 are address errors. */
  TRANSACTION_TAKEN: '-0206',
  /**
   * Assumption (no code is documented for it; documented -0201…-0213 are address errors). Clients are told to decide
   * "did my call land?" from the reply's content, not from one code — ours does (test/unit/epaybl-rules.test.ts).
   */
  TRANSACTION_UNKNOWN: '-0207',
} as const;

/** A reply with istOk=false: the operation changed nothing. */
export class SimFailure extends Error {
  constructor(
    readonly code: string,
    readonly kurzText: string,
    readonly langText: string,
  ) {
    super(`${code} ${kurzText}`);
  }
}

export function missing(name: string): SimFailure {
  return new SimFailure(RESULT_CODES.FIELD_MISSING, 'Pflichtfeld fehlt', `Pflichtfeld '${name}' fehlt`);
}

export function invalid(name: string, why: string): SimFailure {
  return new SimFailure(RESULT_CODES.FIELD_INVALID, 'Feldinhalt ungültig', `Feld '${name}': ${why}`);
}

export function tooLong(name: string, max: number): SimFailure {
  return new SimFailure(RESULT_CODES.FIELD_TOO_LONG, 'Feld zu lang', `Feld '${name}' ist länger als ${max} Zeichen`);
}

export function amountInvalid(detail: string): SimFailure {
  return new SimFailure(RESULT_CODES.AMOUNT_INVALID, 'Betrag ungültig', detail);
}
