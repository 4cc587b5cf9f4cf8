// Back-link signature. The pay page's back-link is not proof of payment (ePayBL does not sign it), but our own
// HMAC lets the return handler reject links a citizen edited (another Kassenzeichen, another amount) before it
// even asks ePayBL.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type BacklinkResult = 'success' | 'abort';

/** An HMAC key; the caller keeps a ring of them (the first signs, all verify). */
export type BacklinkKey = string | Buffer;

export interface BacklinkData {
  result: BacklinkResult;
  kassenzeichen: string;
  eShopTransaktionsNr: string;
  betragCent: number;
}

const BACKLINK_PARAMS = {
  result: 'epResult',
  kassenzeichen: 'kassenzeichen',
  eShopTransaktionsNr: 'transaktion',
  betragCent: 'betragCent',
  signature: 'sig',
} as const;

/**
 * HMAC-SHA256 over every query parameter but the signature, sorted and length-prefixed, so that parameters the
 * caller adds (e.g. the Vorgangsnummer) are covered too and no two parameter sets share a message.
 */
export function backlinkHmac(key: BacklinkKey, params: URLSearchParams): string {
  const entries = [...params.entries()]
    .filter(([k]) => k !== BACKLINK_PARAMS.signature)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  const message = entries.map(([k, v]) => `${k.length}:${k}${v.length}:${v}`).join('');
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

/** Adds the payment identity and our signature to `baseUrl` (which may carry parameters of its own). */
export function createBacklink(baseUrl: string, key: BacklinkKey, data: BacklinkData): string {
  if (key.length === 0) throw new Error('back-link key must not be empty');
  const url = new URL(baseUrl);
  url.searchParams.delete(BACKLINK_PARAMS.signature);
  url.searchParams.set(BACKLINK_PARAMS.result, data.result);
  url.searchParams.set(BACKLINK_PARAMS.kassenzeichen, data.kassenzeichen);
  url.searchParams.set(BACKLINK_PARAMS.eShopTransaktionsNr, data.eShopTransaktionsNr);
  url.searchParams.set(BACKLINK_PARAMS.betragCent, String(data.betragCent));
  url.searchParams.set(BACKLINK_PARAMS.signature, backlinkHmac(key, url.searchParams));
  return url.toString();
}

/** The signed data of a back-link, or null when it was made with none of `keys` or was changed since. */
export function verifyBacklink(
  url: string | URL,
  keys: readonly BacklinkKey[],
): (BacklinkData & { params: Record<string, string> }) | null {
  if (keys.length === 0 || keys.some((k) => k.length === 0)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const p = parsed.searchParams;
  const given = p.get(BACKLINK_PARAMS.signature);
  if (!given || p.getAll(BACKLINK_PARAMS.signature).length !== 1) return null;
  const actual = Buffer.from(given);
  const signed = keys.some((key) => {
    const expected = Buffer.from(backlinkHmac(key, p));
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
  if (!signed) return null;

  const result = p.get(BACKLINK_PARAMS.result);
  const kassenzeichen = p.get(BACKLINK_PARAMS.kassenzeichen);
  const tx = p.get(BACKLINK_PARAMS.eShopTransaktionsNr);
  const betrag = p.get(BACKLINK_PARAMS.betragCent);
  if ((result !== 'success' && result !== 'abort') || !kassenzeichen || tx === null || !betrag) return null;
  if (!/^-?\d+$/.test(betrag)) return null;
  const params: Record<string, string> = {};
  for (const [k, v] of p.entries()) if (k !== BACKLINK_PARAMS.signature) params[k] = v;
  return { result, kassenzeichen, eShopTransaktionsNr: tx, betragCent: Number(betrag), params };
}
