// The Vorgangsnummer is derived from the activation and the submission's idempotency key: ten identical
// submissions compute the same number, hence the same workflow id, and the Temporal server admits one. The hash
// itself is computed by runtime/tokens.ts; this module holds the format.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

function base32(bytes: Uint8Array, length: number): string {
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

/** What is hashed: the activation and the idempotency key, separated by a character neither can hold. */
export function vorgangsnummerSource(aktivierungId: string, idempotencyKey: string): string {
  return `${aktivierungId}\u0000${idempotencyKey}`;
}

/**
 * e.g. A24-7K3M9-QXD2F: 50 bits of the SHA-256 digest of vorgangsnummerSource. No year in it: a retry across New
 * Year's midnight must compute the same number.
 */
export function vorgangsnummerFromDigest(digest: Uint8Array): string {
  const code = base32(digest, 10);
  return `A24-${code.slice(0, 5)}-${code.slice(5)}`;
}

export const VORGANGSNUMMER = /^A24-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

export function antragWorkflowId(vorgangsnummer: string): string {
  return `antrag-${vorgangsnummer}`;
}
