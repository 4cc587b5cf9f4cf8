// The deadlines after delivery as pure rules: the authority's answer in Saxon working days (weekends, holidays,
// the Berlin calendar day), the Nachforderung reminder that never precedes the request, the address for the post.
import { describe, expect, it } from 'vitest';
import {
  anschriftText,
  behoerdeAntwortBis,
  istAntwortfrist,
  nachforderungErinnerungAm,
  postanschrift,
} from '../../domain/antrag/fristen';

describe('behoerdeAntwortBis', () => {
  it('counts Saxon working days from the day of delivery and ends at midnight Berlin time', () => {
    // Friday 2026-12-04, 10:00 Berlin: two working days are Monday and Tuesday.
    expect(new Date(behoerdeAntwortBis(Date.parse('2026-12-04T09:00:00Z'), '2at')).toISOString()).toBe(
      '2026-12-08T23:00:00.000Z',
    );
    // Buß- und Bettag (Wednesday 2026-11-18) is no working day in Saxony.
    expect(new Date(behoerdeAntwortBis(Date.parse('2026-11-17T12:00:00Z'), '1at')).toISOString()).toBe(
      '2026-11-19T23:00:00.000Z',
    );
    // Christmas: 24 Dec counts, 25 (holiday), 26 (holiday, Saturday) and 27 (Sunday) do not.
    expect(new Date(behoerdeAntwortBis(Date.parse('2026-12-23T08:00:00Z'), '3at')).toISOString()).toBe(
      '2026-12-29T23:00:00.000Z',
    );
  });

  it('takes a plain duration as calendar time', () => {
    expect(behoerdeAntwortBis(1_000, '72h')).toBe(1_000 + 72 * 3_600_000);
    expect(istAntwortfrist('10at')).toBe(true);
    expect(istAntwortfrist('2s')).toBe(true);
    expect(istAntwortfrist('zehn')).toBe(false);
  });
});

describe('nachforderungErinnerungAm', () => {
  it('reminds ahead of the deadline, but not before the Nachforderung itself', () => {
    const gestellt = Date.parse('2026-12-01T10:00:00Z');
    expect(nachforderungErinnerungAm(gestellt, '2026-12-10T10:00:00Z', 3 * 86_400_000)).toBe(
      Date.parse('2026-12-07T10:00:00Z'),
    );
    expect(nachforderungErinnerungAm(gestellt, '2026-12-02T10:00:00Z', 3 * 86_400_000)).toBeUndefined();
  });
});

describe('postanschrift', () => {
  it('finds the address field of either form and prints it for an envelope', () => {
    const a = postanschrift('Jan Šołta', {
      hund: { name: 'Bello' },
      anschrift: { strasse: 'Markt', hausnummer: '1', plz: '04109', ort: 'Leipzig' },
    });
    expect(a && anschriftText(a)).toBe('Jan Šołta\nMarkt 1\n04109 Leipzig');
    expect(
      postanschrift('Anna', { wohnadresse: { strasse: 'Ring', hausnummer: '2', plz: '01067', ort: 'Dresden' } })?.ort,
    ).toBe('Dresden');
    expect(postanschrift('Anna', { kennzeichen: 'L-AB 1' })).toBeUndefined();
    expect(postanschrift('Anna', null)).toBeUndefined();
  });
});
