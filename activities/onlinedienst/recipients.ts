// Who gets a lifecycle mail. Addresses are functional mailboxes kept in PostgreSQL (lifecycle.kontakte, the
// zuständige Stelle's OE), never in workflow history. The Prozesseigner owns the project, so a role without a
// mailbox of its own is reached through the Prozesseigner.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { findOeEmail } from '../../db/stores/kontakte';

export const DEFAULT_AWB_EMAIL = 'awb@sid.sachsen.de';

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
    const email = await findOeEmail(db, onlinedienstId, mandantId);
    if (email) return email;
  }
  return kontakte[role] ?? kontakte.prozesseigner ?? null;
}
