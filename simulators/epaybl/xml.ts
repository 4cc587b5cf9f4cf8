// SOAP 1.1 as ePayBL speaks it: reading a request into a tree, building replies. Kept apart from the client's XML
// handling so an escaping or parsing bug there is not mirrored here.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isOperation, missing, type SimOperation } from './codes';

export const NS = 'http://www.bff.bund.de/ePayment';

export type Xml = string | { [name: string]: Xml } | Xml[];

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  htmlEntities: true,
  isArray: (name) => name === 'buchung',
});

/** Throws a plain Error (answered as a Client fault) for anything that is not one known operation. */
export function parseSoapRequest(body: string): { operation: SimOperation; args: Xml } {
  if (/<!DOCTYPE/i.test(body)) throw new Error('DTD not allowed');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new Error(`malformed XML: ${valid.err.msg}`);
  const soapBody = child(xmlParser.parse(body) as Xml, 'Envelope', 'Body');
  if (soapBody === undefined || typeof soapBody !== 'object' || Array.isArray(soapBody)) {
    throw new Error('no SOAP Body');
  }
  const name = Object.keys(soapBody).find((k) => k !== '#text');
  if (!isOperation(name)) throw new Error(`unknown operation ${name ?? '(none)'}`);
  return { operation: name, args: soapBody[name] ?? '' };
}

export function child(value: Xml | undefined, ...names: string[]): Xml | undefined {
  let cur = value;
  for (const name of names) {
    if (cur === undefined || typeof cur === 'string' || Array.isArray(cur)) return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, name) ? cur[name] : undefined;
  }
  return cur;
}

export function optional(args: Xml, name: string): string | null {
  const v = child(args, name);
  return typeof v === 'string' && v !== '' ? v : null;
}

export function required(args: Xml, name: string): string {
  const v = optional(args, name);
  if (v === null) throw missing(name);
  return v;
}

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function leaf(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

export function el(name: string, content: string): string {
  return `<${name}>${content}</${name}>`;
}

export function envelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

export function faultXml(code: string, message: string): string {
  return envelope(
    `<soapenv:Fault><faultcode>${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soapenv:Fault>`,
  );
}

/** The operation's reply around `content` (the result block and whatever follows it). */
export function responseXml(operation: SimOperation, content: string): string {
  return envelope(`<ep:${operation}Response xmlns:ep="${NS}"><return>${content}</return></ep:${operation}Response>`);
}
