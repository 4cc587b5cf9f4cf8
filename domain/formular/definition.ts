// A definition as the modeller sends it, checked: the format (every problem with its JSON pointer), then whether it
// compiles. Canonical JSON is what the content hash is taken of, so key order and whitespace never make a new
// version.
import { germanErrorMap } from '../field-errors';
import { zeiger, type Befund } from './befund';
import { compileFormular, DefinitionFehler } from './compiler';
import { definitionSchema, type Definition } from './format';

export type DefinitionsPruefung = { ok: true; definition: Definition } | { ok: false; befunde: Befund[] };

export function pruefeDefinition(input: unknown): DefinitionsPruefung {
  const parsed = definitionSchema.safeParse(input, { error: germanErrorMap });
  if (!parsed.success) {
    const befunde: Befund[] = [];
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          befunde.push({ pfad: zeiger([...issue.path, key]), regel: 'format', meldung: 'Unbekannte Eigenschaft.' });
        }
      } else befunde.push({ pfad: zeiger(issue.path), regel: 'format', meldung: issue.message });
    }
    return { ok: false, befunde };
  }
  try {
    compileFormular(parsed.data);
  } catch (err) {
    if (err instanceof DefinitionFehler) return { ok: false, befunde: err.befunde };
    throw err;
  }
  return { ok: true, definition: parsed.data };
}

/** Keys sorted, no whitespace; undefined members left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const entries = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
