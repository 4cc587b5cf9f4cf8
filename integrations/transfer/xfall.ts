// xFall container: one XML file per Vorgang with the envelope, the form data grouped by section and instance,
// and every document base64-encoded. The certified XSD is not public, so the shape here is our own, in our own
// namespace; what matters is that it is well-formed and that every value survives the round trip exactly.
import { createHash } from 'node:crypto';
import { link, lstat, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { FileNameAllocator, safeFolderName } from './filenames';
import {
  assertTransferDirUsable,
  fsyncDir,
  readLedger,
  removeStaleTemps,
  tempName,
  transferDirUnavailable,
  writeFileDurable,
  writeLedger,
  type LedgerRecord,
} from './cleanup';
import { DeliveryError, type AntragPackage, type DeliveryResult, type TransferHooks } from './types';

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

function sha256Hex(content: Uint8Array): string {
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

// --- reading it back ---------------------------------------------------------------------------------------

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

// --- delivery ----------------------------------------------------------------------------------------------

export interface XFallDeliveryOptions {
  now?: () => Date;
  hooks?: TransferHooks;
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw err;
  }
}

/** Publishes `temp` as `target` unless `target` exists; false when someone else was first. */
async function commitFileNoClobber(temp: string, target: string): Promise<boolean> {
  try {
    await link(temp, target);
    await unlink(temp);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') {
      await unlink(temp);
      return false;
    }
    // Some SMB/CIFS mounts refuse hard links: fall back to rename after a last look.
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'].includes(errnoOf(err) ?? '')) throw err;
    if (await exists(target)) {
      await unlink(temp);
      return false;
    }
    await rename(temp, target);
    return true;
  }
}

/**
 * Writes `<Vorgangsnummer>.xml` into the Transferverzeichnis: built under a temporary dot-name, synced, then
 * published in one step. A Vorgang already delivered (file present, or recorded in `.delivered/` after the
 * authority picked it up) is not written again.
 */
export async function deliverXFall(
  transferDir: string,
  pkg: AntragPackage,
  options: XFallDeliveryOptions = {},
): Promise<DeliveryResult> {
  const now = options.now ?? (() => new Date());
  await assertTransferDirUsable(transferDir);
  const stem = safeFolderName(pkg.vorgangsnummer);
  const fileName = `${stem}.xml`;
  const target = join(transferDir, fileName);
  const already = (deliveredAt: string): DeliveryResult => ({
    mode: 'transfer-xfall',
    reference: fileName,
    deliveredAt,
    alreadyDelivered: true,
  });

  try {
    const recorded = await readLedger(transferDir, stem);
    if (recorded) {
      if (recorded.vorgangsnummer !== pkg.vorgangsnummer) {
        throw new DeliveryError('name-collision', `${fileName} belongs to Vorgang ${recorded.vorgangsnummer}`, {
          retryable: false,
        });
      }
      return already(recorded.deliveredAt);
    }
    const record = (deliveredAt: string): LedgerRecord => ({
      vorgangsnummer: pkg.vorgangsnummer,
      mode: 'transfer-xfall',
      entry: fileName,
      deliveredAt,
      submittedAt: pkg.submittedAt,
    });
    if (await exists(target)) {
      // Published by an attempt that died before writing the ledger.
      const deliveredAt = (await lstat(target)).mtime.toISOString();
      await writeLedger(transferDir, stem, record(deliveredAt));
      return already(deliveredAt);
    }

    await removeStaleTemps(transferDir, stem);
    const deliveredAt = now().toISOString();
    const temp = join(transferDir, tempName(stem, '.xml'));
    await writeFileDurable(temp, buildXFall(pkg, { createdAt: deliveredAt }));
    await options.hooks?.beforeCommit?.(temp);
    if (!(await commitFileNoClobber(temp, target))) {
      const deliveredAtThen = (await lstat(target)).mtime.toISOString();
      await writeLedger(transferDir, stem, record(deliveredAtThen));
      return already(deliveredAtThen);
    }
    await fsyncDir(transferDir);
    await writeLedger(transferDir, stem, record(deliveredAt));
    return { mode: 'transfer-xfall', reference: fileName, deliveredAt, alreadyDelivered: false };
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    throw transferDirUnavailable(transferDir, err);
  }
}
