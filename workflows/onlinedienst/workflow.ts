// One workflow per Onlinedienst, from Klärung to Abschaltung, for years. The pure state machine
// (domain/onlinedienst/tasks.ts) decides; this workflow feeds it task completions (Updates, refused by validators)
// and outside events, holds the phase while a gate check fails, starts the rollout ticket, reminds whoever is late,
// records every change in the audit log and the PostgreSQL projection, and continues as new at every phase
// boundary. This file only wires: handlers call the commands over the run's state, then the run waits.
import { makeContinueAsNewFunc, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  completeTaskUpdate,
  decideShutdownUpdate,
  lifecycleStateQuery,
  openReleaseCheckSignal,
  prozessparameterChangedSignal,
  recheckGateUpdate,
  registerMandantUpdate,
  reportEventUpdate,
  rolloutClosedSignal,
  rolloutTransferredSignal,
  type LifecycleInput,
  type LifecycleOutcome,
} from '../../messages/onlinedienst';
import { runEntity } from '../shared/entity';
import { applyRetention } from './abschaltung';
import {
  completeTaskCommand,
  decideShutdownCommand,
  onRolloutClosed,
  onRolloutTransferred,
  recheckGateCommand,
  registerMandantCommand,
  validateCompleteTask,
  validateRecheckGate,
  validateRegistration,
  validateShutdown,
} from './commands';
import { onProzessparameterChanged, openReleaseCheck, reportEventCommand, validateReportEvent } from './events';
import { recordStart } from './start';
import { LifecycleRun } from './state';
import { nextWakeAt, tick } from './timers';
import { lifecycleView } from './view';

export async function onlinedienstLifecycleWorkflow(input: LifecycleInput): Promise<LifecycleOutcome> {
  const run = new LifecycleRun(input);
  const { mutex } = run;

  setHandler(lifecycleStateQuery, () => lifecycleView(run));
  setHandler(completeTaskUpdate, (req) => mutex.exclusive(() => completeTaskCommand(run, req)), {
    validator: (req) => validateCompleteTask(run, req),
  });
  setHandler(reportEventUpdate, (req) => mutex.exclusive(() => reportEventCommand(run, req)), {
    validator: (req) => validateReportEvent(run, req),
  });
  setHandler(decideShutdownUpdate, (req) => mutex.exclusive(() => decideShutdownCommand(run, req)), {
    validator: (req) => validateShutdown(run, req),
  });
  setHandler(registerMandantUpdate, (req) => mutex.exclusive(() => registerMandantCommand(run, req)), {
    validator: (req) => validateRegistration(run, req),
  });
  setHandler(recheckGateUpdate, (req) => mutex.exclusive(() => recheckGateCommand(run, req)), {
    validator: (req) => validateRecheckGate(run, req),
  });
  setHandler(openReleaseCheckSignal, (notice) => mutex.exclusive(() => openReleaseCheck(run, notice)));
  setHandler(prozessparameterChangedSignal, (s) => onProzessparameterChanged(run, s));
  setHandler(rolloutTransferredSignal, (s) => mutex.exclusive(() => onRolloutTransferred(run, s)));
  setHandler(rolloutClosedSignal, (s) => onRolloutClosed(run, s));

  if (!input.carried) await mutex.exclusive(() => recordStart(run));
  run.pump.start();

  const continueAsNew = makeContinueAsNewFunc<typeof onlinedienstLifecycleWorkflow>({
    typedSearchAttributes: workflowInfo().typedSearchAttributes,
  });
  await runEntity(
    {
      now: () => run.now(),
      finished: () => run.finished(),
      shouldContinueAsNew: () => run.shouldContinueAsNew(),
      nextWakeAt: () => nextWakeAt(run),
      tick: () => tick(run),
      changes: () => run.changes,
    },
    mutex,
    run.alarm,
  );
  // Not finished: the run is cut here (a phase boundary, or a long history) and the next one carries the state.
  if (!run.finished()) {
    await run.pump.settleBeforeContinueAsNew(mutex);
    if (!run.finished()) await continueAsNew({ ...input, carried: run.carried() });
  }

  await mutex.exclusive(() => applyRetention(run));
  await run.pump.drain();
  return { onlinedienstId: run.odId, endedAt: run.wf.lc.endedAt ?? run.now(), history: run.wf.lc.history };
}
