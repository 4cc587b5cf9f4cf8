// ePayBL's isAlive for the worker's readiness: asked for a Mandant our activations pay to (isAlive takes one, and
// the operator answers -0611 for a Mandant it does not know), with a short timeout so /readyz stays quick.
import type { EpayblAdapter } from '../integrations/epaybl/types';
import type { DependencyState, HealthDependency } from './health';

export function epayblAlive(
  epaybl: Pick<EpayblAdapter, 'isAlive'>,
  mandantNr: () => Promise<string | undefined>,
  timeoutMs = 3000,
): HealthDependency {
  return {
    name: 'epaybl',
    async check(): Promise<DependencyState> {
      const nr = await mandantNr();
      if (!nr) return { status: 'unchecked', reason: 'no activation pays through ePayBL' };
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          epaybl.isAlive(nr),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`isAlive: no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return { status: 'up' };
      } catch (err) {
        return { status: 'down', problem: (err as Error).message };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
