import { describe, expect, it } from 'vitest';
import { compileFormular, kompiliertFuer } from '../../domain/formular/compiler';
import { pruefeDefinition } from '../../domain/formular/definition';
import { anwohnerparkenDefinition } from '../../domain/formular/demo-definitionen';
import type { Definition } from '../../domain/formular/format';
import { beispiel } from './formular-fixtures';

const parse = (d: unknown): Definition => {
  const r = pruefeDefinition(d);
  if (!r.ok) throw new Error(JSON.stringify(r.befunde));
  return r.definition;
};

describe('form compiler', () => {
  const form = compileFormular(parse(beispiel()));
  const ok = { name: 'Bello', gefaehrlich: false, zahlart: 'lastschrift' };

  it('validates answers with German messages naming the field path', () => {
    const r = form.validiere({
      name: 'B',
      gefaehrlich: 'vielleicht',
      zahlart: 'bar',
      iban: 'DE00 1234',
      kinder: [{ vorname: 'Ida', alter: 30 }],
    });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.fieldErrors).toEqual([
      { path: 'name', message: 'Mindestens 2 Zeichen.' },
      { path: 'gefaehrlich', message: 'Erwartet: Ja/Nein-Wert.' },
      { path: 'kinder.0.alter', message: 'Darf höchstens 17 sein.' },
      { path: 'iban', message: 'Ungültige IBAN.' },
      { path: 'zahlart', message: 'Erlaubt: lastschrift, ueberweisung.' },
    ]);
  });

  it('shows, hides and requires fields by the answers', () => {
    // Hidden: an answer to a field the citizen was not asked is dropped.
    const hidden = form.validiere({ ...ok, vorfall: 'nichts', iban: 'de89 3704 0044 0532 0130 00' });
    expect(hidden).toEqual({ ok: true, data: { ...ok, iban: 'DE89370400440532013000' } });
    const shown = form.validiere({ ...ok, gefaehrlich: true });
    expect(shown.ok ? [] : shown.fieldErrors).toEqual([
      { path: 'vorfall', message: 'Pflichtfeld fehlt.' },
      { path: 'wesenstest', message: 'Pflichtfeld fehlt.' },
    ]);
    const anlagen = [{ name: 'test.pdf', mediaType: 'application/pdf', size: 500 }];
    const withUpload = form.validiere(
      { ...ok, gefaehrlich: true, vorfall: 'Biss', wesenstest: 'test.pdf' },
      { anlagen },
    );
    expect(withUpload.ok).toBe(true);
    const wrongType = form.validiere(
      { ...ok, gefaehrlich: true, vorfall: 'Biss', wesenstest: 'foto.png' },
      { anlagen: [{ name: 'foto.png', mediaType: 'image/png', size: 10 }] },
    );
    expect(wrongType.ok ? [] : wrongType.fieldErrors).toEqual([
      { path: 'wesenstest', message: 'Dateityp nicht erlaubt; erlaubt: application/pdf.' },
    ]);
    // Inside a repeatable group a condition reads the same entry.
    const kinder = form.validiere({
      ...ok,
      kinder: [
        { vorname: 'Ida', alter: 7 },
        { vorname: 'Max', alter: 3, schule: 'x' },
      ],
    });
    expect(kinder.ok ? [] : kinder.fieldErrors).toEqual([{ path: 'kinder.0.schule', message: 'Pflichtfeld fehlt.' }]);
  });

  it('keeps the demo form as it was: capitals, pattern messages, address', () => {
    const f = compileFormular(parse(anwohnerparkenDefinition));
    const r = f.validiere({
      kennzeichen: 'l-ab 1234',
      halter: 'selbst',
      wohnadresse: { strasse: 'Markt', hausnummer: '1', plz: '0410', ort: 'Leipzig' },
      zone: 'a3',
      gueltigAb: '2026-13-01',
    });
    expect(r.ok ? [] : r.fieldErrors).toEqual([
      { path: 'wohnadresse.plz', message: 'Postleitzahl mit 5 Ziffern' },
      { path: 'zone', message: 'Bewohnerparkzone, z. B. A3' },
      { path: 'gueltigAb', message: 'Ungültiges Datum (JJJJ-MM-TT).' },
    ]);
  });

  it('compiles a version once: the cache answers by content hash', () => {
    const def = parse(beispiel());
    expect(kompiliertFuer('hash-a', def)).toBe(kompiliertFuer('hash-a', def));
    expect(kompiliertFuer('hash-b', def)).not.toBe(kompiliertFuer('hash-a', def));
  });
});
