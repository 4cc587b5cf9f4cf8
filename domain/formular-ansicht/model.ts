// What a citizen's form page needs to know of a form definition: sections (one per page), fields with German
// labels and help, required or not, limits, options, conditions, uploads. Every definition format is read into
// this one view (adapters beside it), so the pages, the per-step checks and the preview render any of them alike.

export type FeldArt =
  'text' | 'zahl' | 'betrag' | 'datum' | 'auswahl' | 'janein' | 'adresse' | 'email' | 'iban' | 'datei' | 'gruppe';

export type Wert = string | number | boolean;

/**
 * A condition on other answers, in the definition format's shape: `feld` is a dotted path from the root of the
 * data; inside a repeatable group, a path into the same group means the same entry.
 */
export type Ausdruck =
  | { feld: string; gleich: Wert }
  | { feld: string; ungleich: Wert }
  | { feld: string; einsVon: Wert[] }
  | { feld: string; ausgefuellt: boolean }
  | { alle: Ausdruck[] }
  | { eine: Ausdruck[] }
  | { nicht: Ausdruck };

export interface Option {
  wert: string;
  label: string;
}

export interface FeldAnsicht {
  /** the key inside its parent (the data path is the parents' keys and this one, joined by dots) */
  key: string;
  art: FeldArt;
  label: string;
  hilfe?: string;
  pflicht: boolean;
  /** required while this holds (besides `pflicht`) */
  pflichtWenn?: Ausdruck;
  /** shown, and its answer kept, only while this holds */
  sichtbarWenn?: Ausdruck;
  optionen?: Option[];
  /** zahl/betrag: bounds (betrag in euro); datum: as JJJJ-MM-TT */
  min?: number | string;
  max?: number | string;
  ganzzahl?: boolean;
  einheit?: string;
  mehrzeilig?: boolean;
  grossbuchstaben?: boolean;
  /** auswahl: several options, the answer a list */
  mehrfach?: boolean;
  minAuswahl?: number;
  maxAuswahl?: number;
  /** janein: only "ja" is accepted (a consent) */
  mussJa?: boolean;
  minLaenge?: number;
  maxLaenge?: number;
  /** a regular expression the whole answer must match, and how to say what it wants */
  muster?: string;
  musterHinweis?: string;
  /** HTML autocomplete token (name, email, street-address, postal-code, …) */
  autocomplete?: string;
  /** datei: media types allowed, largest file in bytes, how many files */
  dateitypen?: string[];
  maxBytes?: number;
  maxDateien?: number;
  /** gruppe: its fields; with `wiederholbar` a list of such entries */
  felder?: FeldAnsicht[];
  wiederholbar?: { min: number; max: number };
}

export interface AbschnittAnsicht {
  id: string;
  titel: string;
  hilfe?: string;
  sichtbarWenn?: Ausdruck;
  /** every field of the section is required while this holds */
  pflichtWenn?: Ausdruck;
  felder: FeldAnsicht[];
}

export interface FormularAnsicht {
  onlinedienstId: string;
  version: string;
  titel: string;
  /** the process's data protection statement, shown before the first step */
  datenschutz?: { text: string; verantwortlicher?: string; url?: string };
  beschreibung?: string;
  abschnitte: AbschnittAnsicht[];
}

/** An uploaded file kept with a draft; the answer of its datei field names it by `dateiname`. */
export interface EntwurfDatei {
  /** the data path of the datei field */
  feld: string;
  dateiname: string;
  medientyp: string;
  groesse: number;
  inhaltBase64: string;
}
