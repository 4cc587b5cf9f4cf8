// The form view's pure rules: posted strings into typed answers, per-field checks with German messages, conditions
// (also inside repeatable groups), and answers a condition hides dropped before sending.
import { describe, expect, it } from 'vitest';
import type { AbschnittAnsicht, FormularAnsicht } from '../../domain/formular-ansicht/model';
import { euroAus, pruefe, uebernimm } from '../../domain/formular-ansicht/pruefung';
import { bereinige, erfuellt } from '../../domain/formular-ansicht/werte';

const abschnitt: AbschnittAnsicht = {
  id: 'a',
  titel: 'A',
  felder: [
    { key: 'betrag', art: 'betrag', label: 'Betrag', pflicht: true, max: 1000 },
    { key: 'iban', art: 'iban', label: 'IBAN', pflicht: false },
    { key: 'hund', art: 'janein', label: 'Hund', pflicht: true },
    {
      key: 'kinder',
      art: 'gruppe',
      label: 'Kinder',
      pflicht: true,
      wiederholbar: { min: 1, max: 3 },
      felder: [
        { key: 'name', art: 'text', label: 'Name', pflicht: true },
        {
          key: 'schule',
          art: 'text',
          label: 'Schule',
          pflicht: true,
          sichtbarWenn: { feld: 'kinder.schulkind', gleich: true },
        },
        { key: 'schulkind', art: 'janein', label: 'Schulkind', pflicht: true },
      ],
    },
    { key: 'rasse', art: 'text', label: 'Rasse', pflicht: true, sichtbarWenn: { feld: 'hund', gleich: true } },
  ],
};
const formular: FormularAnsicht = { onlinedienstId: 'x', version: '1.0', titel: 'X', abschnitte: [abschnitt] };

describe('form view', () => {
  it('reads amounts in German notation as euro', () => {
    expect(euroAus('30,50')).toBe(30.5);
    expect(euroAus('1.234,5')).toBe(1234.5);
    expect(euroAus('30.5')).toBe(30.5);
    expect(euroAus('drei')).toBeUndefined();
  });

  it('types the posted strings and names every problem by its data path', () => {
    const daten: Record<string, unknown> = {};
    uebernimm(abschnitt, daten, {
      betrag: '2.000,00',
      iban: 'DE02 1203 0000 0000 2020 50',
      hund: 'ja',
      'kinder.#': '2',
      'kinder.0.name': 'Ida',
      'kinder.0.schulkind': 'nein',
      'kinder.1.schulkind': 'ja',
    });
    expect(daten).toMatchObject({ betrag: 2000, iban: 'DE02120300000000202050', hund: true });
    expect(pruefe(abschnitt, daten)).toEqual({
      betrag: 'Höchstens 1.000.',
      iban: 'Bitte eine gültige IBAN angeben, z. B. DE02 1203 0000 0000 2020 51.',
      'kinder.1.name': 'Bitte ausfüllen – diese Angabe ist erforderlich.',
      // shown only for the entry that is a Schulkind
      'kinder.1.schule': 'Bitte ausfüllen – diese Angabe ist erforderlich.',
      rasse: 'Bitte ausfüllen – diese Angabe ist erforderlich.',
    });
  });

  it('drops the answers a condition hides now', () => {
    const daten = {
      betrag: 5,
      hund: false,
      rasse: 'Dackel',
      kinder: [{ name: 'Ida', schulkind: false, schule: 'alt' }],
    };
    expect(bereinige(formular, daten)).toEqual({ betrag: 5, hund: false, kinder: [{ name: 'Ida', schulkind: false }] });
    expect(erfuellt({ nicht: { feld: 'hund', gleich: true } }, daten)).toBe(true);
    expect(
      erfuellt(
        {
          alle: [
            { feld: 'betrag', einsVon: [5, 6] },
            { feld: 'rasse', ausgefuellt: true },
          ],
        },
        daten,
      ),
    ).toBe(true);
  });
});
