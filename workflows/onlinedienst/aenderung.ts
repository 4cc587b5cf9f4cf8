// A change in Betrieb produces a new form+process version (domain/onlinedienst/aenderung.ts). The rule applies
// from this patch on, decided when a change task is completed, to Onlinedienste whose definition is stored here:
// lifecycles recorded before it, and Onlinedienste built elsewhere (no stored version to follow), recertify the
// same version as they did.
import { patched } from '@temporalio/workflow';
import { splitId } from '../../domain/onlinedienst/task-instances';
import { acts } from '../shared/activities';
import type { LifecycleRun } from './state';

export const VERSION_AENDERUNG_PATCH = 'version-aenderung-neue-version';

const AENDERUNGS_AUFGABEN: readonly string[] = [
  'betriebspruefung',
  'release-pruefung',
  'rechtsaenderung',
  'konfigurationsaenderung',
];

/** Before an open change task in Betrieb is completed: the lifecycle takes on the rule of new versions. */
export async function neueVersionBeiAenderung(run: LifecycleRun, taskId: string): Promise<void> {
  const { wf } = run;
  if (wf.lc.phase !== 'betrieb' || wf.lc.context.versionierteAenderung === true) return;
  if (!AENDERUNGS_AUFGABEN.includes(splitId(taskId)[0])) return;
  if (!wf.lc.openTasks.some((t) => t.id === taskId)) return;
  if (!patched(VERSION_AENDERUNG_PATCH)) return;
  if (!(await acts.hatFormularVersionen({ onlinedienstId: run.odId }))) return;
  wf.lc = { ...wf.lc, context: { ...wf.lc.context, versionierteAenderung: true } };
}
