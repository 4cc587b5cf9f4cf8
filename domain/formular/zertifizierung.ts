// The automatic certification of a form+process version (the Blaupause's "automatische Formularzertifizierung"):
// every rule runs, every finding names its JSON pointer, and the result is bound to the content hash it was taken
// of. It judges what the format allows a draft to leave open (labels, options, uploads, mappings, …).
import { bedingungen, baueBaum, gelesenePfade, wiederholungen, type FeldKnoten } from './baum';
import type { Befund } from './befund';
import { ANLAGE_HOECHSTBYTES, type Definition, type Feld } from './format';
import { parameterWertFehler, wertAlsText } from './parameter';
import { EPAYBL_PFLICHT } from './standard-parameter';

/** Bumped when a rule is added or changed, so evidence says which rules judged it. */
export const REGELWERK = 'zertifizierung/2';

export interface Zertifizierungsergebnis {
  regelwerk: string;
  bestanden: boolean;
  befunde: Befund[];
}

const leer = (s: string | undefined) => s === undefined || s.trim() === '';

function felderRegeln(f: Feld, zeiger: string, add: (pfad: string, regel: string, meldung: string) => void) {
  if (leer(f.label)) add(`${zeiger}/label`, 'label', `Feld „${f.id}“ hat keine Beschriftung.`);
  const bereich = (min: number | string | undefined, max: number | string | undefined, was: string) => {
    if (min !== undefined && max !== undefined && min > max)
      add(zeiger, 'grenzen', `${was}: Minimum größer als Maximum.`);
  };
  switch (f.typ) {
    case 'text':
      bereich(f.minLaenge, f.maxLaenge, 'Länge');
      break;
    case 'zahl':
    case 'betrag':
      bereich(f.min, f.max, 'Wert');
      break;
    case 'datum':
      bereich(f.min, f.max, 'Datum');
      break;
    case 'auswahl': {
      if (f.optionen.length === 0) add(`${zeiger}/optionen`, 'optionen', `Auswahlfeld „${f.id}“ hat keine Optionen.`);
      const werte = f.optionen.map((o) => o.wert);
      if (new Set(werte).size !== werte.length) add(`${zeiger}/optionen`, 'optionen', 'Optionswerte doppelt.');
      f.optionen.forEach((o, i) => {
        if (leer(o.label)) add(`${zeiger}/optionen/${i}/label`, 'label', `Option „${o.wert}“ hat keine Beschriftung.`);
      });
      bereich(f.minAuswahl, f.maxAuswahl, 'Anzahl der Auswahl');
      if (f.maxAuswahl !== undefined && f.maxAuswahl > f.optionen.length) {
        add(`${zeiger}/maxAuswahl`, 'grenzen', 'Mehr Auswahl erlaubt, als es Optionen gibt.');
      }
      break;
    }
    case 'datei':
      if (!f.erlaubteTypen || f.erlaubteTypen.length === 0) {
        add(`${zeiger}/erlaubteTypen`, 'upload', `Upload „${f.id}“ nennt keine erlaubten Dateitypen.`);
      }
      if (f.maxBytes === undefined) add(`${zeiger}/maxBytes`, 'upload', `Upload „${f.id}“ hat keine Größengrenze.`);
      else if (f.maxBytes > ANLAGE_HOECHSTBYTES) {
        add(`${zeiger}/maxBytes`, 'upload', `Höchstens ${ANLAGE_HOECHSTBYTES} Bytes je Anlage möglich.`);
      }
      break;
    case 'gruppe':
      if (f.wiederholbar) bereich(f.wiederholbar.min, f.wiederholbar.max, 'Anzahl der Einträge');
      break;
  }
}

function zyklen(baum: ReturnType<typeof baueBaum>, add: (pfad: string, regel: string, meldung: string) => void) {
  // An edge X → Y: whether X exists depends on Y's answer, and so on whether Y exists.
  const kanten = new Map<string, { nach: string; zeiger: string }[]>();
  for (const b of bedingungen(baum)) {
    if (b.bedingung.wirkung !== 'anzeigen') continue;
    for (const ziel of gelesenePfade(b.bedingung.wenn)) {
      for (const k of b.betrifft) {
        const list = kanten.get(k.pfad) ?? [];
        list.push({ nach: ziel, zeiger: b.zeiger });
        kanten.set(k.pfad, list);
      }
    }
  }
  const zustand = new Map<string, 'offen' | 'fertig'>();
  const gemeldet = new Set<string>();
  const stapel: { pfad: string; zeiger: string }[] = [];
  const besuche = (pfad: string) => {
    zustand.set(pfad, 'offen');
    for (const e of kanten.get(pfad) ?? []) {
      stapel.push({ pfad, zeiger: e.zeiger });
      if (zustand.get(e.nach) === 'offen') {
        const start = stapel.findIndex((s) => s.pfad === e.nach);
        const kreis = stapel.slice(start);
        const zeiger = kreis[0]!.zeiger;
        if (!gemeldet.has(zeiger)) {
          gemeldet.add(zeiger);
          const namen = [...kreis.map((s) => s.pfad), e.nach].join(' → ');
          add(zeiger, 'bedingung-zyklus', `Bedingungen bilden einen Kreis (Endlosschleife): ${namen}.`);
        }
      } else if (!zustand.has(e.nach)) besuche(e.nach);
      stapel.pop();
    }
    zustand.set(pfad, 'fertig');
  };
  for (const pfad of kanten.keys()) if (!zustand.has(pfad)) besuche(pfad);
}

