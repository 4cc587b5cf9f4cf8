import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export interface AuditInput {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  mandantId?: string | null;
  details?: Record<string, unknown>;
  /** Same key, same entry: a retried activity does not write twice. */
  idempotencyKey: string;
}

/** Appends an audit entry once per idempotency key; returns the entry's id either way. */
export async function appendAudit(db: Kysely<Database>, input: AuditInput): Promise<string> {
  const inserted = await db
    .insertInto('audit_log')
    .values({
      actor: input.actor,
      action: input.action,
      subject_type: input.subjectType,
      subject_id: input.subjectId,
      mandant_id: input.mandantId ?? null,
      details: JSON.stringify(input.details ?? {}),
      idempotency_key: input.idempotencyKey,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await db
    .selectFrom('audit_log')
    .select('id')
    .where('idempotency_key', '=', input.idempotencyKey)
    .executeTakeFirstOrThrow();
  return existing.id;
}

/** The Onlinedienst's trail, oldest first: its own entries and those of its rollout tickets. */
export async function listOnlinedienstAudit(db: Kysely<Database>, onlinedienstId: string) {
  return db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor', 'action', 'mandant_id', 'details'])
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_type', '=', 'onlinedienst'), eb('subject_id', '=', onlinedienstId)]),
        eb.and([eb('subject_type', '=', 'rollout-ticket'), eb('subject_id', 'like', `rollout-${onlinedienstId}-%`)]),
      ]),
    )
    .orderBy('id')
    .execute();
}
