// The form and process definition a Prozessmodellierer builds, as data (docs/formular-format.md). One version of an
// Onlinedienst is one such document; its content hash (sha-256 of its canonical JSON) identifies it, so the
// certification, the stages and every Antrag name exactly what they saw. Changes to this format are additive only:
// stored versions and the citizen's web form rely on every field keeping its meaning.
import { z } from 'zod';
import { DAUER } from '../dauer';

export const FORMAT = 'amt24-formular/1';

/** A field's key in the Antrag's data: letters, digits, underscore; it starts with a letter. */
const feldId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'Buchstaben, Ziffern, _; beginnt mit einem Buchstaben.');
const text = (max: number) => z.string().trim().max(max);
const dauer = z.string().regex(DAUER, 'Dauer wie 90d, 4h, 30m, 10s');
const isoDatum = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Datum im Format JJJJ-MM-TT.');

/** A value an answer is compared with. */
export const wertSchema = z.union([z.string().max(500), z.number(), z.boolean()]);
export type Wert = z.infer<typeof wertSchema>;

/**
 * A condition on other answers. `feld` is the dotted path of another field from the root of the data
 * (`hund.gefaehrlich`); inside a repeatable group, a path into the same group means the same entry.
 */
export type Ausdruck =
  | { feld: string; gleich: Wert }
  | { feld: string; ungleich: Wert }
  | { feld: string; einsVon: Wert[] }
  | { feld: string; ausgefuellt: boolean }
  | { alle: Ausdruck[] }
  | { eine: Ausdruck[] }
  | { nicht: Ausdruck };

const feldPfad = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/, 'Feldpfad wie hund.name.');

export const ausdruckSchema: z.ZodType<Ausdruck> = z.lazy(() =>
  z.union([
    z.strictObject({ feld: feldPfad, gleich: wertSchema }),
    z.strictObject({ feld: feldPfad, ungleich: wertSchema }),
    z.strictObject({ feld: feldPfad, einsVon: z.array(wertSchema).min(1).max(100) }),
    z.strictObject({ feld: feldPfad, ausgefuellt: z.boolean() }),
    z.strictObject({ alle: z.array(ausdruckSchema).min(1).max(20) }),
    z.strictObject({ eine: z.array(ausdruckSchema).min(1).max(20) }),
    z.strictObject({ nicht: ausdruckSchema }),
  ]),
);

/**
 * `anzeigen`: the field (section) is shown, and its answer kept, only while `wenn` holds; otherwise its answer is
 * dropped. `pflicht`: the field (every field of the section) is required while `wenn` holds.
 */
export const bedingungSchema = z.strictObject({
  wirkung: z.enum(['anzeigen', 'pflicht']),
  wenn: ausdruckSchema,
});
export type Bedingung = z.infer<typeof bedingungSchema>;

/**
 * Where the answer goes in each output format. `json`: a dotted path in the delivered JSON (default: the field's
 * own path); `xml`: an element path below the root, e.g. `Fahrzeug/Kennzeichen`; `xfall`: the xFall data field id.
 * Inside a group, paths are relative to the group's own target.
 */
export const ausgabeSchema = z.strictObject({
  json: z.string().min(1).max(200).optional(),
  xml: z
    .string()
    .regex(/^[A-Za-z_][\w.-]*(\/[A-Za-z_][\w.-]*)*$/, 'Elementpfad wie Fahrzeug/Kennzeichen.')
    .optional(),
  xfall: z.string().min(1).max(200).optional(),
});
export type Ausgabe = z.infer<typeof ausgabeSchema>;

const feldBasis = {
  id: feldId,
  /** The label the citizen reads (German). A draft may lack it; the certification refuses that. */
  label: text(200).optional(),
  hilfe: text(2000).optional(),
  /** Required unless said otherwise. */
  pflicht: z.boolean().default(true),
  bedingung: bedingungSchema.optional(),
  ausgabe: ausgabeSchema.optional(),
};

/** The most one attachment may have, whatever a field allows (the submission refuses more). */
export const ANLAGE_HOECHSTBYTES = 10 * 1024 * 1024;

/** Media types an upload may allow: those the service recognises by content. */
export const DATEITYPEN = ['application/pdf', 'image/png', 'image/jpeg'] as const;

