// After a Vorgang was written into the Transferverzeichnis: has the authority fetched it (integrations/transfer/
// abholung.ts says how we tell), the Mandant's reminder when it has not, the warning to the Mandant and the AWB
// before unfetched data is deleted, and the record of such a deletion. Every step is idempotent: the pickup keeps
// its first sighting, each mail and each entry has its own key.
import path from 'node:path';
import type { ActivityDeps } from '../deps';
import { mustExist } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import { findZustellung } from '../../db/stores/antrag';
import { markZustellungAbgeholt } from '../../db/stores/zustellung';
import { transferEintragVorhanden } from '../../integrations/transfer/abholung';
import { safeFolderName } from '../../integrations/transfer/filenames';
import { transferDirUnavailable } from '../../integrations/transfer/cleanup';
import { transferDir, transferLoeschen } from './zustellung';
import { formatBerlin } from './eingang';
import { sendNotificationOnce } from '../mail';
import { antragUndStelle } from './stelle';
import type { AktivierungsKonfiguration } from './konfiguration';

type Zustellung = AktivierungsKonfiguration['zustellung'];

/** The name the delivery gave the Vorgang in the share (stored as the delivery's reference). */
export async function transferEintrag(deps: ActivityDeps, vn: string, z: Zustellung): Promise<string> {
  const row = await findZustellung(deps.db, vn);
  const stem = safeFolderName(vn);
  return row?.referenz || (z.modus === 'transfer-xfall' ? `${stem}.xml` : stem);
}

/** Records the pickup once: the delivery row, the technical lane, the audit log. */
export async function abholungErfassen(deps: ActivityDeps, vn: string, mandantId: string): Promise<string> {
  const am = mustExist(await markZustellungAbgeholt(deps.db, vn, new Date()), `Zustellung ${vn}`);
  await appendEreignis(deps.db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'abgeholt',
    key: `${vn}:abgeholt`,
    text: 'Die zuständige Stelle hat Ihren Antrag abgeholt.',
    details: { abgeholtAm: am.toISOString() },
  });
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'transfer.abgeholt',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId,
    details: { abgeholtAm: am.toISOString() },
    idempotencyKey: `${vn}:abgeholt`,
  });
  return am.toISOString();
}

/** One look at the Transferverzeichnis; `abgeholtAm` once the Vorgang is gone from it. */
export async function transferAbholungPruefen(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; zustellung: Zustellung },
): Promise<{ abgeholtAm?: string }> {
  const vn = input.vorgangsnummer;
  const row = mustExist(await findZustellung(deps.db, vn), `Zustellung ${vn}`);
  if (row.abgeholt_am) return { abgeholtAm: row.abgeholt_am.toISOString() };
  const entry = await transferEintrag(deps, vn, input.zustellung);
  const dir = transferDir(deps, input.zustellung);
  let vorhanden: boolean;
  try {
    vorhanden = await transferEintragVorhanden(dir, entry);
  } catch (err) {
    throw transferDirUnavailable(dir, err);
  }
  if (vorhanden) return {};
  const { antrag } = await antragUndStelle(deps, vn);
  return { abgeholtAm: await abholungErfassen(deps, vn, antrag.mandant_id) };
}

/** Not fetched after `frist.transferErinnerung`: the Mandant hears it once. */
export async function transferErinnern(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; zustellung: Zustellung; loeschAm: string },
): Promise<void> {
  const vn = input.vorgangsnummer;
  const { antrag, stelle } = await antragUndStelle(deps, vn);
  const verzeichnis = transferDir(deps, input.zustellung);
  await sendNotificationOnce(deps.db, deps.mailer, 'amt24.sachsen.de', {
    idempotencyKey: `${vn}:transfer-erinnerung`,
    to: stelle,
    subject: `Antrag ${vn} liegt noch im Transferverzeichnis`,
    text:
      `Der Antrag ${vn} (${antrag.onlinedienst_id}) liegt seit seiner Zustellung ungelesen im Transferverzeichnis\n` +
      `${verzeichnis}\n\nBitte holen Sie ihn ab. Ohne Abholung werden die Daten dort am ` +
      `${formatBerlin(input.loeschAm)} gelöscht.\n\nIhr Amt24-Serviceportal Sachsen\n`,
  });
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'transfer.abholung-erinnert',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: { loeschAm: input.loeschAm },
    idempotencyKey: `${vn}:transfer-erinnerung`,
  });
}

