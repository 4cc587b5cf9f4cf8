// The AWB's "remind every late one now" on a release, one page per activity (workflows/release-erinnerung.ts): one
// mail per late Onlinedienst to its Prozesseigner, through the outbox under a key of the action and the
// Onlinedienst — a retried page, or the same action asked for twice, mails nobody a second time.
import type { ActivityDeps } from '../deps';
import { sendNotificationOnce } from '../mail';
import { markRechecksReminded } from '../../db/stores/release-campaign';
import { countUeberfaelligeRechecks, listUeberfaelligeRechecks } from '../../db/stores/release-erinnerung';
import { CLASSIFICATION_LABELS } from '../../domain/release/campaign';
import { formatBerlin } from '../../domain/working-days';

export async function releaseUeberfaelligeZaehlen(
  deps: ActivityDeps,
  input: { version: string; stichtag: number },
): Promise<number> {
  return countUeberfaelligeRechecks(deps.db, input.version, input.stichtag);
}

export interface ErinnerungsSeite {
  erinnert: number;
  ohnePostfach: number;
  letzte?: string;
  anzahl: number;
}

export async function releaseUeberfaelligeErinnern(
  deps: ActivityDeps,
  input: { version: string; aktionId: string; stichtag: number; nach?: string; anzahl: number },
): Promise<ErinnerungsSeite> {
  const rows = await listUeberfaelligeRechecks(deps.db, input.version, {
    stichtag: input.stichtag,
    nach: input.nach,
    limit: input.anzahl,
  });
  let erinnert = 0;
  let ohnePostfach = 0;
  const neu: string[] = [];
  for (const r of rows) {
    if (!r.email) {
      ohnePostfach += 1;
      continue;
    }
    const sent = await sendNotificationOnce(deps.db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: `release:${input.version}:awb-erinnerung:${input.aktionId}:${r.id}`,
      to: r.email,
      subject: `Überfällig: Prüfung von „${r.name}“ nach Amt24-Release ${input.version}`,
      text:
        `Guten Tag,\n\ndie Prüfung Ihres Onlinedienstes „${r.name}“ (${r.id}) nach Amt24-Release ${input.version} ` +
        `(${CLASSIFICATION_LABELS[r.classification]}) war am ${formatBerlin(r.due_at.getTime())} fällig und ist noch ` +
        `nicht gemeldet. Bitte holen Sie sie umgehend nach und melden Sie das Ergebnis in der Aufgabe ` +
        `„Prozess nach neuem Amt24-Release prüfen“.\n\nIhre Anwendungsbetreuung Amt24\n`,
    });
    erinnert += 1;
    if (!sent.alreadySent) neu.push(r.id);
  }
  if (neu.length > 0) await markRechecksReminded(deps.db, input.version, neu, input.stichtag);
  return { erinnert, ohnePostfach, letzte: rows.at(-1)?.id, anzahl: rows.length };
}
