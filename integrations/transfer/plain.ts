// Plain Transferverzeichnis: one folder per Vorgang with antrag.pdf, the attachments, antrag.json and antrag.xml
// (the process's XML document when its output format is XML, else the xFall container).
// The authority's software polls the share and takes whatever folder it sees, so a folder must appear complete
// or not at all: it is built under a dot-name (which pickup ignores), synced, and renamed in one step, once
// (publish.ts).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { safeFolderName } from './filenames';
import { assertTransferDirUsable, fsyncDir, tempName, transferDirUnavailable, writeFileDurable } from './cleanup';
import { publishOnce } from './publish';
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

/**
 * Delivers a Vorgang as a folder named after its Vorgangsnummer, once (publish.ts): when the ledger
 * `.delivered/<name>` says it was delivered (the authority removes folders on pickup), or the folder is there,
 * nothing is written. A share that is missing or not writable is a retryable DeliveryError.
 */
export async function deliverPlain(
  transferDir: string,
  pkg: AntragPackage,
  options: PlainDeliveryOptions = {},
): Promise<DeliveryResult> {
  await assertTransferDirUsable(transferDir);
  const folder = safeFolderName(pkg.vorgangsnummer);
  const build = async (deliveredAt: string): Promise<string> => {
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
    return temp;
  };
  try {
    const { deliveredAt, alreadyDelivered } = await publishOnce(transferDir, {
      key: folder,
      vorgangsnummer: pkg.vorgangsnummer,
      record: (at) => ({
        vorgangsnummer: pkg.vorgangsnummer,
        mode: 'transfer-plain',
        entry: folder,
        deliveredAt: at,
        submittedAt: pkg.submittedAt,
      }),
      build,
      now: options.now ?? (() => new Date()),
      hooks: options.hooks,
    });
    return { mode: 'transfer-plain', reference: folder, deliveredAt, alreadyDelivered };
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    throw transferDirUnavailable(transferDir, err);
  }
}
