// A destination as the sender sees it: its status, services and accepted schemas, and its encryption key.
import type { CryptoKey, JWK } from 'jose';
import { DeliveryError } from '../transfer/types';
import type { DestinationInfo } from './contract';
import { importEncryptionKey } from './crypto';
import { httpFailure, type SubmissionApi } from './http';

export async function fetchDestination(api: SubmissionApi, destinationId: string): Promise<DestinationInfo> {
  const res = await api.request('get destination', 'GET', `/destinations/${encodeURIComponent(destinationId)}`);
  if (res.status === 404) {
    await res.body?.cancel();
    throw new DeliveryError('destination-unknown', `FIT-Connect destination ${destinationId} unknown`, {
      retryable: false,
      status: 404,
    });
  }
  if (!res.ok) throw await httpFailure('get destination', res);
  return (await res.json()) as DestinationInfo;
}

/** The destination's public encryption key, checked: RSA, RSA-OAEP-256, for wrapping keys, ≥ `minKeyBits` bits. */
export async function fetchEncryptionKey(
  api: SubmissionApi,
  destinationId: string,
  kid: string,
  minKeyBits: number,
): Promise<CryptoKey> {
  const jwk = await api.json<JWK>(
    'get key',
    'GET',
    `/destinations/${encodeURIComponent(destinationId)}/keys/${encodeURIComponent(kid)}`,
  );
  return importEncryptionKey(jwk, { destinationId, kid, minKeyBits });
}
