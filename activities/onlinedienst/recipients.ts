// Who gets a lifecycle mail. Addresses are functional mailboxes kept in PostgreSQL (lifecycle.kontakte, the
// zuständige Stelle's OE), never in workflow history. The Prozesseigner owns the project, so a role without a
// mailbox of its own is reached through the Prozesseigner.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export const DEFAULT_AWB_EMAIL = 'awb@sid.sachsen.de';

/** The role mailboxes recorded for the Onlinedienst. */
export async function loadKontakte(db: Kysely<Database>, onlinedienstId: string): Promise<Record<string, string>> {
  const row = await db
    .selectFrom('lifecycle')
    .select('kontakte')
    .where('onlinedienst_id', '=', onlinedienstId)
    .executeTakeFirst();
  return row?.kontakte ?? {};
}

export async function recipientFor(
  db: Kysely<Database>,
  awbEmail: string | undefined,
  onlinedienstId: string,
  kontakte: Record<string, string>,
  role: string,
  mandantId?: string,
): Promise<string | null> {
  if (role === 'awb') return kontakte.awb ?? awbEmail ?? DEFAULT_AWB_EMAIL;
  if (role === 'mandant-admin' && mandantId !== undefined) {
    const own = kontakte[`mandant-admin:${mandantId}`];
    if (own) return own;
    const oe = await db
      .selectFrom('aktivierung')
      .innerJoin('organisationseinheit', 'organisationseinheit.id', 'aktivierung.oe_id')
      .select('organisationseinheit.email')
      .where('aktivierung.onlinedienst_id', '=', onlinedienstId)
      .where('aktivierung.mandant_id', '=', mandantId)
      .executeTakeFirst();
    if (oe?.email) return oe.email;
  }
  return kontakte[role] ?? kontakte.prozesseigner ?? null;
}
