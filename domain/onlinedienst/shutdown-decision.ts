// The decision to shut an Onlinedienst down: the regular end out of Betrieb, or an abort from an earlier phase.
import { ROLE_LABELS } from './phases';
import type { Actor } from './task-template';
import type { CommandResult, LifecycleState } from './lifecycle-state';
import { enterPhase, fail, finish, settle, type Draft } from './phase-advance';
import type { Instant } from '../working-days';

/**
 * Shutdown decided by the Prozesseigner. From Betrieb this is the regular end (kind 'shutdown'); from an earlier
 * phase it is the explicit decision to abort (kind 'abort').
 */
export function decideShutdown(state: LifecycleState, actor: Actor, reason: string, now: Instant): CommandResult {
  if (state.ended || state.phase === 'abschaltung') return fail('wrong-phase', 'Die Abschaltung läuft bereits.');
  if (!actor.roles.includes('prozesseigner'))
    return fail('wrong-role', `Die Abschaltung beschließt der ${ROLE_LABELS.prozesseigner}.`);
  if (reason.trim() === '')
    return fail('invalid-fields', 'Begründung fehlt.', [{ path: 'reason', message: 'Darf nicht leer sein.' }]);
  const draft: Draft = { state, transitions: [], opened: [], cancelled: [] };
  enterPhase(draft, 'abschaltung', `Abschaltung beschlossen: ${reason.trim()}`, actor.id, now, true);
  settle(draft, actor.id, now);
  return { ok: true, ...finish(draft) };
}
