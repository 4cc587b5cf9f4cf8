// Mandanten as the API shows them.
import { z } from '@hono/zod-openapi';

export const datenschutzbeauftragteRSchema = z.object({
  name: z.string().min(2).max(200),
  email: z.email(),
  telefon: z.string().max(50).optional(),
});

export const mandantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    impressum: z.string().nullable(),
    datenschutzerklaerungUrl: z.string().nullable(),
    datenschutzbeauftragteR: datenschutzbeauftragteRSchema.nullable(),
    logoUrl: z.string().nullable(),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Mandant');

export const mandantListSchema = z.object({ items: z.array(mandantSchema) });

export type MandantView = z.infer<typeof mandantSchema>;
