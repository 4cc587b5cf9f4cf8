// The problems a receiver may name when it rejects a submission: FIT-Connect's catalogue, under
// https://schema.fitko.de/fit-connect/events/problems/. The service takes type and instance verbatim from it, so a
// rejection naming anything else is refused (422) rather than passed on to the sender.
// The list is written from FIT-Connect's documentation of the receiver's checks (decryption, authentication tags,
// hashes, schemas, service, reply channel, payment); our shared docs name no list, so check it against the live
// catalogue before relying on an entry.
export const PROBLEM_BASE = 'https://schema.fitko.de/fit-connect/events/problems/';

export const PROBLEM_CATALOGUE = [
  'encryption-issue',
  'missing-authentication-tags',
  'incorrect-authentication-tags',
  'invalid-event-log',
  'syntax-violation',
  'missing-schema',
  'unsupported-schema',
  'unsupported-metadata-schema',
  'schema-violation',
  'missing-data',
  'hash-mismatch',
  'attachments-mismatch',
  'invalid-attachment-content',
  'service-mismatch',
  'unsupported-reply-channel',
  'unsupported-payment-method',
  'technical-error',
].map((name) => `${PROBLEM_BASE}${name}`);

/** A receiver's problems as the service accepts them: each with a catalogue type; why not, otherwise. */
export function problemsRefused(problems: unknown): string | undefined {
  if (problems === undefined) return undefined;
  if (!Array.isArray(problems)) return 'problems must be an array';
  for (const p of problems as { type?: unknown }[]) {
    if (typeof p?.type !== 'string') return 'every problem needs a type';
    if (!PROBLEM_CATALOGUE.includes(p.type)) return `problem type ${p.type} is not in the FIT-Connect catalogue`;
  }
  return undefined;
}
