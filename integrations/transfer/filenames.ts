// File names come from the applicant's browser and end up on an authority's file share (often Windows/SMB):
// never trust them. Everything here is pure so the same rules apply to folders, files and FIT-Connect metadata.
import { createHash } from 'node:crypto';

export interface SafeNameOptions {
  /** Maximum length in characters (code points), extension included. */
  maxLength?: number;
  /** Used when nothing usable is left of the name. */
  fallback?: string;
  /** Gives an extension to a name that has none. */
  mediaType?: string;
}

const DEFAULT_MAX_LENGTH = 120;
// Most file systems cap a name at 255 bytes; umlauts and emoji take more than one byte each.
const MAX_BYTES = 255;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidi overrides turn "rechnung\u202Efdp.exe" into something that reads like a PDF; zero-width chars hide differences.
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Forbidden on Windows shares, and the path separators of both worlds.
const FORBIDDEN = /[<>:"/\\|?*]/g;
const WHITESPACE = /[\s\u00a0\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
// Windows device names, with or without extension ("CON.txt" is the console too).
const RESERVED = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$|clock\$)$/i;
const SANE_EXTENSION = /^[a-z0-9]{1,10}$/;

const EXTENSION_BY_MEDIA_TYPE: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/tiff': 'tif',
  'image/webp': 'webp',
  'application/zip': 'zip',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.oasis.opendocument.text': 'odt',
};

export function extensionForMediaType(mediaType: string | undefined): string | undefined {
  if (!mediaType) return undefined;
  return EXTENSION_BY_MEDIA_TYPE[mediaType.split(';')[0]!.trim().toLowerCase()];
}

/** Removes what can never be part of a safe name; keeps separators for the caller to decide on. */
function scrub(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : '';
  return text.replace(LONE_SURROGATE, '').normalize('NFC').replace(CONTROL, '').replace(INVISIBLE, '');
}

function tidy(name: string): string {
  return (
    name
      .replace(FORBIDDEN, '_')
      .replace(WHITESPACE, ' ')
      // Leading dots hide files (and collide with our own temporary names); Windows drops trailing dots and spaces.
      .replace(/^[\s.]+/, '')
      .replace(/[\s.]+$/, '')
  );
}

function codePoints(text: string): string[] {
  return Array.from(text);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts `base` so that `base + suffix` fits both limits, never inside a surrogate pair. */
function fit(base: string, suffix: string, maxLength: number): string {
  const suffixPoints = codePoints(suffix).length;
  let points = codePoints(base);
  if (points.length + suffixPoints > maxLength) points = points.slice(0, Math.max(0, maxLength - suffixPoints));
  while (points.length > 0 && utf8Length(points.join('') + suffix) > MAX_BYTES) points.pop();
  return points.join('').replace(/[\s.]+$/, '');
}

function splitExtension(name: string): { base: string; ext: string | undefined } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { base: name, ext: undefined };
  const ext = name.slice(dot + 1).toLowerCase();
  if (!SANE_EXTENSION.test(ext)) return { base: name, ext: undefined };
  return { base: name.slice(0, dot).replace(/[\s.]+$/, ''), ext };
}

function defuseReserved(base: string): string {
  const stem = base.split('.')[0]!.trim();
  return RESERVED.test(stem) ? `_${base}` : base;
}

interface NameParts {
  base: string;
  ext: string | undefined;
}

function safeParts(raw: unknown, options: SafeNameOptions): NameParts {
  const scrubbed = scrub(raw);
  // Only the last path segment counts: "../../etc/passwd" is "passwd", "C:\\x\\y.pdf" is "y.pdf".
  const segments = scrubbed.split(/[/\\]+/).filter((segment) => tidy(segment) !== '');
  const name = tidy(segments.at(-1) ?? '');
  let { base, ext } = splitExtension(name);
  ext ??= extensionForMediaType(options.mediaType);
  base = defuseReserved(base);
  if (base === '') base = tidy(scrub(options.fallback ?? 'datei')) || 'datei';
  return { base, ext };
}

function join(parts: NameParts, maxLength: number, marker = ''): string {
  const suffix = `${marker}${parts.ext ? `.${parts.ext}` : ''}`;
  const base = fit(parts.base, suffix, maxLength) || 'datei';
  return `${base}${suffix}`;
}

/**
 * A file name that is safe on Linux and Windows shares: no path, no `..`, no control or invisible characters,
 * no reserved device names, bounded length, and a plain alphanumeric extension (or one from the media type).
 */
export function safeFileName(raw: unknown, options: SafeNameOptions = {}): string {
  return join(safeParts(raw, options), options.maxLength ?? DEFAULT_MAX_LENGTH);
}

/**
 * A folder or file stem derived from an identifier such as the Vorgangsnummer. When cleaning had to change the
 * identifier, a short hash of the original is appended, so two different identifiers never share a folder.
 */
export function safeFolderName(identifier: string, options: { maxLength?: number } = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  // Separators become underscores, but "." and ".." segments vanish: "../../V/7" is "V_7", never ".._.._V_7".
  const segments = scrub(identifier)
    .split(/[/\\]+/)
    .map(tidy)
    .filter((segment) => segment !== '');
  const cleaned = defuseReserved(segments.join('_'));
  if (cleaned === identifier && codePoints(cleaned).length <= maxLength && utf8Length(cleaned) <= MAX_BYTES) {
    return cleaned;
  }
  const hash = createHash('sha256').update(identifier, 'utf8').digest('hex').slice(0, 10);
  const base = fit(cleaned === '' ? 'vorgang' : cleaned, `-${hash}`, maxLength);
  return `${base || 'vorgang'}-${hash}`;
}

/**
 * Hands out safe, distinct names within one Vorgang. Comparison ignores case because Windows shares do:
 * "Scan.pdf" and "scan.PDF" would overwrite each other there.
 */
export class FileNameAllocator {
  private readonly taken = new Set<string>();
  private readonly maxLength: number;

  constructor(reserved: Iterable<string> = [], options: { maxLength?: number } = {}) {
    this.maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    for (const name of reserved) this.taken.add(name.toLowerCase());
  }

  allocate(raw: unknown, options: Omit<SafeNameOptions, 'maxLength'> = {}): string {
    const parts = safeParts(raw, options);
    let candidate = join(parts, this.maxLength);
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) {
      candidate = join(parts, this.maxLength, ` (${n})`);
    }
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
