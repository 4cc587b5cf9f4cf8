// ePayBL in the worker's readiness: the real worker process (app/worker.ts) asks the simulator's isAlive for the
// Mandant an activation pays to. ePayBL down is reported ("degraded", naming it) but never makes the worker unready:
// it still delivers, mails and processes everything else, and its payment activities retry (worker/health.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './harness/ports';
import { startStack } from './harness/stack';
import { eventually } from './harness/wait';

const s = await startStack({ name: 'readyz', externals: true, worker: false, api: false });
const sim = s.externals!.epaybl;
afterAll(() => s.close());

type Readyz = {
  status: string;
  degraded?: string[];
  problems?: string[];
  dependencies: { epaybl: { status: string; problem?: string; reason?: string } };
};

describe('worker readiness and ePayBL', () => {
  it('reports isAlive up, down (a code, an outage) and unchecked, and stays ready throughout', async () => {
    const port = await freePort();
    s.spawnWorkerProcess({ WORKER_HEALTH_PORT: String(port), WORKER_HEALTH_HOST: '127.0.0.1' });
    const readyz = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: res.status, body: (await res.json()) as Readyz };
    };
    const until = (what: string, ok: (r: Awaited<ReturnType<typeof readyz>>) => boolean) =>
      eventually(
        async () => {
          const r = await readyz().catch(() => undefined);
          return r && ok(r) ? r : undefined;
        },
        60_000,
        what,
      );

    const up = await until('ready', (r) => r.status === 200);
    expect(up.body).toMatchObject({ status: 'ready', dependencies: { epaybl: { status: 'up' } } });
    expect(up.body.degraded).toBeUndefined();
    const before = sim.callCount('isAlive');
    await readyz();
    expect(sim.callCount('isAlive')).toBeGreaterThan(before);

    // A configuration error at the operator for the seeded Mandant (014).
    sim.failNext('isAlive', '-0611', 1);
    const refused = await readyz();
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ status: 'degraded', dependencies: { epaybl: { status: 'down' } } });
    expect(refused.body.degraded?.[0]).toMatch(/^epaybl: isAlive: -0611/);

    await sim.setOutage('503');
    const outage = await readyz();
    await sim.setOutage(false);
    expect(outage.status).toBe(200);
    expect(outage.body.status).toBe('degraded');
    expect(outage.body.dependencies.epaybl.problem).toContain('HTTP_503');
    expect(outage.body.problems).toBeUndefined();

    expect((await readyz()).body).toMatchObject({ status: 'ready', dependencies: { epaybl: { status: 'up' } } });

    // No activation pays through ePayBL: nothing to ask, and nothing asked.
    await s.db.deleteFrom('prozessparameter').where('key', '=', 'epaybl.mandantNr').execute();
    const calls = sim.callCount('isAlive');
    const unchecked = await readyz();
    expect(unchecked.body).toMatchObject({ status: 'ready', dependencies: { epaybl: { status: 'unchecked' } } });
    expect(sim.callCount('isAlive')).toBe(calls);
  }, 90_000);
});
