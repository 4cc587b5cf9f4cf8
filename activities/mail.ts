import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { claimMail, getMail, lockMailKey, markMailSent } from '../db/stores/outbox';
import type { Mailer } from '../runtime/mailer';

export interface NotificationInput {
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends a notification at most once per idempotency key. The outbox row is claimed before sending and marked
 * sent after, under a lock on the key: two attempts at once (a retry started while a slow first attempt still
 * runs) cannot both send. If the process dies between SMTP acceptance and the mark, the retry sends again with
 * the same Message-ID, which receiving systems treat as the same message — the narrowest window SMTP allows.
 */
export async function sendNotificationOnce(
  db: Kysely<Database>,
  mailer: Mailer,
  domain: string,
  input: NotificationInput,
): Promise<{ messageId: string; alreadySent: boolean }> {
  const messageId = `<${sanitize(input.idempotencyKey)}@${domain}>`;
  return db.transaction().execute(async (trx) => {
    await lockMailKey(trx, input.idempotencyKey);
    const claim = { idempotencyKey: input.idempotencyKey, messageId, recipient: input.to, subject: input.subject };
    await claimMail(trx, claim);
    const row = await getMail(trx, input.idempotencyKey);
    if (row.status === 'sent') return { messageId: row.message_id, alreadySent: true };
    await mailer.send({ to: input.to, subject: input.subject, text: input.text, messageId: row.message_id });
    await markMailSent(trx, input.idempotencyKey);
    return { messageId: row.message_id, alreadySent: false };
  });
}

function sanitize(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 180);
}
