// Dates, numbers and German labels as people read them; every page formats through here.
import { datumZeit, euro } from '../domain/anzeige';
import { PHASES, ROLE_LABELS, isPhaseId } from '../domain/onlinedienst/phases';

const TZ = 'Europe/Berlin';
const dateOnly = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: TZ });
const number = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 });

type Instant = Date | string | number | null | undefined;

export function toDate(value: Instant): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(value: Instant): string {
  const d = toDate(value);
  return d ? datumZeit(d) : '–';
}

export function formatDate(value: Instant): string {
  const d = toDate(value);
  return d ? dateOnly.format(d) : '–';
}

/** ISO for <time datetime>. */
export function isoOf(value: Instant): string | undefined {
  return toDate(value)?.toISOString();
}

export function formatNumber(n: number): string {
  return number.format(n);
}

export function formatEuro(cents: number): string {
  return euro(cents);
}

/** A duration in words: "3 Tage 4 Std.", "25 Min.". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} Sek.`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} Min.`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} Std. ${minutes % 60} Min.`;
  const days = Math.floor(hours / 24);
  return `${days} Tage ${hours % 24} Std.`;
}

export function phaseLabel(phase: string): string {
  return isPhaseId(phase) ? `${PHASES[phase].nr} ${PHASES[phase].label}` : phase;
}

export function roleLabel(role: string): string {
  return (ROLE_LABELS as Record<string, string>)[role] ?? role;
}

/** camelCase / kebab-case keys of task fields as German words ("zustaendigkeitenGepflegt" → "Zuständigkeiten gepflegt"). */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-zäöü])([A-Z])/g, '$1 $2')
    .replace(/[-_.]/g, ' ')
    .toLowerCase()
    .replace(/(?<![aeqAEQ])ue/g, 'ü')
    .replace(/ae/g, 'ä')
    .replace(/(?<![Pp])oe/g, 'ö');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const ANTRAG_STATUS: Record<string, string> = {
  eingegangen: 'Eingegangen',
  'zahlung-offen': 'Gebühr offen',
  zahlungserinnerung: 'Zahlungserinnerung',
  bezahlt: 'Bezahlt',
  'zustellung-verzoegert': 'Zustellung verzögert',
  verzoegert: 'Verzögert (technische Störung)',
  fortgesetzt: 'Fortgesetzt nach Störung',
  zugestellt: 'Der Behörde zugestellt',
  abgeholt: 'Von der Behörde abgeholt',
  'ungeholt-geloescht': 'Nicht abgeholt, gelöscht',
  'nachforderung-erinnert': 'Erinnerung an die Nachforderung',
  'nachforderung-frist-abgelaufen': 'Frist der Nachforderung abgelaufen',
  'bescheid-per-post': 'Bescheid per Post',
  'bescheid-post-versandt': 'Bescheid per Post versandt',
  'in-bearbeitung': 'In Bearbeitung',
  nachforderung: 'Nachforderung',
  'nachforderung-beantwortet': 'Nachforderung beantwortet',
  abgeschlossen: 'Abgeschlossen',
  bescheid: 'Bescheid zugestellt',
  'bescheid-zugestellt': 'Bescheid zugestellt',
  'erstattung-angefordert': 'Erstattung angefordert',
  erstattet: 'Erstattet',
  'daten-geloescht': 'Personendaten gelöscht',
  'wartet-auf-zahlung': 'Wartet auf Zahlung',
  'wartet-auf-endpunkt': 'Wartet auf die Behörde (Fachverfahren nicht erreichbar)',
  ausstehend: 'Ausstehend',
};

export function antragStatusLabel(status: string | null | undefined): string {
  if (!status) return '–';
  return ANTRAG_STATUS[status] ?? humanize(status);
}

export const SLA_LABELS: Record<string, string> = {
  'not-started': 'nicht gestartet',
  ok: 'im Plan',
  warning: 'Warnung',
  breached: 'verletzt',
  paused: 'angehalten',
  stopped: 'beendet',
};
