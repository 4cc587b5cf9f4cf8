// The deadlines after delivery, as pure rules the workflow and its activities share: when the authority owes an
// answer (in Saxon working days, as offices count them), when a citizen is reminded of a Nachforderung, and where a
// Bescheid goes when it cannot go out electronically.
import { DAUER, dauerMs } from '../dauer';
import { addDaysToDate, addWorkingDaysToDate, berlinDateOf, startOfBerlinDay } from '../working-days';

/** "10at" = ten Saxon working days (Arbeitstage); otherwise a plain duration ("72h", "2s" in tests). */
export const ANTWORTFRIST = /^(\d+)at$/;

export function istAntwortfrist(value: string): boolean {
  return ANTWORTFRIST.test(value) || DAUER.test(value);
}

/**
 * The instant by which the authority should have answered: the end of the n-th working day after the day of
 * delivery (Berlin calendar), or delivery plus a plain duration.
 */
export function behoerdeAntwortBis(zugestelltAm: number, frist: string): number {
  const tage = ANTWORTFRIST.exec(frist.trim());
  if (!tage) return zugestelltAm + dauerMs(frist);
  const letzterTag = addWorkingDaysToDate(berlinDateOf(zugestelltAm), Number(tage[1]));
  return startOfBerlinDay(addDaysToDate(letzterTag, 1));
}

/**
 * When the citizen is reminded of an open Nachforderung: `vorlaufMs` before its deadline — unless that moment lies
 * before the Nachforderung itself (a short deadline), where the request's own mail is reminder enough.
 */
export function nachforderungErinnerungAm(gestelltAm: number, frist: string, vorlaufMs: number): number | undefined {
  const am = Date.parse(frist) - vorlaufMs;
  return am > gestelltAm ? am : undefined;
}

export interface Postanschrift {
  name: string;
  strasse: string;
  hausnummer: string;
  plz: string;
  ort: string;
}

function istAdresse(v: unknown): v is Omit<Postanschrift, 'name'> {
  if (!v || typeof v !== 'object') return false;
  const a = v as Record<string, unknown>;
  return ['strasse', 'hausnummer', 'plz', 'ort'].every((k) => typeof a[k] === 'string');
}

/** The citizen's postal address from the form (`anschrift`, `wohnadresse`, … whichever field holds one). */
export function postanschrift(name: string, formData: Record<string, unknown> | null): Postanschrift | undefined {
  if (!formData) return undefined;
  const preferred = ['anschrift', 'wohnadresse', 'adresse'];
  const keys = [
    ...preferred.filter((k) => k in formData),
    ...Object.keys(formData).filter((k) => !preferred.includes(k)),
  ];
  for (const key of keys) {
    const v = formData[key];
    if (istAdresse(v)) return { name, strasse: v.strasse, hausnummer: v.hausnummer, plz: v.plz, ort: v.ort };
  }
  return undefined;
}

export function anschriftText(a: Postanschrift): string {
  return `${a.name}\n${a.strasse} ${a.hausnummer}\n${a.plz} ${a.ort}`;
}
