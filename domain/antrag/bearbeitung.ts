// What the authority may report about an Antrag, and when: a processing status, the citizen's answer to a
// Nachforderung, the Bescheid. Each check returns the refusal's text, or null when the report fits.
import type { AntragPhase, BearbeitungStatus, ZustellungStatus } from './phases';

/** The part of an Antrag's state the checks read. */
export interface BearbeitungsStand {
  vorgangsnummer: string;
  phase: AntragPhase;
  zustellung: { status: ZustellungStatus };
  bearbeitung: { status?: BearbeitungStatus; nachforderung?: { frist: string; beantwortet: boolean } };
  bescheid?: unknown;
}

export interface BearbeitungsMeldungInput {
  status: BearbeitungStatus;
  text?: string;
  /** ISO instant: deadline of a Nachforderung */
  frist?: string;
}

const nochNichtZugestellt = (s: BearbeitungsStand) =>
  s.zustellung.status === 'zugestellt'
    ? null
    : `Antrag ${s.vorgangsnummer} ist der Behörde noch nicht zugestellt (${s.phase})`;

/** A processing report; `now` decides whether a Nachforderung's deadline lies in the future. */
export function bearbeitungRefusal(
  s: BearbeitungsStand,
  meldung: BearbeitungsMeldungInput,
  now: number,
): string | null {
  const offen = nochNichtZugestellt(s);
  if (offen) return offen;
  if (s.bearbeitung.status === 'abgeschlossen') return `Antrag ${s.vorgangsnummer} ist bereits abgeschlossen`;
  if (meldung.status === 'nachforderung') {
    if (!meldung.text?.trim()) return 'Nachforderung braucht einen Text: was fehlt?';
    if (!meldung.frist || Number.isNaN(Date.parse(meldung.frist)))
      return 'Nachforderung braucht eine Frist (ISO-Zeitpunkt)';
    if (Date.parse(meldung.frist) <= now) return 'Die Frist der Nachforderung muss in der Zukunft liegen';
    if (s.bearbeitung.nachforderung && !s.bearbeitung.nachforderung.beantwortet) {
      return 'Es gibt bereits eine offene Nachforderung';
    }
  }
  return null;
}

/** The citizen answers the open Nachforderung. */
export function nachforderungAntwortRefusal(s: BearbeitungsStand): string | null {
  const n = s.bearbeitung.nachforderung;
  return !n || n.beantwortet ? 'Es gibt keine offene Nachforderung' : null;
}

/** The authority delivers the Bescheid (once). */
export function bescheidRefusal(s: BearbeitungsStand): string | null {
  const offen = nochNichtZugestellt(s);
  if (offen) return offen;
  return s.bescheid ? `Zu Antrag ${s.vorgangsnummer} wurde bereits ein Bescheid zugestellt` : null;
}
