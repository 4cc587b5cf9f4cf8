// antrag.xml for a process whose output format is XML: the answers as elements along the process's `ausgabe.xml`
// paths (Fahrzeug/Kennzeichen), under one root that names the Vorgang. Lists repeat their element; a value XML
// cannot carry travels base64-encoded, marked so.
import type { AntragPackage } from './types';

export const AUSGABE_NAMESPACE = 'urn:de:amt24:antrag:1.0';

// XML 1.0 cannot carry these at all, not even as character references.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const NAME = /^[A-Za-z_][\w.-]*$/;

const escapeText = (t: string) =>
  t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
const escapeAttr = (t: string) => escapeText(t).replace(/"/g, '&quot;');

function element(indent: string, name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  // A key that is no XML name (never from a definition, whose ids and paths are names) keeps its value.
  const tag = NAME.test(name) ? name : 'Wert';
  const attr = tag === name ? '' : ` name="${escapeAttr(name)}"`;
  if (Array.isArray(value)) return value.map((v) => element(indent, name, v)).join('');
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(`${indent}  `, k, v))
      .join('');
    return `${indent}<${tag}${attr}>\n${inner}${indent}</${tag}>\n`;
  }
  const text = String(value);
  if (NOT_XML_CHAR.test(text)) {
    return `${indent}<${tag}${attr} kodierung="base64">${Buffer.from(text, 'utf8').toString('base64')}</${tag}>\n`;
  }
  return `${indent}<${tag}${attr}>${escapeText(text)}</${tag}>\n`;
}

export function buildAusgabeXml(pkg: AntragPackage, daten: Record<string, unknown>): string {
  const kopf =
    `vorgangsnummer="${escapeAttr(pkg.vorgangsnummer)}" onlinedienst="${escapeAttr(pkg.onlinedienstId)}" ` +
    `mandant="${escapeAttr(pkg.mandantId)}" eingegangen="${escapeAttr(pkg.submittedAt)}"`;
  const inner = Object.entries(daten)
    .map(([k, v]) => element('  ', k, v))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Antrag xmlns="${AUSGABE_NAMESPACE}" ${kopf}>\n${inner}</Antrag>\n`;
}
