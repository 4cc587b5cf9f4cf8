// Workflow and activity payloads leave our processes only encrypted (AES-256-GCM), so the Temporal server, its
// database and anyone reading a history see neither personal nor case data. The wire format follows Temporal's
// encryption samples: encoding `binary/encrypted`, the key's id in `encryption-key-id`, and as data the IV, then the
// original Payload's protobuf bytes encrypted, then the GCM tag. Keys rotate: encode with the first, decode by id.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
// Default import: @temporalio/proto is CommonJS, and Node's ESM loader sees no named exports in it.
import proto from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKey {
  id: string;
  /** 32 bytes */
  key: Uint8Array;
}

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Uint8Array>;
  private readonly current: PayloadKey;

  /** `keys[0]` encrypts; every key decrypts what was encrypted under its id. */
  constructor(keys: readonly PayloadKey[]) {
    if (keys.length === 0) throw new Error('EncryptionCodec needs at least one key');
    this.keys = new Map();
    for (const k of keys) {
      if (k.key.length !== 32) throw new Error(`payload key ${k.id} must be 32 bytes, not ${k.key.length}`);
      if (this.keys.has(k.id)) throw new Error(`payload key id ${k.id} appears twice`);
      this.keys.set(k.id, k.key);
    }
    this.current = keys[0]!;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const plain = proto.temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: utf8.encode(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: utf8.encode(this.current.id),
        },
        data,
      };
    });
  }

  /** Payloads in another encoding pass unchanged: histories recorded before encryption keep replaying. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
      if (!keyId) throw new ValueError(`Encrypted payload without ${KEY_ID_METADATA}`);
      const key = this.keys.get(keyId);
      if (!key) {
        throw new ValueError(
          `Encrypted payload under key id "${keyId}", which PAYLOAD_KEYS does not hold (known: ${[...this.keys.keys()].join(', ')})`,
        );
      }
      const data = Buffer.from(payload.data ?? []);
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('Encrypted payload too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new ValueError(`Encrypted payload does not authenticate under key id "${keyId}"`);
      }
      return proto.temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** The DataConverter every Client and Worker of ours uses. */
export function dataConverter(codec: PayloadCodec) {
  return { payloadCodecs: [codec] };
}
