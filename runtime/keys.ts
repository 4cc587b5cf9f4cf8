// One key per purpose, derived from the AUTH_SECRET master(s) with HKDF-SHA256: a bearer token, a CSRF token, a
// status link and a pay-page back-link are signed with different keys, so none can stand in for another. Each
// purpose is a ring, newest first: the first key signs, every key verifies. Rotating is adding a new master in
// front (AUTH_SECRET=new,old) and dropping the old one once what it signed has run out — for status links, which
// are mailed to citizens and last, that is the end of the retention period.
import { hkdfSync } from 'node:crypto';

export const PURPOSES = ['bearer', 'csrf', 'status', 'backlink'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Newest first: `[0]` signs, every key verifies. The purpose travels with the ring, so rings cannot be mixed up. */
export type KeyRing<P extends Purpose = Purpose> = readonly Buffer[] & { readonly purpose: P };

export type Keys = { readonly [P in Purpose]: KeyRing<P> };

const SALT = 'amt24-orchestrierung';

function derive(master: string, purpose: Purpose): Buffer {
  return Buffer.from(hkdfSync('sha256', master, SALT, `amt24 ${purpose} v1`, 32));
}

function ring<P extends Purpose>(purpose: P, keys: Buffer[]): KeyRing<P> {
  return Object.freeze(Object.assign(keys, { purpose }));
}

/** The keys of every purpose from the masters (newest first), e.g. `config.auth.secrets`. */
export function deriveKeys(masters: readonly string[]): Keys {
  if (masters.length === 0) throw new Error('deriveKeys needs at least one master secret');
  const of = (purpose: Purpose) => masters.map((m) => derive(m, purpose));
  return {
    bearer: ring('bearer', of('bearer')),
    csrf: ring('csrf', of('csrf')),
    // Links mailed before keys were derived were signed with the master itself: they keep verifying (never signed
    // anew) for as long as their master stays in the list.
    status: ring('status', [...of('status'), ...masters.map((m) => Buffer.from(m, 'utf8'))]),
    backlink: ring('backlink', of('backlink')),
  };
}

/** The rings the worker signs with: status links in mails and the pay page's back-links. */
export type LinkKeys = Pick<Keys, 'status' | 'backlink'>;
