// The Antrag PDF is the record of exactly what was submitted: the text read back out of it (pdf.js, as a viewer
// would) must be the text that went in, letters beyond Latin-1 included, and the file must say it is PDF/A.
import { createHash } from 'node:crypto';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { renderAntragPdf, type AntragPdfInput } from '../../activities/antrag/pdf';
import { formularAnsicht } from '../../domain/formular/ansicht';
import { hundesteuerDefinition } from '../../domain/formular/demo-definitionen';
import { definitionSchema } from '../../domain/formular/format';

const input: AntragPdfInput = {
  vorgangsnummer: 'HUN-2026-000042',
  eingegangenAm: '2026-11-03T09:15:00.000Z',
  formular: formularAnsicht(definitionSchema.parse(hundesteuerDefinition), '1.0'),
  mandantName: 'Gemeinde Nebelschütz / Njebjelčicy',
  daten: {
    hund: { name: 'Łobuz', rasse: 'Český fousek', geboren: '2024-05-01', chipnummer: '276098106543210' },
    gefaehrlich: false,
    anschrift: { strasse: 'Ćěžka dróha', hausnummer: '7', plz: '02633', ort: 'Budyšin' },
    haltungSeit: '2026-11-01',
  },
  antragsteller: { name: 'Jan Šołta, Łužica', email: 'jan.solta@example.org' },
  anlagen: [{ fileName: 'Impfpass_Łobuz.pdf', size: 1234, sha256: 'ab'.repeat(32) }],
  test: false,
};

async function extract(bytes: Uint8Array) {
  const pdf = await getDocument({ data: bytes.slice(), useSystemFonts: false, isEvalSupported: false }).promise;
  const lines: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    let line = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      line += item.str;
      if (item.hasEOL) {
        lines.push(line);
        line = '';
      }
    }
    if (line) lines.push(line);
  }
  const { info, metadata } = await pdf.getMetadata();
  await pdf.destroy();
  return { lines, info: info as Record<string, unknown>, xmp: new Map(metadata ? [...metadata] : []) };
}

describe('Antrag PDF', () => {
  it('gives back every name as typed, Sorbian, Polish and Czech letters included', async () => {
    const { lines, info } = await extract(await renderAntragPdf(input));
    expect(lines).toEqual([
      'Anmeldung zur Hundesteuer',
      'Vorgangsnummer: HUN-2026-000042',
      'Eingegangen am: 2026-11-03T09:15:00.000Z',
      'Zuständig: Gemeinde Nebelschütz / Njebjelčicy',
      'Formularversion: 1.0',
      'Antragsteller/in',
      'Name: Jan Šołta, Łužica',
      'E-Mail: jan.solta@example.org',
      'Hund',
      'Hund / name: Łobuz',
      'Hund / rasse: Český fousek',
      'Hund / geboren: 2024-05-01',
      'Hund / chipnummer: 276098106543210',
      'Gefährlicher Hund: nein',
      'Halter',
      'Anschrift / strasse: Ćěžka dróha',
      'Anschrift / hausnummer: 7',
      'Anschrift / plz: 02633',
      'Anschrift / ort: Budyšin',
      'Haltung seit: 2026-11-01',
      'Anlagen',
      `Impfpass_Łobuz.pdf: 1234 Bytes, SHA-256 ${'ab'.repeat(8)}…`,
    ]);
    expect(info.Title).toBe('Anmeldung zur Hundesteuer – HUN-2026-000042');
  });

  it('declares PDF/A-2a, German, and renders the same bytes for the same submission', async () => {
    const bytes = await renderAntragPdf({ ...input, test: true });
    const { lines, info, xmp } = await extract(bytes);
    expect(lines[1]).toBe('TESTANTRAG – keine echte Antragstellung');
    expect(xmp.get('pdfaid:part')).toBe('2');
    expect(xmp.get('pdfaid:conformance')).toBe('A'); // level A: tagged, Unicode text
    expect(xmp.get('dc:title')).toBe('Anmeldung zur Hundesteuer – HUN-2026-000042');
    expect(info.Language).toBe('de-DE');
    // The font travels inside the file (PDF/A forbids relying on the reader's), no standard font is referenced.
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toMatch(/\/FontFile2 /);
    expect(raw).not.toMatch(/\/BaseFont \/Helvetica/);
    // The fonts are parsed once per process and shared: another document in between (other letters, other glyphs
    // in its subset) must leave nothing behind in the next one.
    await renderAntragPdf({ ...input, antragsteller: { name: 'Zoë Ærø Œuvre ŊŦŽ', email: 'z@example.org' } });
    const again = await renderAntragPdf({ ...input, test: true });
    expect(createHash('sha256').update(again).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
