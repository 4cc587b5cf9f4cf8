// How large a change between two versions of a form+process definition is: it decides whether the automatic
// checks may certify the new version (klein) or the independent Zertifizierer must (gross). Large is what changes
// what a citizen must answer, what he pays, or what the authority receives and how:
// - a required field added or removed, a field becoming required or optional, a field changing its type;
// - a field's output mapping (JSON, XML, xFall) changed;
// - the fee or the delivery (mode, output format) changed;
// - the data protection statement changed;
// - a required Prozessparameter added or removed, or a declared parameter changing its type.
// Everything else is small: labels, help texts, titles, optional fields, options, limits, Fristen, Nachforderung.
import { baueBaum, type FeldKnoten } from './baum';
import type { Definition } from './format';

export interface Aenderungsumfang {
  umfang: 'klein' | 'gross';
  /** why it is large (German, naming the field path or the process part); empty when small */
  gruende: string[];
}

const gleich = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function felder(def: Definition): Map<string, FeldKnoten> {
  return baueBaum(def).nachPfad;
}

export function aenderungsumfang(alt: Definition, neu: Definition): Aenderungsumfang {
  const gruende: string[] = [];
  const vorher = felder(alt);
  const nachher = felder(neu);
  for (const [pfad, k] of nachher) {
    const v = vorher.get(pfad);
    if (!v) {
      if (k.feld.pflicht) gruende.push(`Neues Pflichtfeld ${pfad}`);
      continue;
    }
    if (v.feld.typ !== k.feld.typ) gruende.push(`Feld ${pfad}: Typ ${v.feld.typ} → ${k.feld.typ}`);
    if (v.feld.pflicht !== k.feld.pflicht)
      gruende.push(`Feld ${pfad}: ${k.feld.pflicht ? 'jetzt Pflichtfeld' : 'kein Pflichtfeld mehr'}`);
    if (!gleich(v.feld.ausgabe, k.feld.ausgabe)) gruende.push(`Feld ${pfad}: Ausgabe geändert`);
  }
  for (const [pfad, v] of vorher) {
    if (!nachher.has(pfad) && v.feld.pflicht) gruende.push(`Pflichtfeld ${pfad} entfernt`);
  }
  if (!gleich(alt.prozess.gebuehr, neu.prozess.gebuehr)) gruende.push('Gebühr geändert');
  if (!gleich(alt.prozess.zustellung, neu.prozess.zustellung)) gruende.push('Zustellung geändert');
  if (!gleich(alt.prozess.datenschutz, neu.prozess.datenschutz)) gruende.push('Datenschutzhinweis geändert');
  const parameterVorher = new Map(alt.prozess.parameter.map((p) => [p.name, p]));
  const parameterNachher = new Map(neu.prozess.parameter.map((p) => [p.name, p]));
  for (const [name, p] of parameterNachher) {
    const v = parameterVorher.get(name);
    if (!v && p.pflicht) gruende.push(`Neuer Pflicht-Prozessparameter ${name}`);
    else if (v && v.typ !== p.typ) gruende.push(`Prozessparameter ${name}: Typ ${v.typ} → ${p.typ}`);
  }
  for (const [name, v] of parameterVorher) {
    if (!parameterNachher.has(name) && v.pflicht) gruende.push(`Pflicht-Prozessparameter ${name} entfernt`);
  }
  return { umfang: gruende.length > 0 ? 'gross' : 'klein', gruende };
}
