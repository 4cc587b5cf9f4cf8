// Reads an xFall container written by buildXFall (xfall-xml.ts) back into its values and documents: elements
// matched by namespace, not by prefix; user data that XML cannot carry arrives base64-encoded.
import { XMLParser } from 'fast-xml-parser';
import { sha256Hex, XFALL_NAMESPACE, type XFallContent, type XFallDocument } from './xfall-xml';

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@');
}

function childrenOf(node: OrderedNode): OrderedNode[] {
  const tag = tagOf(node);
  return tag && Array.isArray(node[tag]) ? (node[tag] as OrderedNode[]) : [];
}

function textOf(node: OrderedNode): string {
  return childrenOf(node)
    .map((child) => (typeof child['#text'] === 'string' ? child['#text'] : ''))
    .join('');
}

function attrOf(node: OrderedNode, name: string): string | undefined {
  const all = node[':@'] ?? {};
  if (all[name] !== undefined) return all[name];
  const encoded = all[`${name}Base64`];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

function decodedText(node: OrderedNode): string {
  const text = textOf(node);
  return attrOf(node, 'kodierung') === 'base64' ? Buffer.from(text, 'base64').toString('utf8') : text;
}

/**
 * Parses a container written by `buildXFall`. Elements are matched by namespace, not by prefix, and documents
 * are checked against their declared size and SHA-256.
 */
export function parseXFall(xml: string): XFallContent {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    htmlEntities: true,
  });
  const top = parser.parse(xml) as OrderedNode[];
  const root = top.find((node) => {
    const tag = tagOf(node);
    return tag !== undefined && tag !== '?xml' && tag !== '#text';
  });
  if (!root) throw new Error('xFall: no root element');
  const rootTag = tagOf(root)!;
  const rootAttrs = root[':@'] ?? {};
  const prefix = rootTag.includes(':') ? rootTag.slice(0, rootTag.indexOf(':')) : '';
  const declared = prefix ? rootAttrs[`xmlns:${prefix}`] : rootAttrs.xmlns;
  if (declared !== XFALL_NAMESPACE) throw new Error(`xFall: root is not in namespace ${XFALL_NAMESPACE}`);
  const local = (node: OrderedNode): string | undefined => {
    const tag = tagOf(node);
    if (!tag || tag === '#text') return undefined;
    if (prefix === '') return tag.includes(':') ? undefined : tag;
    return tag.startsWith(`${prefix}:`) ? tag.slice(prefix.length + 1) : undefined;
  };
  const elements = (node: OrderedNode) => childrenOf(node).filter((child) => local(child) !== undefined);
  const child = (node: OrderedNode, name: string) => elements(node).find((c) => local(c) === name);
  if (local(root) !== 'container') throw new Error('xFall: root element is not a container');

  const readValue = (node: OrderedNode): unknown => {
    switch (local(node)) {
      case 'gruppe':
        return Object.fromEntries(elements(node).map((c) => [attrOf(c, 'name') ?? '', readValue(c)]));
      case 'liste': {
        const items: unknown[] = [];
        for (const c of elements(node)) items[Number(attrOf(c, 'index'))] = readValue(c);
        return items;
      }
      case 'feld': {
        const typ = attrOf(node, 'typ');
        const text = decodedText(node);
        if (typ === 'null') return null;
        if (typ === 'number') return Number(text);
        if (typ === 'boolean') return text === 'true';
        return text;
      }
      default:
        throw new Error(`xFall: unexpected element ${String(tagOf(node))}`);
    }
  };

  const kopf = child(root, 'kopf');
  const daten = child(root, 'antragsdaten');
  const dokumente = child(root, 'dokumente');
  if (!kopf || !daten || !dokumente) throw new Error('xFall: kopf, antragsdaten or dokumente missing');
  const kopfText = (name: string): string | undefined => {
    const node = child(kopf, name);
    return node ? decodedText(node) : undefined;
  };
  const required = (name: string): string => {
    const value = kopfText(name);
    if (value === undefined) throw new Error(`xFall: kopf/${name} missing`);
    return value;
  };
  const leistungId = kopfText('leistungId');

  return {
    version: rootAttrs.version ?? '',
    kopf: {
      vorgangsnummer: required('vorgangsnummer'),
      onlinedienstId: required('onlinedienstId'),
      mandantId: required('mandantId'),
      ...(leistungId === undefined ? {} : { leistungId }),
      eingangszeitpunkt: required('eingangszeitpunkt'),
      erstelltAm: required('erstelltAm'),
    },
    formData: Object.fromEntries(elements(daten).map((c) => [attrOf(c, 'name') ?? '', readValue(c)])),
    dokumente: elements(dokumente).map((node): XFallDocument => {
      const groesse = Number(attrOf(node, 'groesse'));
      const sha256 = attrOf(node, 'sha256') ?? '';
      const originalDateiname = attrOf(node, 'originalDateiname');
      const doc: XFallDocument = {
        id: attrOf(node, 'id') ?? '',
        rolle: attrOf(node, 'rolle') === 'antrag' ? 'antrag' : 'anlage',
        dateiname: attrOf(node, 'dateiname') ?? '',
        ...(originalDateiname === undefined ? {} : { originalDateiname }),
        mediaType: attrOf(node, 'mimeType') ?? 'application/octet-stream',
        groesse,
        sha256,
      };
      if (attrOf(node, 'kodierung') === 'base64') {
        const content = new Uint8Array(Buffer.from(textOf(node), 'base64'));
        if (content.byteLength !== groesse || sha256Hex(content) !== sha256) {
          throw new Error(`xFall: document ${doc.id} does not match its size or SHA-256`);
        }
        doc.content = content;
      }
      return doc;
    }),
  };
}
