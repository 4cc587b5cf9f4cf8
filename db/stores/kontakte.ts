// Where lifecycle mails go: the role mailboxes recorded for the Onlinedienst (lifecycle.kontakte) and the
// zuständige Stelle's mailbox (the activation's OE). Addresses live here, never in workflow history.
import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** The role mailboxes recorded for the Onlinedienst; none before its lifecycle is registered. */
export async function loadKontakte(db: Kysely<Database>, onlinedienstId: string): Promise<Record<string, string>> {
  const row = await db
    .selectFrom('lifecycle')
    .select('kontakte')
    .where('onlinedienst_id', '=', onlinedienstId)
    .executeTakeFirst();
  return row?.kontakte ?? {};
}

/** The mailbox of the OE the Mandant's activation names; null or undefined when it has none. */
export async function findOeEmail(
  db: Kysely<Database>,
  onlinedienstId: string,
  mandantId: string,
): Promise<string | null | undefined> {
  const oe = await db
    .selectFrom('aktivierung')
    .innerJoin('organisationseinheit', 'organisationseinheit.id', 'aktivierung.oe_id')
    .select('organisationseinheit.email')
    .where('aktivierung.onlinedienst_id', '=', onlinedienstId)
    .where('aktivierung.mandant_id', '=', mandantId)
    .executeTakeFirst();
  return oe?.email;
}

/** The mailbox of the OE an activation delivers to (the zuständige Stelle of its Anträge). */
export async function findAktivierungOeEmail(db: Kysely<Database>, aktivierungId: string): Promise<string | null> {
  const oe = await db
    .selectFrom('aktivierung')
    .innerJoin('organisationseinheit', 'organisationseinheit.id', 'aktivierung.oe_id')
    .select('organisationseinheit.email')
    .where('aktivierung.id', '=', aktivierungId)
    .executeTakeFirst();
  return oe?.email ?? null;
}
