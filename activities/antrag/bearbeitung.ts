// What happens at the zuständige Stelle, recorded for the citizen's timeline (processing track, kept apart from
// the technical delivery track), with a notification where the citizen must act or receives something.
import type { ActivityDeps } from '../deps';
import { mustExist } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { sendNotificationOnce } from '../mail';
import { appendEreignis, setAntragStatus } from '../../db/stores/antrag-ereignis';
import { findAntrag } from '../../db/stores/antrag';
import { behebeStoerungen } from '../../db/stores/stoerung';
import { getBescheid, markBescheidZugestellt } from '../../db/stores/antrag-dokumente';
import { formatBerlin, statusUrl } from './eingang';
import { bescheidPerPost, dauerhaftAbgelehnt } from './bescheid-post';

export interface BearbeitungInput {
  vorgangsnummer: string;
  /** Counter from the workflow: makes each status change its own idempotent entry. */
  nr: number;
  status: 'in-bearbeitung' | 'nachforderung' | 'nachforderung-beantwortet' | 'abgeschlossen';
  actor: string;
  text?: string;
  frist?: string;
}

const TEXTE: Record<BearbeitungInput['status'], string> = {
  'in-bearbeitung': 'Ihr Antrag wird bearbeitet.',
  nachforderung: 'Die Behörde benötigt weitere Angaben von Ihnen.',
  'nachforderung-beantwortet': 'Ihre Antwort auf die Nachforderung ist eingegangen.',
  abgeschlossen: 'Die Bearbeitung ist abgeschlossen.',
};

export async function bearbeitungsstand(deps: ActivityDeps, input: BearbeitungInput): Promise<void> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const antrag = mustExist(await findAntrag(db, vn), `Antrag ${vn}`);
  await setAntragStatus(db, vn, { status: input.status, bearbeitung_status: input.status });
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'bearbeitung',
    status: input.status,
    key: `${vn}:bearbeitung:${input.nr}`,
    text: TEXTE[input.status],
    details: input.frist ? { frist: input.frist } : {},
  });
  await appendAudit(db, {
    actor: input.actor,
    action: `antrag.${input.status}`,
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: input.frist ? { frist: input.frist } : {},
    idempotencyKey: `${vn}:bearbeitung:${input.nr}`,
  });
  if (input.status === 'nachforderung' && antrag.antragsteller) {
    await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: `${vn}:nachforderung:${input.nr}`,
      to: antrag.antragsteller.email,
      subject: `Nachforderung zu Ihrem Antrag ${vn}`,
      text:
        `Guten Tag ${antrag.antragsteller.name},\n\ndie zuständige Stelle benötigt für Ihren Antrag ${vn} weitere Angaben` +
        `${input.frist ? ` bis zum ${formatBerlin(input.frist)}` : ''}:\n\n${input.text ?? ''}\n\n` +
        `Antworten können Sie hier: ${statusUrl(deps, vn)}\n\nIhr Amt24-Serviceportal Sachsen\n`,
    });
  }
}

export async function bescheidZustellen(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; dateiId: string; widerspruchsfristMs: number; actor: string },
): Promise<{ zugestelltAm: string; widerspruchBis: string; perPost?: boolean }> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const datei = await getBescheid(db, input.dateiId);
  const meta = datei.metadata as { zugestelltAm?: string; versand?: string };
  // The delivery instant is fixed at the first attempt so that a retry does not move the Widerspruch period.
  const zugestelltAm = meta.zugestelltAm ?? new Date().toISOString();
  if (!meta.zugestelltAm) {
    await markBescheidZugestellt(db, input.dateiId, zugestelltAm);
  }
  const widerspruchBis = new Date(Date.parse(zugestelltAm) + input.widerspruchsfristMs).toISOString();
  const antrag = mustExist(await findAntrag(db, vn), `Antrag ${vn}`);
  // A Bescheid ends the processing, whatever status the authority reported last.
  await setAntragStatus(db, vn, { status: 'bescheid-zugestellt', bearbeitung_status: 'abgeschlossen' });
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'bearbeitung',
    status: 'bescheid',
    key: `${vn}:bescheid:${input.dateiId}`,
    text: 'Ihr Bescheid liegt vor.',
    details: { dateiId: input.dateiId, zugestelltAm, widerspruchBis },
  });
  await appendAudit(db, {
    actor: input.actor,
    action: 'antrag.bescheid-zugestellt',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: { dateiId: input.dateiId, sha256: datei.sha256, zugestelltAm, widerspruchBis },
    idempotencyKey: `${vn}:bescheid:${input.dateiId}`,
  });
  // Electronic unless the authority sends it by post or the mail system refuses the address for good.
  let perPost = meta.versand === 'post' ? 'die Behörde stellt ihn per Post zu' : undefined;
  if (!perPost && antrag.antragsteller) {
    try {
      await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
        idempotencyKey: `${vn}:bescheid:${input.dateiId}`,
        to: antrag.antragsteller.email,
        subject: `Ihr Bescheid zum Antrag ${vn}`,
        text:
          `Guten Tag ${antrag.antragsteller.name},\n\nzu Ihrem Antrag ${vn} liegt ein Bescheid vor. Sie können ihn hier abrufen:\n` +
          `${statusUrl(deps, vn)}\n\nGegen den Bescheid können Sie bis zum ${formatBerlin(widerspruchBis)} Widerspruch einlegen.\n\n` +
          'Ihr Amt24-Serviceportal Sachsen\n',
      });
    } catch (err) {
      if (!dauerhaftAbgelehnt(err)) throw err;
      perPost = `E-Mail-Adresse abgewiesen: ${(err as Error).message.slice(0, 200)}`;
    }
  }
  if (perPost) await bescheidPerPost(deps, antrag, { dateiId: input.dateiId, grund: perPost });
  return { zugestelltAm, widerspruchBis, ...(perPost ? { perPost: true } : {}) };
}

export async function antragBeenden(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; grund: 'nicht-bezahlt' | 'abgelehnt'; text: string },
): Promise<void> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const antrag = mustExist(await findAntrag(db, vn), `Antrag ${vn}`);
  await setAntragStatus(db, vn, { status: input.grund === 'nicht-bezahlt' ? 'abgebrochen' : 'nicht-zustellbar' });
  // An unpaid Antrag ends its payment poll: a Störung of that poll would otherwise stay on the board for ever, as
  // nothing reads its Kassenzeichen again (a refund watch that does clears its own).
  if (input.grund === 'nicht-bezahlt') await behebeStoerungen(db, vn, 'zahlungsabfrage');
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: input.grund === 'nicht-bezahlt' ? 'abgebrochen' : 'nicht-zustellbar',
    key: `${vn}:ende`,
    text: input.text,
  });
  await appendAudit(db, {
    actor: 'system',
    action: `antrag.${input.grund}`,
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: {},
    idempotencyKey: `${vn}:ende`,
  });
  if (antrag.antragsteller) {
    await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: `${vn}:ende`,
      to: antrag.antragsteller.email,
      subject: `Ihr Antrag ${vn}`,
      text: `Guten Tag ${antrag.antragsteller.name},\n\n${input.text}\n\nIhr Amt24-Serviceportal Sachsen\n`,
    });
  }
}
