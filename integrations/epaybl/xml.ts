// The XML of ePayBL's SOAP messages: parsing replies (no DTDs, values kept as strings), escaping what we send, and
// small builders and readers for elements.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlValue = string | { [name: string]: XmlValue } | XmlValue[];

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Kassenzeichen like "000123" and amounts must stay strings.
  parseTagValue: false,
  // Servers may send numeric character references (&#228;); the default decodes only the five named entities.
  htmlEntities: true,
});

/** Parses a SOAP message; rejects malformed XML and DTDs (SOAP 1.1 forbids them, and they enable entity bombs). */
export function parseXml(xml: string): XmlValue {
  if (/<!DOCTYPE/i.test(xml)) throw new Error('DTD not allowed in SOAP messages');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  return parser.parse(xml) as XmlValue;
}

// Characters XML 1.0 cannot carry at all, not even escaped.
const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(value: string): string {
  return value
    .replace(XML_FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<name>value</name>`, or nothing when the value is undefined (an optional field left out). */
export function leaf(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`;
}

export function node(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

export function child(value: XmlValue | undefined, ...path: string[]): XmlValue | undefined {
  let current = value;
  for (const name of path) {
    if (current === undefined || typeof current === 'string' || Array.isArray(current)) return undefined;
    current = Object.prototype.hasOwnProperty.call(current, name) ? current[name] : undefined;
  }
  return current;
}

export function text(value: XmlValue | undefined, name: string): string | undefined {
  const v = child(value, name);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}
