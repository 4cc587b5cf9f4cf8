// One zod schema per answer, built from a field's definition: the compiler runs them, the walk around them
// (conditions, groups, required) lives in compiler.ts. Messages are German; the caller names the field path.
import { z } from 'zod';
import { isoDate } from '../field-errors';
import type { Feld } from './format';

/** What the validator knows of an uploaded attachment (checked by content before). */
export interface AnlageInfo {
  name: string;
  mediaType: string;
  size: number;
}

export type Blatt = Exclude<Feld, { typ: 'gruppe' }>;

const TEXT_HOECHSTENS = 10_000;

const zahlText = z
  .string()
  .trim()
  .regex(/^-?\d+([.,]\d+)?$/, 'Erwartet: Zahl.')
  .transform((s) => Number(s.replace(',', '.')));
const zahl = z
  .union([z.number(), zahlText], { error: 'Erwartet: Zahl.' })
  .pipe(z.number({ error: 'Erwartet: Zahl.' }).finite());

const janein = z.union(
  [z.boolean(), z.enum(['ja', 'nein', 'true', 'false']).transform((s) => s === 'ja' || s === 'true')],
  { error: 'Erwartet: Ja/Nein-Wert.' },
);

const adresse = z.object({
  strasse: z.string().trim().min(2).max(120),
  hausnummer: z.string().trim().min(1).max(10),
  plz: z.string().regex(/^\d{5}$/, 'Postleitzahl mit 5 Ziffern'),
  ort: z.string().trim().min(2).max(80),
});

/** ISO 13616: move the country and check digits to the end, letters to numbers, remainder 1 modulo 97. */
export function ibanGueltig(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

function textSchema(f: Extract<Feld, { typ: 'text' }>): z.ZodType {
  let s = z.string().trim();
  if (f.minLaenge !== undefined) s = s.min(f.minLaenge);
  s = s.max(f.maxLaenge ?? TEXT_HOECHSTENS);
  const upper = f.grossbuchstaben ? s.toUpperCase() : s;
  if (!f.muster) return upper;
  // Anchored here, so the modeller writes the pattern of the answer, not of a line.
  const re = new RegExp(`^(?:${f.muster})$`);
  return upper.pipe(z.string().regex(re, f.musterHinweis ?? 'Ungültiges Format.'));
}

function grenzen(s: z.ZodNumber, min?: number, max?: number): z.ZodNumber {
  let out = s;
  if (min !== undefined) out = out.min(min);
  if (max !== undefined) out = out.max(max);
  return out;
}

function dateiSchema(f: Extract<Feld, { typ: 'datei' }>, anlagen: AnlageInfo[]): z.ZodType {
  const erlaubt = f.erlaubteTypen;
  return z
    .union([z.string().min(1).max(1000), z.array(z.string().min(1).max(1000))], {
      error: 'Erwartet: Dateiname einer Anlage.',
    })
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(
      z
        .array(z.string())
        .min(1)
        .max(f.maxAnzahl)
        .superRefine((namen, ctx) => {
          namen.forEach((name, i) => {
            const a = anlagen.find((x) => x.name === name);
            const path = f.maxAnzahl > 1 ? [i] : [];
            if (!a) ctx.addIssue({ code: 'custom', path, message: `Keine Anlage „${name}“ hochgeladen.` });
            else if (erlaubt && !erlaubt.includes(a.mediaType as (typeof erlaubt)[number])) {
              ctx.addIssue({
                code: 'custom',
                path,
                message: `Dateityp nicht erlaubt; erlaubt: ${erlaubt.join(', ')}.`,
              });
            } else if (f.maxBytes !== undefined && a.size > f.maxBytes) {
              ctx.addIssue({ code: 'custom', path, message: `Datei zu groß; höchstens ${f.maxBytes} Bytes.` });
            }
          });
        }),
    )
    .transform((namen) => (f.maxAnzahl > 1 ? namen : namen[0]));
}

/** The schema of one answer; attachments are only needed for uploads, so those are built per validation. */
export function blattSchema(f: Blatt): z.ZodType | ((anlagen: AnlageInfo[]) => z.ZodType) {
  switch (f.typ) {
    case 'text':
      return textSchema(f);
    case 'zahl':
      return zahl.pipe(grenzen(f.ganzzahl ? z.number().int() : z.number(), f.min, f.max));
    case 'betrag':
      return zahl.pipe(
        grenzen(z.number(), f.min, f.max).refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, {
          error: 'Betrag mit höchstens zwei Nachkommastellen.',
        }),
      );
    case 'datum': {
      let s: z.ZodType<string> = isoDate();
      if (f.min) s = s.refine((d) => d >= f.min!, { error: `Frühestens ${f.min}.` });
      if (f.max) s = s.refine((d) => d <= f.max!, { error: `Spätestens ${f.max}.` });
      return s;
    }
    case 'auswahl': {
      const werte = f.optionen.map((o) => o.wert);
      const eine = z.string().refine((v) => werte.includes(v), { error: `Erlaubt: ${werte.join(', ')}.` });
      if (!f.mehrfach) return eine;
      let liste = z.array(eine);
      if (f.minAuswahl !== undefined) liste = liste.min(f.minAuswahl);
      if (f.maxAuswahl !== undefined) liste = liste.max(f.maxAuswahl);
      return liste.refine((l) => new Set(l).size === l.length, { error: 'Jede Option höchstens einmal.' });
    }
    case 'janein':
      return f.mussJa ? janein.pipe(z.literal(true, { error: 'Muss bestätigt werden.' })) : janein;
    case 'adresse':
      return adresse;
    case 'email':
      return z.string().trim().pipe(z.email());
    case 'iban':
      return z
        .string()
        .transform((s) => s.replace(/\s+/g, '').toUpperCase())
        .refine(ibanGueltig, { error: 'Ungültige IBAN.' });
    case 'datei':
      return (anlagen: AnlageInfo[]) => dateiSchema(f, anlagen);
  }
}
