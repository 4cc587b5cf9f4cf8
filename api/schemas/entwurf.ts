// Drafts of a form ("Zwischenspeichern") and the form view the pages render, as the API shows them.
import { z } from '@hono/zod-openapi';
import { jsonObjectSchema, timestampSchema } from './shared';

/** The form as the web form renders it (domain/formular-ansicht/model.ts): sections, fields, conditions. */
export const formularAnsichtSchema = z
  .object({
    onlinedienstId: z.string(),
    version: z.string(),
    titel: z.string(),
    beschreibung: z.string().optional(),
    datenschutz: z
      .object({ text: z.string(), verantwortlicher: z.string().optional(), url: z.string().optional() })
      .optional(),
    abschnitte: z.array(jsonObjectSchema),
  })
  .openapi('FormularAnsicht');

export const aktivierungFormularSchema = z.object({
  aktivierungId: z.string(),
  onlinedienstId: z.string(),
  mandantId: z.string(),
  /** only an active activation takes citizens' Anträge */
  aktiv: z.boolean(),
  wartungsmodus: z.boolean(),
  formular: formularAnsichtSchema,
});

export const entwurfAntragstellerSchema = z.object({
  name: z.string().trim().max(200),
  email: z.string().trim().max(320),
});

export const entwurfDateiSchema = z.object({
  /** the data path of the datei field it answers */
  feld: z.string(),
  dateiname: z.string(),
  medientyp: z.string(),
  groesse: z.number().int(),
  /** only with ?inhalte=true */
  inhaltBase64: z.string().optional(),
});

export const entwurfSchema = z
  .object({
    onlinedienstId: z.string(),
    /** null for a preview */
    aktivierungId: z.string().nullable(),
    formularVersion: z.string(),
    vorschau: z.boolean(),
    erstelltAm: timestampSchema,
    gueltigBis: timestampSchema,
    /** the answers so far (the Antrag's future `daten`) */
    daten: jsonObjectSchema,
    /** the step the citizen reached (0 = the first section) */
    schritt: z.number().int().min(0),
    antragsteller: entwurfAntragstellerSchema.optional(),
    dateien: z.array(entwurfDateiSchema),
  })
  .openapi('Entwurf');

export const neuerEntwurfSchema = z.union([
  z.object({ aktivierungId: z.string().min(1).max(120) }),
  z.object({
    onlinedienstId: z.string().min(1).max(120),
    formularVersion: z.string().regex(/^\d+(\.\d+)*$/, 'Version aus Ziffern und Punkten, z. B. 1.0.'),
    vorschau: z.literal(true),
  }),
]);

export const entwurfErstelltSchema = z.object({
  /** the draft's only key: keep it (the resume link carries it) */
  token: z.string(),
  gueltigBis: timestampSchema,
  /** the web form's resume link */
  link: z.string(),
});

export const entwurfSpeichernSchema = z.object({
  daten: z.record(z.string(), z.unknown()),
  schritt: z.number().int().min(0).max(1000),
  antragsteller: entwurfAntragstellerSchema.optional(),
});
