// A small definition the formular unit tests vary: one section with a yes/no question, a field it shows, an upload
// it makes required, a repeatable group, and a process with a fee and its ePayBL parameters.
import type { DefinitionEingabe, Feld } from '../../domain/formular/format';
import { EPAYBL_PFLICHT, standardParameter } from '../../domain/formular/standard-parameter';

export function beispiel(): DefinitionEingabe {
  const felder: Feld[] = [
    { id: 'name', typ: 'text', label: 'Name', pflicht: true, minLaenge: 2, maxLaenge: 80 },
    { id: 'gefaehrlich', typ: 'janein', label: 'Gefährlicher Hund', pflicht: true },
    {
      id: 'vorfall',
      typ: 'text',
      label: 'Vorfall',
      pflicht: true,
      bedingung: { wirkung: 'anzeigen', wenn: { feld: 'gefaehrlich', gleich: true } },
    },
    {
      id: 'wesenstest',
      typ: 'datei',
      label: 'Wesenstest',
      pflicht: false,
      erlaubteTypen: ['application/pdf'],
      maxBytes: 1000,
      maxAnzahl: 1,
      bedingung: { wirkung: 'pflicht', wenn: { feld: 'gefaehrlich', gleich: true } },
    },
    {
      id: 'kinder',
      typ: 'gruppe',
      label: 'Kinder im Haushalt',
      pflicht: false,
      wiederholbar: { min: 0, max: 3 },
      felder: [
        { id: 'vorname', typ: 'text', label: 'Vorname', pflicht: true },
        { id: 'alter', typ: 'zahl', label: 'Alter', pflicht: true, ganzzahl: true, min: 0, max: 17 },
        {
          id: 'schule',
          typ: 'text',
          label: 'Schule',
          pflicht: true,
          bedingung: { wirkung: 'anzeigen', wenn: { feld: 'kinder.alter', einsVon: [6, 7, 8, 9, 10] } },
        },
      ],
    },
    { id: 'iban', typ: 'iban', label: 'IBAN', pflicht: false },
    {
      id: 'zahlart',
      typ: 'auswahl',
      label: 'Zahlart',
      pflicht: true,
      optionen: [
        { wert: 'lastschrift', label: 'Lastschrift' },
        { wert: 'ueberweisung', label: 'Überweisung' },
      ],
    },
  ];
  return {
    format: 'amt24-formular/1',
    titel: 'Beispiel',
    abschnitte: [{ id: 'a', titel: 'Angaben', felder }],
    prozess: {
      datenschutz: { text: 'Ihre Angaben werden zur Bearbeitung verarbeitet.' },
      gebuehr: { art: 'pauschal', parameter: 'gebuehr.betragCent' },
      zustellung: { modus: 'transfer-plain', ausgabeformat: 'json' },
      nachforderung: { erlaubt: true },
      parameter: [
        standardParameter('gebuehr.betragCent', { pflicht: true }),
        ...EPAYBL_PFLICHT.map((n) => standardParameter(n, { pflicht: true })),
      ],
    },
  };
}
