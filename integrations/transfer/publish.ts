// Publishing into the Transferverzeichnis at most once, wherever the process dies. The authority's software takes
// whatever appears within a poll, so "renamed into place, killed before noting it, picked up" must not look like
// "never published" to the retry — it did when the ledger was written only after the rename, and a Vorgang killed
// in that window reached the authority twice. So the ledger record is written first, as a claim naming the
// temporary that is then renamed into place. A temporary can be renamed only once, which tells a retry exactly
// where the claim stands: temporary still there — not published, finish it; entry there — published; neither —
// published and picked up. The claim is created no-clobber, so of two live attempts only one publishes.
import { link, lstat, mkdir, rename, rm, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  assertTransferDirUsable,
  fsyncDir,
  LEDGER_DIR,
  readLedger,
  removeStaleTemps,
  tempName,
  writeFileDurable,
  writeLedger,
  type LedgerRecord,
} from './cleanup';
import { DeliveryError, type TransferHooks } from './types';

export interface Published {
  deliveredAt: string;
  alreadyDelivered: boolean;
}

export interface Publication {
  /** The ledger key: the Vorgangsnummer made safe as a file name. */
  key: string;
  vorgangsnummer: string;
  /** The record the ledger keeps once published (`entry` is the name published under). */
  record: (deliveredAt: string) => LedgerRecord;
  /** Writes the complete temporary under a dot-name (which pickup ignores), synced; returns its path. */
  build: (deliveredAt: string) => Promise<string>;
  now: () => Date;
  hooks?: TransferHooks | undefined;
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

async function mtimeOf(path: string): Promise<string | undefined> {
  try {
    return (await lstat(path)).mtime.toISOString();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Publishes the file `temp` as `target` unless `target` exists; false when someone else was first. */
export async function linkNoClobber(temp: string, target: string): Promise<boolean> {
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
    if ((await mtimeOf(target)) !== undefined) {
      await unlink(temp);
      return false;
    }
    await rename(temp, target);
    return true;
  }
}

/** Writes the claim unless a record exists already; false when one does. */
async function claim(dir: string, key: string, record: LedgerRecord): Promise<boolean> {
  const ledgerDir = join(dir, LEDGER_DIR);
  await mkdir(ledgerDir, { recursive: true });
  const temp = join(ledgerDir, tempName(key));
  await writeFileDurable(temp, `${JSON.stringify(record, null, 2)}\n`);
  const mine = await linkNoClobber(temp, join(ledgerDir, key));
  await fsyncDir(ledgerDir);
  return mine;
}

/** Takes a claim as far as it goes: renames its temporary into place unless that happened already. */
async function settle(dir: string, key: string, claimed: LedgerRecord, hooks?: TransferHooks): Promise<Published> {
  const { pending, ...done } = claimed;
  if (pending === undefined) return { deliveredAt: claimed.deliveredAt, alreadyDelivered: true };
  const temp = join(dir, pending);
  const target = join(dir, done.entry);
  let renamed = false;
  if ((await mtimeOf(target)) === undefined) {
    try {
      await rename(temp, target);
      renamed = true;
    } catch (err) {
      const code = errnoOf(err);
      // ENOENT: the temporary was renamed already (then picked up, or by a concurrent attempt settling the same
      // claim) — unless the share itself went away. ENOTEMPTY/EEXIST: the folder is there now.
      if (code === 'ENOENT') await assertTransferDirUsable(dir);
      else if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  }
  if (renamed) {
    await fsyncDir(dir);
    await hooks?.afterPublish?.(target);
  } else {
    await rm(temp, { recursive: true, force: true });
  }
  await writeLedger(dir, key, done);
  return { deliveredAt: done.deliveredAt, alreadyDelivered: !renamed };
}

/**
 * Publishes a Vorgang once: what the ledger knows first (delivered, or a claim an attempt left half done), then an
 * entry published before claims existed, and only then a new temporary, claimed and renamed into place.
 */
export async function publishOnce(dir: string, p: Publication): Promise<Published> {
  // Three rounds: a claim lost to a concurrent attempt is settled in the next one.
  for (let round = 0; round < 3; round++) {
    const recorded = await readLedger(dir, p.key);
    if (recorded) {
      if (recorded.vorgangsnummer !== p.vorgangsnummer) {
        throw new DeliveryError('name-collision', `${recorded.entry} belongs to Vorgang ${recorded.vorgangsnummer}`, {
          retryable: false,
        });
      }
      return settle(dir, p.key, recorded);
    }
    const deliveredAt = p.now().toISOString();
    const publishedAt = await mtimeOf(join(dir, p.record(deliveredAt).entry));
    if (publishedAt) {
      // Published by an attempt from before claims, which died before writing the ledger.
      await writeLedger(dir, p.key, p.record(publishedAt));
      return { deliveredAt: publishedAt, alreadyDelivered: true };
    }
    const temp = await p.build(deliveredAt);
    await p.hooks?.beforeCommit?.(temp);
    if (!(await claim(dir, p.key, { ...p.record(deliveredAt), pending: basename(temp) }))) {
      await rm(temp, { recursive: true, force: true });
      continue;
    }
    // Ours now: what crashed attempts left before claiming goes (a live one finds the claim and settles it).
    await removeStaleTemps(dir, p.key, basename(temp));
    return settle(dir, p.key, { ...p.record(deliveredAt), pending: basename(temp) }, p.hooks);
  }
  throw Object.assign(new Error(`the ledger entry for ${p.key} keeps changing`), { code: 'ECONFLICT' });
}
