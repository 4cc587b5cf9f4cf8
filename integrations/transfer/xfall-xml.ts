// xFall container: one XML file per Vorgang with the envelope, the form data grouped by section and instance,
// and every document base64-encoded. The certified XSD is not public, so the shape here is our own, in our own
// namespace; what matters is that it is well-formed and that every value survives the round trip exactly.
// This file writes the XML; xfall-parse.ts reads it back, xfall.ts publishes it in the Transferverzeichnis.
import { createHash } from 'node:crypto';
import { FileNameAllocator } from './filenames';
import type { AntragPackage } from './types';

export const XFALL_NAMESPACE = 'urn:de:amt24:xfall-container:1.0';
const NS = 'xfall';

// XML 1.0 cannot carry these at all, not even as character references; such strings travel base64-encoded.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

function escapeText(text: string): string {
  // A raw CR would be turned into LF by every parser (end-of-line normalisation); a reference survives.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

function escapeAttr(text: string): string {
  // Parsers normalise whitespace in attribute values to spaces unless it is written as a reference.
  return escapeText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}

function base64Utf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

type Attrs = Record<string, string | number | undefined>;

function attrs(values: Attrs): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttr(String(value))}"`)
    .join('');
}

/** An attribute carrying user data (a form field name): base64 under another name when XML cannot carry it. */
function userAttr(name: string, value: string): Attrs {
  return NOT_XML_CHAR.test(value) ? { [`${name}Base64`]: base64Utf8(value) } : { [name]: value };
}

function textElement(indent: string, tag: string, value: string, extra: Attrs = {}): string {
  if (NOT_XML_CHAR.test(value)) {
    return `${indent}<${NS}:${tag}${attrs({ ...extra, kodierung: 'base64' })}>${base64Utf8(value)}</${NS}:${tag}>\n`;
  }
  return `${indent}<${NS}:${tag}${attrs(extra)}>${escapeText(value)}</${NS}:${tag}>\n`;
}

/** Objects are groups (sections), arrays are lists of instances, everything else a typed field. */
function valueNode(indent: string, label: Attrs, value: unknown): string {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return '';
  if (value === null) return `${indent}<${NS}:feld${attrs({ ...label, typ: 'null' })}/>\n`;
  if (value instanceof Date) return textElement(indent, 'feld', value.toISOString(), { ...label, typ: 'string' });
  if (Array.isArray(value)) {
    const items = value.map((item, index) => valueNode(`${indent}  `, { index }, item ?? null)).join('');
    return `${indent}<${NS}:liste${attrs(label)}>\n${items}${indent}</${NS}:liste>\n`;
  }
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>)
      .map(([key, child]) => valueNode(`${indent}  `, userAttr('name', key), child))
      .join('');
    return `${indent}<${NS}:gruppe${attrs(label)}>\n${children}${indent}</${NS}:gruppe>\n`;
  }
  if (typeof value === 'number') return textElement(indent, 'feld', String(value), { ...label, typ: 'number' });
  if (typeof value === 'boolean') return textElement(indent, 'feld', String(value), { ...label, typ: 'boolean' });
  return textElement(indent, 'feld', String(value), { ...label, typ: 'string' });
}

export interface XFallDocument {
  id: string;
  rolle: 'antrag' | 'anlage';
  /** Safe name, unique within the Vorgang. */
  dateiname: string;
  /** As the applicant sent it, for the record only. */
  originalDateiname?: string;
  mediaType: string;
  groesse: number;
  sha256: string;
  /** Present when the container embeds the documents. */
  content?: Uint8Array;
}

export interface XFallContent {
  version: string;
  kopf: {
    vorgangsnummer: string;
    onlinedienstId: string;
    mandantId: string;
    leistungId?: string;
    eingangszeitpunkt: string;
    erstelltAm: string;
  };
  formData: Record<string, unknown>;
  dokumente: XFallDocument[];
}

export function sha256Hex(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The documents of a package with safe, distinct names; the PDF is always `antrag.pdf`. */
export function documentsOf(pkg: AntragPackage, reserved: string[] = []): XFallDocument[] {
  const names = new FileNameAllocator(['antrag.pdf', ...reserved]);
  return [
    {
      id: 'antrag',
      rolle: 'antrag',
      dateiname: 'antrag.pdf',
      mediaType: 'application/pdf',
      groesse: pkg.pdf.byteLength,
      sha256: sha256Hex(pkg.pdf),
      content: pkg.pdf,
    },
    ...pkg.attachments.map((attachment): XFallDocument => ({
      id: attachment.id,
      rolle: 'anlage',
      dateiname: names.allocate(attachment.fileName, { mediaType: attachment.mediaType, fallback: 'anlage' }),
      originalDateiname: attachment.fileName,
      mediaType: attachment.mediaType,
      groesse: attachment.content.byteLength,
      sha256: sha256Hex(attachment.content),
      content: attachment.content,
    })),
  ];
}

/**
 * Serialises a Vorgang. With `embedDocuments: false` the documents are listed by name and hash only (the XML
 * beside the files in a plain transfer folder).
 */
export function buildXFall(
  pkg: AntragPackage,
  options: { createdAt: string; embedDocuments?: boolean; documents?: XFallDocument[] },
): string {
  const embed = options.embedDocuments ?? true;
  const documents = options.documents ?? documentsOf(pkg);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<${NS}:container${attrs({ [`xmlns:${NS}`]: XFALL_NAMESPACE, version: '1.0' })}>\n`,
    `  <${NS}:kopf>\n`,
    textElement('    ', 'vorgangsnummer', pkg.vorgangsnummer),
    textElement('    ', 'onlinedienstId', pkg.onlinedienstId),
    textElement('    ', 'mandantId', pkg.mandantId),
    pkg.leistungId === undefined ? '' : textElement('    ', 'leistungId', pkg.leistungId),
    textElement('    ', 'eingangszeitpunkt', pkg.submittedAt),
    textElement('    ', 'erstelltAm', options.createdAt),
    `  </${NS}:kopf>\n`,
    `  <${NS}:antragsdaten>\n`,
    ...Object.entries(pkg.formData).map(([key, value]) => valueNode('    ', userAttr('name', key), value)),
    `  </${NS}:antragsdaten>\n`,
    `  <${NS}:dokumente>\n`,
  ];
  for (const doc of documents) {
    const docAttrs: Attrs = {
      ...userAttr('id', doc.id),
      rolle: doc.rolle,
      dateiname: doc.dateiname,
      ...(doc.originalDateiname === undefined ? {} : userAttr('originalDateiname', doc.originalDateiname)),
      ...userAttr('mimeType', doc.mediaType),
      groesse: doc.groesse,
      sha256: doc.sha256,
    };
    if (embed && doc.content) {
      out.push(`    <${NS}:dokument${attrs({ ...docAttrs, kodierung: 'base64' })}>`);
      out.push(Buffer.from(doc.content.buffer, doc.content.byteOffset, doc.content.byteLength).toString('base64'));
      out.push(`</${NS}:dokument>\n`);
    } else {
      out.push(`    <${NS}:dokument${attrs(docAttrs)}/>\n`);
    }
  }
  out.push(`  </${NS}:dokumente>\n`, `</${NS}:container>\n`);
  return out.join('');
}
