// Tasks for people that no API can do (e.g. a refund at the Kasse), as the inbox shows them.
import { z } from '@hono/zod-openapi';
import { timestampSchema } from './shared';

export const aufgabeSchema = z
  .object({
    id: z.string(),
    /** what kind of task, e.g. storno (refund a paid fee of an Antrag that can never be delivered) */
    art: z.string(),
    /** the role whose holders the task waits for */
    rolle: z.string(),
    /** null: for every holder of the role */
    mandantId: z.string().nullable(),
    /** what the task is about, e.g. antrag + Vorgangsnummer */
    betreffTyp: z.string(),
    betreffId: z.string(),
    titel: z.string(),
    beschreibung: z.string(),
    faelligAm: timestampSchema.nullable(),
    erstelltAm: timestampSchema,
  })
  .openapi('Aufgabe');

export const aufgabeListSchema = z.object({ items: z.array(aufgabeSchema) });

export type AufgabeView = z.infer<typeof aufgabeSchema>;
