// Release campaigns as the API shows them.
import { z } from '@hono/zod-openapi';
import { instantSchema, temporalUiUrlSchema, timestampSchema } from './shared';

const STATUSES = ['planung', 'verteilung', 'laufend', 'abgeschlossen'] as const;
const CATEGORIES = ['checked-ok', 'failed-with-finding', 'recertifying', 'late', 'not-started'] as const;

export const releaseStartedSchema = z.object({
  version: z.string(),
  workflowId: z.string(),
  temporalUiUrl: temporalUiUrlSchema,
});

export const releaseItemSchema = z.object({
  version: z.string(),
  releaseDate: z.string().openapi({ format: 'date' }),
  status: z.enum(STATUSES),
  total: z.number().int(),
  signalled: z.number().int(),
  createdBy: z.string(),
  finishedAt: timestampSchema.nullable(),
});

export const releaseListSchema = z.object({ items: z.array(releaseItemSchema) });

export const releaseSchema = z.object({
  version: z.string(),
  releaseDate: z.string().openapi({ format: 'date' }),
  changes: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      tags: z.array(z.string()),
      breaking: z.boolean(),
      description: z.string().optional(),
    }),
  ),
});

export const recheckItemSchema = z.object({
  /** `${releaseVersion}:${onlinedienstId}` */
  id: z.string(),
  releaseVersion: z.string(),
  onlinedienstId: z.string(),
  name: z.string(),
  prozesseigner: z.string().nullable(),
  classification: z.enum(['recertification-required', 'regression-check']),
  matchingChangeIds: z.array(z.string()),
  breakingChangeIds: z.array(z.string()),
  openedAt: instantSchema,
  dueAt: instantSchema,
  result: z.enum(['ok', 'finding', 'recertifying', 'recertified']).nullable(),
  finding: z.string().nullable(),
  reportedAt: instantSchema.nullable(),
  reportedBy: z.string().nullable(),
  kategorie: z.enum(CATEGORIES),
  kategorieText: z.string(),
});

export const campaignSummarySchema = z.object({
  releaseVersion: z.string(),
  total: z.number().int(),
  checkedOk: z.number().int(),
  failedWithFinding: z.number().int(),
  recertifying: z.number().int(),
  late: z.number().int(),
  notStarted: z.number().int(),
  recertificationRequired: z.number().int(),
  regressionCheck: z.number().int(),
  nextDueAt: instantSchema.nullable(),
});

export const campaignSchema = z
  .object({
    release: releaseSchema,
    status: z.enum(STATUSES),
    workflowId: z.string(),
    now: instantSchema,
    summary: campaignSummarySchema,
    /** Onlinedienste that had left Betrieb when the re-check reached them */
    notApplicable: z.array(z.object({ onlinedienstId: z.string(), reason: z.string() })),
    items: z.array(recheckItemSchema),
    temporalUiUrl: temporalUiUrlSchema,
  })
  .openapi('ReleaseCampaign');

export type ReleaseItem = z.infer<typeof releaseItemSchema>;
export type Campaign = z.infer<typeof campaignSchema>;

export const erinnernBody = z.strictObject({
  /** the action's key: sent again (a double click, a retry), it is the same action and mails nobody twice */
  aktionId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,40}$/, 'Buchstaben, Ziffern und - (höchstens 40 Zeichen).')
    .optional()
    .openapi({ description: 'default: the request id' }),
});

export const erinnerungSchema = z
  .object({
    version: z.string(),
    aktionId: z.string(),
    workflowId: z.string(),
    actor: z.string(),
    /** the campaign's time when the AWB asked: late means past the deadline then, without a result */
    stichtag: instantSchema,
    /** late re-checks when the action started */
    gesamt: z.number().int(),
    /** reminder mails sent so far, one per late Onlinedienst */
    erinnert: z.number().int(),
    /** late ones whose Onlinedienst names no Prozesseigner mailbox */
    ohnePostfach: z.number().int(),
    fertig: z.boolean(),
    temporalUiUrl: temporalUiUrlSchema,
  })
  .openapi('ReleaseErinnerung');

export type Erinnerung = z.infer<typeof erinnerungSchema>;
