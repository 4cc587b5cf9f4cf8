// Who sees which Onlinedienst. The Prozesseigner, cross-Mandant roles and the Mandanten it is planned or activated
// for; a Mandant-Admin sees it only as far as its own activations go. What the caller may not see is not found:
// existence is not leaked across Mandanten.
import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { findLifecycle, type LifecycleRow } from '../../../db/stores/onlinedienst';
import type { LifecycleView } from '../../../messages/onlinedienst';
import { canAccessMandant, type User } from '../../auth';
import { LIFECYCLE_READERS } from '../../lifecycle-api';
import { HttpProblem } from '../../problem';

export const READERS = LIFECYCLE_READERS;

export const idParams = z.object({ id: z.string().openapi({ description: 'the Onlinedienst id' }) });
export const aktivierungParams = idParams.extend({ mandantId: z.string() });

export const crossMandant = (user: User): boolean => user.mandanten.includes('*');

export function canSee(user: User, row: Pick<LifecycleRow, 'prozesseigner' | 'mandant_id' | 'mandanten'>): boolean {
  if (crossMandant(user) || row.prozesseigner === user.id) return true;
  return canAccessMandant(user, row.mandant_id) || row.mandanten.some((m) => canAccessMandant(user, m));
}

export async function visibleLifecycle(db: Kysely<Database>, user: User, id: string): Promise<LifecycleRow> {
  const row = await findLifecycle(db, id);
  if (!row || !canSee(user, row)) throw new HttpProblem(404, 'Nicht gefunden', `Onlinedienst ${id} not found`);
  return row;
}

/** A Mandant-Admin without cross-Mandant rights sees the live state only as far as its own activations go. */
export function scopedView(user: User, v: LifecycleView): LifecycleView {
  const narrow = !crossMandant(user) && user.roles.every((r) => r === 'mandant-admin') && v.prozesseigner !== user.id;
  if (!narrow) return v;
  const own = (m: string | undefined) => m !== undefined && user.mandanten.includes(m);
  const gate = v.gate.last
    ? { ...v.gate.last, activations: v.gate.last.activations.filter((a) => own(a.mandantId)) }
    : null;
  return {
    ...v,
    context: {
      ...v.context,
      mandanten: v.context.mandanten.filter(own),
      aktivierteMandanten: v.context.aktivierteMandanten.filter(own),
    },
    openTasks: v.openTasks.filter((t) => own(t.mandant)),
    deadlines: v.deadlines.filter((d) => own(d.mandant)),
    completedTasks: [],
    mandantenStatus: Object.fromEntries(Object.entries(v.mandantenStatus).filter(([m]) => own(m))),
    gate: { ...v.gate, last: gate },
  };
}
