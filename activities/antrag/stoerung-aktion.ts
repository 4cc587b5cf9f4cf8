// The bulk "try again" for every Antrag stuck on one cause, one batch per activity: the bulk workflow pages through
// the stuck Anträge in Vorgangsnummer order, so a retried batch signals the same Anträge again (a second signal only
// asks for the same retry) and never skips one.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDeps } from '../deps';
import { required } from '../deps';
import { listStoerungAntraege, listStoerungen } from '../../db/stores/stoerung';
import { antragWorkflowId } from '../../domain/vorgangsnummer';
import { stoerungWiederholenSignal } from '../../messages/stoerung';

const PARALLEL = 16;

export async function stoerungAntraegeZaehlen(
  deps: ActivityDeps,
  input: { ursacheId: string; mandantId?: string },
): Promise<number> {
  const rows = await listStoerungen(deps.db, input.mandantId ? [input.mandantId] : undefined, input.ursacheId);
  return rows[0]?.antraege ?? 0;
}

export interface SignalBatch {
  signalisiert: number;
  nichtGefunden: number;
  /** the batch's last Vorgangsnummer: the next batch starts after it; absent when the batch was empty */
  letzte?: string;
  anzahl: number;
}

export async function stoerungenSignalisieren(
  deps: ActivityDeps,
  input: { ursacheId: string; mandantId?: string; nach?: string; anzahl: number },
): Promise<SignalBatch> {
  const client = required(deps, 'temporal');
  const rows = await listStoerungAntraege(deps.db, input.ursacheId, {
    mandantId: input.mandantId,
    nach: input.nach,
    limit: input.anzahl,
  });
  let signalisiert = 0;
  let nichtGefunden = 0;
  let next = 0;
  const lane = async () => {
    while (next < rows.length) {
      const vn = rows[next++]!.vorgangsnummer;
      try {
        await client.workflow.getHandle(antragWorkflowId(vn)).signal(stoerungWiederholenSignal);
        signalisiert += 1;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        nichtGefunden += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, rows.length) }, lane));
  return { signalisiert, nichtGefunden, letzte: rows.at(-1)?.vorgangsnummer, anzahl: rows.length };
}
