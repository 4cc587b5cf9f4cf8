import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Mailer } from '../runtime/mailer';

export interface NotificationInput {
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends a notification at most once per idempotency key. The outbox row is claimed before sending and marked
 * sent after. If the process dies between SMTP acceptance and the mark, the retry sends again with the same
 * Message-ID, which receiving systems treat as the same message — the narrowest window SMTP allows.
 */
export async function sendNotificationOnce(
  db: Kysely<Database>,
  mailer: Mailer,
  domain: string,
  input: NotificationInput,
): Promise<{ messageId: string; alreadySent: boolean }> {
  const messageId = `<${sanitize(input.idempotencyKey)}@${domain}>`;
  await db
    .insertInto('mail_outbox')
    .values({ idempotency_key: input.idempotencyKey, message_id: messageId, recipient: input.to, subject: input.subject, status: 'sending' })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  const row = await db
    .selectFrom('mail_outbox')
    .select(['status', 'message_id'])
    .where('idempotency_key', '=', input.idempotencyKey)
    .executeTakeFirstOrThrow();
  if (row.status === 'sent') return { messageId: row.message_id, alreadySent: true };
  await mailer.send({ to: input.to, subject: input.subject, text: input.text, messageId: row.message_id });
  await db
    .updateTable('mail_outbox')
    .set({ status: 'sent', sent_at: sql`now()` })
    .where('idempotency_key', '=', input.idempotencyKey)
    .execute();
  return { messageId: row.message_id, alreadySent: false };
}

function sanitize(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 180);
}
