// The Vorgangsnummer is derived from the activation and the submission's idempotency key: ten identical
// submissions compute the same number, hence the same workflow id, and the Temporal server admits one.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

function base32(bytes: Buffer, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= length) break;
  }
  return out;
}

/**
 * e.g. A24-7K3M9-QXD2F: 50 bits of hash. No year in it: a retry across New Year's midnight must compute the
 * same number.
 */
export function vorgangsnummerFor(aktivierungId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${aktivierungId}\u0000${idempotencyKey}`).digest();
  const code = base32(digest, 10);
  return `A24-${code.slice(0, 5)}-${code.slice(5)}`;
}

export const VORGANGSNUMMER = /^A24-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

export function antragWorkflowId(vorgangsnummer: string): string {
  return `antrag-${vorgangsnummer}`;
}

/** The citizen's access token for the status page: an HMAC, so nothing needs storing and nothing can be guessed. */
export function statusToken(secret: string, vorgangsnummer: string): string {
  const mac = createHmac('sha256', secret).update(`status:${vorgangsnummer}`).digest('base64url').slice(0, 32);
  return `${vorgangsnummer}.${mac}`;
}

export function verifyStatusToken(secret: string, token: string): string | null {
  const [vorgangsnummer, mac] = token.split('.');
  if (!vorgangsnummer || !mac || !VORGANGSNUMMER.test(vorgangsnummer)) return null;
  const expected = Buffer.from(statusToken(secret, vorgangsnummer).split('.')[1]!);
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given) ? vorgangsnummer : null;
}
