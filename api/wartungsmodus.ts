// Wartungsmodus off: every Antrag held for the activation meanwhile goes on. Used by the Wartungsmodus endpoint and by
// the lifecycle's activity that switches it off after the acceptance test.
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { listHeldAntraege } from '../db/stores/antrag';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import { wartungBeendetSignal } from '../messages/antrag';

/** Returns how many Anträge were signalled; one that ended meanwhile is skipped. */
export async function releaseHeldAntraege(
  db: Kysely<Database>,
  temporal: Client,
  aktivierungId: string,
): Promise<number> {
  const held = await listHeldAntraege(db, aktivierungId);
  for (const vorgangsnummer of held) {
    await temporal.workflow
      .getHandle(antragWorkflowId(vorgangsnummer))
      .signal(wartungBeendetSignal)
      .catch(() => undefined);
  }
  return held.length;
}
