// Organisationseinheiten with their Kommunikation and Zuständigkeiten, Behördenkonten and Leistungen as the API
// shows them.
import { z } from '@hono/zod-openapi';

export const behoerdenkontoSchema = z
  .object({
    id: z.string(),
    mandantId: z.string(),
    bezeichnung: z.string(),
    postfachHandle: z.string(),
  })
  .openapi('Behoerdenkonto');

export const behoerdenkontoListSchema = z.object({ items: z.array(behoerdenkontoSchema) });

export const organisationseinheitSchema = z
  .object({
    id: z.string(),
    mandantId: z.string(),
    name: z.string(),
    kommunikation: z.object({
      email: z.string().nullable(),
      telefon: z.string().nullable(),
      /** the Behördenkonto set as channel of this OE (the gate check needs one) */
      behoerdenkontoId: z.string().nullable(),
    }),
    veroeffentlicht: z.boolean(),
    /** Leistungen this OE is zuständig for */
    zustaendigkeiten: z.array(z.object({ leistungId: z.string(), name: z.string() })),
  })
  .openapi('Organisationseinheit');

export const organisationseinheitListSchema = z.object({ items: z.array(organisationseinheitSchema) });

export const leistungSchema = z
  .object({
    id: z.string().openapi({ description: 'LeiKa-Schlüssel' }),
    name: z.string(),
    beschreibung: z.string().nullable(),
  })
  .openapi('Leistung');

export const leistungListSchema = z.object({ items: z.array(leistungSchema) });

export type OrganisationseinheitView = z.infer<typeof organisationseinheitSchema>;
export type BehoerdenkontoView = z.infer<typeof behoerdenkontoSchema>;
export type LeistungView = z.infer<typeof leistungSchema>;
