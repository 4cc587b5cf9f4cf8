// Form+process definitions and their versions, certification evidence and stages as the API shows them. The
// definition itself is checked by domain/formular (findings by JSON pointer), so its body schema here only says
// "a JSON object" and points to the format.
import { z } from '@hono/zod-openapi';

export const definitionBody = z.record(z.string(), z.unknown()).openapi({
  description:
    'A form+process definition in the format amt24-formular/1 (docs/formular-format.md, domain/formular/format.ts)',
});

export const versionParams = z.object({
  id: z.string().openapi({ description: 'the Onlinedienst id' }),
  version: z
    .string()
    .regex(/^\d+(\.\d+)*$/, 'Version aus Ziffern und Punkten, z. B. 1.0.')
    .openapi({ description: 'the version number, e.g. 1.0' }),
});

const stage = z.enum(['entwicklung', 'produktion']);

export const befundSchema = z.object({
  pfad: z.string().openapi({ description: 'JSON pointer into the definition, e.g. /abschnitte/0/felder/2/bedingung' }),
  regel: z.string(),
  meldung: z.string(),
});

export const stageSchema = z.object({
  stage,
  version: z.string(),
  contentHash: z.string(),
  bereitgestelltVon: z.string(),
  bereitgestelltAm: z.string(),
});
export const stageListSchema = z.object({ items: z.array(stageSchema) });

const versionSummary = z.object({
  version: z.string(),
  contentHash: z.string().openapi({ description: 'sha-256 of the canonical JSON of the definition' }),
  zertifiziert: z.boolean(),
  titel: z.string(),
  erstelltVon: z.string(),
  erstelltAm: z.string(),
  geaendertAm: z.string(),
  stages: z.array(stage),
});

export const versionListSchema = z.object({ items: z.array(versionSummary), stages: z.array(stageSchema) });

export const zertifizierungEvidenzSchema = z.object({
  id: z.number().int(),
  contentHash: z.string(),
  regelwerk: z.string(),
  bestanden: z.boolean(),
  befunde: z.array(befundSchema),
  geprueftVon: z.string(),
  geprueftAm: z.string(),
});

export const versionDetailSchema = versionSummary.extend({
  definition: z.record(z.string(), z.unknown()),
  zertifizierungen: z.array(zertifizierungEvidenzSchema),
});

export const validierungSchema = z.object({
  formatGueltig: z.boolean(),
  zertifizierbar: z.boolean(),
  befunde: z.array(befundSchema),
});

export const zertifizierungSchema = z.object({
  id: z.number().int(),
  version: z.string(),
  contentHash: z.string(),
  regelwerk: z.string(),
  bestanden: z.boolean(),
  befunde: z.array(befundSchema),
});

export const bereitstellungBody = z.strictObject({
  stage: stage.openapi({ description: 'only entwicklung here; production through the rollout ticket' }),
});
