// German field messages for zod validation: the people completing tasks read them in the UI.
import { z } from 'zod';

export interface FieldError {
  /** dotted path of the field, '' for the whole object */
  path: string;
  message: string;
}

const germanLocale = z.locales.de().localeError;

const TYPE_NAMES: Record<string, string> = {
  string: 'Text',
  number: 'Zahl',
  int: 'ganze Zahl',
  boolean: 'Ja/Nein-Wert',
  array: 'Liste',
  object: 'Objekt',
  date: 'Datum',
};

function formatValue(value: unknown): string {
  return typeof value === 'string' ? `„${value}“` : String(value);
}

function message(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Pflichtfeld fehlt.';
      return `Erwartet: ${TYPE_NAMES[issue.expected] ?? issue.expected}.`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'Darf nicht leer sein.' : `Mindestens ${min} Zeichen.`;
      if (issue.origin === 'array' || issue.origin === 'set') {
        return min <= 1 ? 'Mindestens ein Eintrag erforderlich.' : `Mindestens ${min} Einträge erforderlich.`;
      }
      return issue.inclusive === false ? `Muss größer als ${min} sein.` : `Muss mindestens ${min} sein.`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `Höchstens ${max} Zeichen.`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Höchstens ${max} Einträge.`;
      return issue.inclusive === false ? `Muss kleiner als ${max} sein.` : `Darf höchstens ${max} sein.`;
    }
    case 'invalid_value':
      if (issue.values.length === 1) {
        if (issue.values[0] === true) return 'Muss bestätigt werden.';
        if (issue.values[0] === false) return 'Muss ausgeschaltet sein.';
        return `Muss ${formatValue(issue.values[0])} sein.`;
      }
      return `Erlaubt: ${issue.values.map(formatValue).join(', ')}.`;
    case 'invalid_format':
      if (issue.format === 'date') return 'Ungültiges Datum (JJJJ-MM-TT).';
      if (issue.format === 'datetime') return 'Ungültiger Zeitpunkt (ISO 8601).';
      if (issue.format === 'email') return 'Ungültige E-Mail-Adresse.';
      if (issue.format === 'url') return 'Ungültige Adresse (URL).';
      return 'Ungültiges Format.';
    default:
      return undefined;
  }
}

/** Contextual error map for `safeParse(value, { error: germanErrorMap })`; schema-level messages still win. */
export const germanErrorMap: z.core.$ZodErrorMap = (issue) => message(issue) ?? germanLocale(issue);

/**
 * Makes germanErrorMap the process's one error map, for every schema without a message of its own (zod's global
 * config). Called once by each process's composition (API, worker); pure code passes the map per parse instead.
 */
export function installGermanErrorMap(): void {
  z.config({ customError: germanErrorMap });
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: base ? `${base}.${key}` : key, message: 'Unbekanntes Feld.' });
    } else {
      out.push({ path: base, message: issue.message });
    }
  }
  return out;
}

export type ParseResult<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldError[] };

export function parseFields<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input, { error: germanErrorMap });
  return result.success ? { ok: true, data: result.data } : { ok: false, fieldErrors: toFieldErrors(result.error) };
}

/**
 * A schema built on first use and shared from then on. The lifecycle modules are preloaded into the workflow sandbox
 * once per worker thread (worker/preload.ts), and the SDK deep-freezes what they export; a zod schema completes itself
 * lazily on first use and cannot live frozen. So these modules export schema *accessors*: the schema is created after
 * the freeze, once per thread, and shared by every workflow — instead of one copy per cached workflow (~1.2 MB each).
 * Schemas are pure, so sharing them keeps workflows deterministic.
 */
export function lazySchema<S extends z.ZodType>(build: () => S): () => S {
  let schema: S | undefined;
  return () => (schema ??= build());
}

/** Version of a process or form, e.g. 'v1.0', '1.2.3'. */
export const versionSchema = lazySchema(() =>
  z.string().regex(/^v?\d+(\.\d+){0,2}$/, { error: 'Version im Format v1.0 oder 1.2.3.' }),
);

export const nonEmpty = () => z.string().trim().min(1);

/**
 * An ISO calendar date (YYYY-MM-DD). zod's date check resets `lastIndex` on one shared RegExp constant, which the
 * sandbox has frozen along with the preloaded zod module; each schema gets a RegExp of its own instead.
 */
export const isoDate = () =>
  // `pattern` is a field of the schema definition that $ZodISODate keeps when given; its parameter type omits it.
  z.iso.date({ pattern: new RegExp(z.regexes.date.source) } as Parameters<typeof z.iso.date>[0]);
