// A FIT-Connect Submission API (plus its OAuth token endpoint) as a real HTTP server on loopback. It plays both
// the service and, through the subscriber API and control methods, the authority: it holds each destination's
// private keys so the "authority side" can decrypt and sign accept/reject events.
// Deliberately shares no code with our client, so a misunderstanding of the protocol shows up as a failing test.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  compactDecrypt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';

const EVENT_BASE = 'https://schema.fitko.de/fit-connect/events/';
const EVENTS = {
  create: `${EVENT_BASE}create-submission`,
  submit: `${EVENT_BASE}submit-submission`,
  forward: `${EVENT_BASE}forward-submission`,
  accept: `${EVENT_BASE}accept-submission`,
  reject: `${EVENT_BASE}reject-submission`,
} as const;
const SET_SCHEMA = 'https://schema.fitko.de/fit-connect/set-payload/1.2.0/set-payload.schema.json';
const CALLBACK_NEW_SUBMISSIONS = 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions';
const CALLBACK_NEW_EVENTS = 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events';
// The service's own reason for rejecting what nobody picked up; the name is ours, the rule is FIT-Connect's.
const PROBLEM_NOT_PICKED_UP = `${EVENT_BASE}problems/submission-not-picked-up`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export type SimSubmissionStatus = 'incomplete' | 'submitted' | 'forwarded' | 'accepted' | 'rejected';
export type SimDestinationStatus = 'created' | 'active' | 'inactive' | 'decommissioned';
export type OutageMode = 'none' | 'unavailable' | 'refused';

export interface SimClient {
  clientId: string;
  clientSecret: string;
}

export interface SimProblem {
  type: string;
  title?: string;
  detail?: string;
  instance?: string;
}

export interface SimService {
  identifier: string;
  submissionSchemas: { schemaUri: string; mimeType: string }[];
  regions?: string[];
}

export interface SimDestinationInput {
  destinationId?: string;
  status?: SimDestinationStatus;
  services?: SimService[];
  /** Where new submissions are announced (HMAC-SHA512 signed). */
  callback?: { url: string; secret: string };
  replyChannels?: Record<string, unknown>;
}

export interface SimDestination {
  destinationId: string;
  status: SimDestinationStatus;
  encryptionKid: string;
  signingKid: string;
  services: SimService[];
}

export interface FitConnectSimulatorOptions {
  port?: number;
  host?: string;
  sender?: SimClient;
  subscriber?: SimClient;
  tokenLifetimeSeconds?: number;
  /** Modulus of every generated RSA key; FIT-Connect requires 4096. */
  keyBits?: number;
  /** The destination's technical contact is reminded after this long without pickup (FIT-Connect: 3 days). */
  pickupReminderAfterMs?: number;
  /** Still `submitted` after this long: rejected by the service (FIT-Connect: 14 days). */
  autoRejectAfterMs?: number;
  /** How often reminders and auto-rejects run; 0 = only via `runMaintenance`. */
  maintenanceIntervalMs?: number;
  /** Delays before the 2nd, 3rd ... callback attempt. */
  callbackRetryDelaysMs?: number[];
  now?: () => number;
}

export interface DecryptedSubmission {
  submissionId: string;
  caseId: string;
  destinationId: string;
  status: SimSubmissionStatus;
  metadata: Record<string, unknown>;
  /** The Fachdaten as sent (UTF-8 text). */
  data: string;
  attachments: Record<string, Uint8Array>;
}

export interface CallbackDelivery {
  url: string;
  type: string;
  body: string;
  attempt: number;
  status?: number;
  error?: string;
  at: string;
}

export interface FitConnectSimulator {
  url: string;
  port: number;
  tokenUrl: string;
  submissionApiUrl: string;
  sender: SimClient;
  subscriber: SimClient;
  createDestination(input?: SimDestinationInput): Promise<SimDestination>;
  setDestinationStatus(destinationId: string, status: SimDestinationStatus): void;
  setDestinationCallback(destinationId: string, callback: { url: string; secret: string } | undefined): void;
  /** `unavailable`: every API call answers 503; `refused`: the port stops accepting connections. */
  setOutage(mode: OutageMode): Promise<void>;
  setLatency(ms: number): void;
  /** The authority's private keys, for a test that plays the subscriber over HTTP. */
  destinationKeys(destinationId: string): { decryptionKey: CryptoKey; signingKey: CryptoKey; signingKid: string };
  submissionStatus(submissionId: string): SimSubmissionStatus | undefined;
  listSubmissions(destinationId?: string): { submissionId: string; caseId: string; destinationId: string; status: SimSubmissionStatus }[];
  /** How often each attachment was uploaded. */
  uploadCounts(submissionId: string): Record<string, number>;
  decryptSubmission(submissionId: string): Promise<DecryptedSubmission>;
  acceptSubmission(submissionId: string): Promise<void>;
  rejectSubmission(submissionId: string, problems: SimProblem[]): Promise<void>;
  forwardSubmission(submissionId: string): Promise<void>;
  eventLog(caseId: string): string[];
  readonly callbackDeliveries: CallbackDelivery[];
  readonly reminders: { submissionId: string; destinationId: string; at: string }[];
  runMaintenance(now?: number): Promise<void>;
  close(): Promise<void>;
}

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

