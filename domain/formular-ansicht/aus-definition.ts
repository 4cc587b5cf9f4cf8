// A stored definition (format amt24-formular/1, domain/formular/format.ts) as the view the form pages render.
import { DATEITYPEN, type Abschnitt, type Bedingung, type Definition, type Feld } from '../formular/format';
import type { AbschnittAnsicht, Ausdruck, FeldAnsicht, FormularAnsicht } from './model';

function bedingungen(b: Bedingung | undefined): { sichtbarWenn?: Ausdruck; pflichtWenn?: Ausdruck } {
  if (!b) return {};
  return b.wirkung === 'anzeigen' ? { sichtbarWenn: b.wenn } : { pflichtWenn: b.wenn };
}

function feldAnsicht(f: Feld): FeldAnsicht {
  const basis = {
    key: f.id,
    label: f.label ?? f.id,
    ...(f.hilfe ? { hilfe: f.hilfe } : {}),
    pflicht: f.pflicht,
    ...bedingungen(f.bedingung),
  };
  switch (f.typ) {
    case 'text':
      return {
        ...basis,
        art: 'text',
        minLaenge: f.minLaenge,
        maxLaenge: f.maxLaenge,
        muster: f.muster,
        musterHinweis: f.musterHinweis,
        mehrzeilig: f.mehrzeilig,
        grossbuchstaben: f.grossbuchstaben,
      };
    case 'zahl':
      return { ...basis, art: 'zahl', min: f.min, max: f.max, ganzzahl: f.ganzzahl, einheit: f.einheit };
    case 'betrag':
      return { ...basis, art: 'betrag', min: f.min, max: f.max };
    case 'datum':
      return { ...basis, art: 'datum', min: f.min, max: f.max };
    case 'auswahl':
      return {
        ...basis,
        art: 'auswahl',
        optionen: f.optionen,
        mehrfach: f.mehrfach,
        minAuswahl: f.minAuswahl,
        maxAuswahl: f.maxAuswahl,
      };
    case 'janein':
      return { ...basis, art: 'janein', mussJa: f.mussJa };
    case 'adresse':
      return { ...basis, art: 'adresse' };
    case 'email':
      return { ...basis, art: 'email', autocomplete: 'email' };
    case 'iban':
      return { ...basis, art: 'iban' };
    case 'datei':
      return {
        ...basis,
        art: 'datei',
        dateitypen: f.erlaubteTypen ?? [...DATEITYPEN],
        maxBytes: f.maxBytes,
        maxDateien: f.maxAnzahl,
      };
    case 'gruppe':
      return {
        ...basis,
        art: 'gruppe',
        felder: f.felder.map(feldAnsicht),
        ...(f.wiederholbar ? { wiederholbar: f.wiederholbar } : {}),
      };
  }
}

function abschnittAnsicht(a: Abschnitt): AbschnittAnsicht {
  return {
    id: a.id,
    titel: a.titel,
    ...(a.hilfe ? { hilfe: a.hilfe } : {}),
    ...bedingungen(a.bedingung),
    felder: a.felder.map(feldAnsicht),
  };
}

export function ansichtAus(onlinedienstId: string, version: string, d: Definition): FormularAnsicht {
  return {
    onlinedienstId,
    version,
    titel: d.titel,
    ...(d.beschreibung ? { beschreibung: d.beschreibung } : {}),
    ...(d.prozess.datenschutz ? { datenschutz: d.prozess.datenschutz } : {}),
    abschnitte: d.abschnitte.map(abschnittAnsicht),
  };
}
