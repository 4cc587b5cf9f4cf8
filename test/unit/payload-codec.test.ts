// The payload codec: what leaves a process is AES-256-GCM under the first key, any listed key decrypts its own, and
// payloads recorded in clear (histories from before encryption) pass through unchanged.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, ValueError, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config';
import { EncryptionCodec, KEY_ID_METADATA } from '../../runtime/payload-codec';

const key = (id: string) => ({ id, key: randomBytes(32) });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const nachforderung = { text: 'Bitte Meldebescheinigung nachreichen.', von: 'sb-leipzig' };

describe('EncryptionCodec', () => {
  it('encrypts every payload under the first key with a fresh IV and gives back exactly what went in', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const clear = [defaultPayloadConverter.toPayload(nachforderung), defaultPayloadConverter.toPayload(null)];
    const encoded = await codec.encode([clear[0]!, clear[0]!, clear[1]!]);

    for (const p of encoded) {
      expect(text(p.metadata![METADATA_ENCODING_KEY])).toBe('binary/encrypted');
      expect(text(p.metadata![KEY_ID_METADATA])).toBe('k1');
      expect(Object.keys(p.metadata!).sort()).toEqual(['encoding', 'encryption-key-id']);
      expect(Buffer.from(p.data!).toString('latin1')).not.toContain('Meldebescheinigung');
    }
    // The same payload twice: another IV, another ciphertext.
    expect(Buffer.from(encoded[0]!.data!).equals(Buffer.from(encoded[1]!.data!))).toBe(false);

    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([nachforderung, nachforderung, null]);
    expect(text(decoded[0]!.metadata![METADATA_ENCODING_KEY])).toBe('json/plain');
  });

  it('after a rotation encrypts with the new key and still decrypts what the old one encrypted', async () => {
    const old = key('2026-01');
    const before = await new EncryptionCodec([old]).encode([defaultPayloadConverter.toPayload(nachforderung)]);

    const rotated = new EncryptionCodec([key('2026-07'), old]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode(before))[0]!)).toEqual(nachforderung);
    const after = await rotated.encode([defaultPayloadConverter.toPayload(nachforderung)]);
    expect(text(after[0]!.metadata![KEY_ID_METADATA])).toBe('2026-07');
    expect(defaultPayloadConverter.fromPayload((await rotated.decode(after))[0]!)).toEqual(nachforderung);
  });

  it('refuses a payload under a key id it does not hold, or one tampered with, naming the key id', async () => {
    const encoded = await new EncryptionCodec([key('retired')]).encode([defaultPayloadConverter.toPayload('x')]);
    const codec = new EncryptionCodec([key('current')]);
    await expect(codec.decode(encoded)).rejects.toThrow(ValueError);
    await expect(codec.decode(encoded)).rejects.toThrow(/key id "retired".*known: current/);

    const k = key('k');
    const good = await new EncryptionCodec([k]).encode([defaultPayloadConverter.toPayload('Anna Bürger')]);
    const data = Buffer.from(good[0]!.data!);
    data[20]! ^= 1;
    await expect(new EncryptionCodec([k]).decode([{ ...good[0]!, data }])).rejects.toThrow(/does not authenticate/);
  });

  it('passes payloads in any other encoding through unchanged (clear histories keep replaying)', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const clear: Payload[] = [
      defaultPayloadConverter.toPayload({ vorgangsnummer: 'A24-00001-00001' }),
      defaultPayloadConverter.toPayload(undefined),
      { metadata: { [METADATA_ENCODING_KEY]: new TextEncoder().encode('binary/plain') }, data: new Uint8Array([1, 2]) },
      {},
    ];
    const decoded = await codec.decode(clear);
    expect(decoded).toHaveLength(clear.length);
    decoded.forEach((p, i) => expect(p).toBe(clear[i]));
  });
});

describe('PAYLOAD_KEYS', () => {
  const b64 = (fill: number) => Buffer.alloc(32, fill).toString('base64');

  it('lists the keys newest first; without it a development key, which production refuses', () => {
    const keys = loadConfig({ PAYLOAD_KEYS: `neu:${b64(1)},alt:${b64(2)}` }).payloadKeys;
    expect(keys.map((k) => k.id)).toEqual(['neu', 'alt']);
    expect(Buffer.from(keys[1]!.key).equals(Buffer.alloc(32, 2))).toBe(true);
    expect(loadConfig({}).isDevPayloadKey).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40) })).toThrow(
      /PAYLOAD_KEYS: is required when NODE_ENV=production/,
    );
  });

  it('names the variable for a key that is not 32 bytes of base64, a bad id or a repeated id', () => {
    for (const bad of ['k1:kurz', `ohne-schluessel`, `a b:${b64(1)}`, `k:${b64(1)},k:${b64(2)}`]) {
      expect(() => loadConfig({ PAYLOAD_KEYS: bad }), bad).toThrow(/PAYLOAD_KEYS: .*expected "id:base64key/);
    }
  });
});
