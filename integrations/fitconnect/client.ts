// FIT-Connect sender (Onlinedienst side) over fetch + jose; the official JS SDK is not on npm.
// Split into steps so an activity can persist the submissionId right after creation and, after a crash,
// resume: upload only the attachments that are missing and submit.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  CompactEncrypt,
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
import { safeFileName } from '../transfer/filenames';
import { DeliveryError, type AntragPackage, type DeliveryResult } from '../transfer/types';

const EVENT_BASE = 'https://schema.fitko.de/fit-connect/events/';
export const FIT_CONNECT_EVENTS = {
  create: `${EVENT_BASE}create-submission`,
  submit: `${EVENT_BASE}submit-submission`,
  notify: `${EVENT_BASE}notify-submission`,
  forward: `${EVENT_BASE}forward-submission`,
  accept: `${EVENT_BASE}accept-submission`,
  reject: `${EVENT_BASE}reject-submission`,
  delete: `${EVENT_BASE}delete-submission`,
} as const;
export const METADATA_SCHEMA = 'https://schema.fitko.de/fit-connect/metadata/1.2.0/metadata.schema.json';
export const SET_SCHEMA = 'https://schema.fitko.de/fit-connect/set-payload/1.2.0/set-payload.schema.json';
export const CALLBACK_NEW_SUBMISSIONS = 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions';
export const CALLBACK_NEW_EVENTS = 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events';
export const JWE_ALG = 'RSA-OAEP-256';
export const JWE_ENC = 'A256GCM';
export const SET_ALG = 'PS512';
export const SET_TYP = 'secevent+jwt';

export type SubmissionStatus = 'incomplete' | 'submitted' | 'forwarded' | 'accepted' | 'rejected' | 'deleted';

export interface FitConnectClientConfig {
  /** OAuth2 token endpoint of the FIT-Connect auth server. */
  tokenUrl: string;
  /** Base URL of the Submission API; also the issuer of the service's own event tokens. */
  submissionApiUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** Per request; a hung endpoint is an outage (retryable). Default 30 s. */
  requestTimeoutMs?: number;
  /** Minimum RSA modulus of a destination's encryption key. Default 4096. */
  minKeyBits?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface Problem {
  type: string;
  title?: string;
  detail?: string;
  instance?: string;
}

export interface PaymentInformation {
  transactionReference: string;
  transactionId?: string;
  transactionUrl?: string;
  paymentMethod: 'CREDITCARD' | 'PAYPAL' | 'INVOICE' | 'GIROPAY' | 'OTHER' | (string & {});
  paymentMethodDetail?: string;
  status: 'INITIAL' | 'BOOKED' | 'FAILED' | 'CANCELED';
  grossAmount?: number;
}

/** Where the authority may answer: e-mail, De-Mail, the BundID/MUK Postfach (fink), or FIT-Connect itself. */
export type ReplyChannel = Partial<Record<'eMail' | 'deMail' | 'fink' | 'elster' | 'fitConnect', Record<string, unknown>>>;

/** How one Antrag goes to one destination; comes from the activation's configuration. */
export interface FitConnectTarget {
  destinationId: string;
  /** Schema of the Fachdaten; must be among the destination's accepted schemas. */
  schemaUri: string;
  /** LeiKa identifier of the Leistung, e.g. `urn:de:fim:leika:leistung:99123456760000`. */
  serviceIdentifier: string;
  serviceName?: string;
  replyChannel?: ReplyChannel;
  paymentInformation?: PaymentInformation;
  /** Where the service reports new events on this submission. */
  callback?: { url: string; secret: string };
}

export interface DestinationInfo {
  destinationId: string;
  status: 'created' | 'active' | 'inactive' | 'decommissioned' | (string & {});
  encryptionKid: string;
  services: { identifier: string; submissionSchemas: { schemaUri: string; mimeType: string }[]; regions?: string[] }[];
  metadataVersions?: string[];
  replyChannels?: Record<string, unknown>;
}

export interface SubmissionRef {
  destinationId: string;
  submissionId: string;
  caseId: string;
}

export interface PlannedAttachment {
  attachmentId: string;
  /** Our id (`antrag` for the PDF). */
  localId: string;
  purpose: 'form' | 'attachment';
  filename: string;
  mimeType: string;
  description: string;
  content: Uint8Array;
  sha512: string;
}

export interface PreparedSubmission {
  pkg: AntragPackage;
  target: FitConnectTarget;
  destination: DestinationInfo;
  encryptionKid: string;
  encryptionKey: CryptoKey;
  attachments: PlannedAttachment[];
  data: Uint8Array;
  metadata: Record<string, unknown>;
}

export interface VerifiedEvent {
  /** Full event URI. */
  event: string;
  /** Last path segment of the URI: `submit-submission`, `accept-submission` ... */
  name: string;
  jti: string;
  issuer: string;
  issuedAt: string;
  submissionId: string;
  caseId: string;
  problems: Problem[];
  authenticationTags?: Record<string, unknown>;
  token: string;
}

export interface FitConnectStatus {
  status: SubmissionStatus;
  problems: Problem[];
  /** Events of this submission, oldest first, every signature verified. */
  events: VerifiedEvent[];
}

export interface FitConnectDeliveryResult extends DeliveryResult {
  mode: 'fitconnect';
  submissionId: string;
  caseId: string;
  destinationId: string;
}

/** What the service shows the sender about one of its submissions. */
export interface SenderSubmissionView {
  destinationId: string;
  submissionId: string;
  caseId: string;
  announcedAttachments: string[];
  /** Ids already uploaded. */
  attachments: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sha512Hex(content: Uint8Array): string {
  return createHash('sha512').update(content).digest('hex');
}

/**
 * Attachment ids are announced at creation and must be the same after a crash, without storing them:
 * derived from the Vorgangsnummer and our attachment id (UUID version 8, RFC 9562).
 */
export function fitConnectAttachmentId(vorgangsnummer: string, localId: string): string {
  const bytes = createHash('sha256').update(`amt24-fitconnect\0${vorgangsnummer}\0${localId}`, 'utf8').digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The authentication tag (last part) of a compact JWE; accept events name the tags the authority decrypted. */
export function jweAuthenticationTag(jwe: string): string {
  return jwe.split('.')[4] ?? '';
}

// --- callbacks -----------------------------------------------------------------------------------------------

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
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'bad-hmac' };
  const ageMs = (input.now ?? Date.now()) - Number(input.timestamp) * 1000;
  if (ageMs > (input.maxAgeMs ?? 5 * 60_000)) return { valid: false, reason: 'too-old' };
  if (-ageMs > (input.maxFutureMs ?? 60_000)) return { valid: false, reason: 'in-future' };
  return { valid: true };
}

// --- the client ----------------------------------------------------------------------------------------------

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
      return 'deleted';
    default:
      return current;
  }
}

