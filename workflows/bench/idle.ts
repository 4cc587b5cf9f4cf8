// Only for `npm run bench:release`: an idle workflow that counts signals, to measure the raw signal rate of the
// server next to the release campaign. It is its own bundle entry there (nothing but this workflow; worker/worker.ts resolves it as `idleWorkflowPath`).
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const pokeSignal = defineSignal<[unknown]>('poke');

export async function idleWorkflow(): Promise<number> {
  let received = 0;
  setHandler(pokeSignal, () => {
    received += 1;
  });
  await condition(() => false);
  return received;
}
