// The mail outbox: one row per idempotency key, claimed before the mail is sent and marked sent after
// (activities/mail.ts sends through it, at most once per key).
import { sql, type Kysely } from 'kysely';
import type { Database, MailOutboxTable } from '../schema';

export interface MailClaim {
  idempotencyKey: string;
  messageId: string;
  recipient: string;
  subject: string;
}

/**
 * Holds the key until the transaction ends: a second attempt at the same mail (an activity retried while the first
 * attempt still runs, after missed heartbeats) waits here and then finds it sent. A process that dies lets go.
 */
export async function lockMailKey(db: Kysely<Database>, idempotencyKey: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${idempotencyKey}, 0))`.execute(db);
}

/** Claims the key for sending; a second claim of the same key changes nothing. */
export async function claimMail(db: Kysely<Database>, claim: MailClaim): Promise<void> {
  await db
    .insertInto('mail_outbox')
    .values({
      idempotency_key: claim.idempotencyKey,
      message_id: claim.messageId,
      recipient: claim.recipient,
      subject: claim.subject,
      status: 'sending',
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/** The claimed row (throws when the key was never claimed). */
export async function getMail(
  db: Kysely<Database>,
  idempotencyKey: string,
): Promise<Pick<MailOutboxTable, 'status' | 'message_id'>> {
  return db
    .selectFrom('mail_outbox')
    .select(['status', 'message_id'])
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirstOrThrow();
}

export async function markMailSent(db: Kysely<Database>, idempotencyKey: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({ status: 'sent', sent_at: sql`now()` })
    .where('idempotency_key', '=', idempotencyKey)
    .execute();
}
