// Field limits and formats of ePayBL as documented (shared/domain/external-systems.md, "ePayBL"), and the two
// strings ePayBL builds from them: decimal(15,2) amounts and the bank-transfer reference.
import { amountInvalid, tooLong } from './codes';

/** Maximum lengths in characters. */
export const LIMITS = {
  bewirtschafterNr: 8,
  haushaltsstelle: 10,
  objektnummer: 10,
  kennzeichenMahnverfahren: 5,
  buchungstext: 120,
  eShopTransaktionsNr: 30,
  /** Assumption: not documented; generous, public clients send a business id plus an attempt marker. */
  eShopKundenNr: 100,
  /** Assumption: not documented; the pay page shows these names. */
  vorname: 27,
  /** Assumption: not documented; the pay page shows these names. */
  nachname: 27,
} as const;
export type LimitedField = keyof typeof LIMITS;

/** Kassenzeichen: 2–30 alphanumerics, whether ePayBL or the Mandant issues it. */
export const KASSENZEICHEN_PATTERN = /^[A-Za-z0-9]{2,30}$/;

/** The bank-transfer reference "Kassenzeichen/Buchungstext" is cut to this many characters. */
export const VERWENDUNGSZWECK_MAX = 27;

/**
 * ePayBL's Buchungstext character set (an assumption: the SEPA subset plus the German letters; the documentation
 * only gives the length).
 */
export const BUCHUNGSTEXT_CHARS = /^[A-Za-z0-9ÄÖÜäöüß ,.:/+&*$%'()?-]*$/;

/** Returns the value, or throws ePayBL's too-long failure naming `name`. */
export function limited(value: string, field: LimitedField, name: string = field): string {
  const max = LIMITS[field];
  if ([...value].length > max) throw tooLong(name, max);
  return value;
}

/** The reference a citizen writes on a bank transfer, as ePayBL builds it. */
export function verwendungszweck(kassenzeichen: string, buchungstext: string): string {
  return [...`${kassenzeichen}/${buchungstext}`].slice(0, VERWENDUNGSZWECK_MAX).join('');
}

/** decimal(15,2) EUR, as ePayBL declares amounts, to cents. */
export function parseAmount(value: string, name: string): number {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(value);
  if (!m?.[1]) throw amountInvalid(`Feld '${name}': ${value}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function formatDecimal(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function formatEuro(cents: number): string {
  return `${formatDecimal(cents).replace('.', ',')} EUR`;
}
