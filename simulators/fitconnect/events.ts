// The case's event log: signed SETs from the service (create, submit, its own reject) and from the authority
// (forward, accept, reject), each checked before it changes a submission's state. The log is the only place a
// sender learns the outcome; callbacks just say "go and look".
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, importJWK, jwtVerify, type CryptoKey } from 'jose';
import type { Callbacks } from './callbacks';
import { conflict, notFound, unprocessable } from './http';
import { authTag, type KeyPair } from './jose';
import type { DestinationState, FitConnectState, SubmissionState } from './state';
import { problemsRefused } from './problems';
import type { SimSubmissionStatus } from './types';
import { CALLBACK_NEW_EVENTS, EVENTS, SET_ALG, SET_SCHEMA, SET_TYP } from './vocabulary';

/** Which state each authority event may leave, and where it leads. */
const DESTINATION_EVENTS: Record<string, { from: SimSubmissionStatus[]; to: SimSubmissionStatus }> = {
  [EVENTS.forward]: { from: ['submitted'], to: 'forwarded' },
  [EVENTS.accept]: { from: ['submitted', 'forwarded'], to: 'accepted' },
  [EVENTS.reject]: { from: ['submitted', 'forwarded'], to: 'rejected' },
};

export class EventLog {
  private readonly publicSigningKeys = new Map<string, CryptoKey>();

  constructor(
    private readonly state: FitConnectState,
    private readonly callbacks: Callbacks,
    private readonly serviceKey: KeyPair,
    private readonly issuer: () => string,
    private readonly now: () => number,
  ) {}

  /**
   * An event the service itself signs: for a step of the sender (create, submit), or of its own (the rejection of
   * what nobody picked up). A system is not told of its own changes, so only the latter calls the sender back.
   */
  async service(
    sub: SubmissionState,
    event: string,
    details: Record<string, unknown>,
    causedBy: 'sender' | 'service',
  ): Promise<void> {
    const token = await this.sign(sub, event, details, this.serviceKey, this.issuer());
    this.append(sub, token, causedBy === 'service');
  }

  /** Signs an event as the authority would with its own key, then records it through the same checks. */
  async authority(submissionId: string, event: string, details: Record<string, unknown>): Promise<void> {
    const submission = this.state.submissionOf(submissionId);
    const destination = this.state.destinationOf(submission.destinationId);
    const token = await this.sign(submission, event, details, destination.signing, destination.destinationId);
    await this.recordDestinationEvent(submission.caseId, token);
  }

  /** Checks and records an event the authority signed with its destination key (accept, reject, forward). */
  async recordDestinationEvent(caseId: string, token: string): Promise<void> {
    if (!this.state.cases.has(caseId)) throw notFound(`case ${caseId} unknown`);
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw unprocessable('not a JWS');
    }
    if (header.typ !== SET_TYP || header.alg !== SET_ALG) {
      throw unprocessable(`SET must be typ ${SET_TYP}, alg ${SET_ALG}`);
    }
    const destination = this.state.destinationOf(this.state.submissionOfCase(caseId)!.destinationId);
    if (header.kid !== destination.signing.kid) throw unprocessable('unknown signing key');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await this.publicSigningKey(destination), {
        algorithms: [SET_ALG],
        typ: SET_TYP,
        issuer: destination.destinationId,
      }));
    } catch (err) {
      throw unprocessable(`signature or claims invalid: ${(err as Error).message}`);
    }
    if (payload.txn !== `case:${caseId}`) throw unprocessable('txn does not name this case');
    const submissionId = typeof payload.sub === 'string' ? payload.sub.replace(/^submission:/, '') : '';
    const submission = this.state.submissions.get(submissionId);
    if (!submission || submission.caseId !== caseId) throw unprocessable('sub not in case');
    const events = Object.keys((payload.events ?? {}) as Record<string, unknown>);
    if (events.length !== 1) throw unprocessable('exactly one event expected');
    const event = events[0]!;
    const transition = DESTINATION_EVENTS[event];
    if (!transition) throw unprocessable(`event ${event} not allowed for a destination`);
    if (!transition.from.includes(submission.status)) throw conflict(`submission is ${submission.status}`);
    if (event === EVENTS.reject) {
      const problems = ((payload.events as Record<string, { problems?: unknown }>)[event] ?? {}).problems;
      if (!Array.isArray(problems) || problems.length === 0) throw unprocessable('a rejection names its problems');
      const refused = problemsRefused(problems);
      if (refused) throw unprocessable(refused);
    }
    submission.status = transition.to;
    if (transition.to !== 'forwarded') submission.answeredAt = this.now();
    this.append(submission, token, true);
  }

  private append(sub: SubmissionState, token: string, tellSender: boolean): void {
    this.state.cases.get(sub.caseId)!.push(token);
    // The callback given with the submission, else the one configured for senders to its destination.
    const callback = sub.callback ?? this.state.destinations.get(sub.destinationId)?.senderCallback;
    if (tellSender && callback) {
      this.callbacks.send(callback, {
        type: CALLBACK_NEW_EVENTS,
        submissions: [{ destinationId: sub.destinationId, submissionId: sub.submissionId, caseId: sub.caseId }],
      });
    }
  }

  private sign(
    sub: SubmissionState,
    event: string,
    details: Record<string, unknown>,
    key: KeyPair,
    issuer: string,
  ): Promise<string> {
    return new SignJWT({
      $schema: SET_SCHEMA,
      sub: `submission:${sub.submissionId}`,
      txn: `case:${sub.caseId}`,
      events: { [event]: details },
    })
      .setProtectedHeader({ alg: SET_ALG, typ: SET_TYP, kid: key.kid })
      .setIssuer(issuer)
      .setIssuedAt(Math.floor(this.now() / 1000))
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  private async publicSigningKey(destination: DestinationState): Promise<CryptoKey> {
    let key = this.publicSigningKeys.get(destination.destinationId);
    if (!key) {
      key = (await importJWK(destination.signing.publicJwk, SET_ALG)) as CryptoKey;
      this.publicSigningKeys.set(destination.destinationId, key);
    }
    return key;
  }
}

/** What the receiver checks its decryption against: the JWE authentication tags of everything submitted. */
export function authenticationTags(submission: SubmissionState) {
  return {
    metadata: authTag(submission.encryptedMetadata ?? ''),
    ...(submission.encryptedData ? { data: authTag(submission.encryptedData) } : {}),
    attachments: Object.fromEntries([...submission.attachments].map(([id, jwe]) => [id, authTag(jwe)])),
  };
}
