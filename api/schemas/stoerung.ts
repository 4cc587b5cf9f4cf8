// Störungen: Anträge stuck on a cause someone has to fix, grouped by cause; the bulk "try again" and its progress.
import { z } from '@hono/zod-openapi';

const instant = z.string().openapi({ format: 'date-time' });

export const stoerungSchema = z.object({
  /** the cause's id (the same for every Antrag stuck on it) */
  id: z.string(),
  ursache: z.string().openapi({ description: 'the cause key, e.g. prozessparameter:<aktivierung>:<fingerprint>' }),
  art: z.enum(['dauerhaft', 'anhaltend']).openapi({
    description: 'dauerhaft: no retry fixes it; anhaltend: a temporary failure that outlasted the threshold',
  }),
  schritt: z.string(),
  fehlerTyp: z.string(),
  was: z.string(),
  details: z.string(),
  seit: instant,
  zuletzt: instant,
  anzahlAntraege: z.number().int(),
  mandanten: z.array(z.string()),
  onlinedienste: z.array(z.string()),
  aktivierungen: z.array(z.string()),
  behebbarDurch: z.enum(['mandant', 'awb']),
  behebbarDurchText: z.string(),
});

export const stoerungListSchema = z.object({ items: z.array(stoerungSchema) });

export const stoerungDetailSchema = stoerungSchema.extend({
  antraege: z.array(
    z.object({ vorgangsnummer: z.string(), mandantId: z.string(), seit: instant, meldungen: z.number().int() }),
  ),
});

export const wiederholenBody = z.strictObject({
  vorgangsnummer: z
    .string()
    .min(1)
    .optional()
    .openapi({ description: 'only this Antrag; without it every Antrag stuck on the cause (a bulk action)' }),
});

export const wiederholtSchema = z.object({ vorgangsnummer: z.string(), signalisiert: z.literal(true) });

export const aktionSchema = z.object({
  aktionId: z.string(),
  ursacheId: z.string(),
  mandantId: z.string().nullable(),
  actor: z.string(),
  gesamt: z.number().int(),
  signalisiert: z.number().int(),
  nichtGefunden: z.number().int(),
  fertig: z.boolean(),
  temporalUiUrl: z.string().optional(),
});

export type Stoerung = z.infer<typeof stoerungSchema>;
