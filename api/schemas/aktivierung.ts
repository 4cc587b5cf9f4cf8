// Activations (one Onlinedienst for one Mandant) with their Prozessparameter as the API shows them.
import { z } from '@hono/zod-openapi';
import { timestampSchema } from './shared';

export const parameterSchema = z.object({
  key: z.string(),
  geschuetzt: z.boolean(),
  /** plain values only; a protected value is never returned */
  wert: z.string().nullable(),
  gesetzt: z.boolean(),
  aktualisiertAm: timestampSchema,
});

export const parameterListSchema = z.object({ items: z.array(parameterSchema) });

const aktivierungStatus = z.enum(['entwurf', 'aktiv', 'deaktiviert']);

export const aktivierungItemSchema = z.object({
  id: z.string(),
  mandantId: z.string(),
  organisationseinheitId: z.string(),
  leistungId: z.string(),
  status: aktivierungStatus,
  wartungsmodus: z.boolean(),
  /** refuse: 503 with the text; hold: accepted, processed when switched off */
  wartungsmodusArt: z.enum(['refuse', 'hold']),
  wartungsmodusText: z.string().nullable(),
  prozessparameter: z.array(parameterSchema),
});

export const aktivierungListSchema = z.object({ items: z.array(aktivierungItemSchema) });

export const aktivierungSchema = z.object({
  id: z.string(),
  mandantId: z.string(),
  organisationseinheitId: z.string(),
  leistungId: z.string(),
  status: aktivierungStatus,
  wartungsmodus: z.boolean(),
});

export type AktivierungItem = z.infer<typeof aktivierungItemSchema>;
export type ProzessparameterView = z.infer<typeof parameterSchema>;
