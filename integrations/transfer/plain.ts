// Plain Transferverzeichnis: one folder per Vorgang with antrag.pdf, the attachments, antrag.json and antrag.xml
// (the process's XML document when its output format is XML, else the xFall container).
// The authority's software polls the share and takes whatever folder it sees, so a folder must appear complete
// or not at all: it is built under a dot-name (which pickup ignores), synced, and renamed in one step.
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
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
import { buildXFall, documentsOf, type XFallDocument } from './xfall-xml';

export interface PlainDeliveryOptions {
  now?: () => Date;
  /** Write antrag.json beside the PDF (default true). */
  includeJson?: boolean;
  /** Write antrag.xml beside the PDF (default true). */
  includeXml?: boolean;
  hooks?: TransferHooks;
}

/** The JSON written as antrag.json. */
export interface PlainAntragJson {
  vorgangsnummer: string;
  onlinedienstId: string;
  mandantId: string;
  leistungId?: string;
  submittedAt: string;
  deliveredAt: string;
  documents: {
    id: string;
    role: 'antrag' | 'anlage';
    file: string;
    originalFileName?: string;
    mediaType: string;
    size: number;
    sha256: string;
  }[];
  formData: Record<string, unknown>;
}

function antragJson(pkg: AntragPackage, documents: XFallDocument[], deliveredAt: string): PlainAntragJson {
  return {
    vorgangsnummer: pkg.vorgangsnummer,
    onlinedienstId: pkg.onlinedienstId,
    mandantId: pkg.mandantId,
    ...(pkg.leistungId === undefined ? {} : { leistungId: pkg.leistungId }),
    submittedAt: pkg.submittedAt,
    deliveredAt,
    documents: documents.map((doc) => ({
      id: doc.id,
      role: doc.rolle,
      file: doc.dateiname,
      ...(doc.originalDateiname === undefined ? {} : { originalFileName: doc.originalDateiname }),
      mediaType: doc.mediaType,
      size: doc.groesse,
      sha256: doc.sha256,
    })),
    formData: pkg.formData,
  };
}

async function folderMtime(path: string): Promise<string | undefined> {
  try {
    return (await lstat(path)).mtime.toISOString();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Delivers a Vorgang as a folder named after its Vorgangsnummer. Idempotent: when the folder exists, or the
 * ledger `.delivered/<name>` says it was delivered (the authority removes folders on pickup), nothing is written.
 * A share that is missing or not writable is a retryable DeliveryError.
 */
export async function deliverPlain(
  transferDir: string,
  pkg: AntragPackage,
  options: PlainDeliveryOptions = {},
): Promise<DeliveryResult> {
  const now = options.now ?? (() => new Date());
  await assertTransferDirUsable(transferDir);
  const folder = safeFolderName(pkg.vorgangsnummer);
  const target = join(transferDir, folder);
  const already = (deliveredAt: string): DeliveryResult => ({
    mode: 'transfer-plain',
    reference: folder,
    deliveredAt,
    alreadyDelivered: true,
  });
  const record = (deliveredAt: string): LedgerRecord => ({
    vorgangsnummer: pkg.vorgangsnummer,
    mode: 'transfer-plain',
    entry: folder,
    deliveredAt,
    submittedAt: pkg.submittedAt,
  });

  try {
    const recorded = await readLedger(transferDir, folder);
    if (recorded) {
      if (recorded.vorgangsnummer !== pkg.vorgangsnummer) {
        throw new DeliveryError('name-collision', `${folder} belongs to Vorgang ${recorded.vorgangsnummer}`, {
          retryable: false,
        });
      }
      return already(recorded.deliveredAt);
    }
    const publishedAt = await folderMtime(target);
    if (publishedAt) {
      // Renamed into place by an attempt that died before writing the ledger.
      await writeLedger(transferDir, folder, record(publishedAt));
      return already(publishedAt);
    }

    await removeStaleTemps(transferDir, folder);
    const deliveredAt = now().toISOString();
    const temp = join(transferDir, tempName(folder));
    await mkdir(temp, { mode: 0o750 });

    const reserved = [
      ...(options.includeJson === false ? [] : ['antrag.json']),
      ...(options.includeXml === false ? [] : ['antrag.xml']),
    ];
    const documents = documentsOf(pkg, reserved);
    for (const doc of documents) await writeFileDurable(join(temp, doc.dateiname), doc.content!);
    if (options.includeJson !== false) {
      await writeFileDurable(
        join(temp, 'antrag.json'),
        `${JSON.stringify(antragJson(pkg, documents, deliveredAt), null, 2)}\n`,
      );
    }
    if (options.includeXml !== false) {
      await writeFileDurable(
        join(temp, 'antrag.xml'),
        pkg.ausgabeXml ?? buildXFall(pkg, { createdAt: deliveredAt, embedDocuments: false, documents }),
      );
    }
    await fsyncDir(temp);
    await options.hooks?.beforeCommit?.(temp);

    try {
      // rename(2) refuses to replace a non-empty directory, so a concurrent attempt cannot be overwritten.
      await rename(temp, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      await rm(temp, { recursive: true, force: true });
      const thenAt = (await folderMtime(target)) ?? deliveredAt;
      await writeLedger(transferDir, folder, record(thenAt));
      return already(thenAt);
    }
    await fsyncDir(transferDir);
    await writeLedger(transferDir, folder, record(deliveredAt));
    return { mode: 'transfer-plain', reference: folder, deliveredAt, alreadyDelivered: false };
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    throw transferDirUnavailable(transferDir, err);
  }
}