function unavailable(step: string, cause: unknown): DeliveryError {
  return new DeliveryError('endpoint-unavailable', `FIT-Connect ${step}: endpoint not reachable`, {
    retryable: true,
    cause,
  });
}

async function problemText(res: Response): Promise<string> {
  try {
    const text = await res.text();
    try {
      const body = JSON.parse(text) as { detail?: string; title?: string; description?: string };
      return body.detail ?? body.description ?? body.title ?? text.slice(0, 300);
    } catch {
      return text.slice(0, 300);
    }
  } catch {
    return '';
  }
}

async function httpFailure(step: string, res: Response): Promise<DeliveryError> {
  const detail = await problemText(res);
  const message = `FIT-Connect ${step}: HTTP ${res.status}${detail ? ` (${detail})` : ''}`;
  const status = res.status;
  if (status >= 500 || status === 429 || status === 408) {
    return new DeliveryError('endpoint-unavailable', message, { retryable: true, status });
  }
  if (status === 401 || status === 403) return new DeliveryError('auth-failed', message, { retryable: false, status });
  return new DeliveryError('protocol-error', message, { retryable: false, status });
}

interface RequestOptions {
  body?: string | Uint8Array;
  contentType?: string;
  accept?: string;
  auth?: boolean;
}

export class FitConnectSender {
  private readonly config: Required<Omit<FitConnectClientConfig, 'scope'>> & { scope?: string };
  private readonly apiUrl: string;
  private token: { value: string; expiresAt: number } | undefined;
  private serviceJwks: ReturnType<typeof createLocalJWKSet> | undefined;
  private readonly destinationSigningKeys = new Map<string, CryptoKey>();

  constructor(config: FitConnectClientConfig) {
    this.config = {
      requestTimeoutMs: 30_000,
      minKeyBits: 4096,
      fetch: globalThis.fetch.bind(globalThis),
      now: Date.now,
      ...config,
    };
    this.apiUrl = config.submissionApiUrl.replace(/\/+$/, '');
  }

