// What a Kassenzeichen's amounts mean, by the rule documented for ePayBL (shared/domain/external-systems.md,
// "ePayBL in detail", "Amounts, in this order"). ePayBL itself only reports the amounts; the simulator's control
// view names the state so tests and people need not redo the arithmetic.

export type SimKassenzeichenState = 'offen' | 'teilbezahlt' | 'bezahlt' | 'ueberbezahlt' | 'storniert';

export interface SimAmounts {
  hauptforderungenCent: number;
  stornosCent: number;
  zahlungseingaengeCent: number;
}

/** What is still owed: claims minus stornos minus money received; negative when more came in than is owed. */
export function saldoOf(a: SimAmounts): number {
  return a.hauptforderungenCent - a.stornosCent - a.zahlungseingaengeCent;
}

/**
 * saldo ≤ 0 → paid (< 0 overpaid); 0 < saldo < total → partly paid; claims minus stornos = 0 and no money
 * received → cancelled. Money received on a cancelled claim stays visible as a negative saldo: "ueberbezahlt",
 * to be paid back by a person, not "storniert". A cancelled claim without money has saldo 0 as well, so that case
 * is told apart first: nothing received is never "paid".
 */
export function kassenzeichenState(a: SimAmounts): SimKassenzeichenState {
  const saldo = saldoOf(a);
  if (a.hauptforderungenCent - a.stornosCent <= 0 && a.zahlungseingaengeCent === 0) return 'storniert';
  if (saldo < 0) return 'ueberbezahlt';
  if (saldo === 0) return 'bezahlt';
  if (saldo < a.hauptforderungenCent) return 'teilbezahlt';
  return 'offen';
}

/** A customer with such a Kassenzeichen has an open transaction and cannot be deleted. */
export function isOpen(state: SimKassenzeichenState): boolean {
  return state === 'offen' || state === 'teilbezahlt';
}
