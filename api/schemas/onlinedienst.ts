// Onlinedienst lifecycles as the API shows them: lists from PostgreSQL, the live state from the workflow, what a
// command answers. The activations are in aktivierung.ts.
import { z } from '@hono/zod-openapi';
import { PHASE_IDS } from '../../domain/onlinedienst/phases';
import { roles } from '../auth';
import {
  domainClockSchema,
  instantSchema,
  jsonObjectSchema,
  prozessRefSchema,
  temporalUiUrlSchema,
  timestampSchema,
} from './shared';

const phase = z.enum(PHASE_IDS);
const role = z.enum(roles);
const TRANSITION_KINDS = ['advance', 'loop', 'recertification', 'shutdown', 'abort'] as const;
const RELEASE_CHECK_STATES = [
  'offen',
  'ueberfaellig',
  'geprueft',
  'befund',
  'rezertifizierung',
  'nicht-in-betrieb',
] as const;
const CLASSIFICATIONS = ['recertification-required', 'regression-check'] as const;

export const lifecycleStartedSchema = z.object({
  onlinedienstId: z.string(),
  workflowId: z.string(),
  phase,
  temporalUiUrl: temporalUiUrlSchema,
});

export const lifecycleItemSchema = z.object({
  onlinedienstId: z.string(),
  name: z.string(),
  mandantId: z.string(),
  prozesseigner: z.string(),
  phase,
  recertification: z.boolean(),
  releaseCheckState: z.string().nullable(),
  mandanten: z.array(z.string()),
  endedAt: timestampSchema.nullable(),
});

export const lifecycleListSchema = z.object({ items: z.array(lifecycleItemSchema) });

export const inboxTaskSchema = z.object({
  onlinedienstId: z.string(),
  name: z.string(),
  taskId: z.string(),
  title: z.string(),
  role,
  mandantId: z.string().nullable(),
  phase,
  dueAt: timestampSchema,
  reminders: z.number().int(),
});

export const inboxSchema = z.object({ items: z.array(inboxTaskSchema) });

/** the web UI page that fixes the finding (a path on this server) */
const gateLink = z
  .string()
  .optional()
  .openapi({ description: 'the web UI page that fixes the finding', example: '/mandanten/dresden#stammdaten' });

export const gateReportSchema = z
  .object({
    gate: z.enum(['vor-test', 'vor-go-live']),
    checkedAt: instantSchema,
    passed: z.boolean(),
    activations: z.array(
      z.object({
        mandantId: z.string(),
        leistungId: z.string(),
        zustaendigeStelleId: z.string(),
        passed: z.boolean(),
        failures: z.array(z.object({ code: z.string(), message: z.string(), link: gateLink })),
      }),
    ),
    failures: z.array(
      z.object({ code: z.string(), mandantId: z.string().optional(), message: z.string(), link: gateLink }),
    ),
  })
  .openapi('GateReport');

const rolloutRefSchema = z.object({
  workflowId: z.string(),
  ticketId: z.string(),
  startedAt: instantSchema,
  status: z.enum(['offen', 'uebernommen', 'geschlossen']),
});

export const openTaskSchema = z.object({
  id: z.string(),
  title: z.string(),
  role,
  mandant: z.string().optional(),
  phase,
  entry: z.number().int(),
  attempt: z.number().int(),
  blocking: z.boolean(),
  openedAt: instantSchema,
  dueAt: instantSchema,
  overdue: z.boolean(),
  reminders: z.number().int(),
  payload: jsonObjectSchema.optional(),
  /** the completion is valid but waits for the gate check */
  heldByGate: z.boolean().optional(),
});

