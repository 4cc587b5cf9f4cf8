// Callbacks from the Submission API only say "go and look" (the state is read from the event log); their HMAC keeps
// anyone else from making us look, and the age limit keeps a captured one from being replayed.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CALLBACK_NEW_SUBMISSIONS = 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions';
export const CALLBACK_NEW_EVENTS = 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events';

export type CallbackVerification =
  | { valid: true }
  | { valid: false; reason: 'missing-headers' | 'malformed-timestamp' | 'too-old' | 'in-future' | 'bad-hmac' };

/** HMAC-SHA512 over `timestamp + '.' + body`, hex, as sent in `callback-authentication`. */
export function signCallback(secret: string, timestamp: string | number, body: string | Uint8Array): string {
  return createHmac('sha512', secret)
    .update(`${timestamp}.`)
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');
}

/**
 * Checks a callback from the Submission API (headers `callback-timestamp`, unix seconds, and
 * `callback-authentication`). Callbacks older than five minutes are rejected so a captured one cannot be replayed.
 */
export function verifyCallback(input: {
  body: string | Uint8Array;
  timestamp: string | null | undefined;
  authentication: string | null | undefined;
  secret: string;
  now?: number;
  maxAgeMs?: number;
  /** Tolerated clock skew for timestamps ahead of ours. */
  maxFutureMs?: number;
}): CallbackVerification {
  if (!input.timestamp || !input.authentication) return { valid: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(input.timestamp)) return { valid: false, reason: 'malformed-timestamp' };
  const expected = Buffer.from(signCallback(input.secret, input.timestamp, input.body), 'hex');
  const given = /^[0-9a-f]+$/i.test(input.authentication) ? Buffer.from(input.authentication, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: 'bad-hmac' };
  const ageMs = (input.now ?? Date.now()) - Number(input.timestamp) * 1000;
  if (ageMs > (input.maxAgeMs ?? 5 * 60_000)) return { valid: false, reason: 'too-old' };
  if (-ageMs > (input.maxFutureMs ?? 60_000)) return { valid: false, reason: 'in-future' };
  return { valid: true };
}
