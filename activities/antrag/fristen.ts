// The deadlines after delivery, as mails once per key: the citizen's reminder before a Nachforderung's deadline,
// the authority's notice when it passed unanswered, and the authority's reminder when it has not answered at all.
import type { ActivityDeps } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import { sendNotificationOnce } from '../mail';
import { formatBerlin, statusUrl } from './eingang';
import { antragUndStelle } from './stelle';

export async function nachforderungErinnern(deps: ActivityDeps, input: { vorgangsnummer: string; frist: string }) {
  const vn = input.vorgangsnummer;
  const { antrag } = await antragUndStelle(deps, vn);
  const key = `${vn}:nachforderung-erinnerung:${input.frist}`;
  if (antrag.antragsteller) {
    await sendNotificationOnce(deps.db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: key,
      to: antrag.antragsteller.email,
      subject: `Erinnerung: Nachforderung zu Ihrem Antrag ${vn}`,
      text:
        `Guten Tag ${antrag.antragsteller.name},\n\ndie zuständige Stelle wartet noch auf Ihre Angaben zum Antrag ${vn}. ` +
        `Die Frist endet am ${formatBerlin(input.frist)}.\n\nAntworten können Sie hier: ${statusUrl(deps, vn)}\n\n` +
        'Ihr Amt24-Serviceportal Sachsen\n',
    });
  }
  await appendEreignis(deps.db, {
    vorgangsnummer: vn,
    spur: 'bearbeitung',
    status: 'nachforderung-erinnert',
    key,
    text: `Erinnerung: Die Frist der Nachforderung endet am ${formatBerlin(input.frist)}.`,
    details: { frist: input.frist },
  });
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'antrag.nachforderung-erinnert',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: { frist: input.frist },
    idempotencyKey: key,
  });
}

export async function nachforderungFristAbgelaufen(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; frist: string },
) {
  const vn = input.vorgangsnummer;
  const { antrag, stelle } = await antragUndStelle(deps, vn);
  const key = `${vn}:nachforderung-abgelaufen:${input.frist}`;
  await sendNotificationOnce(deps.db, deps.mailer, 'amt24.sachsen.de', {
    idempotencyKey: key,
    to: stelle,
    subject: `Frist der Nachforderung abgelaufen: Antrag ${vn}`,
    text:
      `Die Frist Ihrer Nachforderung zum Antrag ${vn} (${antrag.onlinedienst_id}) ist am ${formatBerlin(input.frist)} ` +
      'abgelaufen, ohne dass eine Antwort eingegangen ist. Bitte entscheiden Sie, wie es mit dem Antrag weitergeht.\n\n' +
      'Ihr Amt24-Serviceportal Sachsen\n',
  });
  await appendEreignis(deps.db, {
    vorgangsnummer: vn,
    spur: 'bearbeitung',
    status: 'nachforderung-frist-abgelaufen',
    key,
    text: 'Die Frist der Nachforderung ist abgelaufen; die zuständige Stelle wurde informiert.',
    details: { frist: input.frist },
  });
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'antrag.nachforderung-frist-abgelaufen',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: { frist: input.frist },
    idempotencyKey: key,
  });
}

/** The authority has not answered within `frist.behoerdeAntwort` of delivery. */
export async function behoerdeErinnern(deps: ActivityDeps, input: { vorgangsnummer: string; faelligAm: string }) {
  const vn = input.vorgangsnummer;
  const { antrag, stelle } = await antragUndStelle(deps, vn);
  const key = `${vn}:behoerde-erinnerung`;
  await sendNotificationOnce(deps.db, deps.mailer, 'amt24.sachsen.de', {
    idempotencyKey: key,
    to: stelle,
    subject: `Antrag ${vn} wartet auf Bearbeitung`,
    text:
      `Der Antrag ${vn} (${antrag.onlinedienst_id}) wurde Ihnen zugestellt; bis ${formatBerlin(input.faelligAm)} ist ` +
      'keine Rückmeldung eingegangen. Bitte nehmen Sie ihn in Bearbeitung oder melden Sie den Stand.\n\n' +
      'Ihr Amt24-Serviceportal Sachsen\n',
  });
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'antrag.behoerde-erinnert',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: { faelligAm: input.faelligAm },
    idempotencyKey: key,
  });
}
