// A definition compiled into the validator of an Antrag's data: one schema per answer, built once per version and
// cached by the version's content hash; conditions are evaluated against the answers themselves. A hidden field's
// answer is dropped, so what is stored is only what the citizen was asked.
import { germanErrorMap, toFieldErrors, type FieldError, type ParseResult } from '../field-errors';
import { baueBaum, wiederholungen, type Baum, type FeldKnoten } from './baum';
import type { Befund } from './befund';
import { blattSchema, type AnlageInfo, type Blatt } from './felder';
import type { Ausdruck, Definition, Wert } from './format';

export interface ValidierungsKontext {
  /** Attachments uploaded with the Antrag, for `datei` fields. */
  anlagen?: AnlageInfo[];
}

export interface KompiliertesFormular {
  baum: Baum;
  validiere(daten: unknown, kontext?: ValidierungsKontext): ParseResult<Record<string, unknown>>;
}

export class DefinitionFehler extends Error {
  constructor(readonly befunde: Befund[]) {
    super(befunde.map((b) => `${b.pfad}: ${b.meldung}`).join('; '));
    this.name = 'DefinitionFehler';
  }
}

type Scope = ReadonlyMap<string, number>;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const leer = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

function gleich(raw: unknown, w: Wert): boolean {
  if (Array.isArray(raw)) return raw.some((x) => gleich(x, w));
  if (typeof w === 'boolean') {
    if (typeof raw === 'boolean') return raw === w;
    return typeof raw === 'string' && (w ? ['ja', 'true'] : ['nein', 'false']).includes(raw.trim());
  }
  if (typeof w === 'number') {
    if (typeof raw === 'number') return raw === w;
    return typeof raw === 'string' && raw.trim() !== '' && Number(raw.trim().replace(',', '.')) === w;
  }
  return typeof raw === 'string' ? raw.trim() === w : raw !== undefined && raw !== null && String(raw) === w;
}

