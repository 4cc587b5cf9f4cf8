// The one-time pseudo customer of a payment attempt, as public pay-page clients make it: the business id plus an
// attempt marker, made tamper-evident with our own HMAC. Deterministic, so a retry of the same attempt (after a lost
// reply) names the same customer instead of leaving a conflict behind.
import { createHmac } from 'node:crypto';
import { FIELD_LIMITS } from './types';

export function einmalKundenNr(secret: string | Buffer, vorgangsnummer: string, versuch: number): string {
  if (secret.length === 0) throw new Error('customer-number secret must not be empty');
  if (!Number.isInteger(versuch) || versuch < 1) throw new RangeError(`versuch must be ≥ 1, got ${versuch}`);
  const basis = `${vorgangsnummer}-Z${versuch}`;
  const mac = createHmac('sha256', secret).update(`epaybl-kunde:${basis}`, 'utf8').digest('base64url').slice(0, 10);
  const nr = `${basis}-${mac}`;
  if (nr.length > FIELD_LIMITS.eShopKundenNr) throw new RangeError(`customer number too long: ${nr}`);
  return nr;
}
