// The answers of a form as nested data, read and written by dotted path ("hund.name", "kinder.0.vorname"), and the
// conditions evaluated against them. Pure: the page, the summary and the preview share it.
import type { AbschnittAnsicht, Ausdruck, FeldAnsicht, FormularAnsicht } from './model';

export type Daten = Record<string, unknown>;

export function lies(daten: unknown, path: string): unknown {
  let cur: unknown = daten;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Writes `value` at `path`, creating objects (and arrays for numeric parts) on the way; undefined removes it. */
export function schreibe(daten: Daten, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Record<string, unknown> = daten;
  parts.slice(0, -1).forEach((part, i) => {
    const nextIsIndex = /^\d+$/.test(parts[i + 1]!);
    if (cur[part] === null || typeof cur[part] !== 'object') cur[part] = nextIsIndex ? [] : {};
    cur = cur[part] as Record<string, unknown>;
  });
  const last = parts.at(-1)!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

/** Repeatable groups being walked: their path in the definition and the entry's path in the data. */
export type Bereich = readonly (readonly [string, string])[];

/** A condition's path inside the entry being walked (`kinder.alter` in entry 2 is `kinder.2.alter`). */
function imBereich(path: string, bereich: Bereich): string {
  for (const [def, konkret] of [...bereich].reverse()) {
    if (path.startsWith(`${def}.`)) return `${konkret}${path.slice(def.length)}`;
  }
  return path;
}

const leer = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

export function erfuellt(a: Ausdruck | undefined, daten: unknown, bereich: Bereich = []): boolean {
  if (!a) return true;
  if ('alle' in a) return a.alle.every((x) => erfuellt(x, daten, bereich));
  if ('eine' in a) return a.eine.some((x) => erfuellt(x, daten, bereich));
  if ('nicht' in a) return !erfuellt(a.nicht, daten, bereich);
  const v = lies(daten, imBereich(a.feld, bereich));
  const has = (w: unknown) => (Array.isArray(v) ? v.includes(w) : v === w);
  if ('gleich' in a) return has(a.gleich);
  if ('ungleich' in a) return !has(a.ungleich);
  if ('einsVon' in a) return a.einsVon.some(has);
  return a.ausgefuellt ? !leer(v) : leer(v);
}

export const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

export function sichtbareAbschnitte(f: FormularAnsicht, daten: unknown): AbschnittAnsicht[] {
  return f.abschnitte.filter((a) => erfuellt(a.sichtbarWenn, daten));
}

export function istPflicht(feld: FeldAnsicht, daten: unknown, bereich: Bereich = []): boolean {
  return feld.pflicht || (feld.pflichtWenn !== undefined && erfuellt(feld.pflichtWenn, daten, bereich));
}

/** How many entries a repeatable group shows: what the answers hold, at least its minimum and one. */
export function eintraege(feld: FeldAnsicht, daten: unknown, path: string): number {
  const v = lies(daten, path);
  const n = Array.isArray(v) ? v.length : 0;
  return Math.min(feld.wiederholbar?.max ?? 1, Math.max(n, feld.wiederholbar?.min ?? 0, 1));
}

/**
 * The answers without what a condition hides now (an answer given before the citizen changed their mind is not
 * sent), hidden sections included.
 */
export function bereinige(f: FormularAnsicht, daten: Daten): Daten {
  const out: Daten = {};
  const copy = (felder: FeldAnsicht[], defPrefix: string, prefix: string, bereich: Bereich) => {
    for (const feld of felder) {
      const def = join(defPrefix, feld.key);
      const path = join(prefix, feld.key);
      if (!erfuellt(feld.sichtbarWenn, daten, bereich)) continue;
      if (feld.art === 'gruppe' && feld.wiederholbar) {
        const v = lies(daten, path);
        if (!Array.isArray(v)) continue;
        schreibe(out, path, []);
        v.forEach((_, i) => {
          schreibe(out, `${path}.${i}`, {});
          copy(feld.felder ?? [], def, `${path}.${i}`, [...bereich, [def, `${path}.${i}`]]);
        });
        continue;
      }
      if (feld.art === 'gruppe') {
        copy(feld.felder ?? [], def, path, bereich);
        continue;
      }
      const v = lies(daten, path);
      if (v !== undefined) schreibe(out, path, v);
    }
  };
  for (const a of sichtbareAbschnitte(f, daten)) copy(a.felder, '', '', []);
  return out;
}

/** The field a data path answers (`kinder.1.nachweis` → the field nachweis of the group kinder). */
export function feldAnPfad(f: FormularAnsicht, path: string): FeldAnsicht | undefined {
  const parts = path.split('.').filter((p) => !/^\d+$/.test(p));
  let felder: FeldAnsicht[] = f.abschnitte.flatMap((a) => a.felder);
  let found: FeldAnsicht | undefined;
  for (const part of parts) {
    found = felder.find((x) => x.key === part);
    if (!found) return undefined;
    felder = found.felder ?? [];
  }
  return found;
}