const textFeld = z.strictObject({
  ...feldBasis,
  typ: z.literal('text'),
  minLaenge: z.number().int().min(0).optional(),
  maxLaenge: z.number().int().min(1).max(100_000).optional(),
  /** A regular expression (JavaScript syntax, anchored automatically) the answer must match. */
  muster: z.string().min(1).max(500).optional(),
  /** The message shown when `muster` does not match, e.g. "Kfz-Kennzeichen, z. B. L-AB 1234". */
  musterHinweis: text(200).optional(),
  mehrzeilig: z.boolean().optional(),
  /** The answer is stored in capitals (Kennzeichen). */
  grossbuchstaben: z.boolean().optional(),
});
const zahlFeld = z.strictObject({
  ...feldBasis,
  typ: z.literal('zahl'),
  min: z.number().optional(),
  max: z.number().optional(),
  ganzzahl: z.boolean().optional(),
  einheit: text(20).optional(),
});
/** An amount in euro with at most two decimals (30.5 = 30,50 €). */
const betragFeld = z.strictObject({
  ...feldBasis,
  typ: z.literal('betrag'),
  min: z.number().optional(),
  max: z.number().optional(),
});
const datumFeld = z.strictObject({
  ...feldBasis,
  typ: z.literal('datum'),
  min: isoDatum.optional(),
  max: isoDatum.optional(),
});
const auswahlFeld = z.strictObject({
  ...feldBasis,
  typ: z.literal('auswahl'),
  optionen: z.array(z.strictObject({ wert: z.string().min(1).max(100), label: text(200) })).max(500),
  /** Several options may be chosen; the answer is then a list. */
  mehrfach: z.boolean().optional(),
  minAuswahl: z.number().int().min(0).optional(),
  maxAuswahl: z.number().int().min(1).optional(),
});
const janeinFeld = z.strictObject({
  ...feldBasis,
  typ: z.literal('janein'),
  /** Only "ja" is accepted (a consent). */
  mussJa: z.boolean().optional(),
});
/** Straße, Hausnummer, PLZ (5 digits) and Ort, as one answer. */
const adresseFeld = z.strictObject({ ...feldBasis, typ: z.literal('adresse') });
const emailFeld = z.strictObject({ ...feldBasis, typ: z.literal('email') });
/** Stored without spaces, in capitals; the check digits are verified. */
const ibanFeld = z.strictObject({ ...feldBasis, typ: z.literal('iban') });
/** The answer names uploaded attachments by their file name (one, or a list when maxAnzahl > 1). */
const dateiFeld = z.strictObject({
  ...feldBasis,
  typ: z.literal('datei'),
  erlaubteTypen: z.array(z.enum(DATEITYPEN)).optional(),
  maxBytes: z.number().int().min(1).optional(),
  maxAnzahl: z.number().int().min(1).max(10).default(1),
});

export type Feld =
  | z.infer<typeof textFeld>
  | z.infer<typeof zahlFeld>
  | z.infer<typeof betragFeld>
  | z.infer<typeof datumFeld>
  | z.infer<typeof auswahlFeld>
  | z.infer<typeof janeinFeld>
  | z.infer<typeof adresseFeld>
  | z.infer<typeof emailFeld>
  | z.infer<typeof ibanFeld>
  | z.infer<typeof dateiFeld>
  | GruppeFeld;

/** Fields that belong together (an object in the data); `wiederholbar` makes it a list of such objects. */
export interface GruppeFeld {
  id: string;
  label?: string;
  hilfe?: string;
  pflicht: boolean;
  bedingung?: Bedingung;
  ausgabe?: Ausgabe;
  typ: 'gruppe';
  felder: Feld[];
  wiederholbar?: { min: number; max: number };
}
export type FeldTyp = Feld['typ'];

export const feldSchema: z.ZodType<Feld, unknown> = z.lazy(() =>
  z.discriminatedUnion('typ', [
    textFeld,
    zahlFeld,
    betragFeld,
    datumFeld,
    auswahlFeld,
    janeinFeld,
    adresseFeld,
    emailFeld,
    ibanFeld,
    dateiFeld,
    z.strictObject({
      ...feldBasis,
      typ: z.literal('gruppe'),
      felder: z.array(feldSchema).min(1).max(200),
      wiederholbar: z
        .strictObject({ min: z.number().int().min(0).default(0), max: z.number().int().min(1).max(100) })
        .optional(),
    }),
  ]),
) as z.ZodType<Feld, unknown>;

