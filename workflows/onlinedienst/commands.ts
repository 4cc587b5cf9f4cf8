// The commands people send (Updates): complete a task, decide the shutdown, register a Mandant, re-run the gate —
// each with the check its validator runs (refused before it is accepted, so nothing is written) and the handler
// that applies it; and the rollout ticket's signals about the transfer and the close.
import { log } from '@temporalio/workflow';
import { abschaltungSchema, type AbschaltungEntscheidung } from '../../domain/onlinedienst/events';
import { parseFields } from '../../domain/field-errors';
import type { Role } from '../../domain/onlinedienst/phases';
import type { Actor } from '../../domain/onlinedienst/task-catalog';
import { addMandant, completeTask, decideShutdown, type StateChange } from '../../domain/onlinedienst/tasks';
import type {
  CompleteTaskRequest,
  RegisterMandantRequest,
  ShutdownRequest,
  TaskUpdateResult,
} from '../../messages/onlinedienst';
import { refusal } from '../../messages/refusal';
import { neueVersionBeiAenderung } from './aenderung';
import { commit } from './commit';
import { completeWithGate, retryHold } from './gate';
import type { LifecycleRun } from './state';

// ------------------------------------------------------------------------------------------------ task completion
function refuseManagedByTicket(run: LifecycleRun, taskId: string): void {
  const active = run.wf.rollout.active;
  if (taskId === 'uebernahme-bestaetigen' && active) {
    throw refusal({
      code: 'managed-by-ticket',
      message: `Die Übernahme bestätigt die Anwendungsbetreuung im Rollout-Ticket ${active.ticketId} (${active.workflowId}).`,
    });
  }
}

export function validateCompleteTask(run: LifecycleRun, req: CompleteTaskRequest): void {
  refuseManagedByTicket(run, req.taskId);
  const r = completeTask(run.wf.lc, req.taskId, run.normaliseActor(req.actor), req.fields, run.now());
  if (!r.ok) throw refusal(r.error);
}

export async function completeTaskCommand(run: LifecycleRun, req: CompleteTaskRequest): Promise<TaskUpdateResult> {
  const actor = run.normaliseActor(req.actor);
  refuseManagedByTicket(run, req.taskId);
  await neueVersionBeiAenderung(run, req.taskId);
  return completeWithGate(run, req.taskId, actor, req.fields);
}

// ------------------------------------------------------------------------------------------------ shutdown
function parseShutdown(run: LifecycleRun, req: ShutdownRequest): { decision: AbschaltungEntscheidung; r: StateChange } {
  const parsed = parseFields(abschaltungSchema(), req.payload);
  if (!parsed.ok) {
    throw refusal({
      code: 'invalid-fields',
      message: 'Die Angaben zur Abschaltung sind unvollständig.',
      fieldErrors: parsed.fieldErrors,
    });
  }
  const r = decideShutdown(run.wf.lc, req.actor, parsed.data.begruendung, run.now());
  if (!r.ok) throw refusal(r.error);
  return { decision: parsed.data, r };
}

export function validateShutdown(run: LifecycleRun, req: ShutdownRequest): void {
  parseShutdown(run, req);
}

export async function decideShutdownCommand(run: LifecycleRun, req: ShutdownRequest): Promise<TaskUpdateResult> {
  const { decision, r } = parseShutdown(run, req);
  run.shutdownDecision = decision;
  await commit(run, r, req.actor.id, { action: 'onlinedienst.abschaltung.beschlossen', details: { ...decision } });
  return { status: 'erledigt', phase: run.wf.lc.phase, transitions: r.transitions, opened: r.opened.map((o) => o.id) };
}

// ------------------------------------------------------------------------------------------------ Mandant registration
/** null: the Mandant is known already. */
function checkRegistration(run: LifecycleRun, req: RegisterMandantRequest): StateChange | null {
  const actor = run.normaliseActor(req.actor);
  const allowed =
    actor.roles.includes('prozesseigner') ||
    actor.roles.includes('projektleitung') ||
    (actor.roles.includes('mandant-admin') && actor.mandanten.includes(req.mandantId));
  if (!allowed) {
    throw refusal({
      code: 'wrong-role',
      message: `Aktivierungen für ${req.mandantId} erfasst der Mandant selbst oder der Prozesseigner.`,
    });
  }
  if (run.allMandanten().includes(req.mandantId)) return null;
  const r = addMandant(run.wf.lc, req.mandantId, actor.id, run.now());
  if (!r.ok) throw refusal(r.error);
  return r;
}

export function validateRegistration(run: LifecycleRun, req: RegisterMandantRequest): void {
  checkRegistration(run, req);
}

export async function registerMandantCommand(
  run: LifecycleRun,
  req: RegisterMandantRequest,
): Promise<{ added: boolean; opened: string[] }> {
  const r = checkRegistration(run, req);
  if (r === null) return { added: false, opened: [] };
  await commit(run, r, req.actor.id, {
    action: 'onlinedienst.mandant.erfasst',
    details: { mandantId: req.mandantId },
    mandantId: req.mandantId,
  });
  return { added: true, opened: r.opened.map((o) => o.id) };
}

// ------------------------------------------------------------------------------------------------ gate re-check
const GATE_RECHECKERS: readonly Role[] = ['prozesseigner', 'mandant-admin', 'projektleitung', 'awb'];

export function validateRecheckGate(run: LifecycleRun, req: { actor: Actor }): void {
  if (!run.wf.gate.hold)
    throw refusal({ code: 'no-gate-hold', message: 'Es wartet keine Phase auf eine Gate-Prüfung.' });
  if (!GATE_RECHECKERS.some((r) => req.actor.roles.includes(r))) {
    throw refusal({ code: 'wrong-role', message: 'Keine Berechtigung für die Gate-Prüfung.' });
  }
}

export function recheckGateCommand(run: LifecycleRun, req: { actor: Actor }): Promise<TaskUpdateResult | null> {
  return retryHold(run, req.actor.id);
}

// ------------------------------------------------------------------------------------------------ rollout ticket
export async function onRolloutTransferred(
  run: LifecycleRun,
  s: { ticketWorkflowId: string; ticketId: string; produktivVersion: string; by: string },
): Promise<void> {
  const { wf } = run;
  if (wf.rollout.active?.workflowId === s.ticketWorkflowId) wf.rollout.active.status = 'uebernommen';
  if (!wf.lc.openTasks.some((t) => t.id === 'uebernahme-bestaetigen')) return;
  try {
    await completeWithGate(
      run,
      'uebernahme-bestaetigen',
      { id: s.by, roles: ['awb'], mandanten: [] },
      { ticketId: s.ticketId, produktivVersion: s.produktivVersion },
    );
  } catch (err) {
    // A signal cannot be refused; a mismatch is logged and left to the people on the ticket.
    log.warn('rollout transfer could not complete the task', { error: (err as Error).message });
  }
}

export function onRolloutClosed(run: LifecycleRun, s: { ticketWorkflowId: string }): void {
  const { wf } = run;
  const active = wf.rollout.active;
  if (!active || active.workflowId !== s.ticketWorkflowId) return;
  wf.rollout.tickets.push({ ...active, status: 'geschlossen' });
  wf.rollout.active = null;
}
