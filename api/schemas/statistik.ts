// Statistics as the API shows them: counts and durations only, never the contents of an Antrag.
import { z } from '@hono/zod-openapi';

export const antraegeZeileSchema = z.object({
  leistungId: z.string(),
  /** the Leistung's name, or its key where the Leistung is unknown */
  leistung: z.string(),
  mandantId: z.string(),
  mandant: z.string(),
  /** month of receipt, Berlin time */
  monat: z.string().openapi({ pattern: '^\\d{4}-\\d{2}$', example: '2026-11' }),
  anzahl: z.number().int(),
});

export const antraegeStatistikSchema = z
  .object({ items: z.array(antraegeZeileSchema) })
  .openapi('AntraegeStatistik', { description: 'Anträge per Leistung, Mandant and month; test Anträge left out' });

export const durchlaufZeileSchema = z.object({
  /** a phase id of the lifecycle (klaerung … abschaltung) */
  phase: z.string(),
  /** finished stays in the phase; a phase entered again through a loop counts again */
  anzahl: z.number().int(),
  mittelMs: z.number(),
  medianMs: z.number(),
  maxMs: z.number(),
});

export const durchlaufzeitenSchema = z
  .object({ items: z.array(durchlaufZeileSchema) })
  .openapi('Durchlaufzeiten', { description: 'Lead time per lifecycle phase, in lifecycle order' });

export type AntraegeZeile = z.infer<typeof antraegeZeileSchema>;
export type DurchlaufZeile = z.infer<typeof durchlaufZeileSchema>;
