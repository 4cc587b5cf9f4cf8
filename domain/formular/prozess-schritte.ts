// What the process definition of an Antrag's version decides for the generic Antrag workflow, with the
// activation's Prozessparameter filling in the values the process declares. Precedence, lowest first: the
// workflow's built-in defaults, a declared parameter's default, the process's own value (fristen, zustellung),
// the value the Mandant set on the activation. Only the fee kind is never overridden: a process without a fee
// charges none, whatever a stray parameter says.
import type { ProzessDefinition } from './format';
import { wertAlsText } from './parameter';

export type ZustellModus = ProzessDefinition['zustellung']['modus'];

export interface ProzessSchritte {
  /** The fee of this Antrag in cent; null: none (no fee kind, or an amount or count of 0). */
  gebuehrCent: number | null;
  modus: ZustellModus;
  /** The Prozessparameter as the configuration reads them: declared defaults and process values filled in. */
  parameter: Record<string, string>;
  /** The OE id the answer names, when the process takes the recipient from an answer. */
  empfaengerOe?: string;
  /** What does not fit (German, the key or field named). */
  probleme: string[];
}

/** The answer at a dotted path of the Antrag's data. */
export function antwortAn(daten: Record<string, unknown>, pfad: string): unknown {
  let v: unknown = daten;
  for (const teil of pfad.split('.')) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[teil];
  }
  return v;
}

export function prozessSchritte(
  prozess: ProzessDefinition,
  gesetzt: Readonly<Record<string, string>>,
  daten: Record<string, unknown>,
): ProzessSchritte {
  const probleme: string[] = [];
  const deklariert = new Map(prozess.parameter.map((p) => [p.name, p]));
  const parameter: Record<string, string> = {};
  for (const p of prozess.parameter) if (p.default !== undefined) parameter[p.name] = wertAlsText(p.default);
  for (const [name, dauer] of Object.entries(prozess.fristen)) parameter[`frist.${name}`] = dauer;
  Object.assign(parameter, gesetzt);

  // The process's delivery mode, unless it lets the Mandant choose (declares zustellung.modus) and the Mandant did.
  const modus = (
    deklariert.has('zustellung.modus') && gesetzt['zustellung.modus'] !== undefined
      ? gesetzt['zustellung.modus']
      : prozess.zustellung.modus
  ) as ZustellModus;
  parameter['zustellung.modus'] = modus;

  let gebuehrCent: number | null = null;
  const g = prozess.gebuehr;
  if (g.art !== 'keine') {
    const roh = parameter[g.parameter];
    const betrag = roh === undefined ? 0 : Number(roh.trim());
    if (!Number.isInteger(betrag) || betrag < 0) probleme.push(`${g.parameter}: Ganze Zahl ≥ 0 (Cent) erwartet`);
    let anzahl = 1;
    if (g.art === 'jeEinheit') {
      const antwort = antwortAn(daten, g.feld);
      anzahl = antwort === undefined || antwort === null || antwort === '' ? 0 : Number(antwort);
      if (!Number.isInteger(anzahl) || anzahl < 0) {
        probleme.push(`${g.feld}: die Anzahl für die Gebühr ist keine ganze Zahl ≥ 0`);
        anzahl = 0;
      }
    }
    const summe = Number.isInteger(betrag) && betrag > 0 ? betrag * anzahl : 0;
    gebuehrCent = summe > 0 ? summe : null;
  }
  // The configuration reads the fee from one key, whatever the process calls its amount parameter.
  if (gebuehrCent === null) delete parameter['gebuehr.betragCent'];
  else parameter['gebuehr.betragCent'] = String(gebuehrCent);

  let empfaengerOe: string | undefined;
  if (prozess.empfaenger) {
    const antwort = antwortAn(daten, prozess.empfaenger.feld);
    if (typeof antwort === 'string' && antwort !== '') empfaengerOe = antwort;
    else probleme.push(`${prozess.empfaenger.feld}: keine empfangende Stelle gewählt`);
  }
  return { gebuehrCent, modus, parameter, empfaengerOe, probleme };
}
