// The simulator's public face: how it is started, the handle tests drive it with (the service and, through it, the
// authority), and what it records.
import type { CryptoKey } from 'jose';

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
  /** Where new submissions are announced (HMAC-SHA512 signed). HTTPS; http only to loopback (simulator). */
  callback?: { url: string; secret: string };
  /** Where senders to this destination hear of new events (NEW_EVENTS); same rules. */
  senderCallback?: { url: string; secret: string };
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
  /** Default 1800, as FIT-Connect's tokens live. */
  tokenLifetimeSeconds?: number;
  /** Modulus of every generated RSA key; FIT-Connect requires 4096. */
  keyBits?: number;
  /** The destination's technical contact is reminded after this long without pickup (FIT-Connect: 3 days). */
  pickupReminderAfterMs?: number;
  /** Still `submitted` after this long: rejected by the service (FIT-Connect: 14 days). */
  autoRejectAfterMs?: number;
  /** An answered (accepted or rejected) submission's content is deleted this long after the answer. */
  deleteAfterMs?: number;
  /** How often reminders and auto-rejects run; 0 = only via `runMaintenance`. */
  maintenanceIntervalMs?: number;
  /** Delays before the 2nd, 3rd ... callback attempt; the last repeats until the receiver answers 200. */
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

export interface SimSubmissionSummary {
  submissionId: string;
  caseId: string;
  destinationId: string;
  status: SimSubmissionStatus;
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
  /** The sender callback (NEW_EVENTS) configured for a destination; HTTPS, or http to loopback. */
  setSenderCallback(destinationId: string, callback: { url: string; secret: string } | undefined): void;
  /** `unavailable`: every API call answers 503; `refused`: the port stops accepting connections. */
  setOutage(mode: OutageMode): Promise<void>;
  setLatency(ms: number): void;
  /** The authority's private keys, for a test that plays the subscriber over HTTP. */
  destinationKeys(destinationId: string): { decryptionKey: CryptoKey; signingKey: CryptoKey; signingKid: string };
  submissionStatus(submissionId: string): SimSubmissionStatus | undefined;
  listSubmissions(destinationId?: string): SimSubmissionSummary[];
  /** How often each attachment was uploaded. */
  uploadCounts(submissionId: string): Record<string, number>;
  decryptSubmission(submissionId: string): Promise<DecryptedSubmission>;
  acceptSubmission(submissionId: string): Promise<void>;
  rejectSubmission(submissionId: string, problems: SimProblem[]): Promise<void>;
  forwardSubmission(submissionId: string): Promise<void>;
  /** The service deletes the submission's content (event delete-submission); the log stays. */
  deleteSubmission(submissionId: string): Promise<void>;
  eventLog(caseId: string): string[];
  readonly callbackDeliveries: CallbackDelivery[];
  readonly reminders: { submissionId: string; destinationId: string; at: string }[];
  runMaintenance(now?: number): Promise<void>;
  close(): Promise<void>;
}
