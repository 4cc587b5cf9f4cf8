// The Prozessparameter the generic Antrag workflow understands (activities/antrag/konfiguration.ts reads them). A
// process declares the ones it uses; an Onlinedienst without a definition yet is checked against this list for the
// namespaces it covers, so a typo in gebuehr.betragCent is refused instead of silently meaning "no fee".
import type { ParameterDeklaration } from './format';

type Deklaration = Omit<ParameterDeklaration, 'pflicht' | 'geschuetzt'> & { pflicht?: boolean; geschuetzt?: boolean };

const frist = (name: string, standard: string, beschreibung: string): Deklaration => ({
  name: `frist.${name}`,
  typ: 'dauer',
  default: standard,
  beschreibung,
});

const LISTE: Deklaration[] = [
  { name: 'gebuehr.betragCent', typ: 'ganzzahl', min: 0, beschreibung: 'Gebühr in Cent (0 = keine Gebühr)' },
  { name: 'epaybl.mandantNr', typ: 'text', maxLaenge: 20, beschreibung: 'ePayBL-Mandantennummer' },
  { name: 'epaybl.bewirtschafterNr', typ: 'text', maxLaenge: 8, beschreibung: 'ePayBL-Bewirtschafternummer' },
  { name: 'epaybl.haushaltsstelle', typ: 'text', maxLaenge: 10, beschreibung: 'Haushaltsstelle' },
  { name: 'epaybl.objektnummer', typ: 'text', maxLaenge: 10, beschreibung: 'Objektnummer' },
  { name: 'epaybl.kennzeichenMahnverfahren', typ: 'text', maxLaenge: 5, default: '0' },
  { name: 'epaybl.fristTage', typ: 'ganzzahl', min: 0, max: 365, default: 14, beschreibung: 'Zahlungsfrist in Tagen' },
  { name: 'epaybl.buchungstext', typ: 'text', maxLaenge: 120, beschreibung: 'Buchungstext auf dem Kassenzeichen' },
  { name: 'epaybl.passwort', typ: 'text', geschuetzt: true, beschreibung: 'Zugang zum ePayBL-Webservice' },
  {
    name: 'zustellung.modus',
    typ: 'auswahl',
    optionen: ['transfer-plain', 'transfer-xfall', 'fitconnect'],
    default: 'transfer-plain',
  },
  { name: 'zustellung.verzeichnis', typ: 'text', maxLaenge: 200, beschreibung: 'Transferverzeichnis der Behörde' },
  { name: 'fitconnect.destinationId', typ: 'text', maxLaenge: 200, beschreibung: 'FIT-Connect-Zustellpunkt' },
  { name: 'fitconnect.schemaUri', typ: 'text', maxLaenge: 200, default: 'urn:xoev-de:xfall:standard:antrag' },
  { name: 'fitconnect.leistungId', typ: 'text', maxLaenge: 200 },
  frist('zahlungErinnerung', '3d', 'Erinnerung an die offene Zahlung'),
  frist('zahlungAbbruch', '14d', 'Abbruch ohne Zahlung'),
  frist('zahlungAbfrage', '30s', 'Abfrage des Zahlungsstands'),
  frist('fitconnectAbfrage', '1m', 'erste Abfrage des FIT-Connect-Ereignisprotokolls'),
  frist('fitconnectErgebnis', '21d', 'wie lange auf Annahme oder Ablehnung gewartet wird'),
  frist('transferLoeschen', '90d', 'Löschung im Transferverzeichnis'),
  frist('aufbewahrung', '365d', 'Aufbewahrung der Antragsdaten'),
  frist(
    'nachzahlungPruefen',
    '1d',
    'erster Blick auf das gebuchte Kassenzeichen nach Geld über die Gebühr hinaus (der Abstand verdoppelt sich bis 30 Tage, bis zum Ende der Aufbewahrung)',
  ),
  frist('bescheidWartezeit', '730d', 'Wartezeit auf den Bescheid'),
  frist('wartungPruefen', '1h', 'Prüfintervall im Wartungsmodus'),
  frist('widerspruch', '30d', 'Widerspruchsfrist'),
];

export const STANDARD_PARAMETER: ParameterDeklaration[] = LISTE.map((d) => ({
  pflicht: false,
  geschuetzt: false,
  ...d,
}));

/** Namespaces the standard list covers completely: a key in one of them that the list lacks is a typo. */
export const STANDARD_NAMENSRAEUME = ['gebuehr.', 'epaybl.', 'zustellung.', 'fitconnect.', 'frist.'];

/** The ePayBL parameters a fee needs (ladeKonfiguration refuses a fee without them). */
export const EPAYBL_PFLICHT = [
  'epaybl.mandantNr',
  'epaybl.bewirtschafterNr',
  'epaybl.haushaltsstelle',
  'epaybl.buchungstext',
];

export function standardParameter(name: string, overrides: Partial<ParameterDeklaration> = {}): ParameterDeklaration {
  const d = STANDARD_PARAMETER.find((p) => p.name === name);
  if (!d) throw new Error(`no standard parameter ${name}`);
  return { ...d, ...overrides };
}