interface DestinationState extends SimDestination {
  encryption: KeyPair;
  signing: KeyPair;
  callback?: { url: string; secret: string };
  replyChannels: Record<string, unknown>;
}

interface SubmissionState {
  submissionId: string;
  caseId: string;
  destinationId: string;
  senderClientId: string;
  serviceType: { identifier: string; name?: string };
  announcedAttachments: string[];
  attachments: Map<string, string>;
  uploadCounts: Map<string, number>;
  encryptedMetadata?: string;
  encryptedData?: string;
  status: SimSubmissionStatus;
  createdAt: number;
  submittedAt?: number;
  pickedUpAt?: number;
  reminded: boolean;
  callback?: { url: string; secret: string };
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ?? title);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  sendJson(
    res,
    problem.status,
    { type: 'about:blank', title: problem.title, status: problem.status, ...(problem.detail ? { detail: problem.detail } : {}) },
    'application/problem+json',
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'Payload Too Large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new HttpProblem(400, 'Bad Request', 'body is not a JSON object');
  }
}

function isCompactJwe(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/.test(value);
}

function authTag(jwe: string): string {
  return jwe.split('.')[4] ?? '';
}

async function newKeyPair(alg: 'RSA-OAEP-256' | 'PS512', bits: number): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { modulusLength: bits });
  const kid = randomUUID();
  const jwk = await exportJWK(publicKey);
  const publicJwk: JWK = {
    kty: jwk.kty!,
    n: jwk.n!,
    e: jwk.e!,
    kid,
    alg,
    key_ops: alg === 'PS512' ? ['verify'] : ['wrapKey'],
  };
  return { kid, privateKey, publicJwk };
}

