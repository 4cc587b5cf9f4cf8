// The hashes and MACs behind Vorgangsnummern and the citizen's status links (the format lives in domain/).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from './keys';
import { VORGANGSNUMMER, vorgangsnummerFromDigest, vorgangsnummerSource } from '../domain/vorgangsnummer';

export function vorgangsnummerFor(aktivierungId: string, idempotencyKey: string): string {
  return vorgangsnummerFromDigest(
    createHash('sha256').update(vorgangsnummerSource(aktivierungId, idempotencyKey)).digest(),
  );
}

function mac(key: Buffer, vorgangsnummer: string): string {
  return createHmac('sha256', key).update(`status:${vorgangsnummer}`).digest('base64url').slice(0, 32);
}

/** The citizen's access token for the status page: an HMAC, so nothing needs storing and nothing can be guessed. */
export function statusToken(keys: KeyRing<'status'>, vorgangsnummer: string): string {
  return `${vorgangsnummer}.${mac(keys[0]!, vorgangsnummer)}`;
}

/** The Vorgangsnummer of a token made with any key of the ring, or null. */
export function verifyStatusToken(keys: KeyRing<'status'>, token: string): string | null {
  const [vorgangsnummer, given, ...rest] = token.split('.');
  if (!vorgangsnummer || !given || rest.length > 0 || !VORGANGSNUMMER.test(vorgangsnummer)) return null;
  const actual = Buffer.from(given);
  const ok = keys.some((key) => {
    const expected = Buffer.from(mac(key, vorgangsnummer));
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  });
  return ok ? vorgangsnummer : null;
}
