// Amounts: integer cents here, decimal(15,2) EUR on the wire. String arithmetic, so no float ever rounds a fee.
import { EpayblError, TRANSPORT_CODES } from './types';

export function centsToDecimal(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount must be integer cents, got ${cents}`);
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function decimalToCents(operation: string, value: string): number {
  const m = /^([+-]?)(\d{1,13})(?:\.(\d{1,4}))?$/.exec(value.trim());
  if (!m || (m[3] && !/^\d{1,2}0*$/.test(m[3]))) {
    throw new EpayblError({ operation, code: TRANSPORT_CODES.INVALID_RESPONSE, message: `not an amount: "${value}"` });
  }
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').slice(0, 2).padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

/** xsd:dateTime in UTC without milliseconds. */
export function xsdDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
