// The AWB's "remind every late one now" on a release: the same paging as the bulk retry of a Störung
// (workflows/shared/batches.ts), one page of reminder mails per activity, its progress as a query — so thousands
// of late Onlinedienste neither time out the AWB's request nor wait for the campaign's own next round. The campaign
// workflow itself is untouched: this action reads what the campaign planned and mails through the same outbox.
import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  releaseErinnerungQuery,
  type ReleaseErinnerungFortschritt,
  type ReleaseErinnerungInput,
} from '../messages/release';
import { pageThrough } from './shared/batches';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

interface Stand {
  nach?: string;
  fortschritt: ReleaseErinnerungFortschritt;
}

export async function releaseErinnerungWorkflow(
  input: ReleaseErinnerungInput,
  stand?: Stand,
): Promise<ReleaseErinnerungFortschritt> {
  const fortschritt: ReleaseErinnerungFortschritt = stand?.fortschritt ?? {
    version: input.version,
    aktionId: input.aktionId,
    actor: input.actor,
    stichtag: input.stichtag,
    gesamt: 0,
    erinnert: 0,
    ohnePostfach: 0,
    fertig: false,
  };
  setHandler(releaseErinnerungQuery, () => fortschritt);
  if (!stand)
    fortschritt.gesamt = await acts.releaseUeberfaelligeZaehlen({ version: input.version, stichtag: input.stichtag });
  const anzahl = input.batchGroesse ?? 100;
  const ende = await pageThrough(
    async (nach) => {
      const seite = await acts.releaseUeberfaelligeErinnern({
        version: input.version,
        aktionId: input.aktionId,
        stichtag: input.stichtag,
        nach,
        anzahl,
      });
      fortschritt.erinnert += seite.erinnert;
      fortschritt.ohnePostfach += seite.ohnePostfach;
      return seite;
    },
    { anzahl, nach: stand?.nach, historyLength: () => workflowInfo().historyLength },
  );
  if (!ende.fertig) return continueAsNew<typeof releaseErinnerungWorkflow>(input, { nach: ende.nach, fortschritt });
  fortschritt.fertig = true;
  return fortschritt;
}
