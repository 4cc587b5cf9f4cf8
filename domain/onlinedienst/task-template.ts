// The shape of a task template (who does what, which fields prove it is done, its deadline, how a result steers the
// lifecycle) and the helpers the catalogue files use to define one. Fields stay behind lazySchema: these modules
// are preloaded into the workflow bundle and frozen there (worker/preload.ts).
import { z } from 'zod';
import { lazySchema, nonEmpty, versionSchema } from '../field-errors';
import type { PhaseId, Role } from './phases';
import type { DeadlineSpec } from '../working-days';

export interface Actor {
  id: string;
  roles: readonly Role[];
  /** Mandanten the actor acts for (relevant for per-Mandant tasks). */
  mandanten: readonly string[];
}

export interface ProzessRef {
  name: string;
  version: string;
}

/** What the state machine knows about the Onlinedienst. JSON-serialisable; kept inside the state. */
export interface LifecycleContext {
  onlinedienstId: string;
  name: string;
  /** Mandanten that activate the Onlinedienst; per-Mandant tasks are opened for each. */
  mandanten: string[];
  /** Feature tags for release classification ('payment', 'xfall', 'fitconnect', 'form:upload', …). */
  featureTags?: string[];
  leistungId?: string;
  prozess?: ProzessRef;
  formular?: ProzessRef;
  zertifizierungsReferenz?: string;
  /** Mandanten where the process has been activated (and so must be deactivated at the Abschaltung). */
  aktivierteMandanten?: string[];
  /** The Projektleitung releases the Produktivsetzung before the rollout ticket is raised (seeds: "Freigabe für die
   *  Produktivsetzung von Onlinediensten"). Set when a lifecycle starts; lifecycles started before this rule keep
   *  their old path. */
  freigabeDurchProjektleitung?: boolean;
  /** Created with the Blaupause-Assistent: the automatic certification decides the Zertifizierung. */
  blaupause?: boolean;
  /** Set by the state machine while a change cycle started from Betrieb is under way. */
  recertification?: boolean;
  /** A change in Betrieb produces a new form+process version (Prototyp → Test → Zertifizierung → Produktivsetzung
   *  → Betrieb) instead of a recertification of the same one. Set by the workflow when a change is decided; lifecycles
   *  recorded before this rule keep their old path. */
  versionierteAenderung?: boolean;
  /** While such a change cycle is under way: why, whether the independent Zertifizierer must decide whatever its
   *  size, and the size found when it entered Zertifizierung (docs in domain/formular/aenderungsumfang.ts). */
  aenderung?: Aenderung;
  /** Deadline overrides per task template id, e.g. { freigabe: { amount: 3, unit: 'working-days' } }. */
  deadlines?: Partial<Record<string, DeadlineSpec>>;
}

export interface Aenderung {
  anlass: 'betriebspruefung' | 'release-pruefung' | 'rechtsaenderung' | 'konfigurationsaenderung';
  grund: string;
  vollePruefung: boolean;
  umfang?: 'klein' | 'gross';
  gruende?: string[];
}

export type TaskOutcome = { kind: 'transition'; to: PhaseId; reason: string } | { kind: 'reopen'; reason: string };

export type TaskScope =
  /** one instance per phase entry, id = template id */
  | 'onlinedienst'
  /** one instance per Mandant, id = `${template}:${mandantId}` */
  | 'mandant'
  /** opened by an outside event, id = `${template}:${key}` (e.g. the release version) */
  | 'keyed';

export interface TaskTemplate<S extends z.ZodType = z.ZodType> {
  id: string;
  /** phases[0] is the home phase (opened on entry unless opensOn is 'event'); in the others it may also be open
   *  (a Mandant joining in Betrieb goes through the activation tasks there) */
  phases: readonly PhaseId[];
  opensOn: 'phase-entry' | 'event';
  scope: TaskScope;
  title: string;
  description: string;
  role: Role;
  /** Templates that must be completed first (same Mandant for per-Mandant tasks). */
  after?: readonly string[];
  /** Must be completed before the home phase can advance. */
  blocking: boolean;
  /** the fields the completing person supplies; built on first use (see lazySchema) */
  fields: () => S;
  deadline: DeadlineSpec;
  /** A result from an earlier entry into the phase still counts (rollout planning survives a failed certification). */
  reuseEarlierResult?: boolean;
  onlyIf?(context: LifecycleContext): boolean;
  /** For per-Mandant tasks: which Mandanten get one (default: context.mandanten). */
  mandantenOf?(context: LifecycleContext): readonly string[];
  outcome?(fields: z.output<S>, context: LifecycleContext): TaskOutcome | null;
  updateContext?(
    context: LifecycleContext,
    fields: z.output<S>,
    task: { mandant?: string; key?: string },
  ): LifecycleContext;
}

export function defineTask<S extends z.ZodType>(template: TaskTemplate<S>): TaskTemplate {
  return { ...template, fields: lazySchema(template.fields) } as unknown as TaskTemplate;
}

export const wd = (amount: number): DeadlineSpec => ({ amount, unit: 'working-days' });
export const cd = (amount: number): DeadlineSpec => ({ amount, unit: 'calendar-days' });
export const prozessRef = lazySchema(() => z.strictObject({ name: nonEmpty(), version: versionSchema() }));

export function requireWhen<T>(condition: (v: T) => boolean, key: string, message: string) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const field = (value as Record<string, unknown>)[key];
    if (condition(value) && (typeof field !== 'string' || field.trim() === '')) {
      ctx.addIssue({ code: 'custom', path: [key], message, input: field });
    }
  };
}

export function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
