// How a lifecycle begins: its initial state (in Klärung, or in Betrieb for an Onlinedienst already in production)
// and the first change it records — the start itself, with the tasks it opens and their mails.
import type { DomainClock } from '../../domain/clock';
import { lifecycleInBetrieb } from '../../domain/onlinedienst/bestand';
import { taskOpenedNotices } from '../../domain/onlinedienst/notices';
import type { LifecycleContext } from '../../domain/onlinedienst/task-catalog';
import { createLifecycle, type LifecycleState } from '../../domain/onlinedienst/tasks';
import type { Instant } from '../../domain/working-days';
import type { CarriedLifecycle, LifecycleInput } from '../../messages/onlinedienst';
import type { LifecycleRun } from './state';

export async function recordStart(run: LifecycleRun): Promise<void> {
  const { wf, input } = run;
  await run.record(
    [
      {
        action: 'onlinedienst.lebenszyklus.gestartet',
        actor: input.startedBy,
        mandantId: input.mandantId,
        details: { phase: wf.lc.phase, grund: wf.lc.history[0]?.reason ?? '', bestand: input.bestand !== undefined },
      },
    ],
    { opened: wf.lc.openTasks },
  );
  run.queue(...taskOpenedNotices(run.notices, wf.lc.openTasks));
}

export const PROJEKTLEITUNG_FREIGABE_PATCH = 'projektleitung-freigabe';

export function initialState(
  input: LifecycleInput,
  clock: DomainClock,
  now: Instant,
  freigabeDurchProjektleitung = false,
): CarriedLifecycle {
  const context: LifecycleContext = {
    onlinedienstId: input.onlinedienstId,
    ...(freigabeDurchProjektleitung ? { freigabeDurchProjektleitung } : {}),
    ...(input.blaupause === true && !input.bestand ? { blaupause: true } : {}),
    name: input.name,
    mandanten: input.mandanten ?? [],
    featureTags: input.featureTags ?? [],
    ...(input.leistungId !== undefined ? { leistungId: input.leistungId } : {}),
    ...(input.settings?.deadlines ? { deadlines: input.settings.deadlines } : {}),
  };
  const lc: LifecycleState = input.bestand
    ? lifecycleInBetrieb(
        {
          ...context,
          prozess: input.bestand.prozess,
          formular: input.bestand.formular,
          zertifizierungsReferenz: input.bestand.zertifizierungsReferenz,
          aktivierteMandanten: input.bestand.aktivierteMandanten,
        },
        input.startedBy,
        now,
      )
    : createLifecycle(context, input.startedBy, now);
  return {
    lc,
    seq: 0,
    clock,
    counters: { events: 0, rollouts: 0 },
    reminders: {},
    gate: { last: null, hold: null },
    rollout: { active: null, tickets: [] },
    releaseChecks: {},
    mandanten: {},
    abschaltung: null,
    outbox: [],
  };
}
