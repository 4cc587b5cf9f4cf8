/** Everything the authority receives for one Vorgang, independent of the delivery mode. */
export interface AntragPackage {
  vorgangsnummer: string;
  onlinedienstId: string;
  mandantId: string;
  leistungId?: string;
  /** ISO 8601 instant of the submission ("eingegangen"). */
  submittedAt: string;
  /** The answers, shaped by the process's output mapping (domain/formular/ausgabe.ts). */
  formData: Record<string, unknown>;
  /** When the process's output format is XML: the document written as antrag.xml instead of the xFall container. */
  ausgabeXml?: string;
  /** The applicant's PDF of the Antrag. */
  pdf: Uint8Array;
  attachments: AntragAttachment[];
}

export interface AntragAttachment {
  /** Our id of the attachment; unique within the Vorgang. */
  id: string;
  /** As the applicant's browser sent it: never trusted, see filenames.ts. */
  fileName: string;
  mediaType: string;
  content: Uint8Array;
}

export type DeliveryMode = 'transfer-plain' | 'transfer-xfall' | 'fitconnect';

export interface DeliveryResult {
  mode: DeliveryMode;
  /** Folder or file name in the Transferverzeichnis, or the FIT-Connect submissionId. */
  reference: string;
  /** ISO 8601; for an earlier delivery, the time it happened then. */
  deliveredAt: string;
  /** True when this call found the Vorgang delivered and wrote nothing. */
  alreadyDelivered: boolean;
}

export type DeliveryErrorCode =
  /** Transferverzeichnis missing, not a directory, not writable (unmounted share, EACCES, EIO ...). */
  | 'transfer-dir-unavailable'
  /** Network error, timeout, 5xx, 429. */
  | 'endpoint-unavailable'
  | 'destination-unknown'
  | 'destination-inactive'
  /** The destination does not accept our schema or service type. */
  | 'not-accepted'
  /** The authority rejected the submission. */
  | 'rejected'
  | 'auth-failed'
  /** The destination's key does not meet the requirements (RSA ≥ 4096, RSA-OAEP-256, wrapKey). */
  | 'key-invalid'
  /** Two Vorgangsnummern map to the same name in the Transferverzeichnis. */
  | 'name-collision'
  | 'invalid-package'
  /** The remote side answered something the protocol does not allow. */
  | 'protocol-error'
  /** A resumed FIT-Connect submission no longer exists (deleted by the service). */
  | 'submission-gone';

/**
 * A delivery failed. `retryable` tells the activity whether another attempt can succeed without a person
 * changing something: an endpoint or share that is down is retried for days, an inactive destination or a
 * rejection is not.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly code: DeliveryErrorCode;
  readonly retryable: boolean;
  /** HTTP status of the answer that caused it, when there was one. */
  readonly status?: number;

  constructor(
    code: DeliveryErrorCode,
    message: string,
    options: { retryable: boolean; status?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable;
    if (options.status !== undefined) this.status = options.status;
  }
}

export function isDeliveryError(err: unknown): err is DeliveryError {
  return err instanceof DeliveryError;
}

/** Test seams for crash simulation. */
export interface TransferHooks {
  /** After everything is written and synced, before the claim and the rename. */
  beforeCommit?: (tempPath: string) => void | Promise<void>;
  /** After the rename into place, before the ledger records it. */
  afterPublish?: (targetPath: string) => void | Promise<void>;
}
