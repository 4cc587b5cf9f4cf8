// The PDF of exactly what was submitted, for the citizen and the authority. It is the legal record, so PDF/A-2a
// (veraPDF passes it): an embedded font (DejaVu Sans covers Latin Extended-A/B, so Sorbian, Polish and Czech names
// come out as typed), tagged (headings, paragraphs), in German. Same input, same bytes: its only date is the receipt.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { create, type Font } from 'fontkit';
import PDFDocument from 'pdfkit';
import type { FormularAnsicht } from '../../domain/formular/ansicht';

export interface AntragPdfInput {
  vorgangsnummer: string;
  eingegangenAm: string;
  formular: FormularAnsicht;
  mandantName: string;
  daten: Record<string, unknown>;
  antragsteller: { name: string; email: string };
  anlagen: { fileName: string; size: number; sha256: string }[];
  test: boolean;
}

const require = createRequire(import.meta.url);

/**
 * The two fonts, parsed once per process and handed to every document. Given a path, pdfkit reads and parses the
 * TTF for each document: some 70 ms of the worker's main thread per Antrag, most of its CPU while Anträge arrive
 * (a CPU profile of `npm run bench:memory`). pdfkit takes a parsed fontkit font wherever it takes a font's path (it
 * embeds a subset of its own per document); only its typings do not say so, hence the cast to the path's type.
 */
function parsed(file: string): string {
  const font = create(fs.readFileSync(require.resolve(file)));
  if (!('layout' in font)) throw new Error(`${file}: a font collection, not a font`);
  return font satisfies Font as unknown as string;
}
let fonts: { regular: string; bold: string } | undefined;
const schriften = () =>
  (fonts ??= {
    regular: parsed('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
    bold: parsed('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  });

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
  const { regular, bold } = schriften();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 42, bottom: 50, left: 50, right: 50 },
    pdfVersion: '1.7',
    subset: 'PDF/A-2a',
    tagged: true,
    lang: 'de-DE',
    displayTitle: true,
    font: regular,
    info: {
      // pdfkit writes these into the XMP packet unescaped: only our own texts (form title, Vorgangsnummer) go here.
      Title: `${input.formular.titel} – ${input.vorgangsnummer}`,
      Author: 'Amt24 Sachsen',
      Creator: 'Amt24 Orchestrierung',
      Producer: 'Amt24 Orchestrierung',
      CreationDate: new Date(input.eingegangenAm),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);

  const root = doc.struct('Document');
  doc.addStructure(root);
  const write = (tag: 'H1' | 'H2' | 'P', text: string, opts: { color?: [number, number, number] } = {}) => {
    const size = tag === 'H1' ? 16 : tag === 'H2' ? 12 : opts.color ? 11 : 10;
    const element = doc.struct(tag, {}, () => {
      doc
        .font(tag === 'P' && !opts.color ? 'regular' : 'bold')
        .fontSize(size)
        .fillColor(opts.color ?? [0, 0, 0])
        .text(text, { width: 495, lineGap: 1 });
    });
    root.add(element);
    element.end();
  };
  const field = (label: string, value: string) => write('P', `${label}: ${value}`);
  const gap = () => doc.moveDown(0.6);

  write('H1', input.formular.titel);
  if (input.test) write('P', 'TESTANTRAG – keine echte Antragstellung', { color: [179, 0, 0] });
  write('P', `Vorgangsnummer: ${input.vorgangsnummer}`);
  write('P', `Eingegangen am: ${input.eingegangenAm}`);
  write('P', `Zuständig: ${input.mandantName}`);
  write('P', `Formularversion: ${input.formular.version}`);
  gap();
  write('H2', 'Antragsteller/in');
  field('Name', input.antragsteller.name);
  field('E-Mail', input.antragsteller.email);
  const shown = new Set<string>();
  for (const abschnitt of input.formular.abschnitte) {
    gap();
    write('H2', abschnitt.titel);
    for (const [key, label] of Object.entries(abschnitt.felder)) {
      shown.add(key);
      if (!(key in input.daten)) continue;
      for (const [sub, value] of flatten(input.daten[key])) field(sub ? `${label} / ${sub}` : label, value);
    }
  }
  const rest = Object.keys(input.daten).filter((k) => !shown.has(k));
  if (rest.length) {
    gap();
    write('H2', 'Weitere Angaben');
    for (const key of rest) for (const [sub, value] of flatten(input.daten[key], key)) field(sub, value);
  }
  gap();
  write('H2', 'Anlagen');
  if (input.anlagen.length === 0) write('P', 'keine');
  for (const a of input.anlagen) field(a.fileName, `${a.size} Bytes, SHA-256 ${a.sha256.slice(0, 16)}…`);
  root.end();
  doc.end();
  return done;
}