export function compileFormular(def: Pick<Definition, 'abschnitte'>): KompiliertesFormular {
  const baum = baueBaum(def);
  const schemas = new Map<FeldKnoten, ReturnType<typeof blattSchema>>();
  const fehler: Befund[] = [];
  for (const k of baum.alle) {
    if (k.feld.typ === 'gruppe') continue;
    try {
      schemas.set(k, blattSchema(k.feld as Blatt));
    } catch (err) {
      fehler.push({
        pfad: `${k.zeiger}/muster`,
        regel: 'muster',
        meldung: `Ungültiger regulärer Ausdruck: ${(err as Error).message}`,
      });
    }
  }
  if (fehler.length) throw new DefinitionFehler(fehler);

  function validiere(daten: unknown, kontext: ValidierungsKontext = {}): ParseResult<Record<string, unknown>> {
    const anlagen = kontext.anlagen ?? [];
    const errors: FieldError[] = [];
    const memo = new Map<string, boolean>();
    const laufend = new Set<string>();
    const root = isObj(daten) ? daten : {};

    const scopeKey = (k: FeldKnoten, scope: Scope) =>
      `${k.pfad}#${wiederholungen(k)
        .map((g) => scope.get(g.pfad) ?? '*')
        .join(',')}`;

    function werte(ziel: FeldKnoten, scope: Scope): unknown[] {
      const kette = [...ahnen(ziel), ziel];
      let paare: { v: unknown; scope: Scope }[] = [{ v: root, scope }];
      for (const n of kette) {
        const next: { v: unknown; scope: Scope }[] = [];
        for (const p of paare) {
          const x = isObj(p.v) ? p.v[n.feld.id] : undefined;
          const wiederholt = n.feld.typ === 'gruppe' && n.feld.wiederholbar && n !== ziel;
          if (wiederholt && Array.isArray(x)) {
            const idx = p.scope.get(n.pfad);
            if (idx !== undefined) next.push({ v: x[idx], scope: p.scope });
            else x.forEach((e, i) => next.push({ v: e, scope: new Map(p.scope).set(n.pfad, i) }));
          } else if (!wiederholt) next.push({ v: x, scope: p.scope });
        }
        paare = next.filter((p) => sichtbar(n, p.scope));
      }
      return paare.map((p) => p.v);
    }

    function gilt(a: Ausdruck, scope: Scope): boolean {
      if ('alle' in a) return a.alle.every((x) => gilt(x, scope));
      if ('eine' in a) return a.eine.some((x) => gilt(x, scope));
      if ('nicht' in a) return !gilt(a.nicht, scope);
      const ziel = baum.nachPfad.get(a.feld);
      const vs = ziel ? werte(ziel, scope) : [];
      if ('gleich' in a) return vs.some((v) => gleich(v, a.gleich));
      if ('ungleich' in a) return !vs.some((v) => gleich(v, a.ungleich));
      if ('einsVon' in a) return vs.some((v) => a.einsVon.some((w) => gleich(v, w)));
      return vs.some((v) => !leer(v)) === a.ausgefuellt;
    }

    function sichtbar(k: FeldKnoten, scope: Scope): boolean {
      const key = scopeKey(k, scope);
      const known = memo.get(key);
      if (known !== undefined) return known;
      // A cycle (refused by the certification) counts as hidden rather than looping.
      if (laufend.has(key)) return false;
      laufend.add(key);
      let ok = true;
      if (k.eltern) ok = sichtbar(k.eltern, scope);
      const abschnitt = baum.abschnitte[k.abschnitt]!.abschnitt;
      if (ok && !k.eltern && abschnitt.bedingung?.wirkung === 'anzeigen') ok = gilt(abschnitt.bedingung.wenn, scope);
      if (ok && k.feld.bedingung?.wirkung === 'anzeigen') ok = gilt(k.feld.bedingung.wenn, scope);
      laufend.delete(key);
      memo.set(key, ok);
      return ok;
    }

    function pflicht(k: FeldKnoten, scope: Scope): boolean {
      if (k.feld.pflicht) return true;
      if (k.feld.bedingung?.wirkung === 'pflicht' && gilt(k.feld.bedingung.wenn, scope)) return true;
      const abschnitt = baum.abschnitte[k.abschnitt]!.abschnitt;
      return !k.eltern && abschnitt.bedingung?.wirkung === 'pflicht' && gilt(abschnitt.bedingung.wenn, scope);
    }

    function walk(knoten: FeldKnoten[], obj: Record<string, unknown>, pfad: string, scope: Scope) {
      const out: Record<string, unknown> = {};
      for (const k of knoten) {
        if (!sichtbar(k, scope)) continue;
        const hier = pfad ? `${pfad}.${k.feld.id}` : k.feld.id;
        const v = obj[k.feld.id];
        if (leer(v)) {
          if (pflicht(k, scope)) errors.push({ path: hier, message: 'Pflichtfeld fehlt.' });
          continue;
        }
        if (k.feld.typ === 'gruppe') {
          const w = k.feld.wiederholbar;
          if (!w) {
            if (!isObj(v)) errors.push({ path: hier, message: 'Erwartet: Objekt.' });
            else out[k.feld.id] = walk(k.kinder, v, hier, scope);
            continue;
          }
          if (!Array.isArray(v)) {
            errors.push({ path: hier, message: 'Erwartet: Liste.' });
            continue;
          }
          if (v.length < w.min) errors.push({ path: hier, message: `Mindestens ${w.min} Einträge erforderlich.` });
          if (v.length > w.max) errors.push({ path: hier, message: `Höchstens ${w.max} Einträge.` });
          out[k.feld.id] = v.slice(0, w.max).map((e, i) => {
            if (isObj(e)) return walk(k.kinder, e, `${hier}.${i}`, new Map(scope).set(k.pfad, i));
            errors.push({ path: `${hier}.${i}`, message: 'Erwartet: Objekt.' });
            return {};
          });
          continue;
        }
        const s = schemas.get(k)!;
        const schema = typeof s === 'function' ? s(anlagen) : s;
        const r = schema.safeParse(v, { error: germanErrorMap });
        if (r.success) out[k.feld.id] = r.data;
        else
          for (const e of toFieldErrors(r.error))
            errors.push({ path: e.path ? `${hier}.${e.path}` : hier, message: e.message });
      }
      return out;
    }

    if (!isObj(daten)) return { ok: false, fieldErrors: [{ path: '', message: 'Erwartet: Objekt.' }] };
    const data = walk(
      baum.abschnitte.flatMap((a) => a.felder),
      root,
      '',
      new Map(),
    );
    return errors.length ? { ok: false, fieldErrors: errors } : { ok: true, data };
  }

  return { baum, validiere };
}

function ahnen(k: FeldKnoten): FeldKnoten[] {
  const out: FeldKnoten[] = [];
  for (let e = k.eltern; e; e = e.eltern) out.unshift(e);
  return out;
}

const CACHE_GROESSE = 500;
const cache = new Map<string, KompiliertesFormular>();

/** Compiled once per content hash: a version's hash names exactly one definition. */
export function kompiliertFuer(hash: string, def: Pick<Definition, 'abschnitte'>): KompiliertesFormular {
  const hit = cache.get(hash);
  if (hit) return hit;
  const compiled = compileFormular(def);
  if (cache.size >= CACHE_GROESSE) cache.delete(cache.keys().next().value!);
  cache.set(hash, compiled);
  return compiled;
}

/** The compiled form of a content hash if it was compiled before: the definition need not be read again. */
export function kompiliertBekannt(hash: string): KompiliertesFormular | undefined {
  return cache.get(hash);
}