export const lifecycleViewSchema = z
  .object({
    onlinedienstId: z.string(),
    name: z.string(),
    mandantId: z.string(),
    prozesseigner: z.string(),
    phase,
    phaseNr: z.number().int(),
    phaseLabel: z.string(),
    entry: z.number().int(),
    recertification: z.boolean(),
    now: instantSchema,
    clock: domainClockSchema,
    context: z.object({
      mandanten: z.array(z.string()),
      aktivierteMandanten: z.array(z.string()),
      featureTags: z.array(z.string()),
      leistungId: z.string().optional(),
      prozess: prozessRefSchema.optional(),
      formular: prozessRefSchema.optional(),
      zertifizierungsReferenz: z.string().optional(),
      aenderung: z
        .object({
          anlass: z.enum(['betriebspruefung', 'release-pruefung', 'rechtsaenderung', 'konfigurationsaenderung']),
          grund: z.string(),
          vollePruefung: z.boolean(),
          umfang: z.enum(['klein', 'gross']).optional(),
          gruende: z.array(z.string()).optional(),
        })
        .optional()
        .openapi({ description: 'A change in Betrieb under way: the new version goes to the Produktivsystem' }),
    }),
    openTasks: z.array(openTaskSchema),
    deadlines: z.array(z.object({ taskId: z.string(), role, mandant: z.string().optional(), dueAt: instantSchema })),
    history: z.array(
      z.object({
        at: instantSchema,
        actor: z.string(),
        from: phase.nullable(),
        to: phase,
        reason: z.string(),
        kind: z.enum([...TRANSITION_KINDS, 'start', 'end']),
      }),
    ),
    completedTasks: z.array(
      z.object({
        id: z.string(),
        phase,
        attempt: z.number().int(),
        completedBy: z.string(),
        completedAt: instantSchema,
        late: z.boolean(),
        reopened: z.boolean(),
      }),
    ),
    gate: z.object({
      last: gateReportSchema.nullable(),
      hold: z
        .object({ gate: z.enum(['vor-test', 'vor-go-live']), taskId: z.string(), since: instantSchema })
        .nullable(),
    }),
    rollout: z.object({ active: rolloutRefSchema.nullable(), tickets: z.array(rolloutRefSchema) }),
    releaseChecks: z.array(
      z.object({
        version: z.string(),
        state: z.enum(RELEASE_CHECK_STATES),
        classification: z.enum(CLASSIFICATIONS),
        dueAt: instantSchema,
        openedAt: instantSchema,
      }),
    ),
    mandantenStatus: z.record(
      z.string(),
      z.object({
        wartungsmodus: z.boolean().optional(),
        parameterKeys: z.array(z.string()).optional(),
        parameterChangedAt: instantSchema.optional(),
      }),
    ),
    abschaltung: z
      .object({
        decidedAt: instantSchema,
        begruendung: z.string(),
        antraege: z.enum(['auslaufen', 'uebergeben']),
        uebergabeAn: z.string().optional(),
        offeneAntraege: z.number().int().nullable(),
        drained: z.boolean(),
        nextPollAt: instantSchema.nullable(),
        retentionApplied: z.boolean(),
      })
      .nullable(),
    ended: z.boolean(),
    endedAt: instantSchema.nullable(),
  })
  .openapi('Lifecycle');

export const lifecycleDetailSchema = lifecycleViewSchema.extend({ temporalUiUrl: temporalUiUrlSchema });

/** What completing a task (or the shutdown decision, or a gate re-check) answers. */
export const taskResultSchema = z
  .object({
    /** 'erledigt': applied; 'gehalten': valid, but the gate check failed and holds the phase until fixed */
    status: z.enum(['erledigt', 'gehalten']),
    phase,
    transitions: z.array(
      z.object({ from: phase, to: phase, kind: z.enum(TRANSITION_KINDS), reason: z.string(), at: instantSchema }),
    ),
    /** ids of the tasks opened by it */
    opened: z.array(z.string()),
    gate: gateReportSchema.optional(),
  })
  .openapi('TaskResult');

export const eventTaskSchema = z.object({ taskId: z.string(), dueAt: instantSchema });

export const auditEntrySchema = z.object({
  id: z.string(),
  at: timestampSchema,
  actor: z.string(),
  action: z.string(),
  mandant_id: z.string().nullable(),
  details: jsonObjectSchema,
});

export const auditListSchema = z.object({ items: z.array(auditEntrySchema) });

export type LifecycleListItem = z.infer<typeof lifecycleItemSchema>;
export type InboxTask = z.infer<typeof inboxTaskSchema>;
export type LifecycleDetail = z.infer<typeof lifecycleDetailSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;

// The activations belong to the Onlinedienst; their schemas have a file of their own.
export {
  aktivierungItemSchema,
  aktivierungListSchema,
  aktivierungSchema,
  parameterListSchema,
  parameterSchema,
  type AktivierungItem,
  type ProzessparameterView,
} from './aktivierung';
