// Keys and the parts of JOSE the service itself looks at: it cannot decrypt a submission, but it sees headers and
// authentication tags.
import { createHmac, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { unprocessable } from './http';
import { JWE_ALG, JWE_ENC } from './vocabulary';

export interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newKeyPair(alg: 'RSA-OAEP-256' | 'PS512', bits: number): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { modulusLength: bits });
  const kid = randomUUID();
  const jwk = await exportJWK(publicKey);
  const publicJwk: JWK = {
    kty: jwk.kty!,
    n: jwk.n!,
    e: jwk.e!,
    kid,
    alg,
    key_ops: alg === 'PS512' ? ['verify'] : ['wrapKey'],
  };
  return { kid, privateKey, publicJwk };
}

export function isCompactJwe(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/.test(value);
}

export function authTag(jwe: string): string {
  return jwe.split('.')[4] ?? '';
}

/**
 * Wrong algorithms, a key other than the destination's, or (for metadata and data) a content type other than
 * JSON are refused before anything is stored.
 */
export function checkJweHeader(jwe: string, encryptionKid: string, cty?: string): void {
  let header;
  try {
    header = decodeProtectedHeader(jwe);
  } catch {
    throw unprocessable('JWE header unreadable');
  }
  if (header.alg !== JWE_ALG || header.enc !== JWE_ENC) {
    throw unprocessable(`JWE must use ${JWE_ALG} / ${JWE_ENC}`);
  }
  if (header.kid !== encryptionKid) throw unprocessable('JWE kid is not the destination encryption key');
  if (cty !== undefined && header.cty !== cty) throw unprocessable(`JWE must carry cty ${cty}`);
}

/** `callback-authentication`: hex HMAC-SHA512 over `timestamp + "." + body`. */
export function signCallbackBody(secret: string, timestamp: number, body: string): string {
  return createHmac('sha512', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}
