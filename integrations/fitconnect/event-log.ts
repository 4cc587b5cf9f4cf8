// "Sent" is not "delivered": the sender learns the outcome only from the case's event log, whose Security Event
// Tokens (PS512) are signed by the Submission API or by the destination. Every token is verified before it counts.
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';
import { DeliveryError } from '../transfer/types';
import {
  FIT_CONNECT_EVENTS,
  SET_ALG,
  SET_TYP,
  UUID,
  type Problem,
  type SubmissionStatus,
  type VerifiedEvent,
} from './contract';
import type { SubmissionApi } from './http';

export class EventLog {
  private serviceJwks: ReturnType<typeof createLocalJWKSet> | undefined;
  private readonly destinationSigningKeys = new Map<string, CryptoKey>();

  constructor(private readonly api: SubmissionApi) {}

  private async serviceKeys(refresh: boolean): Promise<ReturnType<typeof createLocalJWKSet>> {
    if (!this.serviceJwks || refresh) {
      const jwks = await this.api.json<JSONWebKeySet>('get jwks', 'GET', '/.well-known/jwks.json', {
        auth: false,
        unversioned: true,
      });
      this.serviceJwks = createLocalJWKSet(jwks);
    }
    return this.serviceJwks;
  }

  private async destinationSigningKey(destinationId: string, kid: string): Promise<CryptoKey> {
    const cacheKey = `${destinationId}/${kid}`;
    const cached = this.destinationSigningKeys.get(cacheKey);
    if (cached) return cached;
    const jwk = await this.api.json<JWK>(
      'get signing key',
      'GET',
      `/destinations/${encodeURIComponent(destinationId)}/keys/${encodeURIComponent(kid)}`,
    );
    if (jwk.kty !== 'RSA' || (jwk.alg !== undefined && jwk.alg !== SET_ALG)) {
      throw new DeliveryError('key-invalid', `Signing key ${kid} of ${destinationId} is not a ${SET_ALG} key`, {
        retryable: false,
      });
    }
    const key = (await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e, alg: SET_ALG }, SET_ALG)) as CryptoKey;
    this.destinationSigningKeys.set(cacheKey, key);
    return key;
  }

  /** Verifies one Security Event Token: header, signature (service JWKS or the destination's key) and claims. */
  async verifyEventToken(token: string, expected: { caseId: string; destinationId?: string }): Promise<VerifiedEvent> {
    const invalid = (why: string) =>
      new DeliveryError('protocol-error', `FIT-Connect event token invalid: ${why}`, { retryable: false });
    const header = decodeProtectedHeader(token);
    if (header.typ !== SET_TYP) throw invalid(`typ ${String(header.typ)}`);
    if (header.alg !== SET_ALG) throw invalid(`alg ${String(header.alg)}`);
    if (!header.kid) throw invalid('no kid');
    const unverified = decodeJwt(token);
    const issuer = unverified.iss ?? '';
    const options = { algorithms: [SET_ALG], typ: SET_TYP, issuer };
    let payload: JWTPayload;
    try {
      if (issuer === this.api.apiUrl) {
        try {
          ({ payload } = await jwtVerify(token, await this.serviceKeys(false), options));
        } catch (err) {
          // The service may have rotated its key since we cached the set.
          if ((err as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
          ({ payload } = await jwtVerify(token, await this.serviceKeys(true), options));
        }
      } else {
        if (!UUID.test(issuer)) throw invalid(`issuer ${issuer}`);
        if (expected.destinationId && issuer !== expected.destinationId) {
          throw invalid(`issuer ${issuer} is not the destination`);
        }
        const key = await this.destinationSigningKey(issuer, header.kid);
        ({ payload } = await jwtVerify(token, key, options));
      }
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      throw invalid(err instanceof Error ? err.message : String(err));
    }
    const events = payload.events as Record<string, Record<string, unknown>> | undefined;
    const eventNames = events ? Object.keys(events) : [];
    if (!payload.jti || typeof payload.iat !== 'number') throw invalid('jti or iat missing');
    if (eventNames.length !== 1) throw invalid('not exactly one event');
    if (payload.txn !== `case:${expected.caseId}`) throw invalid(`txn ${String(payload.txn)}`);
    const sub = typeof payload.sub === 'string' ? /^submission:(.+)$/.exec(payload.sub) : null;
    if (!sub || !UUID.test(sub[1]!)) throw invalid(`sub ${String(payload.sub)}`);
    const event = eventNames[0]!;
    const details = events![event] ?? {};
    return {
      event,
      name: event.slice(event.lastIndexOf('/') + 1),
      jti: payload.jti,
      issuer,
      issuedAt: new Date(payload.iat * 1000).toISOString(),
      submissionId: sub[1]!,
      caseId: expected.caseId,
      problems: Array.isArray(details.problems) ? (details.problems as Problem[]) : [],
      ...(details.authenticationTags
        ? { authenticationTags: details.authenticationTags as Record<string, unknown> }
        : {}),
      token,
    };
  }

  /** The case's event log, every token verified; oldest first. */
  async read(caseId: string, options: { destinationId?: string } = {}): Promise<VerifiedEvent[]> {
    const body = await this.api.json<{ eventLog?: string[] }>('get event log', 'GET', `/cases/${caseId}/events`);
    const verified: VerifiedEvent[] = [];
    for (const token of body.eventLog ?? []) {
      verified.push(await this.verifyEventToken(token, { caseId, ...options }));
    }
    return verified.sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  }
}

function statusAfter(event: string, current: SubmissionStatus): SubmissionStatus {
  switch (event) {
    case FIT_CONNECT_EVENTS.create:
      return 'incomplete';
    case FIT_CONNECT_EVENTS.submit:
      return 'submitted';
    case FIT_CONNECT_EVENTS.forward:
      return 'forwarded';
    case FIT_CONNECT_EVENTS.accept:
      return 'accepted';
    case FIT_CONNECT_EVENTS.reject:
      return 'rejected';
    case FIT_CONNECT_EVENTS.delete:
      // The service removes an answered submission's content later; that does not undo the answer.
      return current === 'accepted' || current === 'rejected' ? current : 'deleted';
    default:
      return current;
  }
}

/** The status one submission's events (oldest first) lead to, with the problems of a rejection. */
export function statusFromEvents(events: readonly VerifiedEvent[]): { status: SubmissionStatus; problems: Problem[] } {
  let status: SubmissionStatus = 'incomplete';
  let problems: Problem[] = [];
  for (const e of events) {
    status = statusAfter(e.event, status);
    if (e.event === FIT_CONNECT_EVENTS.reject) problems = e.problems;
  }
  return { status, problems };
}
