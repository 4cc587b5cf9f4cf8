// Authentication (HS256 JWTs signed with the bearer key derived from AUTH_SECRET), roles and Mandant scoping as middleware.
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { KeyRing } from '../runtime/keys';
import { HttpProblem } from './problem';

// One list of roles: the lifecycle's domain logic (pure, also used in workflows) owns it.
import { ROLES as roles, type Role } from '../domain/onlinedienst/phases';

export { roles, type Role };
export type { KeyRing, Keys } from '../runtime/keys';

export interface User {
  id: string;
  name: string;
  roles: Role[];
  /** Mandanten this user acts for; ['*'] for cross-Mandant roles (AWB, Projektleitung). */
  mandanten: string[];
}

const claims = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  roles: z.array(z.enum(roles)).min(1),
  mandanten: z.array(z.string()).default([]),
});

const ISSUER = 'amt24-orchestrierung';

// Importing the HMAC key costs about a millisecond; every request would pay it again.
const imported = new WeakMap<Buffer, KeyObject>();
function keyObject(key: Buffer): KeyObject {
  let object = imported.get(key);
  if (!object) imported.set(key, (object = createSecretKey(key)));
  return object;
}

/** A bearer token signed with the ring's first key. */
export async function signToken(keys: KeyRing<'bearer'>, user: User, expiresIn = '12h'): Promise<string> {
  return new SignJWT({ name: user.name, roles: user.roles, mandanten: user.mandanten })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(keyObject(keys[0]!));
}

// A token's signature and claims never change, so a token verified once needs only its expiry checked again: the
// check costs about a millisecond of CPU per request through WebCrypto, the lookup nothing. Only tokens that
// verified are kept, per key ring (a ring names its keys), at most VERIFIED_MAX of them. Nothing here is state
// another API process would need: any process verifies any token itself.
const VERIFIED_MAX = 10_000;
const verified = new WeakMap<KeyRing<'bearer'>, Map<string, { user: User; expiresAt: number }>>();

/** The user of a token signed with any key of the ring (and not expired); throws otherwise. */
export async function verifyToken(keys: KeyRing<'bearer'>, token: string): Promise<User> {
  let known = verified.get(keys);
  if (!known) verified.set(keys, (known = new Map()));
  const hit = known.get(token);
  // jose's rule: expired once `exp` is reached; an expired token goes through jose again to fail as it would.
  // A copy: no request sees what another did to its user.
  if (hit && Date.now() < hit.expiresAt)
    return { ...hit.user, roles: [...hit.user.roles], mandanten: [...hit.user.mandanten] };
  if (hit) known.delete(token);
  let failure: unknown = new Error('no key');
  for (const key of keys) {
    try {
      const { payload } = await jwtVerify(token, keyObject(key), { issuer: ISSUER, algorithms: ['HS256'] });
      const parsed = claims.parse(payload);
      const user: User = { id: parsed.sub, name: parsed.name, roles: parsed.roles, mandanten: parsed.mandanten };
      if (payload.exp !== undefined && payload.nbf === undefined) {
        if (known.size >= VERIFIED_MAX) known.delete(known.keys().next().value!);
        known.set(token, {
          user: { ...user, roles: [...user.roles], mandanten: [...user.mandanten] },
          expiresAt: payload.exp * 1000,
        });
      }
      return user;
    } catch (err) {
      failure = err;
    }
  }
  throw failure;
}

export type AuthVariables = { user?: User };

/** Reads a bearer token if present; a present but bad token is refused, a missing one leaves the user unset. */
export function authenticate(keys: KeyRing<'bearer'>): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header) {
      const match = /^Bearer\s+(.+)$/i.exec(header);
      if (!match) throw new HttpProblem(401, 'Nicht angemeldet', 'Authorization header must be "Bearer <token>"');
      try {
        c.set('user', await verifyToken(keys, match[1]!));
      } catch {
        throw new HttpProblem(
          401,
          'Nicht angemeldet',
          'Token ungültig oder abgelaufen',
          {},
          {
            'www-authenticate': 'Bearer error="invalid_token"',
          },
        );
      }
    }
    await next();
  };
}

/** Requires a signed-in user holding at least one of the roles. */
export function requireRole(...allowed: Role[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const user = c.get('user');
    if (!user) {
      throw new HttpProblem(401, 'Nicht angemeldet', 'Bearer token required', {}, { 'www-authenticate': 'Bearer' });
    }
    if (allowed.length > 0 && !user.roles.some((r) => allowed.includes(r))) {
      // The same code a workflow's refusal carries, whichever side checks the role.
      throw new HttpProblem(403, 'Keine Berechtigung', `Requires one of the roles: ${allowed.join(', ')}`, {
        code: 'wrong-role',
      });
    }
    await next();
  };
}

export function canAccessMandant(user: User, mandantId: string): boolean {
  return user.mandanten.includes('*') || user.mandanten.includes(mandantId);
}

/** Mandant scoping: a user sees and changes only the Mandanten they act for. 404, not 403, to not leak existence. */
export function assertMandantAccess(user: User, mandantId: string): void {
  if (!canAccessMandant(user, mandantId)) {
    throw new HttpProblem(404, 'Nicht gefunden', `Mandant ${mandantId} not found`);
  }
}

export function currentUser(c: { get(key: 'user'): User | undefined }): User {
  const user = c.get('user');
  if (!user) throw new HttpProblem(401, 'Nicht angemeldet', 'Bearer token required');
  return user;
}

/** The demo users `npm run tokens` prints tokens for (development only). */
export const demoUsers: User[] = [
  { id: 'buerger-anna', name: 'Anna Bürger', roles: ['buerger'], mandanten: [] },
  { id: 'pe-smk', name: 'Prozesseigner SMK', roles: ['prozesseigner'], mandanten: ['*'] },
  { id: 'pm-seitenbau', name: 'Modellierer Seitenbau', roles: ['prozessmodellierer'], mandanten: ['*'] },
  { id: 'zert-pruefstelle', name: 'Zertifizierungsstelle', roles: ['zertifizierer'], mandanten: ['*'] },
  { id: 'awb-sid', name: 'Anwendungsbetreuung SID', roles: ['awb'], mandanten: ['*'] },
  { id: 'admin-leipzig', name: 'Mandant-Admin Leipzig', roles: ['mandant-admin'], mandanten: ['leipzig'] },
  { id: 'admin-dresden', name: 'Mandant-Admin Dresden', roles: ['mandant-admin'], mandanten: ['dresden'] },
  { id: 'sb-leipzig', name: 'Sachbearbeitung Leipzig', roles: ['sachbearbeitung'], mandanten: ['leipzig'] },
  { id: 'redaktion-sk', name: 'Redaktion Amt24', roles: ['redaktion'], mandanten: ['*'] },
  { id: 'pl-sk', name: 'Projektleitung Amt24', roles: ['projektleitung'], mandanten: ['*'] },
  { id: 'tt-sid', name: 'Testteam Amt24', roles: ['testteam'], mandanten: ['*'] },
];
