// What the lifecycle routes share: the actor a workflow sees, the mapping of refused Updates to problem+json,
// and the durations passed to new workflows (short in tests).
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FieldError } from '../domain/field-errors';
import type { LifecycleSettings } from '../messages/onlinedienst';
import type { Role as LifecycleRole } from '../domain/onlinedienst/phases';
import { REFUSAL_TYPE, refusalStatus, type Refusal } from '../messages/refusal';
import type { CampaignPolicy } from '../domain/release/campaign';
import type { Actor } from '../domain/onlinedienst/task-catalog';
import type { CampaignSettings } from '../messages/release';
import type { User } from './auth';
import { HttpProblem, type InvalidParam } from './problem';

export interface LifecycleApiSettings {
  lifecycle?: LifecycleSettings;
  campaign?: CampaignSettings;
  campaignPolicy?: CampaignPolicy;
}

/** Who may read lifecycles (each only as far as Mandant scoping lets them); the UI offers its pages to the same roles. */
export const LIFECYCLE_READERS: LifecycleRole[] = ['prozesseigner', 'prozessmodellierer', 'zertifizierer', 'awb', 'mandant-admin', 'redaktion', 'projektleitung', 'testteam'];

export function actorOf(user: User): Actor {
  return { id: user.id, roles: user.roles as LifecycleRole[], mandanten: user.mandanten };
}

/** The domain's German field messages as problem+json invalidParams. */
export function toInvalidParams(fieldErrors: FieldError[]): InvalidParam[] {
  return fieldErrors.map((f) => ({ name: f.path || '(body)', reason: f.message }));
}

const isRefusal = (cause: unknown): cause is ApplicationFailure => cause instanceof ApplicationFailure && cause.type === REFUSAL_TYPE;

const TITLES = { 400: 'Ungültige Eingabe', 403: 'Keine Berechtigung', 404: 'Nicht gefunden', 409: 'Konflikt' } as const;

/** A refused Update becomes 400/403/404/409 with the domain code and the field messages as invalidParams. */
export function toProblem(err: unknown, subject: string): unknown {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (isRefusal(cause)) {
      const refusal = (cause.details?.[0] ?? { code: 'refused', message: cause.message }) as Refusal;
      const status = refusalStatus(refusal.code);
      return new HttpProblem(status, TITLES[status], refusal.message, {
        code: refusal.code,
        ...(refusal.fieldErrors ? { invalidParams: toInvalidParams(refusal.fieldErrors) } : {}),
      });
    }
    return new HttpProblem(409, 'Konflikt', `${subject} nimmt diesen Befehl nicht an: ${cause?.message ?? err.message}`, { code: 'not-accepted' });
  }
  if (err instanceof WorkflowNotFoundError) return new HttpProblem(404, 'Nicht gefunden', `${subject} läuft nicht (mehr).`, { code: 'not-running' });
  return err;
}

/**
 * An Update that reaches a lifecycle in the moment it continues as new (at a phase boundary) is aborted by the
 * server before any handler ran — it was only admitted — so sending it again reaches the new run.
 */
function abortedByContinueAsNew(err: unknown): boolean {
  // Any failure that is not the workflow's own refusal: under load the server reports the continue-as-new race
  // with more than one message. A failed Update changed nothing, so sending it again to the new run is safe.
  return err instanceof WorkflowUpdateFailedError && !isRefusal(err.cause);
}

export async function command<T>(subject: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt < 5 && abortedByContinueAsNew(err)) {
        await new Promise((r) => setTimeout(r, 50 * attempt));
        continue;
      }
      throw toProblem(err, subject);
    }
  }
}
