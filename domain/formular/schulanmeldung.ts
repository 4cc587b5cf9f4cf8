// The seeds' "Digitale Schulanmeldung" (shared/seeds/003): the parents name the child, the Schulbezirk and up to
// two Wunschschulen. The first Wunschschule is the school that receives the Antrag, so the receiving authority is
// an answer of each Antrag (`prozess.empfaenger`), not a setting of the activation: each school is an
// Organisationseinheit of the Mandant with its own Transferverzeichnis. Built as a Blaupause: no fee, JSON shaped
// by the fields' mappings.
import type { DefinitionEingabe } from './format';
import { standardParameter } from './standard-parameter';

export const SCHULEN = [
  { wert: 'gs-leipzig-nord', label: 'Grundschule Leipzig-Nord' },
  { wert: 'gs-leipzig-mitte', label: 'Grundschule am Markt, Leipzig-Mitte' },
  { wert: 'gs-leipzig-sued', label: 'Grundschule Connewitz, Leipzig-Süd' },
];

/** Where the school's Fachverfahren finds an answer in the delivered JSON. */
const json = (pfad: string) => ({ json: pfad });

export const schulanmeldungDefinition: DefinitionEingabe = {
  format: 'amt24-formular/1',
  titel: 'Digitale Schulanmeldung',
  beschreibung:
    'Anmeldung zur Grundschule: Kind, Schulbezirk und bis zu zwei Wunschschulen. Die erste Wunschschule erhält die ' +
    'Anmeldung.',
  abschnitte: [
    {
      id: 'kind',
      titel: 'Kind',
      felder: [
        {
          id: 'vorname',
          typ: 'text',
          label: 'Vorname des Kindes',
          minLaenge: 1,
          maxLaenge: 80,
          ausgabe: json('kind.vorname'),
        },
        {
          id: 'nachname',
          typ: 'text',
          label: 'Nachname des Kindes',
          minLaenge: 1,
          maxLaenge: 80,
          ausgabe: json('kind.nachname'),
        },
        {
          id: 'geburtsdatum',
          typ: 'datum',
          label: 'Geburtsdatum',
          min: '2015-01-01',
          ausgabe: json('kind.geburtsdatum'),
        },
        { id: 'anschrift', typ: 'adresse', label: 'Anschrift des Kindes', ausgabe: json('kind.anschrift') },
      ],
    },
    {
      id: 'schule',
      titel: 'Schule',
      felder: [
        {
          id: 'schulbezirk',
          typ: 'auswahl',
          label: 'Schulbezirk',
          hilfe: 'Der Bezirk, in dem das Kind wohnt; er bestimmt die zuständige Grundschule.',
          ausgabe: json('schule.bezirk'),
          optionen: [
            { wert: 'nord', label: 'Leipzig-Nord' },
            { wert: 'mitte', label: 'Leipzig-Mitte' },
            { wert: 'sued', label: 'Leipzig-Süd' },
          ],
        },
        {
          id: 'wunschschule1',
          typ: 'auswahl',
          label: 'Erste Wunschschule',
          hilfe: 'Diese Schule erhält die Anmeldung und entscheidet über die Aufnahme.',
          optionen: SCHULEN,
          ausgabe: json('schule.erstwunsch'),
        },
        {
          id: 'wunschschule2',
          typ: 'auswahl',
          label: 'Zweite Wunschschule',
          pflicht: false,
          optionen: SCHULEN,
          ausgabe: json('schule.zweitwunsch'),
          bedingung: { wirkung: 'anzeigen', wenn: { feld: 'wunschschule1', ausgefuellt: true } },
        },
        {
          id: 'begruendung',
          typ: 'text',
          label: 'Begründung für eine Schule außerhalb des Bezirks',
          pflicht: false,
          maxLaenge: 2000,
          mehrzeilig: true,
          ausgabe: json('schule.begruendung'),
        },
      ],
    },
    {
      id: 'sorgeberechtigte',
      titel: 'Sorgeberechtigte',
      felder: [
        {
          id: 'name',
          typ: 'text',
          label: 'Name der/des Sorgeberechtigten',
          minLaenge: 2,
          maxLaenge: 120,
          ausgabe: json('sorgeberechtigte.name'),
        },
        { id: 'email', typ: 'email', label: 'E-Mail-Adresse', ausgabe: json('sorgeberechtigte.email') },
      ],
    },
  ],
  prozess: {
    datenschutz: {
      text:
        'Ihre Angaben werden zur Aufnahme Ihres Kindes in die Grundschule verarbeitet (§ 4 SächsSchulG) und an die ' +
        'gewählte Schule übermittelt.',
      verantwortlicher: 'Die Schulleitung der ersten Wunschschule',
    },
    gebuehr: { art: 'keine' },
    zustellung: { modus: 'transfer-plain', ausgabeformat: 'json' },
    // The first Wunschschule receives the Anmeldung: its option values are the schools' OE ids.
    empfaenger: { art: 'antwort', feld: 'wunschschule1' },
    fristen: {},
    nachforderung: { erlaubt: true },
    parameter: [standardParameter('zustellung.modus'), standardParameter('zustellung.verzeichnis', { pflicht: true })],
  },
};

/** A valid Antrag for it (demo story, tests, README): the data are flat, by field id. */
export const SCHULANMELDUNG_BEISPIEL = {
  vorname: 'Mia',
  nachname: 'Bürger',
  geburtsdatum: '2020-08-14',
  anschrift: { strasse: 'Markt', hausnummer: '1', plz: '04109', ort: 'Leipzig' },
  schulbezirk: 'mitte',
  wunschschule1: 'gs-leipzig-mitte',
  wunschschule2: 'gs-leipzig-nord',
  name: 'Anna Bürger',
  email: 'anna@example.org',
};
