// Prozessparameter against what the process declares: a value of the declared type, no undeclared key, and which
// required ones an activation still lacks. Values travel as text (that is how they are stored).
import { DAUER } from '../dauer';
import type { ParameterDeklaration, Wert } from './format';
import { STANDARD_NAMENSRAEUME, STANDARD_PARAMETER } from './standard-parameter';

/** Why a value does not fit its declaration (German), or undefined when it fits. */
export function parameterWertFehler(d: ParameterDeklaration, wert: string): string | undefined {
  const v = wert.trim();
  switch (d.typ) {
    case 'ganzzahl':
    case 'zahl': {
      const ok = d.typ === 'ganzzahl' ? /^-?\d+$/.test(v) : /^-?\d+(\.\d+)?$/.test(v);
      if (!ok) return d.typ === 'ganzzahl' ? 'Ganze Zahl erwartet.' : 'Zahl erwartet.';
      const n = Number(v);
      if (d.min !== undefined && n < d.min) return `Muss mindestens ${d.min} sein.`;
      if (d.max !== undefined && n > d.max) return `Darf höchstens ${d.max} sein.`;
      return undefined;
    }
    case 'janein':
      return ['true', 'false', 'ja', 'nein'].includes(v) ? undefined : 'true oder false erwartet.';
    case 'dauer':
      return DAUER.test(v) ? undefined : 'Dauer wie 90d, 4h, 30m, 10s erwartet.';
    case 'auswahl':
      return d.optionen?.includes(v) ? undefined : `Erlaubt: ${(d.optionen ?? []).join(', ')}.`;
    case 'email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined : 'E-Mail-Adresse erwartet.';
    case 'url':
      return /^https?:\/\/\S+$/.test(v) ? undefined : 'Adresse (http/https) erwartet.';
    case 'text':
      if (v === '') return 'Darf nicht leer sein.';
      if (d.maxLaenge !== undefined && v.length > d.maxLaenge) return `Höchstens ${d.maxLaenge} Zeichen.`;
      return undefined;
  }
}

export const wertAlsText = (w: Wert): string => String(w);

export interface ParameterEingabe {
  key: string;
  wert: string;
  geschuetzt: boolean;
}

export interface ParameterProblem {
  /** The key, as the Mandant-Admin wrote it. */
  name: string;
  reason: string;
}

/**
 * Checks values to be set. With `deklariert` (the process's list) only declared keys are accepted; without one
 * (an Onlinedienst with no definition yet) keys in the standard namespaces must be standard parameters, any other
 * well-formed key is the Onlinedienst's own.
 */
export function pruefeParameter(
  eingaben: readonly ParameterEingabe[],
  deklariert: readonly ParameterDeklaration[] | null,
): { probleme: ParameterProblem[]; geschuetzt: Set<string> } {
  const probleme: ParameterProblem[] = [];
  const geschuetzt = new Set<string>();
  const liste = deklariert ?? STANDARD_PARAMETER;
  const gesehen = new Set<string>();
  for (const e of eingaben) {
    if (gesehen.has(e.key)) probleme.push({ name: e.key, reason: 'Doppelt angegeben.' });
    gesehen.add(e.key);
    const d = liste.find((p) => p.name === e.key);
    if (!d) {
      const frei = deklariert === null && !STANDARD_NAMENSRAEUME.some((ns) => e.key.startsWith(ns));
      if (!frei) probleme.push({ name: e.key, reason: 'Unbekannter Prozessparameter: vom Prozess nicht deklariert.' });
      if (frei && e.geschuetzt) geschuetzt.add(e.key);
      continue;
    }
    const fehler = parameterWertFehler(d, e.wert);
    if (fehler) probleme.push({ name: e.key, reason: `${fehler} (Typ ${d.typ})` });
    if (d.geschuetzt || e.geschuetzt) geschuetzt.add(e.key);
  }
  return { probleme, geschuetzt };
}

/** Required parameters that are neither set nor have a default. */
export function fehlendePflichtparameter(
  deklariert: readonly ParameterDeklaration[],
  gesetzt: Iterable<string>,
): string[] {
  const da = new Set(gesetzt);
  return deklariert.filter((d) => d.pflicht && d.default === undefined && !da.has(d.name)).map((d) => d.name);
}
