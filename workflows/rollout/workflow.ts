// The rollout ticket: the Prozesseigner's request to the Anwendungsbetreuung to transfer the certified process to
// the Produktivsystem. requested → in progress (assigned) → waiting for the requester (clock paused) → transferred
// → confirmed. The SLA clock is computed from the ticket's own events (kept in this workflow's history), counts
// Saxon working days, warns before the breach, escalates on it by mail, and reminds whoever the ticket waits for.
// This file only wires: the handler calls the command over the run's state, then the run waits.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  makeContinueAsNewFunc,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { realDelayMs } from '../../domain/clock';
import { commandNotices, newTicketNotice } from '../../domain/rollout/notices';
import { applyRolloutCommand, type RolloutCommand, type RolloutTicket } from '../../domain/rollout/ticket';
import { refusal } from '../../messages/refusal';
import {
  rolloutClosedSignal,
  rolloutCommandUpdate,
  rolloutStateQuery,
  type RolloutCommandRequest,
  type RolloutTicketInput,
  type RolloutView,
} from '../../messages/rollout';
import { acts } from '../shared/activities';
import { runEntity } from '../shared/entity';
import { RolloutRun } from './state';
import { nextWakeAt, tick } from './timers';

/**
 * From this patch on a ticket waits like the lifecycle, on the shared alarm (timers armed, never cancelled), and
 * lets a mail batch in flight finish before it continues as new. Tickets recorded before it keep their loop.
 */
export const ROLLOUT_SHARED_ENTITY_PATCH = 'rollout-shared-entity';

/** From this patch on "mark-transferred" with a content hash deploys exactly that certified hash to production. */
export const ROLLOUT_PRODUKTION_PATCH = 'rollout-produktion-formular';

type ContinueAsNew = (input: RolloutTicketInput) => Promise<never>;

export async function rolloutTicketWorkflow(input: RolloutTicketInput): Promise<RolloutTicket> {
  const run = new RolloutRun(input);
  const { st, mutex } = run;
  const sharedEntity = patched(ROLLOUT_SHARED_ENTITY_PATCH);

  setHandler(rolloutStateQuery, () => run.view());
  setHandler(rolloutCommandUpdate, (req) => mutex.exclusive(() => applyCommand(run, req)), {
    validator: (req) => {
      const result = applyRolloutCommand(st.ticket, req.command, req.actor, run.now());
      if (!result.ok) throw refusal(result.error);
    },
  });

  if (!input.carried) {
    await mutex.exclusive(async () => {
      const clockNow = run.sla();
      await run.record([
        {
          action: 'rollout.beantragt',
          actor: st.ticket.requestedBy,
          details: {
            prozess: st.ticket.prozess,
            formular: st.ticket.formular,
            zertifizierungsReferenz: st.ticket.zertifizierungsReferenz,
            fristEnde: clockNow.breachAt === null ? null : new Date(clockNow.breachAt).toISOString(),
          },
        },
      ]);
      st.outbox.push(newTicketNotice(run.notices(), clockNow.breachAt));
    });
  }
  run.pump.start();
  await run.tellParent();

  const continueAsNew: ContinueAsNew = makeContinueAsNewFunc<typeof rolloutTicketWorkflow>();
  if (sharedEntity) {
    await runEntity(
      {
        now: () => run.now(),
        finished: () => run.confirmed(),
        shouldContinueAsNew: () => workflowInfo().continueAsNewSuggested,
        nextWakeAt: () => nextWakeAt(run),
        tick: () => tick(run),
        changes: () => st.seq,
      },
      mutex,
      run.alarm,
    );
    if (!run.confirmed()) {
      await run.pump.settleBeforeContinueAsNew(mutex);
      if (!run.confirmed()) await continueAsNew({ ...input, carried: st });
    }
  } else {
    await loopBeforePatch(run, continueAsNew);
  }

  await run.pump.drain();
  if (input.parentWorkflowId) {
    try {
      await getExternalWorkflowHandle(input.parentWorkflowId).signal(rolloutClosedSignal, {
        ticketWorkflowId: run.workflowId,
      });
    } catch (err) {
      log.warn('lifecycle workflow not reachable', { error: (err as Error).message });
    }
  }
  return st.ticket;
}

async function applyCommand(run: RolloutRun, req: RolloutCommandRequest): Promise<RolloutView> {
  const { st } = run;
  const result = applyRolloutCommand(st.ticket, req.command, req.actor, run.now());
  if (!result.ok) throw refusal(result.error);
  const command = req.command as RolloutCommand;
  // Deployed before the state moves: a refusal (the hash is not the certified one) leaves the ticket unchanged.
  if (
    command.type === 'mark-transferred' &&
    command.inhaltsHash !== undefined &&
    run.odId !== '' &&
    patched(ROLLOUT_PRODUKTION_PATCH)
  ) {
    try {
      await acts.uebertrageAufProduktion({
        onlinedienstId: run.odId,
        version: command.produktivVersion,
        contentHash: command.inhaltsHash,
        by: req.actor.id,
        ticketId: st.ticket.ticketId,
      });
    } catch (err) {
      // The API checked it; a version changed in between is refused like any wrong input, not retried as a conflict.
      const cause = err instanceof ActivityFailure ? err.cause : undefined;
      if (!(cause instanceof ApplicationFailure) || cause.type !== 'NichtZertifiziert') throw err;
      throw refusal({
        code: 'invalid-command',
        message: cause.message,
        fieldErrors: [{ path: 'inhaltsHash', message: 'Nicht der zertifizierte Inhalt.' }],
      });
    }
  }
  const before = st.ticket.status;
  st.ticket = result.ticket;
  const entry = result.ticket.log.at(-1)!;
  await run.record([
    {
      action: `rollout.${command.type}`,
      actor: req.actor.id,
      details: {
        von: before,
        nach: result.ticket.status,
        text: entry.text ?? null,
        am: new Date(entry.at).toISOString(),
      },
    },
  ]);
  st.outbox.push(...commandNotices(run.notices(), command, req.actor.id, st.seq));
  if (command.type === 'mark-transferred') await run.tellParent();
  return run.view();
}

/**
 * The loop of tickets started before ROLLOUT_SHARED_ENTITY_PATCH, kept as it was so their histories replay: each
 * wait is a condition with a timeout (its timer is cancelled when something else wakes it), and continue-as-new
 * does not wait for a mail batch in flight.
 */
async function loopBeforePatch(run: RolloutRun, continueAsNew: ContinueAsNew): Promise<void> {
  const { st, mutex } = run;
  for (;;) {
    if (run.confirmed()) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => mutex.idle());
      await continueAsNew({ ...run.input, carried: st });
    }
    const seen = st.seq;
    const t = run.now();
    const wake = nextWakeAt(run);
    if (wake !== null && wake <= t) {
      await mutex.exclusive(() => tick(run));
      // Guard against a wake-up time that tick() does not consume: never spin.
      if (st.seq === seen) await condition(() => st.seq !== seen, 1000);
      continue;
    }
    const woken = () => st.seq !== seen || run.confirmed() || workflowInfo().continueAsNewSuggested;
    if (wake === null) await condition(woken);
    else await condition(woken, realDelayMs(run.clock, t, wake));
  }
}
