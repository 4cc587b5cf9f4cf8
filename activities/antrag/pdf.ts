// The PDF of exactly what was submitted, for the citizen and the authority (pdf-lib, standard fonts).
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Formular } from '../../domain/formulare';

export interface AntragPdfInput {
  vorgangsnummer: string;
  eingegangenAm: string;
  formular: Formular;
  mandantName: string;
  daten: Record<string, unknown>;
  antragsteller: { name: string; email: string };
  anlagen: { fileName: string; size: number; sha256: string }[];
  test: boolean;
}

// The standard fonts speak WinAnsi; anything else would make pdf-lib throw, so it is shown as "?".
function winAnsi(text: string): string {
  return text.replace(/[^\x20-\x7E\xA0-\xFF€–—„“”‚‘’…•]/g, '?');
}

function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value === null || value === undefined) return [[prefix, '–']];
  if (Array.isArray(value)) return value.flatMap((v, i) => flatten(v, `${prefix} ${i + 1}`));
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      flatten(v, prefix ? `${prefix} / ${k}` : k),
    );
  }
  if (typeof value === 'boolean') return [[prefix, value ? 'ja' : 'nein']];
  return [[prefix, String(value)]];
}

export async function renderAntragPdf(input: AntragPdfInput): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  // Fixed metadata dates: the same submission renders the same bytes.
  const at = new Date(input.eingegangenAm);
  pdf.setTitle(winAnsi(`${input.formular.titel} – ${input.vorgangsnummer}`));
  pdf.setAuthor('Amt24 Sachsen');
  pdf.setCreationDate(at);
  pdf.setModificationDate(at);
  pdf.setProducer('Amt24 Orchestrierung');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const writer = new Writer(pdf, font, bold);

  writer.line(input.formular.titel, { size: 16, font: bold });
  if (input.test) writer.line('TESTANTRAG – keine echte Antragstellung', { size: 11, font: bold, color: [0.7, 0, 0] });
  writer.line(`Vorgangsnummer: ${input.vorgangsnummer}`);
  writer.line(`Eingegangen am: ${input.eingegangenAm}`);
  writer.line(`Zuständig: ${input.mandantName}`);
  writer.line(`Formularversion: ${input.formular.version}`);
  writer.gap();
  writer.line('Antragsteller/in', { size: 12, font: bold });
  writer.field('Name', input.antragsteller.name);
  writer.field('E-Mail', input.antragsteller.email);
  const shown = new Set<string>();
  for (const abschnitt of input.formular.abschnitte) {
    writer.gap();
    writer.line(abschnitt.titel, { size: 12, font: bold });
    for (const [key, label] of Object.entries(abschnitt.felder)) {
      shown.add(key);
      if (!(key in input.daten)) continue;
      for (const [sub, value] of flatten(input.daten[key])) writer.field(sub ? `${label} / ${sub}` : label, value);
    }
  }
  const rest = Object.keys(input.daten).filter((k) => !shown.has(k));
  if (rest.length) {
    writer.gap();
    writer.line('Weitere Angaben', { size: 12, font: bold });
    for (const key of rest) for (const [sub, value] of flatten(input.daten[key], key)) writer.field(sub, value);
  }
  writer.gap();
  writer.line('Anlagen', { size: 12, font: bold });
  if (input.anlagen.length === 0) writer.line('keine');
  for (const a of input.anlagen) writer.field(a.fileName, `${a.size} Bytes, SHA-256 ${a.sha256.slice(0, 16)}…`);
  return pdf.save({ useObjectStreams: false });
}

class Writer {
  private page: PDFPage;
  private y = 0;
  constructor(
    private pdf: PDFDocument,
    private font: PDFFont,
    private bold: PDFFont,
  ) {
    this.page = this.newPage();
  }
  private newPage() {
    const page = this.pdf.addPage([595, 842]); // A4
    this.y = 800;
    this.page = page;
    return page;
  }
  line(text: string, opts: { size?: number; font?: PDFFont; color?: [number, number, number] } = {}) {
    const size = opts.size ?? 10;
    const font = opts.font ?? this.font;
    for (const chunk of this.wrap(winAnsi(text), font, size, 495)) {
      if (this.y < 50) this.newPage();
      this.page.drawText(chunk, {
        x: 50,
        y: this.y,
        size,
        font,
        color: opts.color ? rgb(...opts.color) : rgb(0, 0, 0),
      });
      this.y -= size + 4;
    }
  }
  field(label: string, value: string) {
    this.line(`${label}: ${value}`);
  }
  gap() {
    this.y -= 8;
  }
  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const words = text.split(/\s+/);
    const lines: string[] = [];
    let current = '';
    for (const word of words) {
      const candidate = current ? `${current} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) current = candidate;
      else {
        if (current) lines.push(current);
        current = word;
        while (font.widthOfTextAtSize(current, size) > width && current.length > 1) {
          let cut = current.length - 1;
          while (cut > 1 && font.widthOfTextAtSize(current.slice(0, cut), size) > width) cut--;
          lines.push(current.slice(0, cut));
          current = current.slice(cut);
        }
      }
    }
    if (current) lines.push(current);
    return lines.length ? lines : [''];
  }
}
