// One page of a form posted back: the browser's strings become typed answers (numbers, amounts in euro, yes/no
// as booleans, IBAN without spaces), and the fields the answers show are checked with German messages per data
// path. The submission's own check (the API's) stays the judge; this lets the citizen fix a page before the next.
import type { AbschnittAnsicht, FeldAnsicht } from './model';
import { eintraege, erfuellt, istPflicht, join, lies, schreibe, type Bereich, type Daten } from './werte';

export type Gepostet = Record<string, string | string[] | undefined>;
export type Fehler = Record<string, string>;

export const ADRESSE_TEILE = [
  { key: 'strasse', label: 'Straße', autocomplete: 'address-line1', max: 120 },
  { key: 'hausnummer', label: 'Hausnummer', autocomplete: 'address-line2', max: 10 },
  { key: 'plz', label: 'Postleitzahl', autocomplete: 'postal-code', max: 5 },
  { key: 'ort', label: 'Ort', autocomplete: 'address-level2', max: 80 },
] as const;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
const all = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []).filter((x) => x !== '');

/** "30,50", "1.234,5" or "30.5" → 30.5 (euro); undefined when it is no amount. */
export function euroAus(text: string): number | undefined {
  const t = text.replace(/\s|€/g, '');
  if (!/^\d{1,3}(\.\d{3})+(,\d{1,2})?$|^\d+([,.]\d{1,2})?$/.test(t)) return undefined;
  const normal = /,|\.\d{3}/.test(t) ? t.replace(/\.(?=\d{3})/g, '').replace(',', '.') : t;
  return Math.round(Number(normal) * 100) / 100;
}

export function formatEuro(euro: number): string {
  return `${euro.toLocaleString('de-DE', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;
}

function ibanGueltig(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const moved = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  let rest = 0;
  for (const digit of moved) rest = (rest * 10 + Number(digit)) % 97;
  return rest === 1;
}

/** The posted text of a field as the typed answer (undefined when empty); the raw string when it does not parse. */
function wertAus(feld: FeldAnsicht, raw: string): unknown {
  if (raw === '') return undefined;
  switch (feld.art) {
    case 'zahl': {
      const n = Number(raw.replace(',', '.'));
      return Number.isFinite(n) ? n : raw;
    }
    case 'betrag':
      return euroAus(raw) ?? raw;
    case 'janein':
      return raw === 'ja' ? true : raw === 'nein' ? false : raw;
    case 'iban':
      return raw.replace(/\s+/g, '').toUpperCase();
    case 'text':
      return feld.grossbuchstaben ? raw.toUpperCase() : raw;
    default:
      return raw;
  }
}

const deZahl = (n: number | string) => (typeof n === 'number' ? n.toLocaleString('de-DE') : n);
const deDatum = (iso: string) => iso.split('-').reverse().join('.');

function pruefeWert(feld: FeldAnsicht, v: unknown): string | undefined {
  switch (feld.art) {
    case 'zahl':
    case 'betrag': {
      if (typeof v !== 'number')
        return feld.art === 'betrag' ? 'Bitte einen Betrag in Euro angeben, z. B. 30,50.' : 'Bitte eine Zahl angeben.';
      if (feld.ganzzahl && !Number.isInteger(v)) return 'Bitte eine ganze Zahl angeben.';
      if (typeof feld.min === 'number' && v < feld.min) return `Mindestens ${deZahl(feld.min)}.`;
      if (typeof feld.max === 'number' && v > feld.max) return `Höchstens ${deZahl(feld.max)}.`;
      return undefined;
    }
    case 'datum':
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))
        return 'Bitte ein Datum angeben (TT.MM.JJJJ).';
      if (typeof feld.min === 'string' && v < feld.min) return `Frühestens ${deDatum(feld.min)}.`;
      if (typeof feld.max === 'string' && v > feld.max) return `Spätestens ${deDatum(feld.max)}.`;
      return undefined;
    case 'janein':
      if (typeof v !== 'boolean') return 'Bitte „Ja“ oder „Nein“ wählen.';
      return feld.mussJa && !v ? 'Ohne Ihre Zustimmung kann der Antrag nicht gestellt werden.' : undefined;
    case 'auswahl': {
      const list = Array.isArray(v) ? v : [v];
      if (!list.every((x) => (feld.optionen ?? []).some((o) => o.wert === x)))
        return 'Bitte eine der Möglichkeiten wählen.';
      if (feld.minAuswahl !== undefined && list.length < feld.minAuswahl)
        return `Bitte mindestens ${feld.minAuswahl} auswählen.`;
      if (feld.maxAuswahl !== undefined && list.length > feld.maxAuswahl)
        return `Bitte höchstens ${feld.maxAuswahl} auswählen.`;
      return undefined;
    }
    case 'email':
      return typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)
        ? undefined
        : 'Bitte eine E-Mail-Adresse angeben, z. B. name@example.org.';
    case 'iban':
      return typeof v === 'string' && ibanGueltig(v)
        ? undefined
        : 'Bitte eine gültige IBAN angeben, z. B. DE02 1203 0000 0000 2020 51.';
    default: {
      const s = String(v);
      if (feld.minLaenge !== undefined && s.length < feld.minLaenge) return `Mindestens ${feld.minLaenge} Zeichen.`;
      if (feld.maxLaenge !== undefined && s.length > feld.maxLaenge) return `Höchstens ${feld.maxLaenge} Zeichen.`;
      if (feld.muster && !new RegExp(`^(?:${feld.muster})$`, 'u').test(s))
        return feld.musterHinweis ?? 'Die Angabe hat nicht die erwartete Form.';
      return undefined;
    }
  }
}

const LEER = 'Bitte ausfüllen – diese Angabe ist erforderlich.';

/** Reads the posted fields of one section into `daten`; files stay as they are (they arrive apart). */
export function uebernimm(abschnitt: AbschnittAnsicht, daten: Daten, posted: Gepostet): void {
  const read = (felder: FeldAnsicht[], prefix: string) => {
    for (const feld of felder) {
      const path = join(prefix, feld.key);
      if (feld.art === 'datei') continue;
      if (feld.art === 'gruppe' && feld.wiederholbar) {
        // how many entries the page showed (a hidden field), so an emptied entry is read as empty, not dropped
        const n = Number(one(posted[`${path}.#`])) || eintraege(feld, daten, path);
        const before = lies(daten, path);
        schreibe(daten, path, (Array.isArray(before) ? before : []).slice(0, n));
        for (let i = 0; i < n; i++) {
          if (lies(daten, `${path}.${i}`) === undefined) schreibe(daten, `${path}.${i}`, {});
          read(feld.felder ?? [], `${path}.${i}`);
        }
        continue;
      }
      if (feld.art === 'gruppe') {
        read(feld.felder ?? [], path);
        continue;
      }
      if (feld.art === 'adresse') {
        const adresse: Record<string, string> = {};
        for (const t of ADRESSE_TEILE) {
          const v = one(posted[`${path}.${t.key}`]);
          if (v) adresse[t.key] = v;
        }
        schreibe(daten, path, Object.keys(adresse).length > 0 ? adresse : undefined);
        continue;
      }
      if (feld.art === 'auswahl' && feld.mehrfach) {
        const list = all(posted[path]);
        schreibe(daten, path, list.length > 0 ? list : undefined);
        continue;
      }
      schreibe(daten, path, wertAus(feld, one(posted[path])));
    }
  };
  read(abschnitt.felder, '');
}