export const abschnittSchema = z.strictObject({
  id: feldId,
  titel: text(200),
  hilfe: text(2000).optional(),
  bedingung: bedingungSchema.optional(),
  felder: z.array(feldSchema).max(500),
});
export type Abschnitt = z.infer<typeof abschnittSchema>;

/** A Prozessparameter the process declares; the Mandant-Admin sets it per activation. Values travel as text. */
export const parameterDeklarationSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'Buchstaben, Ziffern, _ . -; beginnt mit einem Buchstaben.'),
  typ: z.enum(['text', 'ganzzahl', 'zahl', 'janein', 'dauer', 'auswahl', 'email', 'url']),
  beschreibung: text(500).optional(),
  default: wertSchema.optional(),
  /** The activation cannot go live without it (a gate finding names it). */
  pflicht: z.boolean().default(false),
  /** Stored encrypted and never shown again (passwords, keys). */
  geschuetzt: z.boolean().default(false),
  min: z.number().optional(),
  max: z.number().optional(),
  maxLaenge: z.number().int().min(1).max(4000).optional(),
  optionen: z.array(z.string().min(1).max(100)).max(100).optional(),
});
export type ParameterDeklaration = z.infer<typeof parameterDeklarationSchema>;

export const prozessSchema = z.strictObject({
  /**
   * The process's data protection statement, shown before the citizen starts (Art. 13 DSGVO). A draft may lack
   * it; the certification refuses that.
   */
  datenschutz: z
    .strictObject({
      text: text(20_000),
      verantwortlicher: text(500).optional(),
      url: z.url().optional(),
    })
    .optional(),
  /**
   * `keine`: no fee. `pauschal`: the amount in cent is the Prozessparameter `parameter` (gebuehr.betragCent).
   * `jeEinheit`: that amount times the number answered in `feld`.
   */
  gebuehr: z.discriminatedUnion('art', [
    z.strictObject({ art: z.literal('keine') }),
    z.strictObject({ art: z.literal('pauschal'), parameter: z.string().default('gebuehr.betragCent') }),
    z.strictObject({
      art: z.literal('jeEinheit'),
      parameter: z.string().default('gebuehr.betragCent'),
      feld: feldPfad,
    }),
  ]),
  zustellung: z.strictObject({
    modus: z.enum(['transfer-plain', 'transfer-xfall', 'fitconnect']),
    ausgabeformat: z.enum(['json', 'xml', 'xfall']),
  }),
  /**
   * Who receives the Antrag. Absent: the activation's Organisationseinheit and its Transferverzeichnis or FIT-Connect
   * destination (Prozessparameter). `antwort`: the Organisationseinheit the answer in `feld` names — a single-choice
   * field whose option values are OE ids of the Mandant (the chosen school of a Schulanmeldung); delivery goes to
   * that OE's own channel, and an unknown or unconfigured OE is a Störung for the Mandant.
   */
  empfaenger: z.strictObject({ art: z.literal('antwort'), feld: feldPfad }).optional(),
  /** The process's default durations by name (zahlungAbbruch, widerspruch, …); `frist.<name>` overrides them. */
  fristen: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), dauer).default({}),
  nachforderung: z.strictObject({ erlaubt: z.boolean(), frist: dauer.optional() }),
  parameter: z.array(parameterDeklarationSchema).max(200).default([]),
});
export type ProzessDefinition = z.infer<typeof prozessSchema>;

export const definitionSchema = z.strictObject({
  format: z.literal(FORMAT),
  titel: text(200).min(1),
  beschreibung: text(5000).optional(),
  abschnitte: z.array(abschnittSchema).min(1).max(100),
  prozess: prozessSchema,
});
/** A form+process definition as stored (defaults filled in). */
export type Definition = z.infer<typeof definitionSchema>;
/** As written by the modeller (defaults may be left out). */
export type DefinitionEingabe = z.input<typeof definitionSchema>;
