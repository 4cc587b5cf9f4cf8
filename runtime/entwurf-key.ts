// A draft's link token is its only key: the database keeps the token's hash to find the draft and a ciphertext
// under a key derived from the token (HKDF-SHA256, AES-256-GCM), so a copy of the database reveals no draft, and
// no master key has to be rotated for drafts that live a few days.
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { decryptParameter, encryptParameter } from './secrets';

export function newEntwurfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The draft's row id: never the token itself. */
export function entwurfId(token: string): string {
  return createHash('sha256').update(`entwurf|${token}`).digest('hex');
}

function keyOf(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', token, 'amt24-entwurf', 'amt24 entwurf inhalt v1', 32));
}

export function encryptEntwurf(token: string, inhalt: unknown): Buffer {
  return encryptParameter(keyOf(token), JSON.stringify(inhalt));
}

export function decryptEntwurf(token: string, blob: Buffer): unknown {
  return JSON.parse(decryptParameter(keyOf(token), blob));
}

export const isEntwurfToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);
