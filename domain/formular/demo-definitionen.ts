// The form+process definitions of the two demo Onlinedienste that take Anträge (seeded by db/seed.ts as version
// 1.0, certified and deployed on both stages). They hold the same fields, limits and messages the forms had when
// they were zod schemas in code, so Anträge submitted then still validate the same way.
import type { DefinitionEingabe, Feld } from './format';
import { EPAYBL_PFLICHT, STANDARD_PARAMETER, standardParameter } from './standard-parameter';

const adresse = (id: string, label: string, xml: string): Feld => ({
  id,
  typ: 'adresse',
  label,
  pflicht: true,
  ausgabe: { xml, xfall: `antrag.${id}` },
});

const fristen = STANDARD_PARAMETER.filter((p) => p.name.startsWith('frist.'));

export const anwohnerparkenDefinition: DefinitionEingabe = {
  format: 'amt24-formular/1',
  titel: 'Antrag auf einen Bewohnerparkausweis',
  abschnitte: [
    {
      id: 'fahrzeug',
      titel: 'Fahrzeug',
      felder: [
        {
          id: 'kennzeichen',
          typ: 'text',
          label: 'Kennzeichen',
          hilfe: 'Das amtliche Kennzeichen, z. B. L-AB 1234.',
          minLaenge: 1,
          maxLaenge: 12,
          grossbuchstaben: true,
          muster: '[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} ?\\d{1,4}[EH]?',
          musterHinweis: 'Kfz-Kennzeichen, z. B. L-AB 1234',
          ausgabe: { xml: 'Fahrzeug/Kennzeichen', xfall: 'antrag.kennzeichen' },
        },
        {
          id: 'halter',
          typ: 'auswahl',
          label: 'Halter',
          optionen: [
            { wert: 'selbst', label: 'Ich selbst' },
            { wert: 'arbeitgeber', label: 'Mein Arbeitgeber (Dienstwagen)' },
            { wert: 'leasing', label: 'Leasinggesellschaft' },
          ],
          ausgabe: { xml: 'Fahrzeug/Halter', xfall: 'antrag.halter' },
        },
      ],
    },
    {
      id: 'wohnsitz',
      titel: 'Wohnsitz',
      felder: [
        adresse('wohnadresse', 'Wohnadresse', 'Wohnsitz/Adresse'),
        {
          id: 'zone',
          typ: 'text',
          label: 'Bewohnerparkzone',
          muster: '[A-Z]\\d{1,2}',
          musterHinweis: 'Bewohnerparkzone, z. B. A3',
          ausgabe: { xml: 'Wohnsitz/Zone', xfall: 'antrag.zone' },
        },
      ],
    },
    {
      id: 'ausweis',
      titel: 'Ausweis',
      felder: [
        {
          id: 'gueltigAb',
          typ: 'datum',
          label: 'Gültig ab',
          ausgabe: { xml: 'Ausweis/GueltigAb', xfall: 'antrag.gueltigAb' },
        },
        {
          id: 'bemerkung',
          typ: 'text',
          label: 'Bemerkung',
          pflicht: false,
          mehrzeilig: true,
          maxLaenge: 2000,
          ausgabe: { xml: 'Ausweis/Bemerkung', xfall: 'antrag.bemerkung' },
        },
      ],
    },
  ],
  prozess: {
    datenschutz: {
      text:
        'Ihre Angaben werden zur Erteilung des Bewohnerparkausweises verarbeitet (Art. 6 Abs. 1 lit. e DSGVO ' +
        'i. V. m. § 45 Abs. 1b StVO) und nach Ablauf der Aufbewahrungsfrist gelöscht.',
      verantwortlicher: 'Die zuständige Straßenverkehrsbehörde Ihrer Kommune',
    },
    gebuehr: { art: 'pauschal', parameter: 'gebuehr.betragCent' },
    zustellung: { modus: 'transfer-plain', ausgabeformat: 'xml' },
    fristen: { zahlungAbbruch: '14d', widerspruch: '30d' },
    nachforderung: { erlaubt: true, frist: '14d' },
    parameter: [
      standardParameter('gebuehr.betragCent', { pflicht: true }),
      ...EPAYBL_PFLICHT.map((name) => standardParameter(name, { pflicht: true })),
      standardParameter('epaybl.objektnummer'),
      standardParameter('epaybl.kennzeichenMahnverfahren'),
      standardParameter('epaybl.fristTage'),
      standardParameter('epaybl.passwort'),
      standardParameter('zustellung.modus'),
      standardParameter('zustellung.verzeichnis'),
      standardParameter('fitconnect.destinationId'),
      standardParameter('fitconnect.schemaUri'),
      standardParameter('fitconnect.leistungId'),
      ...fristen,
    ],
  },
};

