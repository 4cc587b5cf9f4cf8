// What the lifecycle changes on the activations themselves: Wartungsmodus on for the productive acceptance test,
// off when the Mandant says so, deactivation at the shutdown, and the retention of Prozessparameter at the end.
import type { Kysely } from 'kysely';
import { releaseHeldAntraege } from '../../api/wartungsmodus';
import type { Database } from '../../db/schema';
import { appendAudit } from '../../db/stores/audit';
import {
  deactivateAktivierungen,
  deleteProzessparameter,
  listAktivierungIds,
  listWartungsmodus,
  updateAktivierungen,
} from '../../db/stores/aktivierung';
import type { ActivityDeps } from '../deps';

export interface SetAktivierungInput {
  workflowId: string;
  onlinedienstId: string;
  /** one Mandant's activation, or all of the Onlinedienst's (shutdown) */
  mandantId: string | '*';
  wartungsmodus?: boolean;
  wartungsmodusText?: string | null;
  status?: 'entwurf' | 'aktiv' | 'deaktiviert';
  actor: string;
  reason: string;
  /** idempotency key of the audit entry */
  key: string;
}

export async function setAktivierung(
  deps: ActivityDeps,
  input: SetAktivierungInput,
): Promise<{ changed: number; freigegeben: number }> {
  const { db } = deps;
  const before = await listWartungsmodus(db, input.onlinedienstId);
  const result = await db.transaction().execute(async (trx) => {
    const changed = await updateAktivierungen(trx, input.onlinedienstId, input.mandantId, {
      wartungsmodus: input.wartungsmodus,
      wartungsmodusText: input.wartungsmodusText,
      status: input.status,
    });
    await appendAudit(trx, {
      actor: input.actor,
      action: 'aktivierung.geaendert',
      subjectType: 'onlinedienst',
      subjectId: input.onlinedienstId,
      mandantId: input.mandantId === '*' ? null : input.mandantId,
      details: {
        mandantId: input.mandantId,
        reason: input.reason,
        ...(input.wartungsmodus !== undefined ? { wartungsmodus: input.wartungsmodus } : {}),
        ...(input.status !== undefined ? { status: input.status } : {}),
      },
      idempotencyKey: input.key,
    });
    return changed;
  });
  // Like the Wartungsmodus endpoint: switching it off releases the Anträge held for the activation meanwhile.
  let freigegeben = 0;
  if (input.wartungsmodus === false && deps.temporal) {
    const released = before.filter(
      (a) => a.wartungsmodus && (input.mandantId === '*' || a.mandant_id === input.mandantId),
    );
    for (const a of released) freigegeben += await releaseHeldAntraege(db, deps.temporal, a.id);
  }
  return { changed: result, freigegeben };
}

/**
 * Protected Prozessparameter are the secrets of an activation (mailbox passwords, ePayBL credentials): when the
 * Onlinedienst ends they are deleted, plain ones with them; activations stay as deactivated records.
 */
export async function applyRetention(
  db: Kysely<Database>,
  input: { workflowId: string; onlinedienstId: string; actor: string; loeschkonzept: string | null; key: string },
): Promise<{ parameterDeleted: number; aktivierungenDeaktiviert: number }> {
  return db.transaction().execute(async (trx) => {
    const ids = await listAktivierungIds(trx, input.onlinedienstId);
    const parameterDeleted = await deleteProzessparameter(trx, ids);
    const aktivierungenDeaktiviert = await deactivateAktivierungen(trx, input.onlinedienstId);
    const result = { parameterDeleted, aktivierungenDeaktiviert };
    await appendAudit(trx, {
      actor: input.actor,
      action: 'onlinedienst.aufbewahrung.angewendet',
      subjectType: 'onlinedienst',
      subjectId: input.onlinedienstId,
      details: { ...result, loeschkonzept: input.loeschkonzept },
      idempotencyKey: input.key,
    });
    return result;
  });
}
