// FIT-Connect's names as the service uses them: event types in the case's event log, callback types, the SET
// payload schema, and the algorithms it insists on (shared/domain/external-systems.md, "FIT-Connect").

const EVENT_BASE = 'https://schema.fitko.de/fit-connect/events/';

/**
 * The events of a submission's life: incomplete → submitted → (forwarded) → accepted | rejected. The service adds
 * notify-submission once the receiver has been told of it (its callback answered), and delete-submission when it
 * removes the content of an answered submission (the event log stays).
 */
export const EVENTS = {
  create: `${EVENT_BASE}create-submission`,
  submit: `${EVENT_BASE}submit-submission`,
  notify: `${EVENT_BASE}notify-submission`,
  delete: `${EVENT_BASE}delete-submission`,
  forward: `${EVENT_BASE}forward-submission`,
  accept: `${EVENT_BASE}accept-submission`,
  reject: `${EVENT_BASE}reject-submission`,
} as const;

export const SET_SCHEMA = 'https://schema.fitko.de/fit-connect/set-payload/1.2.0/set-payload.schema.json';
export const CALLBACK_NEW_SUBMISSIONS = 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions';
export const CALLBACK_NEW_EVENTS = 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events';

/**
 * The service's own reason for rejecting what nobody picked up. An assumption: the rule is FIT-Connect's, but the
 * problem catalogue entry is not in our documentation, so the name is ours.
 */
export const PROBLEM_NOT_PICKED_UP = `${EVENT_BASE}problems/submission-not-picked-up`;
// (The receiver's catalogue is in problems.ts; this one is the service's own and not part of it.)

/** Attachments, metadata and data are JWEs with these algorithms, for the destination's encryption key. */
export const JWE_ALG = 'RSA-OAEP-256';
export const JWE_ENC = 'A256GCM';
/** The content type metadata and data JWEs carry. */
export const JSON_CTY = 'application/json';
/** Event tokens (SETs) are JWS with this algorithm and type. */
export const SET_ALG = 'PS512';
export const SET_TYP = 'secevent+jwt';

/** Metadata schema versions a destination announces. */
export const METADATA_VERSIONS = ['1.0.0', '1.1.0', '1.2.0'];