export function zertifiziere(def: Definition): Zertifizierungsergebnis {
  const befunde: Befund[] = [];
  const add = (pfad: string, regel: string, meldung: string) => befunde.push({ pfad, regel, meldung });
  const baum = baueBaum(def);
  const prozess = def.prozess;

  const abschnittIds = new Set<string>();
  for (const a of baum.abschnitte) {
    if (leer(a.abschnitt.titel)) add(`${a.zeiger}/titel`, 'label', `Abschnitt „${a.abschnitt.id}“ hat keinen Titel.`);
    if (abschnittIds.has(a.abschnitt.id)) add(`${a.zeiger}/id`, 'ids', `Abschnitt „${a.abschnitt.id}“ doppelt.`);
    abschnittIds.add(a.abschnitt.id);
    if (a.felder.length === 0) add(`${a.zeiger}/felder`, 'felder', `Abschnitt „${a.abschnitt.id}“ hat keine Felder.`);
  }
  const pfade = new Set<string>();
  for (const k of baum.alle) {
    if (pfade.has(k.pfad)) add(`${k.zeiger}/id`, 'ids', `Feld „${k.pfad}“ gibt es mehrfach.`);
    pfade.add(k.pfad);
    felderRegeln(k.feld, k.zeiger, add);
  }

  for (const b of bedingungen(baum)) {
    for (const ziel of gelesenePfade(b.bedingung.wenn)) {
      const k = baum.nachPfad.get(ziel);
      // A condition on the field itself (or on one inside what it hides) is a cycle, found below.
      if (!k) add(b.zeiger, 'bedingung-ziel', `Die Bedingung verweist auf das unbekannte Feld „${ziel}“.`);
    }
  }
  zyklen(baum, add);

  if (!prozess.datenschutz || leer(prozess.datenschutz.text)) {
    add('/prozess/datenschutz', 'datenschutz', 'Die Datenschutzerklärung des Prozesses fehlt.');
  }

  const parameter = prozess.parameter;
  const namen = new Set<string>();
  parameter.forEach((p, i) => {
    const z = `/prozess/parameter/${i}`;
    if (namen.has(p.name)) add(`${z}/name`, 'parameter', `Prozessparameter „${p.name}“ doppelt deklariert.`);
    namen.add(p.name);
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) add(z, 'grenzen', 'Minimum größer als Maximum.');
    if (p.typ === 'auswahl' && !p.optionen?.length) add(`${z}/optionen`, 'optionen', `„${p.name}“ hat keine Optionen.`);
    if (p.default !== undefined) {
      const fehler = parameterWertFehler(p, wertAlsText(p.default));
      if (fehler) add(`${z}/default`, 'parameter', `Vorgabewert passt nicht zum Typ: ${fehler}`);
    }
  });
  const deklariert = (name: string) => parameter.findIndex((p) => p.name === name);

  if (prozess.gebuehr.art !== 'keine') {
    const i = deklariert(prozess.gebuehr.parameter);
    if (i < 0)
      add('/prozess/gebuehr', 'gebuehr-epaybl', `Gebühr ohne deklarierten Parameter „${prozess.gebuehr.parameter}“.`);
    else if (parameter[i]!.typ !== 'ganzzahl') {
      add(`/prozess/parameter/${i}/typ`, 'gebuehr-epaybl', 'Der Gebührenbetrag ist eine ganze Zahl (Cent).');
    }
    const fehlend = EPAYBL_PFLICHT.filter((n) => deklariert(n) < 0);
    if (fehlend.length) {
      add(
        '/prozess/gebuehr',
        'gebuehr-epaybl',
        `Gebühr ohne ePayBL-Parameter: ${fehlend.join(', ')} nicht deklariert.`,
      );
    }
    if (prozess.gebuehr.art === 'jeEinheit') {
      const k = baum.nachPfad.get(prozess.gebuehr.feld);
      if (!k || k.feld.typ !== 'zahl' || !k.feld.ganzzahl) {
        add(
          '/prozess/gebuehr/feld',
          'gebuehr-epaybl',
          `„${prozess.gebuehr.feld}“ ist kein Ganzzahlfeld des Formulars.`,
        );
      }
    }
  }
  if (prozess.zustellung.modus === 'fitconnect' && deklariert('fitconnect.destinationId') < 0) {
    add(
      '/prozess/zustellung',
      'zustellung',
      'FIT-Connect-Zustellung ohne deklarierten Parameter fitconnect.destinationId.',
    );
  }

  if (prozess.empfaenger) {
    // The recipient must be known for every Antrag: one answer, always asked, never inside a list.
    const k = baum.nachPfad.get(prozess.empfaenger.feld);
    const meldung = `„${prozess.empfaenger.feld}“ ist kein Pflicht-Auswahlfeld (eine Option, ohne Bedingung) des Formulars.`;
    if (
      !k ||
      k.feld.typ !== 'auswahl' ||
      k.feld.mehrfach ||
      !k.feld.pflicht ||
      k.feld.bedingung ||
      wiederholungen(k).length > 0
    ) {
      add('/prozess/empfaenger/feld', 'empfaenger', meldung);
    }
  }

  const format = prozess.zustellung.ausgabeformat;
  if (format !== 'json') {
    const ohne = (k: FeldKnoten) => k.feld.typ !== 'gruppe' && leer(k.feld.ausgabe?.[format]);
    for (const k of baum.alle.filter(ohne)) {
      add(`${k.zeiger}/ausgabe`, 'ausgabe', `Feld „${k.pfad}“ hat keine Zuordnung im Ausgabeformat ${format}.`);
    }
  }

  return { regelwerk: REGELWERK, bestanden: befunde.length === 0, befunde };
}
