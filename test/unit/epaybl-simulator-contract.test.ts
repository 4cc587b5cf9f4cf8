// The ePayBL simulator's own tables pinned to the documented values (shared/domain/external-systems.md, "ePayBL"
// and "ePayBL in detail"). The simulator is the second opinion that catches the client's misreadings only while it
// says what the real system says: a change to one of these values must be a change to the documentation first.
import { describe, expect, it } from 'vitest';
import { OPERATIONS, RESULT_CODES, ZAHLVERFAHREN } from '../../simulators/epaybl/codes';
import { KASSENZEICHEN_PATTERN, LIMITS, verwendungszweck, VERWENDUNGSZWECK_MAX } from '../../simulators/epaybl/limits';
import { kassenzeichenState } from '../../simulators/epaybl/saldo';

describe('ePayBL simulator contract', () => {
  it('speaks the documented result codes with their documented meaning', () => {
    expect(RESULT_CODES).toMatchObject({
      OK: '0',
      CUSTOMER_UNKNOWN: '-0199',
      CUSTOMER_BLOCKED: '-0117',
      CUSTOMER_NOT_DELETABLE: '-0119',
      CONFIGURATION_ERROR: '-0611',
    });
    // Every code is a negative four-digit string, as clients see them.
    for (const [name, code] of Object.entries(RESULT_CODES)) {
      if (name !== 'OK') expect(code, name).toMatch(/^-0\d{3}$/);
    }
  });

  it('offers the documented operations and payment methods', () => {
    expect([...OPERATIONS].sort()).toEqual(
      [
        'anlegenKassenzeichen',
        'anlegenKunde',
        'isAlive',
        'lesenKassenzeichenInfo',
        'lesenTransaktion',
        'loeschenKunde',
      ].sort(),
    );
    expect([...ZAHLVERFAHREN].sort()).toEqual(
      ['GIROPAY', 'KREDITKARTE', 'LASTSCHRIFTMIT', 'LASTSCHRIFTOHNE', 'UEBERWEISUNGNACH', 'UEBERWEISUNGVOR'].sort(),
    );
  });

  it('enforces the documented field limits', () => {
    expect(LIMITS).toMatchObject({
      bewirtschafterNr: 8,
      haushaltsstelle: 10,
      objektnummer: 10,
      kennzeichenMahnverfahren: 5,
      buchungstext: 120,
      eShopTransaktionsNr: 30,
    });
    expect(VERWENDUNGSZWECK_MAX).toBe(27);
    expect(verwendungszweck('KZ0000000001', 'Bewohnerparkausweis Zone A3')).toHaveLength(27);
    expect(KASSENZEICHEN_PATTERN.test('A1')).toBe(true);
    expect(KASSENZEICHEN_PATTERN.test('A'.repeat(30))).toBe(true);
    expect(KASSENZEICHEN_PATTERN.test('A')).toBe(false);
    expect(KASSENZEICHEN_PATTERN.test('A'.repeat(31))).toBe(false);
    expect(KASSENZEICHEN_PATTERN.test('KZ-1')).toBe(false);
  });

  it('reads amounts in the documented order', () => {
    const s = (hauptforderungenCent: number, zahlungseingaengeCent: number, stornosCent = 0) =>
      kassenzeichenState({ hauptforderungenCent, zahlungseingaengeCent, stornosCent });
    expect(s(1000, 0)).toBe('offen');
    expect(s(1000, 300)).toBe('teilbezahlt');
    expect(s(1000, 1000)).toBe('bezahlt');
    expect(s(1000, 1300)).toBe('ueberbezahlt');
    expect(s(1000, 0, 1000)).toBe('storniert');
    // Money received on a cancelled claim stays visible, to be paid back by a person.
    expect(s(1000, 500, 1000)).toBe('ueberbezahlt');
  });
});
