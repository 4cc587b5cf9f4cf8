// Tasks for people that no API can do (e.g. a refund at the Kasse, a Bescheid by post), as the inbox shows them.
import { z } from '@hono/zod-openapi';
import { timestampSchema } from './shared';

export const aufgabeSchema = z
  .object({
    id: z.string(),
    /** what kind of task, e.g. storno (refund a paid fee of an Antrag that can never be delivered), post-versand */
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
    status: z.enum(['offen', 'erledigt']),
    /** true: the person who did it closes it (POST …/{id}/erledigen); false: the orchestration closes it itself */
    erledigbar: z.boolean(),
    /** who closed it (a user id, or the system that saw it done, e.g. epaybl) */
    erledigtVon: z.string().nullable(),
    erledigtAm: timestampSchema.nullable(),
    /** the closing person's note, e.g. "am 3.12. per Post versandt" */
    notiz: z.string().nullable(),
  })
  .openapi('Aufgabe');

export const aufgabeListSchema = z.object({ items: z.array(aufgabeSchema) });

export const erledigenBody = z.strictObject({
  notiz: z
    .string()
    .trim()
    .max(500, 'Höchstens 500 Zeichen.')
    .optional()
    .openapi({ example: 'am 3.12. per Post versandt' }),
});

export type AufgabeView = z.infer<typeof aufgabeSchema>;
