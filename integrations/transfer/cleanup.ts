// The Transferverzeichnis' bookkeeping: durable writes, the `.delivered/` ledger that remembers a Vorgang after the
// authority has picked it up, and the deletion of everything older than the retention period (90 days).
// Plain and xFall delivery share these helpers.
import { constants, type Dirent } from 'node:fs';
import { access, lstat, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DeliveryError } from './types';

export const LEDGER_DIR = '.delivered';
export const TEMP_PREFIX = '.tmp-';
const DAY_MS = 86_400_000;

export interface LedgerRecord {
  vorgangsnummer: string;
  mode: 'transfer-plain' | 'transfer-xfall';
  /** Folder or file name in the Transferverzeichnis. */
  entry: string;
  deliveredAt: string;
  submittedAt: string;
  /** A claim (publish.ts): the temporary that becomes `entry`, written before the rename; gone once published. */
  pending?: string;
}

/** Any file-system failure while delivering: the share may come back (remount, permissions fixed, space freed). */
export function transferDirUnavailable(dir: string, err: unknown): DeliveryError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
  return new DeliveryError('transfer-dir-unavailable', `Transferverzeichnis ${dir} not usable (${code})`, {
    retryable: true,
    cause: err,
  });
}

/** Fails retryably when the directory is missing (unmounted share), not a directory or not writable. */
export async function assertTransferDirUsable(dir: string): Promise<void> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) {
      throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
    }
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw transferDirUnavailable(dir, err);
  }
}

export function tempName(stem: string, suffix = ''): string {
  return `${TEMP_PREFIX}${stem}-${randomBytes(4).toString('hex')}${suffix}`;
}

function isTempOf(name: string, stem: string): boolean {
  const prefix = `${TEMP_PREFIX}${stem}-`;
  return name.startsWith(prefix) && /^[0-9a-f]{8}(\.[a-z]+)?$/.test(name.slice(prefix.length));
}

/** Removes what an earlier, crashed attempt for the same Vorgang left behind (all but `keep`). */
export async function removeStaleTemps(dir: string, stem: string, keep?: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    if (!isTempOf(name, stem) || name === keep) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Creates the file (never overwrites), writes it completely and forces it to disk before returning. */
export async function writeFileDurable(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx', 0o640);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A rename is only durable once the directory holding it is synced. */
export async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function readLedger(dir: string, key: string): Promise<LedgerRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, LEDGER_DIR, key), 'utf8')) as LedgerRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof SyntaxError) return undefined; // a torn write from before we wrote atomically
    throw err;
  }
}

export async function writeLedger(dir: string, key: string, record: LedgerRecord): Promise<void> {
  const ledgerDir = join(dir, LEDGER_DIR);
  await mkdir(ledgerDir, { recursive: true });
  const temp = join(ledgerDir, tempName(key));
  await writeFileDurable(temp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temp, join(ledgerDir, key));
  await fsyncDir(ledgerDir);
}

async function readAllLedger(dir: string): Promise<Map<string, { key: string; record: LedgerRecord | undefined }>> {
  const byKey = new Map<string, { key: string; record: LedgerRecord | undefined }>();
  let names: string[];
  try {
    names = await readdir(join(dir, LEDGER_DIR));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return byKey;
    throw err;
  }
  for (const key of names) {
    if (key.startsWith('.')) continue;
    byKey.set(key, { key, record: await readLedger(dir, key) });
  }
  return byKey;
}

export interface CleanupOptions {
  /** Retention in days after submission (default 90). */
  olderThanDays?: number;
  now?: Date;
  /** Leftovers of crashed attempts older than this are removed too (default 24 h). */
  staleTempHours?: number;
}

export interface CleanupEntry {
  name: string;
  kind: 'vorgang-folder' | 'xfall-file' | 'temp' | 'ledger';
  vorgangsnummer?: string;
  /** The instant the age was counted from (submission, or file time when nothing better is known). */
  since: string;
  ageDays: number;
}

export interface CleanupResult {
  deleted: CleanupEntry[];
  /** Entries old enough but not recognisably ours: left alone, reported for a person to look at. */
  skipped: string[];
  failed: { name: string; error: string }[];
}

