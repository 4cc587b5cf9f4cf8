// "Try again" for every Antrag stuck on one cause, after the fix: batches of signals, each batch one activity, with
// its progress as a query — so ten thousand stuck Anträge neither time out an HTTP request nor grow one history
// without end (a batch is a handful of events; the paging is workflows/shared/batches.ts).
import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { stoerungAktionQuery, type StoerungAktionFortschritt, type StoerungAktionInput } from '../messages/stoerung';
import { pageThrough } from './shared/batches';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Where a continued run picks up. */
interface Stand {
  nach?: string;
  fortschritt: StoerungAktionFortschritt;
}

export async function stoerungAktionWorkflow(
  input: StoerungAktionInput,
  stand?: Stand,
): Promise<StoerungAktionFortschritt> {
  const fortschritt: StoerungAktionFortschritt = stand?.fortschritt ?? {
    ursacheId: input.ursacheId,
    mandantId: input.mandantId ?? null,
    actor: input.actor,
    gesamt: 0,
    signalisiert: 0,
    nichtGefunden: 0,
    fertig: false,
  };
  setHandler(stoerungAktionQuery, () => fortschritt);
  if (!stand)
    fortschritt.gesamt = await acts.stoerungAntraegeZaehlen({ ursacheId: input.ursacheId, mandantId: input.mandantId });
  const anzahl = input.batchGroesse ?? 200;
  const ende = await pageThrough(
    async (nach) => {
      const batch = await acts.stoerungenSignalisieren({
        ursacheId: input.ursacheId,
        mandantId: input.mandantId,
        nach,
        anzahl,
      });
      fortschritt.signalisiert += batch.signalisiert;
      fortschritt.nichtGefunden += batch.nichtGefunden;
      return batch;
    },
    { anzahl, nach: stand?.nach, historyLength: () => workflowInfo().historyLength },
  );
  if (!ende.fertig) return continueAsNew<typeof stoerungAktionWorkflow>(input, { nach: ende.nach, fortschritt });
  fortschritt.fertig = true;
  return fortschritt;
}
