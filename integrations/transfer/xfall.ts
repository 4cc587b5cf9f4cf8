// Delivery of an xFall container into the Transferverzeichnis: `<Vorgangsnummer>.xml`, published in one step and
// never twice. The XML itself is written by xfall-xml.ts and read back by xfall-parse.ts.
import { join } from 'node:path';
import { safeFolderName } from './filenames';
import { assertTransferDirUsable, tempName, transferDirUnavailable, writeFileDurable } from './cleanup';
import { publishOnce } from './publish';
import { DeliveryError, type AntragPackage, type DeliveryResult, type TransferHooks } from './types';
import { buildXFall } from './xfall-xml';

export { parseXFall } from './xfall-parse';
export { buildXFall, documentsOf, XFALL_NAMESPACE, type XFallContent, type XFallDocument } from './xfall-xml';

export interface XFallDeliveryOptions {
  now?: () => Date;
  hooks?: TransferHooks;
}

/**
 * Writes `<Vorgangsnummer>.xml` into the Transferverzeichnis: built under a temporary dot-name, synced, then
 * published in one step, once (publish.ts). A Vorgang already delivered (file present, or recorded in `.delivered/`
 * after the authority picked it up) is not written again.
 */
export async function deliverXFall(
  transferDir: string,
  pkg: AntragPackage,
  options: XFallDeliveryOptions = {},
): Promise<DeliveryResult> {
  await assertTransferDirUsable(transferDir);
  const stem = safeFolderName(pkg.vorgangsnummer);
  const fileName = `${stem}.xml`;
  try {
    const { deliveredAt, alreadyDelivered } = await publishOnce(transferDir, {
      key: stem,
      vorgangsnummer: pkg.vorgangsnummer,
      record: (at) => ({
        vorgangsnummer: pkg.vorgangsnummer,
        mode: 'transfer-xfall',
        entry: fileName,
        deliveredAt: at,
        submittedAt: pkg.submittedAt,
      }),
      build: async (deliveredAt) => {
        const temp = join(transferDir, tempName(stem, '.xml'));
        await writeFileDurable(temp, buildXFall(pkg, { createdAt: deliveredAt }));
        return temp;
      },
      now: options.now ?? (() => new Date()),
      hooks: options.hooks,
    });
    return { mode: 'transfer-xfall', reference: fileName, deliveredAt, alreadyDelivered };
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    throw transferDirUnavailable(transferDir, err);
  }
}
