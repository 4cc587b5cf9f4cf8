// Delivery of an xFall container into the Transferverzeichnis: `<Vorgangsnummer>.xml`, published in one step and
// never twice. The XML itself is written by xfall-xml.ts and read back by xfall-parse.ts.
import { link, lstat, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { safeFolderName } from './filenames';
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
import { buildXFall } from './xfall-xml';

export { parseXFall } from './xfall-parse';
export { buildXFall, documentsOf, XFALL_NAMESPACE, type XFallContent, type XFallDocument } from './xfall-xml';

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
