// The Antrag's answers as the Fachverfahren receives them: every field moved to the place its `ausgabe` mapping
// names for the output format (docs/formular-format.md). Unmapped fields keep their id; a repeatable group is a list
// whose entries are mapped the same way.
import type { Definition, Feld } from './format';

export type Ausgabeformat = Definition['prozess']['zustellung']['ausgabeformat'];

/** Path segments of a mapping: JSON and xFall paths are dotted, XML paths are element paths with slashes. */
function segmente(ziel: string, format: Ausgabeformat): string[] {
  return ziel.split(format === 'xml' ? '/' : '.').filter((s) => s !== '');
}

function setze(ziel: Record<string, unknown>, pfad: string[], wert: unknown): void {
  let o = ziel;
  for (const teil of pfad.slice(0, -1)) {
    const next = o[teil];
    if (!next || typeof next !== 'object' || Array.isArray(next)) o[teil] = {};
    o = o[teil] as Record<string, unknown>;
  }
  o[pfad[pfad.length - 1]!] = wert;
}

/**
 * Maps `felder` of one data object into `wurzel` below `basis`. JSON and XML paths are relative to the enclosing
 * group's target; xFall ids name a data field of the whole Antrag (of the list entry, inside a repeatable group).
 */
function abbilden(
  felder: Feld[],
  daten: Record<string, unknown>,
  format: Ausgabeformat,
  wurzel: Record<string, unknown>,
  basis: string[],
) {
  for (const feld of felder) {
    const wert = daten[feld.id];
    if (wert === undefined) continue;
    const ziel = feld.ausgabe?.[format];
    const pfad = ziel ? [...(format === 'xfall' ? [] : basis), ...segmente(ziel, format)] : [...basis, feld.id];
    if (pfad.length === 0) continue;
    if (feld.typ === 'gruppe' && Array.isArray(wert)) {
      const eintrag = (d: unknown) => {
        const o: Record<string, unknown> = {};
        if (istObjekt(d)) abbilden(feld.felder, d, format, o, []);
        return o;
      };
      setze(wurzel, pfad, wert.map(eintrag));
    } else if (feld.typ === 'gruppe' && istObjekt(wert)) abbilden(feld.felder, wert, format, wurzel, pfad);
    else setze(wurzel, pfad, wert);
  }
}

const istObjekt = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The data in the shape of `format`. Answers are flat by field id across sections (groups nest), as the form's
 * validation stores them; keys the definition does not know (the Antragsteller the delivery adds) stay as they are.
 */
export function ausgabeDaten(
  def: Pick<Definition, 'abschnitte'>,
  daten: Record<string, unknown>,
  format: Ausgabeformat,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const bekannt = new Set<string>();
  for (const a of def.abschnitte) {
    for (const f of a.felder) bekannt.add(f.id);
    abbilden(a.felder, daten, format, out, []);
  }
  for (const [k, v] of Object.entries(daten)) if (!bekannt.has(k) && out[k] === undefined) out[k] = v;
  return out;
}
