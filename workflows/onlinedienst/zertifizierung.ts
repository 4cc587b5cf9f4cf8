// Who decides the Zertifizierung, and what a decision binds. Entering it, a Blaupause — and, in a change cycle, a
// small change not sent to the independent Zertifizierer — is certified by the automatic checks over the version on
// the Entwicklungssystem; a large change waits for the Zertifizierer, who sees why it is large. A Zertifizierer's
// "bestanden" certifies that stored version: its evidence is bound to the content hash, so the version becomes
// immutable and is the one the rollout ticket may transfer.
import { patched } from '@temporalio/workflow';
import { automatischZertifiziert } from '../../domain/onlinedienst/aenderung';
import type { Actor } from '../../domain/onlinedienst/task-catalog';
import type { TaskUpdateResult } from '../../messages/onlinedienst';
import { acts } from '../shared/activities';
import { SYSTEM, type LifecycleRun } from './state';

export const BLAUPAUSE_ZERTIFIZIERUNG_PATCH = 'blaupause-zertifizierung';
/** From this patch on the Zertifizierer's "bestanden" certifies the stored version (evidence bound to its hash). */
export const ZERTIFIZIERER_BINDET_PATCH = 'version-zertifizierer-bindet';

export const AUTOMATIK_ACTOR = 'automatische-zertifizierung';

type Complete = (run: LifecycleRun, taskId: string, actor: Actor, fields: unknown) => Promise<TaskUpdateResult>;

/** Entering Zertifizierung: the automatic checks decide where no independent Zertifizierer is needed. */
export async function zertifizierungBeimEintritt(run: LifecycleRun, complete: Complete): Promise<void> {
  if (!run.wf.lc.openTasks.some((t) => t.id === 'zertifizierung')) return;
  if (run.ctx().aenderung) {
    await umfangFeststellen(run);
    if (automatischZertifiziert(run.ctx())) await automatisch(run, complete);
    return;
  }
  // Only Blaupause lifecycles reach the marker.
  if (run.ctx().blaupause !== true) return;
  if (!patched(BLAUPAUSE_ZERTIFIZIERUNG_PATCH)) return;
  await automatisch(run, complete);
}

/** The size of the change (new version on the Entwicklungssystem against the one in production), kept and recorded. */
async function umfangFeststellen(run: LifecycleRun): Promise<void> {
  const u = await acts.pruefeAenderungsumfang({ onlinedienstId: run.odId });
  const { wf } = run;
  const aenderung = { ...run.ctx().aenderung!, umfang: u.umfang, gruende: u.gruende };
  wf.lc = { ...wf.lc, context: { ...wf.lc.context, aenderung } };
  await run.record([
    {
      action: 'onlinedienst.aenderung.umfang',
      actor: SYSTEM,
      details: {
        umfang: u.umfang,
        gruende: u.gruende,
        version: u.version ?? null,
        produktionVersion: u.produktionVersion ?? null,
        zertifizierung: automatischZertifiziert(run.ctx()) ? 'automatisch' : 'unabhaengig',
      },
    },
  ]);
}

/**
 * The automatic checks over the version on the Entwicklungssystem complete the Zertifizierung task — passed with
 * the evidence as Zertifikat, failed back to Prototyp with the findings (JSON pointers).
 */
async function automatisch(run: LifecycleRun, complete: Complete): Promise<void> {
  const z = await acts.zertifiziereAufEntwicklung({ onlinedienstId: run.odId });
  const geprueft = { loggingGeprueft: true, endlosschleifenGeprueft: true };
  const befunde = !z.gefunden
    ? 'Keine Version auf dem Entwicklungssystem.'
    : (z.befunde ?? []).map((b) => `${b.pfad}: ${b.meldung} (${b.regel})`).join('; ');
  const fields =
    z.gefunden && z.bestanden
      ? { ergebnis: 'bestanden', ...geprueft, zertifikat: z.zertifikat }
      : { ergebnis: 'nicht-bestanden', ...geprueft, befunde: befunde || 'Nicht bestanden.' };
  await complete(run, 'zertifizierung', { id: AUTOMATIK_ACTOR, roles: ['zertifizierer'], mandanten: [] }, fields);
}

/** Before a person's "bestanden" is applied: the stored version it judged becomes certified. */
export async function zertifiziererBindet(run: LifecycleRun, actor: Actor, fields: Record<string, unknown>) {
  if (actor.id === AUTOMATIK_ACTOR || fields.ergebnis !== 'bestanden') return;
  if (!patched(ZERTIFIZIERER_BINDET_PATCH)) return;
  const bound = await acts.zertifiziereDurchPruefer({
    onlinedienstId: run.odId,
    by: actor.id,
    zertifikat: String(fields.zertifikat ?? ''),
    ...(typeof fields.inhaltsHash === 'string' ? { contentHash: fields.inhaltsHash } : {}),
  });
  return bound;
}