/** Before unfetched data is deleted: the Mandant and the AWB are warned, once each. */
export async function transferLoeschWarnung(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; zustellung: Zustellung; loeschAm: string },
): Promise<void> {
  const vn = input.vorgangsnummer;
  const { antrag, stelle } = await antragUndStelle(deps, vn);
  const verzeichnis = transferDir(deps, input.zustellung);
  const text =
    `Der Antrag ${vn} (${antrag.onlinedienst_id}, Mandant ${antrag.mandant_id}) wurde nie aus dem ` +
    `Transferverzeichnis\n${verzeichnis}\nabgeholt. Am ${formatBerlin(input.loeschAm)} werden die Daten dort ` +
    'gelöscht, ohne dass die zuständige Stelle sie erhalten hat.\n\nIhr Amt24-Serviceportal Sachsen\n';
  const subject = `Löschung ungelesener Daten: Antrag ${vn}`;
  const an = [{ key: `${vn}:transfer-warnung:mandant`, to: stelle }];
  if (deps.awbEmail && deps.awbEmail !== stelle) an.push({ key: `${vn}:transfer-warnung:awb`, to: deps.awbEmail });
  for (const { key, to } of an) {
    await sendNotificationOnce(deps.db, deps.mailer, 'amt24.sachsen.de', { idempotencyKey: key, to, subject, text });
  }
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'transfer.loeschung-angekuendigt',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: { loeschAm: input.loeschAm },
    idempotencyKey: `${vn}:transfer-warnung`,
  });
}

/**
 * The deletion after `frist.transferLoeschen`, told apart: data the authority fetched (a pickup since the last look
 * is recorded now) or data it never fetched — then the audit log and the technical lane say so.
 */
export async function transferLoeschenErfasst(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; zustellung: Zustellung },
): Promise<{ geloescht: string[]; ungeholt: boolean; abgeholtAm?: string }> {
  const vn = input.vorgangsnummer;
  if (input.zustellung.modus === 'fitconnect') return { ...(await transferLoeschen(deps, input)), ungeholt: false };
  const row = mustExist(await findZustellung(deps.db, vn), `Zustellung ${vn}`);
  const { antrag } = await antragUndStelle(deps, vn);
  const entry = await transferEintrag(deps, vn, input.zustellung);
  const dir = transferDir(deps, input.zustellung);
  let abgeholtAm = row.abgeholt_am?.toISOString();
  // A retry after the files are gone must not count them as fetched: the first attempt recorded a pickup it saw
  // (abgeholt_am), so a deleted Vorgang without one was deleted unfetched.
  let ungeholt = !abgeholtAm && row.transfer_geloescht_am !== null;
  if (!abgeholtAm && !ungeholt) {
    if (await transferEintragVorhanden(dir, entry)) ungeholt = true;
    else abgeholtAm = await abholungErfassen(deps, vn, antrag.mandant_id);
  }
  if (ungeholt) await ungeholtGeloeschtErfassen(deps, vn, antrag.mandant_id, entry);
  const { geloescht } = await transferLoeschen(deps, input);
  return { geloescht, ungeholt, ...(abgeholtAm ? { abgeholtAm } : {}) };
}

async function ungeholtGeloeschtErfassen(deps: ActivityDeps, vn: string, mandantId: string, entry: string) {
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'transfer.ungeholt-geloescht',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId,
    details: { eintrag: path.basename(entry) },
    idempotencyKey: `${vn}:transfer-ungeholt-geloescht`,
  });
  await appendEreignis(deps.db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'ungeholt-geloescht',
    key: `${vn}:ungeholt-geloescht`,
    text:
      'Die zuständige Stelle hat Ihren Antrag nicht abgeholt; die Daten im Transferverzeichnis wurden nach Ablauf der ' +
      'Frist gelöscht. Bitte wenden Sie sich an die Behörde.',
  });
}
