// FIT-Connect's numbers: deadlines of the service, token lifetime, key size, page size.

export const DAY_MS = 86_400_000;

/** The destination's technical contact is reminded after this long without pickup. */
export const PICKUP_REMINDER_AFTER_MS = 3 * DAY_MS;
/** A submission still `submitted` after this long is rejected by the service. */
export const AUTO_REJECT_AFTER_MS = 14 * DAY_MS;
/**
 * The content of an accepted or rejected submission is deleted this long after the answer. An assumption: the
 * service deletes, the period is not in our documentation.
 */
export const DELETE_AFTER_ANSWER_MS = 7 * DAY_MS;
/** Lifetime of an access token in seconds (FIT-Connect: 1800). */
export const TOKEN_LIFETIME_SECONDS = 1800;
/** Modulus of every RSA key FIT-Connect hands out. */
export const KEY_BITS = 4096;
/** Largest page of a list (submissions, a case's event log). */
export const MAX_PAGE = 500;
/**
 * Delays before the 2nd, 3rd ... callback attempt; the last one repeats, as callbacks are retried until the
 * receiver answers 200. The schedule itself is an assumption.
 */
export const CALLBACK_RETRY_DELAYS_MS = [500, 2_000, 10_000, 60_000];
/** How often reminders and auto-rejects run. */
export const MAINTENANCE_INTERVAL_MS = 60_000;
/** Largest request body the simulator reads (attachments come as one JWE each). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
