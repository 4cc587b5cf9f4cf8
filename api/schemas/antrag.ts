// Anträge as the API shows them: to the authority (snake_case rows as stored) and to the citizen.
import { z } from '@hono/zod-openapi';
import { ANTRAG_PHASES } from '../../domain/antrag/phases';
import { aufgabeSchema } from './aufgabe';
import { jsonObjectSchema, temporalUiUrlSchema, timestampSchema } from './shared';

export const quittungSchema = z
  .object({
    vorgangsnummer: z.string(),
    eingegangenAm: timestampSchema,
    statusToken: z.string(),
    /** the citizen's status page (link in the Eingangsbestätigung) */
    statusUrl: z.string(),
    /** true when a retry returned the Antrag stored before */
    wiederholt: z.boolean(),
  })
  .openapi('Quittung');

export const ereignisSchema = z.object({
  at: timestampSchema,
  spur: z.enum(['technisch', 'bearbeitung']),
  status: z.string(),
  text: z.string(),
  details: jsonObjectSchema,
});

export const antragItemSchema = z.object({
  vorgangsnummer: z.string(),
  aktivierung_id: z.string(),
  onlinedienst_id: z.string(),
  mandant_id: z.string(),
  status: z.string(),
  zustell_status: z.string(),
  bearbeitung_status: z.string().nullable(),
  eingegangen_am: timestampSchema.nullable(),
  test: z.boolean(),
});

export const antragListSchema = z.object({ items: z.array(antragItemSchema) });

const antragstellerSchema = z.object({
  name: z.string(),
  email: z.string(),
  postfachHandle: z.string().optional(),
});

export const antragDetailSchema = antragItemSchema
  .extend({
    formular_version: z.string(),
    payload_hash: z.string(),
    /** null once retention deleted the personal data */
    form_data: jsonObjectSchema.nullable(),
    antragsteller: antragstellerSchema.nullable(),
    personendaten_geloescht_am: timestampSchema.nullable(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
    dateien: z.array(
      z.object({
        /** `<Vorgangsnummer>:<file id>`; download with the part after the colon */
        id: z.string(),
        art: z.enum(['anlage', 'antrag-pdf', 'bescheid', 'nachreichung']),
        file_name: z.string(),
        media_type: z.string(),
        size: z.number().int(),
        sha256: z.string(),
        metadata: jsonObjectSchema,
        created_at: timestampSchema,
      }),
    ),
    ereignisse: z.array(ereignisSchema),
    /** the person tasks about this Antrag, open and done (who closed them, when, with which note) */
    aufgaben: z.array(aufgabeSchema),
    zahlung: z
      .object({
        kassenzeichen: z.string(),
        betrag_cent: z.number().int(),
        bezahlt_cent: z.number().int(),
        status: z.string(),
        gebucht_am: timestampSchema.nullable(),
      })
      .nullable(),
    zustellung: z
      .object({
        modus: z.string(),
        endpunkt: z.string(),
        versuche: z.number().int(),
        letzter_fehler: z.string().nullable(),
        wartet_seit: timestampSchema.nullable(),
        zugestellt_am: timestampSchema.nullable(),
        transfer_geloescht_am: timestampSchema.nullable(),
        abgeholt_am: timestampSchema.nullable(),
      })
      .nullable(),
    temporalUiUrl: temporalUiUrlSchema,
  })
  .openapi('Antrag');

/** What the Antrag workflow answers an Update with: identifiers and states, never personal data. */
export const antragSichtSchema = z
  .object({
    vorgangsnummer: z.string(),
    phase: z.enum(ANTRAG_PHASES),
    test: z.boolean(),
    eingegangenAm: z.string().optional(),
    zahlung: z
      .object({
        kassenzeichen: z.string(),
        status: z.enum(['offen', 'bezahlt', 'nicht-bezahlt', 'erstattung-angefordert', 'erstattet']),
        erinnert: z.boolean(),
      })
      .optional(),
    zustellung: z.object({
      status: z.enum(['ausstehend', 'laeuft', 'zugestellt', 'abgelehnt']),
      zugestelltAm: z.string().optional(),
      fehler: z.string().optional(),
      angenommen: z.boolean().optional(),
      abgeholtAm: z.string().optional(),
      erinnert: z.boolean().optional(),
      gewarnt: z.boolean().optional(),
      ungeholtGeloescht: z.boolean().optional(),
    }),
    bearbeitung: z.object({
      status: z.enum(['in-bearbeitung', 'nachforderung', 'abgeschlossen']).optional(),
      nachforderung: z
        .object({
          frist: z.string(),
          beantwortet: z.boolean(),
          erinnert: z.boolean().optional(),
          abgelaufen: z.boolean().optional(),
        })
        .optional(),
      behoerdeErinnert: z.boolean().optional(),
    }),
    bescheid: z
      .object({
        dateiId: z.string(),
        zugestelltAm: z.string(),
        widerspruchBis: z.string(),
        perPost: z.boolean().optional(),
      })
      .optional(),
    personendatenGeloescht: z.boolean(),
  })
  .openapi('AntragSicht');

export const buergerStatusSchema = z
  .object({
    vorgangsnummer: z.string(),
    eingegangenAm: timestampSchema.nullable(),
    test: z.boolean(),
    /** the technical path: payment, delivery to the Fachverfahren */
    technisch: z.object({ status: z.string(), ereignisse: z.array(ereignisSchema) }),
    /** what the authority reported */
    bearbeitung: z.object({ status: z.string().nullable(), ereignisse: z.array(ereignisSchema) }),
    nachforderungOffen: z.object({ frist: z.string().optional() }).nullable(),
    zahlung: z
      .object({
        kassenzeichen: z.string(),
        betragCent: z.number().int(),
        status: z.string(),
        /** the pay page, while something is still to pay */
        bezahlen: z.string().nullable(),
      })
      .nullable(),
    dokumente: z.array(
      z.object({
        id: z.string(),
        art: z.enum(['anlage', 'antrag-pdf', 'bescheid', 'nachreichung']),
        dateiname: z.string(),
        metadaten: jsonObjectSchema,
      }),
    ),
    personendatenGeloescht: z.boolean(),
  })
  .openapi('BuergerStatus');

export const nachforderungAntwortSchema = z.object({ vorgangsnummer: z.string(), phase: z.enum(ANTRAG_PHASES) });

/** A file download: the bytes as stored, with the media type detected at upload. */
export const downloadContent = Object.fromEntries(
  ['application/pdf', 'image/png', 'image/jpeg', 'text/plain'].map((type) => [
    type,
    { schema: z.string().openapi({ format: 'binary' }) },
  ]),
) as Record<'application/pdf' | 'image/png' | 'image/jpeg' | 'text/plain', { schema: z.ZodString }>;

export type AntragItem = z.infer<typeof antragItemSchema>;
export type AntragDetail = z.infer<typeof antragDetailSchema>;
export type BuergerStatus = z.infer<typeof buergerStatusSchema>;
