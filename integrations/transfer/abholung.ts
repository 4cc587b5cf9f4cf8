// Has the authority fetched a Vorgang? The signal is the one every Transferverzeichnis already gives: the
// Fachverfahren's import job takes what it sees — it deletes the folder or xFall file, or moves it into a folder
// of its own — so an entry that is gone from the top level of the share has been picked up. We chose this over an
// acknowledgement file because no import job writes one today (external-systems.md: "the authority picking it up
// removes it"); demanding one would need a change in every Fachverfahren, and a missing acknowledgement would then
// look like "never fetched" for folders that were in fact taken. The `.delivered/` ledger is ours and stays, so a
// retried delivery still knows the Vorgang went out. A share that is not mounted is no pickup: the check fails
// retryably instead of reporting every Vorgang as fetched.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { assertTransferDirUsable } from './cleanup';

/** Whether the delivered entry (folder or `<name>.xml`) still lies in the Transferverzeichnis. */
export async function transferEintragVorhanden(dir: string, entry: string): Promise<boolean> {
  await assertTransferDirUsable(dir);
  try {
    await lstat(join(dir, entry));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