/** The messages of every field of the section the answers show, by data path. */
export function pruefe(abschnitt: AbschnittAnsicht, daten: Daten): Fehler {
  const fehler: Fehler = {};
  const abschnittPflicht = abschnitt.pflichtWenn !== undefined && erfuellt(abschnitt.pflichtWenn, daten);
  const check = (felder: FeldAnsicht[], defPrefix: string, prefix: string, bereich: Bereich) => {
    for (const feld of felder) {
      const def = join(defPrefix, feld.key);
      const path = join(prefix, feld.key);
      if (!erfuellt(feld.sichtbarWenn, daten, bereich)) continue;
      const pflicht = abschnittPflicht || istPflicht(feld, daten, bereich);
      const v = lies(daten, path);
      if (feld.art === 'gruppe' && feld.wiederholbar) {
        const list = Array.isArray(v) ? v : [];
        if (list.length < feld.wiederholbar.min)
          fehler[path] = `Bitte mindestens ${feld.wiederholbar.min} Einträge angeben.`;
        list.forEach((_, i) => check(feld.felder ?? [], def, `${path}.${i}`, [...bereich, [def, `${path}.${i}`]]));
        continue;
      }
      if (feld.art === 'gruppe') {
        check(feld.felder ?? [], def, path, bereich);
        continue;
      }
      if (feld.art === 'adresse') {
        const a = (v ?? {}) as Record<string, string | undefined>;
        if (v === undefined && !pflicht) continue;
        for (const t of ADRESSE_TEILE) {
          const s = a[t.key];
          if (!s) fehler[`${path}.${t.key}`] = LEER;
          else if (t.key === 'plz' && !/^\d{5}$/.test(s)) fehler[`${path}.plz`] = 'Postleitzahl mit 5 Ziffern.';
          else if (s.length > t.max) fehler[`${path}.${t.key}`] = `Höchstens ${t.max} Zeichen.`;
        }
        continue;
      }
      if (feld.art === 'datei') {
        const names = Array.isArray(v) ? v : v === undefined ? [] : [v];
        if (names.length === 0 && pflicht) fehler[path] = 'Bitte eine Datei hochladen.';
        else if (feld.maxDateien !== undefined && names.length > feld.maxDateien)
          fehler[path] = `Höchstens ${feld.maxDateien} Dateien.`;
        continue;
      }
      if (v === undefined) {
        if (pflicht) fehler[path] = LEER;
        continue;
      }
      const msg = pruefeWert(feld, v);
      if (msg) fehler[path] = msg;
    }
  };
  check(abschnitt.felder, '', '', []);
  return fehler;
}
