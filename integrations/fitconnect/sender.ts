// FIT-Connect sender (Onlinedienst side) over fetch + jose; the official JS SDK is not on npm.
// Split into steps so an activity can persist the submissionId right after creation and, after a crash,
// resume: upload only the attachments that are missing and submit.
import type { CryptoKey } from 'jose';
import { DeliveryError, type AntragPackage } from '../transfer/types';
import {
  FIT_CONNECT_EVENTS,
  UUID,
  type DestinationInfo,
  type FitConnectClientConfig,
  type FitConnectDeliveryResult,
  type FitConnectStatus,
  type FitConnectTarget,
  type PreparedSubmission,
  type SenderSubmissionView,
  type SubmissionRef,
  type VerifiedEvent,
} from './contract';
import { encryptJwe } from './crypto';
import { fetchDestination, fetchEncryptionKey } from './destination';
import { EventLog, statusFromEvents } from './event-log';
import { DEFAULT_API_PREFIX, httpFailure, SubmissionApi, type ResolvedConfig } from './http';
import { acceptedSchema, buildMetadata, planAttachments } from './submission';

export class FitConnectSender {
  private readonly config: ResolvedConfig;
  private readonly api: SubmissionApi;
  private readonly events: EventLog;

  constructor(config: FitConnectClientConfig) {
    this.config = {
      requestTimeoutMs: 30_000,
      apiPrefix: DEFAULT_API_PREFIX,
      minKeyBits: 4096,
      fetch: globalThis.fetch.bind(globalThis),
      now: Date.now,
      ...config,
    };
    this.api = new SubmissionApi(this.config);
    this.events = new EventLog(this.api);
  }

  /** OAuth2 client credentials; the token is reused until shortly before it expires. */
  getAccessToken(): Promise<string> {
    return this.api.getAccessToken();
  }

  getDestination(destinationId: string): Promise<DestinationInfo> {
    return fetchDestination(this.api, destinationId);
  }

  /** The destination's public encryption key, checked: RSA, RSA-OAEP-256, for wrapping keys, ≥ 4096 bits. */
  getEncryptionKey(destinationId: string, kid: string): Promise<CryptoKey> {
    return fetchEncryptionKey(this.api, destinationId, kid, this.config.minKeyBits);
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
    const schema = acceptedSchema(destination, target, options.requireActive ?? true);
    const encryptionKey = await this.getEncryptionKey(target.destinationId, destination.encryptionKid);
    const attachments = planAttachments(pkg);
    const data = new TextEncoder().encode(JSON.stringify(pkg.formData));
    const metadata = buildMetadata(pkg, target, schema, attachments, data);
    const encryptionKid = destination.encryptionKid;
    return { pkg, target, destination, encryptionKid, encryptionKey, attachments, data, metadata };
  }

  private encrypt(prepared: PreparedSubmission, plain: Uint8Array, cty?: string): Promise<string> {
    return encryptJwe(plain, prepared.encryptionKey, prepared.encryptionKid, cty);
  }

  /** Announces the submission and its attachment ids. Persist the returned ref before anything else. */
  async createSubmission(prepared: PreparedSubmission): Promise<SubmissionRef> {
    const { target } = prepared;
    const res = await this.api.request('create submission', 'POST', '/submissions', {
      contentType: 'application/json',
      body: JSON.stringify({
        destinationId: target.destinationId,
        announcedAttachments: prepared.attachments.map((a) => a.attachmentId),
        serviceType: {
          identifier: target.serviceIdentifier,
          ...(target.serviceName ? { name: target.serviceName } : {}),
        },
        ...(target.callback ? { callback: target.callback } : {}),
      }),
    });
    if (res.status === 422 || res.status === 409) {
      // The destination may have been switched off since we looked.
      const failure = await httpFailure('create submission', res);
      const destination = await this.getDestination(target.destinationId);
      if (destination.status !== 'active') {
        const message = `FIT-Connect destination ${target.destinationId} is ${destination.status}`;
        throw new DeliveryError('destination-inactive', message, { retryable: false, status: res.status });
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
  async uploadAttachments(
    prepared: PreparedSubmission,
    ref: SubmissionRef,
    only?: Iterable<string>,
  ): Promise<string[]> {
    const wanted = only ? new Set(only) : undefined;
    const uploaded: string[] = [];
    for (const attachment of prepared.attachments) {
      if (wanted && !wanted.has(attachment.attachmentId)) continue;
      const jwe = await this.encrypt(prepared, attachment.content, attachment.mimeType);
      const path = `/submissions/${ref.submissionId}/attachments/${attachment.attachmentId}`;
      const res = await this.api.request('upload attachment', 'PUT', path, {
        contentType: 'application/jose',
        body: jwe,
      });
      if (!res.ok) throw await httpFailure('upload attachment', res);
      await res.body?.cancel();
      uploaded.push(attachment.attachmentId);
    }
    return uploaded;
  }

  /** Sends encrypted metadata and data; the submission becomes `submitted`. */
  async submit(prepared: PreparedSubmission, ref: SubmissionRef): Promise<void> {
    const metadata = new TextEncoder().encode(JSON.stringify(prepared.metadata));
    const encryptedMetadata = await this.encrypt(prepared, metadata, 'application/json');
    const encryptedData = await this.encrypt(prepared, prepared.data, 'application/json');
    const res = await this.api.request('submit', 'PUT', `/submissions/${ref.submissionId}`, {
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
    const res = await this.api.request('get submission', 'GET', `/submissions/${submissionId}`);
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

  /** Verifies one Security Event Token: header, signature (service JWKS or the destination's key) and claims. */
  verifyEventToken(token: string, expected: { caseId: string; destinationId?: string }): Promise<VerifiedEvent> {
    return this.events.verifyEventToken(token, expected);
  }

  /** The case's event log, every token verified; oldest first. */
  getEventLog(caseId: string, options: { destinationId?: string } = {}): Promise<VerifiedEvent[]> {
    return this.events.read(caseId, options);
  }

  /** Status of one submission as its signed event log tells it. */
  async getStatus(ref: SubmissionRef): Promise<FitConnectStatus> {
    const events = (await this.getEventLog(ref.caseId, { destinationId: ref.destinationId })).filter(
      (e) => e.submissionId === ref.submissionId,
    );
    return { ...statusFromEvents(events), events };
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
    const missing = planned.filter((id) => !present.has(id));
    await this.uploadAttachments(prepared, ref, missing);
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
