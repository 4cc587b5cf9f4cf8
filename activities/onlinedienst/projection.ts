// The lifecycle's audit entries and its PostgreSQL projection, written in one transaction per change. Idempotent:
// audit entries are keyed by workflow id + change counter, the projection row only moves forward (seq), task rows
// are inserted once and only ever closed.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { appendAudit } from '../../db/stores/audit';
import {
  cancelLifecycleTask,
  completeLifecycleTask,
  insertLifecycleTasks,
  saveReleaseCheckOpened,
  setLifecycleTaskReminders,
  setOnlinedienstDeployment,
  updateReleaseRecheck,
  upsertLifecycle,
  type LifecycleSnapshot,
  type ReleaseCheckRow,
  type TaskKey,
  type TaskRow,
} from '../../db/stores/lifecycle-projection';

export type { LifecycleSnapshot, ReleaseCheckRow, TaskKey, TaskRow } from '../../db/stores/lifecycle-projection';

export interface AuditRecord {
  action: string;
  actor: string;
  mandantId?: string | null;
  details: Record<string, unknown>;
}

export interface RecordLifecycleInput {
  workflowId: string;
  onlinedienstId: string;
  seq: number;
  audit: AuditRecord[];
  snapshot: LifecycleSnapshot;
  opened?: TaskRow[];
  completed?: Array<TaskKey & { completedBy: string; completedAt: number; late: boolean }>;
  cancelled?: TaskKey[];
  reminded?: Array<TaskKey & { count: number }>;
  releaseChecks?: ReleaseCheckRow[];
  /** the deployed process and form, once the prototype names them */
  prozess?: { name: string; version: string };
  formular?: { name: string; version: string };
}

export async function recordLifecycle(db: Kysely<Database>, input: RecordLifecycleInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [i, entry] of input.audit.entries()) {
      await appendAudit(trx, {
        actor: entry.actor,
        action: entry.action,
        subjectType: 'onlinedienst',
        subjectId: input.onlinedienstId,
        mandantId: entry.mandantId ?? null,
        details: entry.details,
        idempotencyKey: `${input.workflowId}:${input.seq}:${i}`,
      });
    }
    await upsertLifecycle(trx, {
      onlinedienstId: input.onlinedienstId,
      workflowId: input.workflowId,
      seq: input.seq,
      snapshot: input.snapshot,
    });
    await insertLifecycleTasks(trx, input.onlinedienstId, input.opened ?? []);
    for (const t of input.completed ?? []) await completeLifecycleTask(trx, input.onlinedienstId, t);
    for (const t of input.cancelled ?? []) await cancelLifecycleTask(trx, input.onlinedienstId, t);
    for (const t of input.reminded ?? []) await setLifecycleTaskReminders(trx, input.onlinedienstId, t);
    for (const r of input.releaseChecks ?? []) await updateReleaseRecheck(trx, input.onlinedienstId, r);
    if (input.prozess || input.formular) {
      await setOnlinedienstDeployment(trx, input.onlinedienstId, { prozess: input.prozess, formular: input.formular });
    }
  });
}

export interface ReleaseCheckOpenedInput {
  onlinedienstId: string;
  seq: number;
  version: string;
  task: TaskRow;
  releaseCheckState: string;
}

/** The hot path of a release campaign: task, re-check and lifecycle row in one statement (see the store). */
export async function recordReleaseCheckOpened(db: Kysely<Database>, input: ReleaseCheckOpenedInput): Promise<void> {
  await saveReleaseCheckOpened(db, input);
}
