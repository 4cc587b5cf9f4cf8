// What the simulated service holds: OAuth clients and their tokens, destinations with the authority's keys,
// submissions and each case's event log. In memory only: a restart is a fresh service.
import { randomUUID } from 'node:crypto';
import { conflict, notFound } from './http';
import { checkCallback } from './callback-url';
import { newKeyPair, type KeyPair } from './jose';
import type { SimClient, SimDestination, SimDestinationInput, SimSubmissionStatus } from './types';
import { METADATA_VERSIONS } from './vocabulary';

export type Role = 'sender' | 'subscriber';

export interface DestinationState extends SimDestination {
  encryption: KeyPair;
  signing: KeyPair;
  /** Where new submissions are announced to the receiver (NEW_SUBMISSIONS). */
  callback?: { url: string; secret: string };
  /** Where senders to this destination hear of new events (NEW_EVENTS), as configured for the destination. */
  senderCallback?: { url: string; secret: string };
  replyChannels: Record<string, unknown>;
}

export interface SubmissionState {
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
  /** When it was accepted or rejected. */
  answeredAt?: number;
  reminded: boolean;
  /** Given at creation; else the destination's sender callback applies. */
  callback?: { url: string; secret: string };
  /** When the service deleted the content (the event log stays). */
  deletedAt?: number;
}

const DEFAULT_SERVICE = {
  identifier: 'urn:de:fim:leika:leistung:99000000000000',
  submissionSchemas: [
    { schemaUri: 'https://schema.amt24.sachsen.de/antrag/1.0.0/antrag.schema.json', mimeType: 'application/json' },
  ],
};

export class FitConnectState {
  readonly clients: Map<string, { secret: string; role: Role }>;
  readonly tokens = new Map<string, { clientId: string; role: Role; expiresAt: number }>();
  readonly destinations = new Map<string, DestinationState>();
  readonly submissions = new Map<string, SubmissionState>();
  /** Event tokens per case, in order. */
  readonly cases = new Map<string, string[]>();

  constructor(
    sender: SimClient,
    subscriber: SimClient,
    private readonly keyBits: number,
  ) {
    this.clients = new Map([
      [sender.clientId, { secret: sender.clientSecret, role: 'sender' }],
      [subscriber.clientId, { secret: subscriber.clientSecret, role: 'subscriber' }],
    ]);
  }

  destinationOf(id: string): DestinationState {
    const destination = this.destinations.get(id);
    if (!destination) throw notFound(`destination ${id} unknown`);
    return destination;
  }

  submissionOf(id: string): SubmissionState {
    const submission = this.submissions.get(id);
    if (!submission) throw notFound(`submission ${id} unknown`);
    return submission;
  }

  /** The one submission a case belongs to. */
  submissionOfCase(caseId: string): SubmissionState | undefined {
    return [...this.submissions.values()].find((s) => s.caseId === caseId);
  }

  async createDestination(input: SimDestinationInput = {}): Promise<SimDestination> {
    const destinationId = input.destinationId ?? randomUUID();
    if (this.destinations.has(destinationId)) throw conflict('destination exists');
    const [encryption, signing] = await Promise.all([
      newKeyPair('RSA-OAEP-256', this.keyBits),
      newKeyPair('PS512', this.keyBits),
    ]);
    const destination: DestinationState = {
      destinationId,
      status: input.status ?? 'active',
      encryptionKid: encryption.kid,
      signingKid: signing.kid,
      services: input.services ?? [structuredClone(DEFAULT_SERVICE)],
      encryption,
      signing,
      ...(input.callback ? { callback: checkCallback(input.callback) } : {}),
      ...(input.senderCallback ? { senderCallback: checkCallback(input.senderCallback) } : {}),
      replyChannels: input.replyChannels ?? { eMail: { usePgp: false } },
    };
    this.destinations.set(destinationId, destination);
    return {
      destinationId,
      status: destination.status,
      encryptionKid: encryption.kid,
      signingKid: signing.kid,
      services: destination.services,
    };
  }
}

/** A destination as the Submission API shows it. */
export function publicDestination(d: DestinationState) {
  return {
    destinationId: d.destinationId,
    status: d.status,
    encryptionKid: d.encryption.kid,
    services: d.services,
    metadataVersions: METADATA_VERSIONS,
    replyChannels: d.replyChannels,
  };
}
