// Callback HMACs of the Submission API: pure, no simulator needed.
import { describe, expect, it } from 'vitest';
import { signCallback, verifyCallback } from '../../integrations/fitconnect/callback';

describe('FIT-Connect', () => {
  it('verifies callback HMACs: valid, tampered, wrong secret, too old, missing', () => {
    const body = JSON.stringify({
      type: 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions',
      submissionIds: ['x'],
    });
    const now = Date.UTC(2025, 2, 1, 12, 0, 0);
    const timestamp = String(Math.floor(now / 1000));
    const authentication = signCallback('s3cret', timestamp, body);
    expect(authentication).toMatch(/^[0-9a-f]{128}$/);
    expect(verifyCallback({ body, timestamp, authentication, secret: 's3cret', now })).toEqual({ valid: true });
    expect(verifyCallback({ body, timestamp, authentication, secret: 's3cret', now: now + 4 * 60_000 })).toEqual({
      valid: true,
    });
    expect(verifyCallback({ body: `${body} `, timestamp, authentication, secret: 's3cret', now })).toEqual({
      valid: false,
      reason: 'bad-hmac',
    });
    expect(verifyCallback({ body, timestamp, authentication, secret: 'other', now })).toEqual({
      valid: false,
      reason: 'bad-hmac',
    });
    expect(
      verifyCallback({ body, timestamp: String(Number(timestamp) + 1), authentication, secret: 's3cret', now }),
    ).toEqual({
      valid: false,
      reason: 'bad-hmac',
    });
    expect(
      verifyCallback({ body, timestamp, authentication, secret: 's3cret', now: now + 5 * 60_000 + 1_000 }),
    ).toEqual({
      valid: false,
      reason: 'too-old',
    });
    expect(verifyCallback({ body, timestamp, authentication, secret: 's3cret', now: now - 10 * 60_000 })).toEqual({
      valid: false,
      reason: 'in-future',
    });
    expect(verifyCallback({ body, timestamp: undefined, authentication, secret: 's3cret', now })).toEqual({
      valid: false,
      reason: 'missing-headers',
    });
    expect(verifyCallback({ body, timestamp: '12ab', authentication, secret: 's3cret', now })).toEqual({
      valid: false,
      reason: 'malformed-timestamp',
    });
  });
});
