// Operations: liveness and readiness, Fachverfahren endpoints, Wartungsmodus.
import { z } from '@hono/zod-openapi';
import { problemSchema } from './problem';

export const healthSchema = z.object({ status: z.literal('ok') });

export const readinessChecksSchema = z.record(
  z.string(),
  z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() }),
);

export const readySchema = z.object({ status: z.literal('ready'), checks: readinessChecksSchema });

/** 503 from /readyz: a problem that also lists every check. */
export const notReadySchema = problemSchema.extend({ checks: readinessChecksSchema });

const instant = z.string().openapi({ format: 'date-time' });

export const endpunktSchema = z.object({
  endpunkt: z.string(),
  down_since: instant.nullable(),
  last_error: z.string().nullable(),
  last_attempt_at: instant.nullable(),
  last_success_at: instant.nullable(),
  /** Anträge waiting for delivery to this endpoint */
  wartend: z.number().int(),
  erreichbar: z.boolean(),
  wartetSeitSekunden: z.number().int(),
});

export const endpunktListSchema = z.object({ items: z.array(endpunktSchema) });

export const wartungsmodusSchema = z.object({
  aktivierungId: z.string(),
  aktiv: z.boolean(),
  art: z.enum(['refuse', 'hold']),
  text: z.string().nullable(),
  /** held Anträge released because Wartungsmodus went off */
  freigegeben: z.number().int(),
  actor: z.string(),
  mandantId: z.string(),
});

export type Endpunkt = z.infer<typeof endpunktSchema>;
