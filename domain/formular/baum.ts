// The fields of a definition as a flat index: where each lives in the data (dotted path) and in the definition
// (JSON pointer, for findings), and which repeatable groups enclose it. Compiler and certification share it.
import type { Abschnitt, Ausdruck, Bedingung, Definition, Feld } from './format';

export interface FeldKnoten {
  feld: Feld;
  /** Dotted path in the Antrag's data, without entry indices: `hund.name`, `kinder.alter`. */
  pfad: string;
  /** JSON pointer into the definition: `/abschnitte/0/felder/2`. */
  zeiger: string;
  abschnitt: number;
  /** The enclosing group, if any. */
  eltern?: FeldKnoten;
  kinder: FeldKnoten[];
}

export interface AbschnittKnoten {
  abschnitt: Abschnitt;
  zeiger: string;
  felder: FeldKnoten[];
}

export interface Baum {
  abschnitte: AbschnittKnoten[];
  /** Every field by its dotted path; the first wins where ids repeat (the certification reports repeats). */
  nachPfad: Map<string, FeldKnoten>;
  alle: FeldKnoten[];
}

export function baueBaum(def: Pick<Definition, 'abschnitte'>): Baum {
  const nachPfad = new Map<string, FeldKnoten>();
  const alle: FeldKnoten[] = [];
  const knoten = (felder: Feld[], basis: string, zeiger: string, abschnitt: number, eltern?: FeldKnoten) =>
    felder.map((feld, i): FeldKnoten => {
      const k: FeldKnoten = {
        feld,
        pfad: basis ? `${basis}.${feld.id}` : feld.id,
        zeiger: `${zeiger}/felder/${i}`,
        abschnitt,
        eltern,
        kinder: [],
      };
      alle.push(k);
      if (!nachPfad.has(k.pfad)) nachPfad.set(k.pfad, k);
      if (feld.typ === 'gruppe') k.kinder = knoten(feld.felder, k.pfad, k.zeiger, abschnitt, k);
      return k;
    });
  const abschnitte = def.abschnitte.map((abschnitt, i) => ({
    abschnitt,
    zeiger: `/abschnitte/${i}`,
    felder: knoten(abschnitt.felder, '', `/abschnitte/${i}`, i),
  }));
  return { abschnitte, nachPfad, alle };
}

/** The field paths an expression reads. */
export function gelesenePfade(a: Ausdruck): string[] {
  if ('alle' in a) return a.alle.flatMap(gelesenePfade);
  if ('eine' in a) return a.eine.flatMap(gelesenePfade);
  if ('nicht' in a) return gelesenePfade(a.nicht);
  return [a.feld];
}

/** Every condition with the field or section it belongs to (a section's condition applies to all its fields). */
export function bedingungen(baum: Baum): { zeiger: string; bedingung: Bedingung; betrifft: FeldKnoten[] }[] {
  const out: { zeiger: string; bedingung: Bedingung; betrifft: FeldKnoten[] }[] = [];
  const unter = (k: FeldKnoten): FeldKnoten[] => [k, ...k.kinder.flatMap(unter)];
  for (const a of baum.abschnitte) {
    if (a.abschnitt.bedingung) {
      out.push({
        zeiger: `${a.zeiger}/bedingung`,
        bedingung: a.abschnitt.bedingung,
        betrifft: a.felder.flatMap(unter),
      });
    }
  }
  for (const k of baum.alle) {
    if (k.feld.bedingung)
      out.push({ zeiger: `${k.zeiger}/bedingung`, bedingung: k.feld.bedingung, betrifft: unter(k) });
  }
  return out;
}

/** Repeatable groups enclosing a field, outermost first. */
export function wiederholungen(k: FeldKnoten): FeldKnoten[] {
  const out: FeldKnoten[] = [];
  for (let e = k.eltern; e; e = e.eltern) if (e.feld.typ === 'gruppe' && e.feld.wiederholbar) out.unshift(e);
  return out;
}