export const hundesteuerDefinition: DefinitionEingabe = {
  format: 'amt24-formular/1',
  titel: 'Anmeldung zur Hundesteuer',
  abschnitte: [
    {
      id: 'hund',
      titel: 'Hund',
      felder: [
        {
          id: 'hund',
          typ: 'gruppe',
          label: 'Hund',
          felder: [
            { id: 'name', typ: 'text', label: 'Name', minLaenge: 1, maxLaenge: 60, ausgabe: { xfall: 'hund.name' } },
            { id: 'rasse', typ: 'text', label: 'Rasse', minLaenge: 2, maxLaenge: 80, ausgabe: { xfall: 'hund.rasse' } },
            { id: 'geboren', typ: 'datum', label: 'Geboren am', ausgabe: { xfall: 'hund.geboren' } },
            {
              id: 'chipnummer',
              typ: 'text',
              label: 'Chipnummer',
              hilfe: 'Die 15-stellige Nummer des Transponders.',
              muster: '\\d{15}',
              musterHinweis: 'Transponder-Nummer mit 15 Ziffern',
              ausgabe: { xfall: 'hund.chipnummer' },
            },
          ],
        },
        { id: 'gefaehrlich', typ: 'janein', label: 'Gefährlicher Hund', ausgabe: { xfall: 'hund.gefaehrlich' } },
      ],
    },
    {
      id: 'halter',
      titel: 'Halter',
      felder: [
        adresse('anschrift', 'Anschrift', 'Halter/Anschrift'),
        { id: 'haltungSeit', typ: 'datum', label: 'Haltung seit', ausgabe: { xfall: 'antrag.haltungSeit' } },
      ],
    },
  ],
  prozess: {
    datenschutz: {
      text:
        'Ihre Angaben werden zur Festsetzung der Hundesteuer verarbeitet (Art. 6 Abs. 1 lit. e DSGVO i. V. m. ' +
        'der Hundesteuersatzung Ihrer Kommune) und an die Steuerverwaltung übermittelt.',
      verantwortlicher: 'Die Steuerverwaltung Ihrer Kommune',
    },
    gebuehr: { art: 'keine' },
    zustellung: { modus: 'fitconnect', ausgabeformat: 'xfall' },
    fristen: { widerspruch: '30d' },
    nachforderung: { erlaubt: true },
    parameter: [
      standardParameter('zustellung.modus', { default: 'fitconnect' }),
      standardParameter('zustellung.verzeichnis'),
      standardParameter('fitconnect.destinationId', { pflicht: true }),
      standardParameter('fitconnect.schemaUri'),
      standardParameter('fitconnect.leistungId'),
      ...fristen,
    ],
  },
};

export const DEMO_DEFINITIONEN: { onlinedienstId: string; version: string; definition: DefinitionEingabe }[] = [
  { onlinedienstId: 'anwohnerparken', version: '1.0', definition: anwohnerparkenDefinition },
  { onlinedienstId: 'hundesteuer', version: '1.0', definition: hundesteuerDefinition },
];
