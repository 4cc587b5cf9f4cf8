// The fee as the authority sees it in the submission's metadata: `paymentInformation` (metadata schema 1.x/2.x)
// names the ePayBL claim it was paid on, how and whether it is booked, so the authority need not ask us.
import type { PaymentInformation } from './contract';

/** ePayBL's record of one claim, as we mirror it (a Zahlung row). */
export interface PaidClaim {
  kassenzeichen: string;
  transaktionsnummer: string;
  /** Our mirror of ePayBL's state: offen, teilbezahlt, bezahlt, ueberbezahlt, storniert, … */
  status: string;
  betragCent: number;
  /** ePayBL's Zahlverfahren, e.g. GIROPAY, KREDITKARTE, UEBERWEISUNGNACH, LASTSCHRIFTOHNE. */
  zahlverfahren: string | null;
}

const METHODS: Record<string, { method: PaymentInformation['paymentMethod']; detail?: string }> = {
  GIROPAY: { method: 'GIROPAY' },
  KREDITKARTE: { method: 'CREDITCARD' },
  // A bank transfer against a Kassenzeichen is what FIT-Connect calls paying by invoice.
  UEBERWEISUNGVOR: { method: 'INVOICE', detail: 'Überweisung (Vorkasse)' },
  UEBERWEISUNGNACH: { method: 'INVOICE', detail: 'Überweisung' },
  // FIT-Connect has no direct debit of its own: OTHER with the detail.
  LASTSCHRIFTMIT: { method: 'OTHER', detail: 'SEPA-Lastschrift (Mandat)' },
  LASTSCHRIFTOHNE: { method: 'OTHER', detail: 'Lastschrift' },
};

function statusOf(status: string): PaymentInformation['status'] {
  if (status === 'bezahlt' || status === 'ueberbezahlt') return 'BOOKED';
  if (status === 'storniert' || status === 'storno-angefordert') return 'CANCELED';
  if (status === 'fehlgeschlagen' || status === 'nicht-bezahlt') return 'FAILED';
  return 'INITIAL';
}

/**
 * The Kassenzeichen is the reference the authority books against, our transaction number ePayBL's id of the
 * payment; the gross amount is the fee in euros (an overpayment goes back to the citizen, it is no part of the fee).
 */
export function paymentInformation(claim: PaidClaim): PaymentInformation {
  const known = claim.zahlverfahren ? METHODS[claim.zahlverfahren] : undefined;
  const detail = known?.detail ?? (known ? undefined : (claim.zahlverfahren ?? undefined));
  return {
    transactionReference: claim.kassenzeichen,
    transactionId: claim.transaktionsnummer,
    paymentMethod: known?.method ?? 'OTHER',
    ...(detail ? { paymentMethodDetail: detail } : {}),
    status: statusOf(claim.status),
    grossAmount: Math.round(claim.betragCent) / 100,
  };
}
