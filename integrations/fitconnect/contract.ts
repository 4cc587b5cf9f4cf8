// The FIT-Connect sender's contract: the protocol's constants (event URIs, schemas, algorithms) and the shapes an
// activity hands in and gets back. The steps that use them live in sender.ts.
import type { CryptoKey } from 'jose';
import type { AntragPackage, DeliveryResult } from '../transfer/types';

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
export const JWE_ALG = 'RSA-OAEP-256';
export const JWE_ENC = 'A256GCM';
export const SET_ALG = 'PS512';
export const SET_TYP = 'secevent+jwt';

/** Submission, case and destination ids are UUIDs. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SubmissionStatus = 'incomplete' | 'submitted' | 'forwarded' | 'accepted' | 'rejected' | 'deleted';

export interface FitConnectClientConfig {
  /** OAuth2 token endpoint of the FIT-Connect auth server. */
  tokenUrl: string;
  /** Base URL of the Submission API; also the issuer of the service's own event tokens. */
  submissionApiUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** Path prefix of the Submission API: `/v1` as documented (default), `/v2` as current clients report. */
  apiPrefix?: string;
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
export type ReplyChannel = Partial<
  Record<'eMail' | 'deMail' | 'fink' | 'elster' | 'fitConnect', Record<string, unknown>>
>;

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
