// The sender's cryptography: content hashes, attachment ids that survive a crash, JWE encryption to the
// destination's key and the checks that key must pass first.
import { createHash } from 'node:crypto';
import { CompactEncrypt, importJWK, type CryptoKey, type JWK } from 'jose';
import { DeliveryError } from '../transfer/types';
import { JWE_ALG, JWE_ENC } from './contract';

export function sha512Hex(content: Uint8Array): string {
  return createHash('sha512').update(content).digest('hex');
}

/**
 * Attachment ids are announced at creation and must be the same after a crash, without storing them:
 * derived from the Vorgangsnummer and our attachment id (UUID version 8, RFC 9562).
 */
export function fitConnectAttachmentId(vorgangsnummer: string, localId: string): string {
  const bytes = createHash('sha256').update(`amt24-fitconnect\0${vorgangsnummer}\0${localId}`, 'utf8').digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The authentication tag (last part) of a compact JWE; accept events name the tags the authority decrypted. */
export function jweAuthenticationTag(jwe: string): string {
  return jwe.split('.')[4] ?? '';
}

/** One compact JWE (RSA-OAEP-256 / A256GCM) to the destination's key; `cty` names the plaintext's media type. */
export function encryptJwe(plain: Uint8Array, key: CryptoKey, kid: string, cty?: string): Promise<string> {
  return new CompactEncrypt(plain)
    .setProtectedHeader({ alg: JWE_ALG, enc: JWE_ENC, kid, ...(cty ? { cty } : {}) })
    .encrypt(key);
}

/** The destination's public encryption key, checked: RSA, RSA-OAEP-256, for wrapping keys, ≥ `minKeyBits` bits. */
export async function importEncryptionKey(
  jwk: JWK,
  expected: { destinationId: string; kid: string; minKeyBits: number },
): Promise<CryptoKey> {
  const { destinationId, kid } = expected;
  const bits = jwk.n ? Buffer.from(jwk.n, 'base64url').toString('hex').replace(/^0+/, '').length * 4 : 0;
  const problems = [
    jwk.kty !== 'RSA' && `kty ${jwk.kty}`,
    jwk.alg !== undefined && jwk.alg !== JWE_ALG && `alg ${jwk.alg}`,
    jwk.key_ops !== undefined && !jwk.key_ops.includes('wrapKey') && 'key_ops without wrapKey',
    bits < expected.minKeyBits && `${bits} bit modulus`,
  ].filter(Boolean);
  if (problems.length > 0 || jwk.kid !== kid) {
    throw new DeliveryError(
      'key-invalid',
      `FIT-Connect key ${kid} of ${destinationId} unusable: ${problems.join(', ')}`,
      { retryable: false },
    );
  }
  // The x5c certificate chain would be checked against the administration PKI roots; not configured here.
  // FIT-Connect publishes key_ops ["wrapKey"]; WebCrypto wraps the content key with "encrypt", so import bare.
  return (await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e, alg: JWE_ALG }, JWE_ALG)) as CryptoKey;
}
