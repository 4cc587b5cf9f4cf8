// A submission as it arrives (JSON, or multipart with an "antrag" JSON part and "anlage" files): its schemas, the
// check of attachments by their bytes (never by name or claimed type), and what makes a retry recognisable as the
// same submission.
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { FileNameAllocator } from '../integrations/transfer/filenames';
import { findUnstorable, unstorableReason } from './edge';
import { HttpProblem } from './problem';

export const LIMITS = { anlagen: 10, anlageBytes: 10 * 1024 * 1024, gesamtBytes: 20 * 1024 * 1024 };

const ALLOWED: Record<string, (b: Buffer) => boolean> = {
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
};

/** The media type the bytes are (PDF, PNG or JPEG), whatever name or type they claim; undefined for any other. */
export function dateitypAus(content: Buffer): string | undefined {
  return Object.keys(ALLOWED).find((t) => ALLOWED[t]!(content));
}

export const antragsteller = z.object({
  name: z.string().trim().min(2).max(200),
  email: z.email(),
  postfachHandle: z.string().max(200).optional(),
});

export const antragEingabe = z.object({
  aktivierungId: z.string().min(1).max(120),
  formularVersion: z
    .string()
    .regex(/^\d+(\.\d+)*$/, 'Version aus Ziffern und Punkten, z. B. 1.0.')
    .optional(),
  /** the form's fields, checked against the form definition of the activation's version (domain/formular) */
  daten: z.record(z.string(), z.unknown()),
  antragsteller,
  test: z.boolean().default(false),
  anlagen: z
    .array(z.object({ dateiname: z.string().max(1000), medientyp: z.string().max(100), inhaltBase64: z.base64() }))
    .max(LIMITS.anlagen)
    .default([]),
});
export type AntragEingabe = z.infer<typeof antragEingabe>;

const datei = z.instanceof(File).openapi({ type: 'string', format: 'binary' });

/**
 * The "antrag" part holds the same JSON as an application/json submission. The edge has checked the part's text;
 * the strings its JSON escapes (\u0000) are checked here, the one place a body holds a body.
 */
const antragTeil = z
  .string()
  .transform((text, ctx): unknown => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Kein gültiges JSON.' });
      return z.NEVER;
    }
    const unstorable = findUnstorable(value);
    for (const u of unstorable) ctx.addIssue({ code: 'custom', path: u.path, message: unstorableReason(u.char) });
    return unstorable.length > 0 ? z.NEVER : value;
  })
  .pipe(antragEingabe);

export const antragMultipart = z.object({
  antrag: antragTeil.openapi({ description: 'the Antrag as JSON, the same fields as an application/json submission' }),
  anlage: z
    .union([datei, z.array(datei)])
    .optional()
    .openapi({ description: 'attachments: PDF, PNG or JPEG (by content), each ≤ 10 MiB, together ≤ 20 MiB' }),
});

export interface Anlage {
  id: string;
  fileName: string;
  mediaType: string;
  content: Buffer;
  sha256: string;
}

export interface Datei {
  name: string;
  type: string;
  content: Buffer;
}

/** The attachments of either form of submission, as bytes. */
export async function dateienAus(eingabe: AntragEingabe, files: File[] = []): Promise<Datei[]> {
  const dateien: Datei[] = [];
  for (const f of files) dateien.push({ name: f.name, type: f.type, content: Buffer.from(await f.arrayBuffer()) });
  for (const a of eingabe.anlagen) {
    dateien.push({ name: a.dateiname, type: a.medientyp, content: Buffer.from(a.inhaltBase64, 'base64') });
  }
  return dateien;
}

/** Counts, sizes and types by content; names are made safe and unique. */
export function pruefeAnlagen(dateien: Datei[]): Anlage[] {
  if (dateien.length > LIMITS.anlagen) {
    throw new HttpProblem(413, 'Zu viele Anlagen', `At most ${LIMITS.anlagen} attachments`, {
      invalidParams: [{ name: 'anlagen', reason: `höchstens ${LIMITS.anlagen}` }],
    });
  }
  const total = dateien.reduce((n, d) => n + d.content.length, 0);
  if (total > LIMITS.gesamtBytes) {
    throw new HttpProblem(413, 'Anlagen zu groß', `Attachments total ${total} bytes; at most ${LIMITS.gesamtBytes}`, {
      invalidParams: [{ name: 'anlagen', reason: 'insgesamt zu groß' }],
    });
  }
  const names = new FileNameAllocator(['antrag.pdf', 'antrag.json', 'antrag.xml']);
  return dateien.map((d, i) => {
    const where = `anlagen[${i}]`;
    if (d.content.length === 0) {
      throw new HttpProblem(400, 'Ungültige Anlage', `${where} is empty`, {
        invalidParams: [{ name: where, reason: 'leer' }],
      });
    }
    if (d.content.length > LIMITS.anlageBytes) {
      throw new HttpProblem(
        413,
        'Anlage zu groß',
        `${where} has ${d.content.length} bytes; at most ${LIMITS.anlageBytes}`,
        {
          invalidParams: [{ name: where, reason: 'zu groß' }],
        },
      );
    }
    const detected = dateitypAus(d.content);
    if (!detected) {
      throw new HttpProblem(415, 'Dateityp nicht erlaubt', `${where}: only PDF, PNG and JPEG are accepted`, {
        invalidParams: [{ name: where, reason: 'nur PDF, PNG, JPEG' }],
      });
    }
    const sha256 = createHash('sha256').update(d.content).digest('hex');
    const fileName = names.allocate(d.name, { mediaType: detected, fallback: `anlage-${i + 1}` });
    return { id: `anlage-${i + 1}`, fileName, mediaType: detected, content: d.content, sha256 };
  });
}

/** Canonical JSON: the same content hashes the same whatever the key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
