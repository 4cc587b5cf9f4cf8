// A bearer token verified once is remembered (the API pays WebCrypto once per token, not per request), yet answers
// exactly as a fresh verification would: expired is expired, another key ring does not inherit what this one
// accepted, and no request sees another's changes to its user.
import { describe, expect, it } from 'vitest';
import { demoUsers, signToken, verifyToken } from '../../api/auth';
import { deriveKeys } from '../../runtime/keys';

const A = 'master-A-0123456789abcdef0123456789abcdef';
const B = 'master-B-0123456789abcdef0123456789abcdef';
const anna = demoUsers.find((u) => u.id === 'buerger-anna')!;

describe('verified bearer tokens', () => {
  it('refuses a remembered token once it has expired', async () => {
    const ring = deriveKeys([A]).bearer;
    const token = await signToken(ring, anna, '2s');
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
    expect(await verifyToken(ring, token)).toEqual(anna);
    expect(await verifyToken(ring, token)).toEqual(anna);
    while (Date.now() < exp.exp * 1000) await new Promise((r) => setTimeout(r, 100));
    await expect(verifyToken(ring, token)).rejects.toThrow(/exp/);
  });

  it('keeps what one key ring accepted from another', async () => {
    const token = await signToken(deriveKeys([A]).bearer, anna);
    expect((await verifyToken(deriveKeys([A]).bearer, token)).id).toBe('buerger-anna');
    await expect(verifyToken(deriveKeys([B]).bearer, token)).rejects.toThrow();
  });

  it('hands each request a user of its own', async () => {
    const ring = deriveKeys([A]).bearer;
    const token = await signToken(ring, anna);
    const first = await verifyToken(ring, token);
    first.roles.push('awb');
    first.mandanten.push('leipzig');
    expect(await verifyToken(ring, token)).toEqual(anna);
  });
});
