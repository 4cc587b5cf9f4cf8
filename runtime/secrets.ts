// Protected Prozessparameter are stored encrypted (AES-256-GCM) and decrypted only where an activity needs them.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function parameterKey(material: string): Buffer {
  // Accept a base64 32-byte key; anything else is stretched (development keys, passphrases).
  const raw = Buffer.from(material, 'base64');
  return raw.length === 32 ? raw : createHash('sha256').update(material).digest();
}

export function encryptParameter(key: Buffer, plaintext: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]);
}

export function decryptParameter(key: Buffer, blob: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
  decipher.setAuthTag(blob.subarray(12, 28));
  return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
}