async function looksLikeOurs(dir: string, entry: Dirent): Promise<'vorgang-folder' | 'xfall-file' | undefined> {
  if (entry.isDirectory()) {
    try {
      await lstat(join(dir, entry.name, 'antrag.json'));
      return 'vorgang-folder';
    } catch {
      return undefined;
    }
  }
  if (entry.isFile() && entry.name.toLowerCase().endsWith('.xml')) return 'xfall-file';
  return undefined;
}

/**
 * Deletes Vorgang folders and xFall files whose submission lies more than `olderThanDays` back, ledger entries of
 * the same age whose delivery is gone, and stale temporaries. Returns what was deleted, for the audit log.
 */
export async function cleanupTransferDir(dir: string, options: CleanupOptions = {}): Promise<CleanupResult> {
  const now = (options.now ?? new Date()).getTime();
  const maxAgeMs = (options.olderThanDays ?? 90) * DAY_MS;
  const staleTempMs = (options.staleTempHours ?? 24) * 3_600_000;
  await assertTransferDirUsable(dir);

  const ledger = await readAllLedger(dir);
  const ledgerByEntry = new Map<string, LedgerRecord>();
  for (const { record } of ledger.values()) if (record) ledgerByEntry.set(record.entry, record);
  // A claim's temporary is what its retry publishes, however long that retry takes within the retention period.
  const claimed = new Set(
    [...ledger.values()].flatMap(({ record }) =>
      record?.pending && now - Date.parse(record.submittedAt) < maxAgeMs ? [record.pending] : [],
    ),
  );

  const result: CleanupResult = { deleted: [], skipped: [], failed: [] };
  const remove = async (name: string, entry: Omit<CleanupEntry, 'name'>, path = join(dir, name)): Promise<boolean> => {
    try {
      await rm(path, { recursive: true, force: true });
      result.deleted.push({ name, ...entry });
      return true;
    } catch (err) {
      result.failed.push({ name, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  };
  const ageOf = (since: number) => Math.floor((now - since) / DAY_MS);

  const entries = await readdir(dir, { withFileTypes: true });
  const present = new Set(entries.map((entry) => entry.name));
  for (const entry of entries) {
    if (entry.name === LEDGER_DIR) continue;
    const info = await lstat(join(dir, entry.name));
    if (entry.name.startsWith(TEMP_PREFIX)) {
      if (now - info.mtimeMs >= staleTempMs && !claimed.has(entry.name)) {
        await remove(entry.name, { kind: 'temp', since: info.mtime.toISOString(), ageDays: ageOf(info.mtimeMs) });
      }
      continue;
    }
    if (entry.name.startsWith('.')) continue;
    const record = ledgerByEntry.get(entry.name);
    const submitted = record ? Date.parse(record.submittedAt) : Number.NaN;
    const since = Number.isFinite(submitted) ? submitted : info.mtimeMs;
    if (now - since < maxAgeMs) continue;
    const kind = record
      ? record.mode === 'transfer-xfall'
        ? 'xfall-file'
        : 'vorgang-folder'
      : await looksLikeOurs(dir, entry);
    if (!kind) {
      result.skipped.push(entry.name);
      continue;
    }
    const removed = await remove(entry.name, {
      kind,
      ...(record ? { vorgangsnummer: record.vorgangsnummer } : {}),
      since: new Date(since).toISOString(),
      ageDays: ageOf(since),
    });
    if (removed) present.delete(entry.name);
  }

  // The ledger keeps retries idempotent after pickup; once the retention period is over no retry is left to stop.
  for (const { key, record } of ledger.values()) {
    const path = join(dir, LEDGER_DIR, key);
    const submitted = record ? Date.parse(record.submittedAt) : Number.NaN;
    const since = Number.isFinite(submitted) ? submitted : (await lstat(path)).mtimeMs;
    if (now - since < maxAgeMs) continue;
    if (record && present.has(record.entry)) continue;
    await remove(
      `${LEDGER_DIR}/${key}`,
      {
        kind: 'ledger',
        ...(record ? { vorgangsnummer: record.vorgangsnummer } : {}),
        since: new Date(since).toISOString(),
        ageDays: ageOf(since),
      },
      path,
    );
  }
  return result;
}
