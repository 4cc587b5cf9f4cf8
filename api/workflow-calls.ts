// Calling a workflow from a route: the one mapping of a failed Update to problem+json, for the lifecycle, the
// rollout ticket and the Antrag alike, and the retry of an Update lost to a lifecycle's continue-as-new.
import { randomUUID } from 'node:crypto';
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { REFUSAL_TYPE, refusalStatus, type Refusal } from '../messages/refusal';
import { HttpProblem, toInvalidParams } from './problem';

const isRefusal = (cause: unknown): cause is ApplicationFailure =>
  cause instanceof ApplicationFailure && cause.type === REFUSAL_TYPE;

// gRPC status codes (fixed by the gRPC spec; @grpc/grpc-js is only the SDK's dependency, not ours).
const GRPC = { RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, UNAVAILABLE: 14 } as const;

const TITLES = { 400: 'Ungültige Eingabe', 403: 'Keine Berechtigung', 404: 'Nicht gefunden', 409: 'Konflikt' } as const;

/**
 * A failed Update as problem+json. A refusal (ApplicationFailure of type Refused, from the workflow's validator)
 * becomes 400/403/404/409 by its domain code, with the field messages as invalidParams; any other failure the
 * workflow raised is 409 with its own message; a run that ended is 409 too (the resource exists, it takes no
 * more commands). `extra` joins the problem (e.g. the Vorgangsnummer). Anything else is not ours to map.
 */
export function updateProblem(err: unknown, subject: string, extra: Record<string, unknown> = {}): unknown {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (isRefusal(cause)) {
      const refusal = (cause.details?.[0] ?? { code: 'refused', message: cause.message }) as Refusal;
      const status = refusalStatus(refusal.code);
      return new HttpProblem(status, TITLES[status], refusal.message, {
        code: refusal.code,
        ...(refusal.fieldErrors ? { invalidParams: toInvalidParams(refusal.fieldErrors) } : {}),
        ...extra,
      });
    }
    return new HttpProblem(409, 'Nicht möglich', cause?.message ?? err.message, { code: 'not-accepted', ...extra });
  }
  if (err instanceof WorkflowNotFoundError) {
    return new HttpProblem(409, 'Nicht möglich', `${subject} läuft nicht mehr.`, { code: 'not-running', ...extra });
  }
  return err;
}

/** An Update the workflow takes or refuses. */
export async function update<T>(
  subject: string,
  fn: () => Promise<T>,
  extra: Record<string, unknown> = {},
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw updateProblem(err, subject, extra);
  }
}

/**
 * How an Update that did not come back is sent again, or null when it is not. `same`: the server may still hold it
 * (the call timed out or the server was briefly unavailable), so it goes again under its own id and the server
 * answers with that Update's outcome instead of running it twice. `fresh`: the server dropped it before the workflow
 * accepted it, or the run it was accepted by continued as new before it completed, so nothing was changed and it
 * goes under a new id — the dropped id stays aborted on the server, and the new run never saw it.
 */
export function resendAs(err: unknown): 'same' | 'fresh' | null {
  if (err instanceof WorkflowUpdateFailedError) return isRefusal(err.cause) ? null : 'fresh';
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return 'same';
  if (err instanceof ServiceError && isGrpcServiceError(err.cause)) {
    // The workflow task that carried the Update failed on the server (e.g. a continue-as-new that met a new
    // event): the Update is aborted before acceptance, with WorkflowNotReady, which gRPC calls FAILED_PRECONDITION.
    if (err.cause.code === GRPC.FAILED_PRECONDITION) return 'fresh';
    // The client's own retries of a transient error ran out.
    if (err.cause.code === GRPC.UNAVAILABLE || err.cause.code === GRPC.RESOURCE_EXHAUSTED) return 'same';
  }
  return null;
}

/**
 * An Update to a lifecycle or rollout ticket. One that reaches the run in the moment it continues as new (at a
 * phase boundary) is aborted by the server before any handler ran — under load with more than one message — and
 * one whose call failed in transit may or may not have arrived: either is sent again (`resendAs`), up to five
 * times; the workflow's own refusal never is. `fn` gets the Update id to send, so a resend of an Update the server
 * may still hold is answered with its outcome, not run a second time.
 */
export async function command<T>(subject: string, fn: (updateId: string) => Promise<T>): Promise<T> {
  let updateId = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(updateId);
    } catch (err) {
      const resend = attempt < 5 ? resendAs(err) : null;
      if (resend === null) throw updateProblem(err, subject);
      if (resend === 'fresh') updateId = randomUUID();
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** A query for the live state; a run that no longer exists is not found. */
export async function query<T>(subject: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new HttpProblem(404, 'Nicht gefunden', `${subject} läuft nicht (mehr).`, { code: 'not-running' });
    }
    throw err;
  }
}
