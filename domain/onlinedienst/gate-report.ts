// The gate check as the lifecycle workflow runs it: per activation against the Mandant master data an activity
// loaded from PostgreSQL, plus the activations that should exist and do not.
import { gateCheck, type GateActivation, type GateFailure, type GateMasterData } from './gate-check';
import type { Instant } from '../working-days';

export type GateId = 'vor-test' | 'vor-go-live';

export const GATE_LABELS: Readonly<Record<GateId, string>> = {
  'vor-test': 'Prüfung vor dem Test auf dem Entwicklungssystem',
  'vor-go-live': 'Prüfung vor der Aktivierung auf dem Produktivsystem',
};

export interface GateActivationResult extends GateActivation {
  passed: boolean;
  failures: GateFailure[];
}

export interface GateReport {
  gate: GateId;
  checkedAt: Instant;
  passed: boolean;
  activations: GateActivationResult[];
  /** failures not tied to one recorded activation (none recorded, a planned Mandant without activation) */
  failures: Array<{ code: 'aktivierung-fehlt'; mandantId?: string; message: string }>;
}

/** The phase a transition enters decides the gate; null: not gated. */
export function gateBefore(phase: string): GateId | null {
  if (phase === 'test') return 'vor-test';
  if (phase === 'aktivierung') return 'vor-go-live';
  return null;
}

/**
 * Before the test at least one activation must be recorded; before go-live every planned Mandant needs one.
 * Every recorded activation must pass the master-data check.
 */
export function buildGateReport(
  gate: GateId,
  activations: readonly GateActivation[],
  data: GateMasterData,
  plannedMandanten: readonly string[],
  now: Instant,
): GateReport {
  const failures: GateReport['failures'] = [];
  if (activations.length === 0) {
    failures.push({
      code: 'aktivierung-fehlt',
      message: 'Es ist noch keine Aktivierung (Mandant, zuständige Stelle, Leistung) erfasst.',
    });
  }
  if (gate === 'vor-go-live') {
    for (const mandantId of plannedMandanten) {
      if (!activations.some((a) => a.mandantId === mandantId)) {
        failures.push({
          code: 'aktivierung-fehlt',
          mandantId,
          message: `Für den Mandanten ${mandantId} ist keine Aktivierung erfasst.`,
        });
      }
    }
  }
  const results = activations.map((activation): GateActivationResult => ({
    ...activation,
    ...gateCheck(activation, data),
  }));
  return {
    gate,
    checkedAt: now,
    passed: failures.length === 0 && results.every((r) => r.passed),
    activations: results,
    failures,
  };
}
