// Keys per purpose, rotatable: one HKDF-derived key per purpose and master, the first of a ring signs, all verify.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { demoUsers, signToken, verifyToken } from '../../api/auth';
import type { ApiDeps } from '../../api/deps';
import { createApp } from '../../app/http';
import { createBacklink, verifyBacklink } from '../../integrations/epaybl/backlink';
import { deriveKeys, PURPOSES, type KeyRing, type Keys } from '../../runtime/keys';
import { createLogger } from '../../runtime/logger';
import { statusToken, verifyStatusToken } from '../../runtime/tokens';

const A = 'master-A-0123456789abcdef0123456789abcdef';
const B = 'master-B-0123456789abcdef0123456789abcdef';
const VN = 'A24-ABCDE-FGHJK';
const anna = demoUsers.find((u) => u.id === 'buerger-anna')!;
const payment = { result: 'success', kassenzeichen: 'KZ-1', eShopTransaktionsNr: VN, betragCent: 1200 } as const;

describe('keys per purpose', () => {
  it('keeps a status link valid after a rotation to [B, A] and refuses it once A is gone', () => {
    const link = statusToken(deriveKeys([A]).status, VN);
    expect(verifyStatusToken(deriveKeys([A]).status, link)).toBe(VN);
    expect(verifyStatusToken(deriveKeys([B, A]).status, link)).toBe(VN);
    expect(verifyStatusToken(deriveKeys([B]).status, link)).toBeNull();
    // New links come from the newest master.
    expect(statusToken(deriveKeys([B, A]).status, VN)).toBe(statusToken(deriveKeys([B]).status, VN));
    expect(statusToken(deriveKeys([B, A]).status, VN)).not.toBe(link);
  });

  it('keeps links mailed before the keys were derived (signed with the master itself) while the master is listed', () => {
    const old = `${VN}.${createHmac('sha256', A).update(`status:${VN}`).digest('base64url').slice(0, 32)}`;
    expect(verifyStatusToken(deriveKeys([B, A]).status, old)).toBe(VN);
    expect(verifyStatusToken(deriveKeys([B]).status, old)).toBeNull();
  });

  it('rotates bearer tokens and back-links the same way', async () => {
    const token = await signToken(deriveKeys([A]).bearer, anna);
    expect((await verifyToken(deriveKeys([B, A]).bearer, token)).id).toBe('buerger-anna');
    await expect(verifyToken(deriveKeys([B]).bearer, token)).rejects.toThrow();

    const backlink = createBacklink(
      'https://amt24.example/api/zahlung/rueckkehr',
      deriveKeys([A]).backlink[0]!,
      payment,
    );
    expect(verifyBacklink(backlink, deriveKeys([B, A]).backlink)?.kassenzeichen).toBe('KZ-1');
    expect(verifyBacklink(backlink, deriveKeys([B]).backlink)).toBeNull();
  });

  it('derives a different key for every purpose, none of them the master', () => {
    const keys = deriveKeys([A]);
    const firsts = PURPOSES.map((p) => keys[p][0]!.toString('hex'));
    expect(new Set([...firsts, Buffer.from(A).toString('hex')]).size).toBe(PURPOSES.length + 1);
  });

  it('does not accept a token of one purpose for another', async () => {
    const keys = deriveKeys([A]);
    // The types forbid handing one purpose's ring to another's verifier; the cast shows the keys refuse it too.
    const asRing = <P extends keyof Keys>(ring: KeyRing, purpose: P) =>
      Object.assign([...ring], { purpose }) as unknown as KeyRing<P>;

    const link = statusToken(asRing(keys.backlink, 'status'), VN);
    expect(verifyStatusToken(keys.status, link)).toBeNull();
    const bearer = await signToken(asRing(keys.csrf, 'bearer'), anna);
    await expect(verifyToken(keys.bearer, bearer)).rejects.toThrow();
    const backlink = createBacklink('https://amt24.example/r', keys.status[0]!, payment);
    expect(verifyBacklink(backlink, keys.backlink)).toBeNull();
  });

  it('keeps a form posted after a rotation to [B, A] valid (CSRF) and refuses it under [B] alone', async () => {
    const app = (masters: string[]) => createApp(uiDeps(deriveKeys(masters)));
    const page = await app([A]).request('/anmelden');
    const cookie = /amt24_csrf=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const post = (masters: string[]) =>
      app(masters).request('/anmelden', {
        method: 'POST',
        headers: { cookie: `amt24_csrf=${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, token: 'kein-token' }).toString(),
      });
    // Past the CSRF check: the pasted token is what is refused.
    const rotated = await post([B, A]);
    expect(rotated.status).toBe(400);
    expect(await rotated.text()).toContain('Das Token ist ungültig oder abgelaufen.');
    expect((await post([B])).status).toBe(403);
  });
});

/** An app for pages that need neither database nor Temporal (the sign-in page). */
function uiDeps(keys: Keys): ApiDeps {
  const untouchable = (name: string) =>
    new Proxy(
      {},
      {
        get: (_t, key) => {
          throw new Error(`${name}.${String(key)} was used`);
        },
      },
    );
  return {
    db: untouchable('db') as ApiDeps['db'],
    temporal: untouchable('temporal') as ApiDeps['temporal'],
    log: createLogger('test', 'silent'),
    keys,
    namespace: 'default',
    taskQueue: 'keys-test',
    publicBaseUrl: 'http://localhost',
    version: 'test',
    readiness: [],
  };
}
