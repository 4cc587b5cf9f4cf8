// Sends the lifecycle's mails (task opened, reminders, gate failures, SLA warnings and escalations), each at most
// once per key through the mail outbox.
import type { ActivityDeps } from '../deps';
import { sendNotificationOnce } from '../mail';
import { loadKontakte } from '../../db/stores/kontakte';
import { recipientFor } from './recipients';

export interface NoticeInput {
  key: string;
  role: string;
  mandantId?: string;
  subject: string;
  text: string;
}

export interface NotifyResult {
  sent: number;
  /** notices nobody could be found for (no mailbox recorded) */
  unaddressed: string[];
}

export async function sendNotices(
  deps: ActivityDeps,
  onlinedienstId: string,
  notices: readonly NoticeInput[],
): Promise<NotifyResult> {
  let sent = 0;
  const unaddressed: string[] = [];
  const kontakte = await loadKontakte(deps.db, onlinedienstId);
  for (const notice of notices) {
    const to = await recipientFor(deps.db, deps.awbEmail, onlinedienstId, kontakte, notice.role, notice.mandantId);
    if (!to) {
      unaddressed.push(notice.key);
      deps.log.warn({ onlinedienstId, role: notice.role, key: notice.key }, 'no mailbox for lifecycle notice');
      continue;
    }
    await sendNotificationOnce(deps.db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: notice.key,
      to,
      subject: notice.subject,
      text: notice.text,
    });
    sent += 1;
  }
  return { sent, unaddressed };
}