  /** OAuth2 client credentials; the token is reused until shortly before it expires. */
  async getAccessToken(): Promise<string> {
    const now = this.config.now();
    if (this.token && now < this.token.expiresAt) return this.token.value;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      ...(this.config.scope ? { scope: this.config.scope } : {}),
    });
    let res: Response;
    try {
      res = await this.config.fetch(this.config.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.config.requestTimeoutMs),
      });
    } catch (err) {
      throw unavailable('token', err);
    }
    if (!res.ok) throw await httpFailure('token', res);
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new DeliveryError('protocol-error', 'FIT-Connect token: no access_token', { retryable: false });
    const lifetimeMs = (body.expires_in ?? 300) * 1000;
    // Renew a little early so a token never expires between our check and the server's.
    this.token = { value: body.access_token, expiresAt: now + Math.max(lifetimeMs - 30_000, lifetimeMs / 2) };
    return body.access_token;
  }

  private async request(step: string, method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const auth = options.auth ?? true;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
      if (options.contentType) headers['content-type'] = options.contentType;
      if (auth) headers.authorization = `Bearer ${await this.getAccessToken()}`;
      let res: Response;
      try {
        res = await this.config.fetch(`${this.apiUrl}${path}`, {
          method,
          headers,
          ...(options.body === undefined ? {} : { body: options.body }),
          signal: AbortSignal.timeout(this.config.requestTimeoutMs),
        });
      } catch (err) {
        throw unavailable(step, err);
      }
      // A token revoked or expired early: fetch a new one once, then give up.
      if (res.status === 401 && auth && attempt === 0) {
        this.token = undefined;
        await res.body?.cancel();
        continue;
      }
      return res;
    }
  }

  private async json<T>(step: string, method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(step, method, path, options);
    if (!res.ok) throw await httpFailure(step, res);
    return (await res.json()) as T;
  }

  async getDestination(destinationId: string): Promise<DestinationInfo> {
    const res = await this.request('get destination', 'GET', `/v1/destinations/${encodeURIComponent(destinationId)}`);
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

  /** The destination's public encryption key, checked: RSA, RSA-OAEP-256, for wrapping keys, ≥ 4096 bits. */
  async getEncryptionKey(destinationId: string, kid: string): Promise<CryptoKey> {
    const jwk = await this.json<JWK>(
      'get key',
      'GET',
      `/v1/destinations/${encodeURIComponent(destinationId)}/keys/${encodeURIComponent(kid)}`,
    );
    const bits = jwk.n ? Buffer.from(jwk.n, 'base64url').toString('hex').replace(/^0+/, '').length * 4 : 0;
    const problems = [
      jwk.kty !== 'RSA' && `kty ${jwk.kty}`,
      jwk.alg !== undefined && jwk.alg !== JWE_ALG && `alg ${jwk.alg}`,
      jwk.key_ops !== undefined && !jwk.key_ops.includes('wrapKey') && 'key_ops without wrapKey',
      bits < this.config.minKeyBits && `${bits} bit modulus`,
    ].filter(Boolean);
    if (problems.length > 0 || jwk.kid !== kid) {
      throw new DeliveryError('key-invalid', `FIT-Connect key ${kid} of ${destinationId} unusable: ${problems.join(', ')}`, {
        retryable: false,
      });
    }
    // The x5c certificate chain would be checked against the administration PKI roots; not configured here.
    // FIT-Connect publishes key_ops ["wrapKey"]; WebCrypto wraps the content key with "encrypt", so import bare.
    return (await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e, alg: JWE_ALG }, JWE_ALG)) as CryptoKey;
  }

  /**
   * Looks up the destination and its key and builds metadata and data. `requireActive` is false when resuming:
   * an inactive destination refuses new submissions but still lets started ones finish.
   */
  async prepare(
    pkg: AntragPackage,
    target: FitConnectTarget,
    options: { requireActive?: boolean } = {},
  ): Promise<PreparedSubmission> {
    const destination = await this.getDestination(target.destinationId);
    if ((options.requireActive ?? true) && destination.status !== 'active') {
      throw new DeliveryError(
        'destination-inactive',
        `FIT-Connect destination ${target.destinationId} is ${destination.status}, not active`,
        { retryable: false },
      );
    }
    const service = destination.services.find((s) => s.identifier === target.serviceIdentifier);
    if (!service) {
      throw new DeliveryError('not-accepted', `Destination does not offer service ${target.serviceIdentifier}`, {
        retryable: false,
      });
    }
    const schema = service.submissionSchemas.find((s) => s.schemaUri === target.schemaUri);
    if (!schema) {
      throw new DeliveryError('not-accepted', `Destination does not accept schema ${target.schemaUri}`, {
        retryable: false,
      });
    }
    const encryptionKey = await this.getEncryptionKey(target.destinationId, destination.encryptionKid);

    const pdf: PlannedAttachment = {
      attachmentId: fitConnectAttachmentId(pkg.vorgangsnummer, 'antrag'),
      localId: 'antrag',
      purpose: 'form',
      filename: 'antrag.pdf',
      mimeType: 'application/pdf',
      description: `Antrag ${pkg.vorgangsnummer}`,
      content: pkg.pdf,
      sha512: sha512Hex(pkg.pdf),
    };
    const attachments = [
      pdf,
      ...pkg.attachments.map((a): PlannedAttachment => ({
        attachmentId: fitConnectAttachmentId(pkg.vorgangsnummer, `anlage:${a.id}`),
        localId: a.id,
        purpose: 'attachment',
        filename: safeFileName(a.fileName, { mediaType: a.mediaType, fallback: 'anlage' }),
        mimeType: a.mediaType,
        description: safeFileName(a.fileName, { mediaType: a.mediaType, fallback: 'anlage' }),
        content: a.content,
        sha512: sha512Hex(a.content),
      })),
    ];
    const data = new TextEncoder().encode(JSON.stringify(pkg.formData));
    const metadata: Record<string, unknown> = {
      $schema: METADATA_SCHEMA,
      contentStructure: {
        data: {
          submissionSchema: { schemaUri: schema.schemaUri, mimeType: schema.mimeType },
          hash: { type: 'sha512', content: sha512Hex(data) },
        },
        attachments: attachments.map((a) => ({
          attachmentId: a.attachmentId,
          purpose: a.purpose,
          filename: a.filename,
          mimeType: a.mimeType,
          description: a.description,
          hash: { type: 'sha512', content: a.sha512 },
        })),
      },
      publicServiceType: {
        identifier: target.serviceIdentifier,
        ...(target.serviceName ? { name: target.serviceName } : {}),
      },
      additionalReferenceInfo: {
        senderReference: pkg.vorgangsnummer,
        applicationDate: pkg.submittedAt.slice(0, 10),
      },
      ...(target.paymentInformation ? { paymentInformation: target.paymentInformation } : {}),
      ...(target.replyChannel ? { replyChannel: target.replyChannel } : {}),
    };
    return {
      pkg,
      target,
      destination,
      encryptionKid: destination.encryptionKid,
      encryptionKey,
      attachments,
      data,
      metadata,
    };
  }

  private encrypt(prepared: PreparedSubmission, plain: Uint8Array, cty?: string): Promise<string> {
    return new CompactEncrypt(plain)
      .setProtectedHeader({ alg: JWE_ALG, enc: JWE_ENC, kid: prepared.encryptionKid, ...(cty ? { cty } : {}) })
      .encrypt(prepared.encryptionKey);
  }

  /** Announces the submission and its attachment ids. Persist the returned ref before anything else. */
  async createSubmission(prepared: PreparedSubmission): Promise<SubmissionRef> {
    const { target } = prepared;
    const res = await this.request('create submission', 'POST', '/v1/submissions', {
      contentType: 'application/json',
      body: JSON.stringify({
        destinationId: target.destinationId,
        announcedAttachments: prepared.attachments.map((a) => a.attachmentId),
        serviceType: { identifier: target.serviceIdentifier, ...(target.serviceName ? { name: target.serviceName } : {}) },
        ...(target.callback ? { callback: target.callback } : {}),
      }),
    });
    if (res.status === 422 || res.status === 409) {
      // The destination may have been switched off since we looked.
      const failure = await httpFailure('create submission', res);
      const destination = await this.getDestination(target.destinationId);
      if (destination.status !== 'active') {
        throw new DeliveryError('destination-inactive', `FIT-Connect destination ${target.destinationId} is ${destination.status}`, {
          retryable: false,
          status: res.status,
        });
      }
      throw failure;
    }
    if (!res.ok) throw await httpFailure('create submission', res);
    const body = (await res.json()) as Partial<SubmissionRef>;
    if (!body.submissionId || !body.caseId || !UUID.test(body.submissionId) || !UUID.test(body.caseId)) {
      throw new DeliveryError('protocol-error', 'FIT-Connect create submission: no submissionId/caseId', {
        retryable: false,
      });
    }
    return { destinationId: target.destinationId, submissionId: body.submissionId, caseId: body.caseId };
  }

  /** Uploads the given attachments (all by default), each as its own JWE. Uploading one twice replaces it. */
  async uploadAttachments(prepared: PreparedSubmission, ref: SubmissionRef, only?: Iterable<string>): Promise<string[]> {
    const wanted = only ? new Set(only) : undefined;
    const uploaded: string[] = [];
    for (const attachment of prepared.attachments) {
      if (wanted && !wanted.has(attachment.attachmentId)) continue;
      const jwe = await this.encrypt(prepared, attachment.content, attachment.mimeType);
      const res = await this.request(
        'upload attachment',
        'PUT',
        `/v1/submissions/${ref.submissionId}/attachments/${attachment.attachmentId}`,
        { contentType: 'application/jose', body: jwe },
      );
      if (!res.ok) throw await httpFailure('upload attachment', res);
      await res.body?.cancel();
      uploaded.push(attachment.attachmentId);
    }
    return uploaded;
  }

  /** Sends encrypted metadata and data; the submission becomes `submitted`. */
  async submit(prepared: PreparedSubmission, ref: SubmissionRef): Promise<void> {
    const encryptedMetadata = await this.encrypt(
      prepared,
      new TextEncoder().encode(JSON.stringify(prepared.metadata)),
      'application/json',
    );
    const encryptedData = await this.encrypt(prepared, prepared.data, 'application/json');
    const res = await this.request('submit', 'PUT', `/v1/submissions/${ref.submissionId}`, {
      contentType: 'application/json',
      body: JSON.stringify({ encryptedMetadata, encryptedData }),
    });
    if (res.status === 409) {
      // Our earlier PUT may have arrived although its answer did not: the event log knows.
      const failure = await httpFailure('submit', res);
      const { status } = await this.getStatus(ref);
      if (status !== 'incomplete') return;
      throw failure;
    }
    if (!res.ok) throw await httpFailure('submit', res);
    await res.body?.cancel();
  }

  /** The sender's view of a submission; undefined where the service does not show it to senders. */
  async getSubmission(submissionId: string): Promise<SenderSubmissionView | undefined> {
    const res = await this.request('get submission', 'GET', `/v1/submissions/${submissionId}`);
    if (res.status === 404) {
      await res.body?.cancel();
      throw new DeliveryError('submission-gone', `FIT-Connect submission ${submissionId} no longer exists`, {
        retryable: false,
        status: 404,
      });
    }
    if (res.status === 403) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) throw await httpFailure('get submission', res);
    return (await res.json()) as SenderSubmissionView;
  }

  private async serviceKeys(refresh: boolean): Promise<ReturnType<typeof createLocalJWKSet>> {
    if (!this.serviceJwks || refresh) {
      const jwks = await this.json<JSONWebKeySet>('get jwks', 'GET', '/.well-known/jwks.json', { auth: false });
      this.serviceJwks = createLocalJWKSet(jwks);
    }
    return this.serviceJwks;
  }

  private async destinationSigningKey(destinationId: string, kid: string): Promise<CryptoKey> {
    const cacheKey = `${destinationId}/${kid}`;
    const cached = this.destinationSigningKeys.get(cacheKey);
    if (cached) return cached;
    const jwk = await this.json<JWK>(
      'get signing key',
      'GET',
      `/v1/destinations/${encodeURIComponent(destinationId)}/keys/${encodeURIComponent(kid)}`,
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
    let payload: JWTPayload;
    try {
      if (issuer === this.apiUrl) {
        try {
          ({ payload } = await jwtVerify(token, await this.serviceKeys(false), { algorithms: [SET_ALG], typ: SET_TYP, issuer }));
        } catch (err) {
          // The service may have rotated its key since we cached the set.
          if ((err as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
          ({ payload } = await jwtVerify(token, await this.serviceKeys(true), { algorithms: [SET_ALG], typ: SET_TYP, issuer }));
        }
      } else {
        if (!UUID.test(issuer)) throw invalid(`issuer ${issuer}`);
        if (expected.destinationId && issuer !== expected.destinationId) throw invalid(`issuer ${issuer} is not the destination`);
        const key = await this.destinationSigningKey(issuer, header.kid);
        ({ payload } = await jwtVerify(token, key, { algorithms: [SET_ALG], typ: SET_TYP, issuer }));
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
      ...(details.authenticationTags ? { authenticationTags: details.authenticationTags as Record<string, unknown> } : {}),
      token,
    };
  }

  /** The case's event log, every token verified; oldest first. */
  async getEventLog(caseId: string, options: { destinationId?: string } = {}): Promise<VerifiedEvent[]> {
    const body = await this.json<{ eventLog?: string[] }>('get event log', 'GET', `/v1/cases/${caseId}/events`);
    const verified: VerifiedEvent[] = [];
    for (const token of body.eventLog ?? []) {
      verified.push(await this.verifyEventToken(token, { caseId, ...options }));
    }
    return verified.sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  }

  /** Status of one submission as its signed event log tells it. */
  async getStatus(ref: SubmissionRef): Promise<FitConnectStatus> {
    const events = (await this.getEventLog(ref.caseId, { destinationId: ref.destinationId })).filter(
      (e) => e.submissionId === ref.submissionId,
    );
    let status: SubmissionStatus = 'incomplete';
    let problems: Problem[] = [];
    for (const e of events) {
      status = statusAfter(e.event, status);
      if (e.event === FIT_CONNECT_EVENTS.reject) problems = e.problems;
    }
    return { status, problems, events };
  }

  private result(ref: SubmissionRef, deliveredAt: string, alreadyDelivered: boolean): FitConnectDeliveryResult {
    return { mode: 'fitconnect', reference: ref.submissionId, deliveredAt, alreadyDelivered, ...ref };
  }

  /**
   * The whole send. `onCreated` runs right after creation so the caller can persist the ref (e.g. heartbeat
   * details or a database row); if it throws, nothing more is sent and `resume` can continue later.
   */
  async deliver(
    pkg: AntragPackage,
    target: FitConnectTarget,
    options: { onCreated?: (ref: SubmissionRef) => void | Promise<void> } = {},
  ): Promise<FitConnectDeliveryResult> {
    const prepared = await this.prepare(pkg, target);
    const ref = await this.createSubmission(prepared);
    await options.onCreated?.(ref);
    await this.uploadAttachments(prepared, ref);
    await this.submit(prepared, ref);
    return this.result(ref, new Date(this.config.now()).toISOString(), false);
  }

  /**
   * Continues a submission created earlier: nothing is sent if it already left `incomplete`, otherwise only
   * missing attachments are uploaded, then it is submitted.
   */
  async resume(pkg: AntragPackage, target: FitConnectTarget, ref: SubmissionRef): Promise<FitConnectDeliveryResult> {
    const view = await this.getSubmission(ref.submissionId);
    const before = await this.getStatus(ref);
    if (before.status !== 'incomplete') {
      const submitted = before.events.find((e) => e.event === FIT_CONNECT_EVENTS.submit);
      if (!submitted) {
        // Deleted by the service before it was ever submitted: a fresh submission is needed.
        throw new DeliveryError('submission-gone', `FIT-Connect submission ${ref.submissionId} was ${before.status}`, {
          retryable: false,
        });
      }
      return this.result(ref, submitted.issuedAt, true);
    }
    const prepared = await this.prepare(pkg, target, { requireActive: false });
    const planned = prepared.attachments.map((a) => a.attachmentId);
    if (view) {
      const announced = new Set(view.announcedAttachments);
      if (announced.size !== planned.length || planned.some((id) => !announced.has(id))) {
        throw new DeliveryError('protocol-error', `Submission ${ref.submissionId} announced other attachments`, {
          retryable: false,
        });
      }
    }
    // Without the sender view we cannot tell what arrived; uploading again replaces, so send all.
    const present = new Set(view?.attachments ?? []);
    await this.uploadAttachments(prepared, ref, planned.filter((id) => !present.has(id)));
    await this.submit(prepared, ref);
    return this.result(ref, new Date(this.config.now()).toISOString(), false);
  }

  /** What an activity calls: resume when a ref was persisted (and still exists), otherwise start afresh. */
  async deliverOrResume(
    pkg: AntragPackage,
    target: FitConnectTarget,
    options: { existing?: SubmissionRef; onCreated?: (ref: SubmissionRef) => void | Promise<void> } = {},
  ): Promise<FitConnectDeliveryResult> {
    if (options.existing) {
      try {
        return await this.resume(pkg, target, options.existing);
      } catch (err) {
        if (!(err instanceof DeliveryError) || err.code !== 'submission-gone') throw err;
      }
    }
    return this.deliver(pkg, target, options.onCreated ? { onCreated: options.onCreated } : {});
  }
}