function signCallbackBody(secret: string, timestamp: number, body: string): string {
  return createHmac('sha512', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export async function startFitConnectSimulator(options: FitConnectSimulatorOptions = {}): Promise<FitConnectSimulator> {
  const now = options.now ?? Date.now;
  const keyBits = options.keyBits ?? 4096;
  const tokenLifetime = options.tokenLifetimeSeconds ?? 300;
  const reminderAfter = options.pickupReminderAfterMs ?? 3 * DAY_MS;
  const autoRejectAfter = options.autoRejectAfterMs ?? 14 * DAY_MS;
  const retryDelays = options.callbackRetryDelaysMs ?? [500, 2_000, 10_000];
  const sender: SimClient = options.sender ?? { clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url') };
  const subscriber: SimClient = options.subscriber ?? {
    clientId: randomUUID(),
    clientSecret: randomBytes(24).toString('base64url'),
  };
  const clients = new Map<string, { secret: string; role: 'sender' | 'subscriber' }>([
    [sender.clientId, { secret: sender.clientSecret, role: 'sender' }],
    [subscriber.clientId, { secret: subscriber.clientSecret, role: 'subscriber' }],
  ]);

  const serviceKey = await newKeyPair('PS512', keyBits);
  const tokens = new Map<string, { clientId: string; role: 'sender' | 'subscriber'; expiresAt: number }>();
  const destinations = new Map<string, DestinationState>();
  const submissions = new Map<string, SubmissionState>();
  const cases = new Map<string, string[]>();
  const callbackDeliveries: CallbackDelivery[] = [];
  const reminders: { submissionId: string; destinationId: string; at: string }[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();
  let outage: OutageMode = 'none';
  let latencyMs = 0;
  let baseUrl = '';
  let closed = false;

  // --- events and callbacks ---

  async function serviceEvent(sub: SubmissionState, event: string, details: Record<string, unknown> = {}): Promise<void> {
    const token = await new SignJWT({
      $schema: SET_SCHEMA,
      sub: `submission:${sub.submissionId}`,
      txn: `case:${sub.caseId}`,
      events: { [event]: details },
    })
      .setProtectedHeader({ alg: 'PS512', typ: 'secevent+jwt', kid: serviceKey.kid })
      .setIssuer(baseUrl)
      .setIssuedAt(Math.floor(now() / 1000))
      .setJti(randomUUID())
      .sign(serviceKey.privateKey);
    appendEvent(sub, token);
  }

  function appendEvent(sub: SubmissionState, token: string): void {
    cases.get(sub.caseId)!.push(token);
    if (sub.callback) {
      sendCallback(sub.callback, {
        type: CALLBACK_NEW_EVENTS,
        submissions: [{ destinationId: sub.destinationId, submissionId: sub.submissionId, caseId: sub.caseId }],
      });
    }
  }

  function sendCallback(target: { url: string; secret: string }, payload: Record<string, unknown>, attempt = 1): void {
    if (closed) return;
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(now() / 1000);
    const record: CallbackDelivery = {
      url: target.url,
      type: String(payload.type),
      body,
      attempt,
      at: new Date(now()).toISOString(),
    };
    callbackDeliveries.push(record);
    const retry = () => {
      const delay = retryDelays[attempt - 1];
      if (delay === undefined || closed) return;
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        sendCallback(target, payload, attempt + 1);
      }, delay);
      timer.unref();
      pendingTimers.add(timer);
    };
    fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'callback-timestamp': String(timestamp),
        'callback-authentication': signCallbackBody(target.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    }).then(
      async (res) => {
        record.status = res.status;
        await res.body?.cancel();
        if (!res.ok) retry();
      },
      (err: unknown) => {
        record.error = err instanceof Error ? err.message : String(err);
        retry();
      },
    );
  }

  // --- state changes shared by HTTP and control methods ---

  function destinationOf(id: string): DestinationState {
    const destination = destinations.get(id);
    if (!destination) throw new HttpProblem(404, 'Not Found', `destination ${id} unknown`);
    return destination;
  }

  function submissionOf(id: string): SubmissionState {
    const submission = submissions.get(id);
    if (!submission) throw new HttpProblem(404, 'Not Found', `submission ${id} unknown`);
    return submission;
  }

  function publicDestination(d: DestinationState) {
    return {
      destinationId: d.destinationId,
      status: d.status,
      encryptionKid: d.encryption.kid,
      services: d.services,
      metadataVersions: ['1.0.0', '1.1.0', '1.2.0'],
      replyChannels: d.replyChannels,
    };
  }

  async function createDestination(input: SimDestinationInput = {}): Promise<SimDestination> {
    const destinationId = input.destinationId ?? randomUUID();
    if (destinations.has(destinationId)) throw new HttpProblem(409, 'Conflict', 'destination exists');
    const [encryption, signing] = await Promise.all([newKeyPair('RSA-OAEP-256', keyBits), newKeyPair('PS512', keyBits)]);
    const destination: DestinationState = {
      destinationId,
      status: input.status ?? 'active',
      encryptionKid: encryption.kid,
      signingKid: signing.kid,
      services: input.services ?? [
        {
          identifier: 'urn:de:fim:leika:leistung:99000000000000',
          submissionSchemas: [{ schemaUri: 'https://schema.amt24.sachsen.de/antrag/1.0.0/antrag.schema.json', mimeType: 'application/json' }],
        },
      ],
      encryption,
      signing,
      ...(input.callback ? { callback: input.callback } : {}),
      replyChannels: input.replyChannels ?? { eMail: { usePgp: false } },
    };
    destinations.set(destinationId, destination);
    return {
      destinationId,
      status: destination.status,
      encryptionKid: encryption.kid,
      signingKid: signing.kid,
      services: destination.services,
    };
  }

  /** Checks and records an event the authority signed with its destination key (accept, reject, forward). */
  async function recordDestinationEvent(caseId: string, token: string): Promise<void> {
    const log = cases.get(caseId);
    if (!log) throw new HttpProblem(404, 'Not Found', `case ${caseId} unknown`);
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new HttpProblem(422, 'Unprocessable Entity', 'not a JWS');
    }
    if (header.typ !== 'secevent+jwt' || header.alg !== 'PS512') {
      throw new HttpProblem(422, 'Unprocessable Entity', 'SET must be typ secevent+jwt, alg PS512');
    }
    const caseSubmission = [...submissions.values()].find((s) => s.caseId === caseId)!;
    const destination = destinationOf(caseSubmission.destinationId);
    if (header.kid !== destination.signing.kid) throw new HttpProblem(422, 'Unprocessable Entity', 'unknown signing key');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await publicSigningKey(destination), {
        algorithms: ['PS512'],
        typ: 'secevent+jwt',
        issuer: destination.destinationId,
      }));
    } catch (err) {
      throw new HttpProblem(422, 'Unprocessable Entity', `signature or claims invalid: ${(err as Error).message}`);
    }
    if (payload.txn !== `case:${caseId}`) throw new HttpProblem(422, 'Unprocessable Entity', 'txn does not name this case');
    const submissionId = typeof payload.sub === 'string' ? payload.sub.replace(/^submission:/, '') : '';
    const submission = submissions.get(submissionId);
    if (!submission || submission.caseId !== caseId) throw new HttpProblem(422, 'Unprocessable Entity', 'sub not in case');
    const events = Object.keys((payload.events ?? {}) as Record<string, unknown>);
    if (events.length !== 1) throw new HttpProblem(422, 'Unprocessable Entity', 'exactly one event expected');
    const event = events[0]!;
    const allowed: Record<string, SimSubmissionStatus[]> = {
      [EVENTS.forward]: ['submitted'],
      [EVENTS.accept]: ['submitted', 'forwarded'],
      [EVENTS.reject]: ['submitted', 'forwarded'],
    };
    if (!allowed[event]) throw new HttpProblem(422, 'Unprocessable Entity', `event ${event} not allowed for a destination`);
    if (!allowed[event]!.includes(submission.status)) {
      throw new HttpProblem(409, 'Conflict', `submission is ${submission.status}`);
    }
    submission.status = event === EVENTS.forward ? 'forwarded' : event === EVENTS.accept ? 'accepted' : 'rejected';
    appendEvent(submission, token);
  }

  const publicSigningKeys = new Map<string, CryptoKey>();
  async function publicSigningKey(destination: DestinationState): Promise<CryptoKey> {
    let key = publicSigningKeys.get(destination.destinationId);
    if (!key) {
      key = (await importJWK(destination.signing.publicJwk, 'PS512')) as CryptoKey;
      publicSigningKeys.set(destination.destinationId, key);
    }
    return key;
  }

  /** Signs an event as the authority would with its own key, then records it through the same checks. */
  async function authorityEvent(submissionId: string, event: string, details: Record<string, unknown>): Promise<void> {
    const submission = submissionOf(submissionId);
    const destination = destinationOf(submission.destinationId);
    const token = await new SignJWT({
      $schema: SET_SCHEMA,
      sub: `submission:${submissionId}`,
      txn: `case:${submission.caseId}`,
      events: { [event]: details },
    })
      .setProtectedHeader({ alg: 'PS512', typ: 'secevent+jwt', kid: destination.signing.kid })
      .setIssuer(destination.destinationId)
      .setIssuedAt(Math.floor(now() / 1000))
      .setJti(randomUUID())
      .sign(destination.signing.privateKey);
    await recordDestinationEvent(submission.caseId, token);
  }

  function authenticationTags(submission: SubmissionState) {
    return {
      metadata: authTag(submission.encryptedMetadata ?? ''),
      ...(submission.encryptedData ? { data: authTag(submission.encryptedData) } : {}),
      attachments: Object.fromEntries([...submission.attachments].map(([id, jwe]) => [id, authTag(jwe)])),
    };
  }

  async function decryptSubmission(submissionId: string): Promise<DecryptedSubmission> {
    const submission = submissionOf(submissionId);
    if (!submission.encryptedMetadata) throw new HttpProblem(409, 'Conflict', 'submission not submitted yet');
    const key = destinationOf(submission.destinationId).encryption.privateKey;
    const decrypt = async (jwe: string) => (await compactDecrypt(jwe, key)).plaintext;
    const attachments: Record<string, Uint8Array> = {};
    for (const [id, jwe] of submission.attachments) attachments[id] = await decrypt(jwe);
    return {
      submissionId,
      caseId: submission.caseId,
      destinationId: submission.destinationId,
      status: submission.status,
      metadata: JSON.parse(new TextDecoder().decode(await decrypt(submission.encryptedMetadata))) as Record<string, unknown>,
      data: submission.encryptedData ? new TextDecoder().decode(await decrypt(submission.encryptedData)) : '',
      attachments,
    };
  }

  async function runMaintenance(at: number = now()): Promise<void> {
    for (const submission of submissions.values()) {
      if (submission.status !== 'submitted' || submission.submittedAt === undefined) continue;
      const age = at - submission.submittedAt;
      if (age >= autoRejectAfter) {
        submission.status = 'rejected';
        await serviceEvent(submission, EVENTS.reject, {
          problems: [
            {
              type: PROBLEM_NOT_PICKED_UP,
              title: 'Submission not picked up',
              detail: `Not accepted within ${Math.round(autoRejectAfter / DAY_MS)} days`,
              instance: `submission:${submission.submissionId}`,
            },
          ],
        });
      } else if (age >= reminderAfter && !submission.pickedUpAt && !submission.reminded) {
        submission.reminded = true;
        reminders.push({
          submissionId: submission.submissionId,
          destinationId: submission.destinationId,
          at: new Date(at).toISOString(),
        });
      }
    }
  }

  // --- HTTP ---

  function authenticate(req: IncomingMessage): { clientId: string; role: 'sender' | 'subscriber' } {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    const token = match ? tokens.get(match[1]!) : undefined;
    if (!token || token.expiresAt <= now()) throw new HttpProblem(401, 'Unauthorized', 'missing or expired token');
    return token;
  }

  function requireRole(req: IncomingMessage, role: 'sender' | 'subscriber') {
    const client = authenticate(req);
    if (client.role !== role) throw new HttpProblem(403, 'Forbidden', `requires a ${role} client`);
    return client;
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    let clientId = form.get('client_id') ?? '';
    let clientSecret = form.get('client_secret') ?? '';
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
    }
    if (form.get('grant_type') !== 'client_credentials') {
      sendJson(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    const client = clients.get(clientId);
    if (!client || client.secret !== clientSecret) {
      sendJson(res, 401, { error: 'invalid_client' });
      return;
    }
    const accessToken = randomBytes(32).toString('base64url');
    tokens.set(accessToken, { clientId, role: client.role, expiresAt: now() + tokenLifetime * 1000 });
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: tokenLifetime,
      scope: client.role === 'sender' ? 'send:region:DE' : 'subscribe:destination',
    });
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, parts: string[], query: URLSearchParams) {
    const [v1, resource, id, sub, subId] = parts;
    if (v1 !== 'v1') throw new HttpProblem(404, 'Not Found');

    if (resource === 'destinations' && id && parts.length === 3 && method === 'GET') {
      authenticate(req);
      sendJson(res, 200, publicDestination(destinationOf(id)));
      return;
    }
    if (resource === 'destinations' && id && sub === 'keys' && subId && parts.length === 5 && method === 'GET') {
      authenticate(req);
      const destination = destinationOf(id);
      const key = [destination.encryption, destination.signing].find((k) => k.kid === subId);
      if (!key) throw new HttpProblem(404, 'Not Found', `key ${subId} unknown`);
      sendJson(res, 200, key.publicJwk);
      return;
    }

    if (resource === 'submissions' && !id && method === 'POST') {
      const client = requireRole(req, 'sender');
      const body = parseJson(await readBody(req));
      const destinationId = String(body.destinationId ?? '');
      const destination = destinationOf(destinationId);
      if (destination.status !== 'active') {
        throw new HttpProblem(422, 'Unprocessable Entity', `destination is ${destination.status}`);
      }
      const announced = body.announcedAttachments ?? [];
      if (!Array.isArray(announced) || announced.some((a) => typeof a !== 'string' || !UUID.test(a))) {
        throw new HttpProblem(422, 'Unprocessable Entity', 'announcedAttachments must be UUIDs');
      }
      if (new Set(announced).size !== announced.length) {
        throw new HttpProblem(422, 'Unprocessable Entity', 'announcedAttachments not unique');
      }
      const serviceType = body.serviceType as { identifier?: unknown; name?: unknown } | undefined;
      if (typeof serviceType?.identifier !== 'string') {
        throw new HttpProblem(422, 'Unprocessable Entity', 'serviceType.identifier missing');
      }
      if (!destination.services.some((s) => s.identifier === serviceType.identifier)) {
        throw new HttpProblem(422, 'Unprocessable Entity', `service ${serviceType.identifier} not offered`);
      }
      const callback = body.callback as { url?: unknown; secret?: unknown } | undefined;
      const submission: SubmissionState = {
        submissionId: randomUUID(),
        caseId: randomUUID(),
        destinationId,
        senderClientId: client.clientId,
        serviceType: {
          identifier: serviceType.identifier,
          ...(typeof serviceType.name === 'string' ? { name: serviceType.name } : {}),
        },
        announcedAttachments: announced as string[],
        attachments: new Map(),
        uploadCounts: new Map(),
        status: 'incomplete',
        createdAt: now(),
        reminded: false,
        ...(typeof callback?.url === 'string' && typeof callback.secret === 'string'
          ? { callback: { url: callback.url, secret: callback.secret } }
          : {}),
      };
      submissions.set(submission.submissionId, submission);
      cases.set(submission.caseId, []);
      await serviceEvent(submission, EVENTS.create);
      sendJson(res, 201, {
        destinationId,
        submissionId: submission.submissionId,
        caseId: submission.caseId,
      });
      return;
    }

    if (resource === 'submissions' && !id && method === 'GET') {
      requireRole(req, 'subscriber');
      const destinationId = query.get('destinationId');
      const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
      const limit = Math.min(500, Math.max(1, Number(query.get('limit') ?? 100) || 100));
      const ready = [...submissions.values()].filter(
        (s) => s.status === 'submitted' && (!destinationId || s.destinationId === destinationId),
      );
      const page = ready.slice(offset, offset + limit);
      sendJson(res, 200, {
        count: page.length,
        offset,
        totalCount: ready.length,
        submissions: page.map((s) => ({ destinationId: s.destinationId, submissionId: s.submissionId, caseId: s.caseId })),
      });
      return;
    }

    if (resource === 'submissions' && id && parts.length === 3 && method === 'PUT') {
      const client = requireRole(req, 'sender');
      const submission = submissionOf(id);
      if (submission.senderClientId !== client.clientId) throw new HttpProblem(403, 'Forbidden');
      const body = parseJson(await readBody(req));
      if (submission.status !== 'incomplete') throw new HttpProblem(409, 'Conflict', `submission is ${submission.status}`);
      const missing = submission.announcedAttachments.filter((a) => !submission.attachments.has(a));
      if (missing.length > 0) {
        throw new HttpProblem(422, 'Unprocessable Entity', `attachments not uploaded: ${missing.join(', ')}`);
      }
      if (!isCompactJwe(body.encryptedMetadata)) {
        throw new HttpProblem(422, 'Unprocessable Entity', 'encryptedMetadata must be a compact JWE');
      }
      if (body.encryptedData !== undefined && !isCompactJwe(body.encryptedData)) {
        throw new HttpProblem(422, 'Unprocessable Entity', 'encryptedData must be a compact JWE');
      }
      checkJweHeader(body.encryptedMetadata, submission);
      if (typeof body.encryptedData === 'string') checkJweHeader(body.encryptedData, submission);
      submission.encryptedMetadata = body.encryptedMetadata;
      if (typeof body.encryptedData === 'string') submission.encryptedData = body.encryptedData;
      submission.status = 'submitted';
      submission.submittedAt = now();
      await serviceEvent(submission, EVENTS.submit, { authenticationTags: authenticationTags(submission) });
      const destination = destinationOf(submission.destinationId);
      if (destination.callback) {
        const entry = { destinationId: destination.destinationId, submissionId: submission.submissionId, caseId: submission.caseId };
        sendCallback(destination.callback, { type: CALLBACK_NEW_SUBMISSIONS, submissionIds: [entry.submissionId], submissions: [entry] });
      }
      sendJson(res, 202, { destinationId: submission.destinationId, submissionId: id, caseId: submission.caseId });
      return;
    }

    if (resource === 'submissions' && id && parts.length === 3 && method === 'GET') {
      const client = authenticate(req);
      const submission = submissionOf(id);
      if (client.role === 'sender') {
        if (submission.senderClientId !== client.clientId) throw new HttpProblem(403, 'Forbidden');
        sendJson(res, 200, {
          destinationId: submission.destinationId,
          submissionId: id,
          caseId: submission.caseId,
          serviceType: submission.serviceType,
          announcedAttachments: submission.announcedAttachments,
          attachments: [...submission.attachments.keys()],
        });
        return;
      }
      if (submission.status === 'incomplete') throw new HttpProblem(404, 'Not Found', 'submission not submitted');
      submission.pickedUpAt ??= now();
      sendJson(res, 200, {
        destinationId: submission.destinationId,
        submissionId: id,
        caseId: submission.caseId,
        serviceType: submission.serviceType,
        attachments: submission.announcedAttachments,
        encryptedMetadata: submission.encryptedMetadata,
        ...(submission.encryptedData ? { encryptedData: submission.encryptedData } : {}),
      });
      return;
    }

    if (resource === 'submissions' && id && sub === 'attachments' && subId && parts.length === 5) {
      const submission = submissionOf(id);
      if (method === 'PUT') {
        const client = requireRole(req, 'sender');
        if (submission.senderClientId !== client.clientId) throw new HttpProblem(403, 'Forbidden');
        const body = (await readBody(req)).toString('utf8').trim();
        if (submission.status !== 'incomplete') throw new HttpProblem(409, 'Conflict', `submission is ${submission.status}`);
        if (!submission.announcedAttachments.includes(subId)) {
          throw new HttpProblem(422, 'Unprocessable Entity', `attachment ${subId} was not announced`);
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/jose')) {
          throw new HttpProblem(415, 'Unsupported Media Type', 'expected application/jose');
        }
        if (!isCompactJwe(body)) throw new HttpProblem(422, 'Unprocessable Entity', 'not a compact JWE');
        checkJweHeader(body, submission);
        submission.attachments.set(subId, body);
        submission.uploadCounts.set(subId, (submission.uploadCounts.get(subId) ?? 0) + 1);
        res.writeHead(204).end();
        return;
      }
      if (method === 'GET') {
        requireRole(req, 'subscriber');
        const jwe = submission.status === 'incomplete' ? undefined : submission.attachments.get(subId);
        if (!jwe) throw new HttpProblem(404, 'Not Found', `attachment ${subId} unknown`);
        res.writeHead(200, { 'content-type': 'application/jose', 'content-length': Buffer.byteLength(jwe) });
        res.end(jwe);
        return;
      }
    }

    if (resource === 'submissions' && id && sub === 'events' && parts.length === 4 && method === 'GET') {
      const client = authenticate(req);
      const submission = submissionOf(id);
      if (client.role === 'sender' && submission.senderClientId !== client.clientId) throw new HttpProblem(403, 'Forbidden');
      const tokensOfSubmission = (cases.get(submission.caseId) ?? []).filter((t) => {
        const payload = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString('utf8')) as { sub?: string };
        return payload.sub === `submission:${id}`;
      });
      sendJson(res, 200, { eventLog: tokensOfSubmission });
      return;
    }

    if (resource === 'cases' && id && sub === 'events' && parts.length === 4) {
      const client = authenticate(req);
      const log = cases.get(id);
      if (!log) throw new HttpProblem(404, 'Not Found', `case ${id} unknown`);
      if (method === 'GET') {
        const owner = [...submissions.values()].find((s) => s.caseId === id)!;
        if (client.role === 'sender' && owner.senderClientId !== client.clientId) throw new HttpProblem(403, 'Forbidden');
        sendJson(res, 200, { eventLog: log });
        return;
      }
      if (method === 'POST') {
        if (client.role !== 'subscriber') throw new HttpProblem(403, 'Forbidden', 'only the destination posts events');
        await recordDestinationEvent(id, (await readBody(req)).toString('utf8').trim());
        res.writeHead(204).end();
        return;
      }
    }

    throw new HttpProblem(404, 'Not Found', `${method} /${parts.join('/')}`);
  }

  /** The service cannot decrypt, but it can see the header: wrong algorithms or key are refused early. */
  function checkJweHeader(jwe: string, submission: SubmissionState): void {
    let header;
    try {
      header = decodeProtectedHeader(jwe);
    } catch {
      throw new HttpProblem(422, 'Unprocessable Entity', 'JWE header unreadable');
    }
    const destination = destinationOf(submission.destinationId);
    if (header.alg !== 'RSA-OAEP-256' || header.enc !== 'A256GCM') {
      throw new HttpProblem(422, 'Unprocessable Entity', 'JWE must use RSA-OAEP-256 / A256GCM');
    }
    if (header.kid !== destination.encryption.kid) {
      throw new HttpProblem(422, 'Unprocessable Entity', 'JWE kid is not the destination encryption key');
    }
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, method: string, parts: string[]) {
    const [, resource, id, action] = parts;
    if (resource === 'destinations' && !id && method === 'POST') {
      sendJson(res, 201, await createDestination(parseJson(await readBody(req)) as SimDestinationInput));
      return;
    }
    if (resource === 'destinations' && id && method === 'PATCH') {
      const body = parseJson(await readBody(req));
      const destination = destinationOf(id);
      if (typeof body.status === 'string') destination.status = body.status as SimDestinationStatus;
      if ('callback' in body) {
        const callback = body.callback as { url: string; secret: string } | null;
        if (callback) destination.callback = callback;
        else delete destination.callback;
      }
      sendJson(res, 200, publicDestination(destination));
      return;
    }
    if (resource === 'faults' && method === 'POST') {
      const body = parseJson(await readBody(req));
      if (typeof body.latencyMs === 'number') latencyMs = body.latencyMs;
      const mode = body.outage as OutageMode | undefined;
      sendJson(res, 200, { outage: mode ?? outage, latencyMs });
      if (mode === 'refused' && typeof body.refusedForMs === 'number') {
        // Nothing can reach the control API while the port is closed, so the way back is timed.
        const timer = setTimeout(() => void setOutage('none'), body.refusedForMs);
        timer.unref();
      }
      if (mode) await setOutage(mode);
      return;
    }
    if (resource === 'submissions' && id && action === 'decrypted' && method === 'GET') {
      const decrypted = await decryptSubmission(id);
      sendJson(res, 200, {
        ...decrypted,
        attachments: Object.fromEntries(
          Object.entries(decrypted.attachments).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
        ),
      });
      return;
    }
    if (resource === 'submissions' && id && method === 'POST' && action) {
      if (action === 'accept') await acceptSubmission(id);
      else if (action === 'reject') {
        const body = parseJson(await readBody(req));
        await rejectSubmission(id, (body.problems as SimProblem[] | undefined) ?? []);
      } else if (action === 'forward') await forwardSubmission(id);
      else throw new HttpProblem(404, 'Not Found');
      sendJson(res, 200, { submissionId: id, status: submissionOf(id).status });
      return;
    }
    if (resource === 'maintenance' && method === 'POST') {
      const body = parseJson(await readBody(req));
      await runMaintenance(typeof body.now === 'number' ? body.now : now());
      sendJson(res, 200, { reminders });
      return;
    }
    if (resource === 'callbacks' && method === 'GET') {
      sendJson(res, 200, callbackDeliveries);
      return;
    }
    throw new HttpProblem(404, 'Not Found');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    try {
      if (parts[0] === '__control') {
        await handleControl(req, res, method, parts);
        return;
      }
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (outage === 'unavailable') {
        res.writeHead(503, { 'retry-after': '30', 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }));
        return;
      }
      if (parts.length === 1 && parts[0] === 'token' && method === 'POST') {
        await handleToken(req, res);
        return;
      }
      if (parts[0] === '.well-known' && parts[1] === 'jwks.json' && method === 'GET') {
        sendJson(res, 200, { keys: [serviceKey.publicJwk] });
        return;
      }
      await handleApi(req, res, method, parts, url.searchParams);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendProblem(res, err instanceof HttpProblem ? err : new HttpProblem(500, 'Internal Server Error', (err as Error).message));
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${port}`;

  async function setOutage(mode: OutageMode): Promise<void> {
    if (mode === outage) return;
    const previous = outage;
    outage = mode;
    if (mode === 'refused') {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Kept-alive connections would otherwise keep working through the "outage".
        server.closeAllConnections();
      });
    } else if (previous === 'refused' && !closed) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
  }

  async function acceptSubmission(submissionId: string): Promise<void> {
    await authorityEvent(submissionId, EVENTS.accept, { authenticationTags: authenticationTags(submissionOf(submissionId)) });
  }
  async function rejectSubmission(submissionId: string, problems: SimProblem[]): Promise<void> {
    await authorityEvent(submissionId, EVENTS.reject, { problems });
  }
  async function forwardSubmission(submissionId: string): Promise<void> {
    await authorityEvent(submissionId, EVENTS.forward, {});
  }

  const maintenanceMs = options.maintenanceIntervalMs ?? 60_000;
  const maintenanceTimer = maintenanceMs > 0 ? setInterval(() => void runMaintenance(), maintenanceMs) : undefined;
  maintenanceTimer?.unref();

  return {
    url: baseUrl,
    port,
    tokenUrl: `${baseUrl}/token`,
    submissionApiUrl: baseUrl,
    sender,
    subscriber,
    createDestination,
    setDestinationStatus(destinationId, status) {
      destinationOf(destinationId).status = status;
    },
    setDestinationCallback(destinationId, callback) {
      const destination = destinationOf(destinationId);
      if (callback) destination.callback = callback;
      else delete destination.callback;
    },
    setOutage,
    setLatency(ms) {
      latencyMs = ms;
    },
    destinationKeys(destinationId) {
      const destination = destinationOf(destinationId);
      return {
        decryptionKey: destination.encryption.privateKey,
        signingKey: destination.signing.privateKey,
        signingKid: destination.signing.kid,
      };
    },
    submissionStatus: (submissionId) => submissions.get(submissionId)?.status,
    listSubmissions: (destinationId) =>
      [...submissions.values()]
        .filter((s) => !destinationId || s.destinationId === destinationId)
        .map((s) => ({ submissionId: s.submissionId, caseId: s.caseId, destinationId: s.destinationId, status: s.status })),
    uploadCounts: (submissionId) => Object.fromEntries(submissionOf(submissionId).uploadCounts),
    decryptSubmission,
    acceptSubmission,
    rejectSubmission,
    forwardSubmission,
    eventLog: (caseId) => [...(cases.get(caseId) ?? [])],
    callbackDeliveries,
    reminders,
    runMaintenance,
    async close() {
      closed = true;
      if (maintenanceTimer) clearInterval(maintenanceTimer);
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      if (outage === 'refused') return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
