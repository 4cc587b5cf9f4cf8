// The hashes and MACs behind Vorgangsnummern and the citizen's status links (the format lives in domain/).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { VORGANGSNUMMER, vorgangsnummerFromDigest, vorgangsnummerSource } from '../domain/vorgangsnummer';

export function vorgangsnummerFor(aktivierungId: string, idempotencyKey: string): string {
  return vorgangsnummerFromDigest(
    createHash('sha256').update(vorgangsnummerSource(aktivierungId, idempotencyKey)).digest(),
  );
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
