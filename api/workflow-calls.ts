// Calling a workflow from a route: the one mapping of a failed Update to problem+json, for the lifecycle, the
// rollout ticket and the Antrag alike, and the retry of an Update lost to a lifecycle's continue-as-new.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { REFUSAL_TYPE, refusalStatus, type Refusal } from '../messages/refusal';
import { HttpProblem, toInvalidParams } from './problem';

const isRefusal = (cause: unknown): cause is ApplicationFailure =>
  cause instanceof ApplicationFailure && cause.type === REFUSAL_TYPE;

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
 * An Update to a lifecycle or rollout ticket. One that reaches the run in the moment it continues as new (at a
 * phase boundary) is aborted by the server before any handler ran — under load with more than one message — so
 * every failure that is not the workflow's own refusal is sent again, to the new run; a failed Update changed
 * nothing.
 */
export async function command<T>(subject: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt < 5 && err instanceof WorkflowUpdateFailedError && !isRefusal(err.cause)) {
        await new Promise((r) => setTimeout(r, 50 * attempt));
        continue;
      }
      throw updateProblem(err, subject);
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
