// The long waits have a task queue of their own: unpaid Anträge waiting for days for their payment cannot take the
// slots the receipts and deliveries of everybody else need. The worker here has 2 slots for short activities,
// fewer than the Anträge waiting at once; when the waits ran on the workflows' queue, the third unpaid Antrag
// stopped every other activity on this worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warteTaskQueue } from '../messages/task-queues';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';

const WARTENDE = 4;

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack({ workerTuning: { maxConcurrentActivityTaskExecutions: 2 } });
}, 120_000);
afterAll(() => h?.close());

/** Where each activity of the Antrag's run was scheduled: activity type → task queue. */
async function queues(vn: string): Promise<Record<string, string>> {
  const history = await h.handle(vn).fetchHistory();
  return Object.fromEntries(
    (history.events ?? []).flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return a ? [[a.activityType?.name ?? '', a.taskQueue?.name ?? '']] : [];
    }),
  );
}

describe('the wait queue', () => {
  it('keeps deliveries going while more Anträge wait for their payment than the worker has activity slots', async () => {
    const mitGebuehr = await h.aktivierung({ ...h.gebuehr(3050), 'frist.zahlungAbfrage': '1s' });
    const ohne = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });

    const wartende: string[] = [];
    for (let i = 0; i < WARTENDE; i++) {
      const res = await h.submit({
        aktivierungId: mitGebuehr,
        daten: anwohnerparken(),
        antragsteller: antragsteller(`${uniqueId('wartet')}@example.org`),
      });
      expect(res.status).toBe(201);
      wartende.push(res.body.vorgangsnummer);
    }
    // Every one of them is in its payment poll, on the wait queue.
    for (const vn of wartende) {
      await h.waitFor('payment poll scheduled', async () => (await queues(vn)).zahlungAbwarten);
      expect(await queues(vn)).toMatchObject({
        antragEingang: h.taskQueue,
        zahlungAnlegen: h.taskQueue,
        zahlungAbwarten: warteTaskQueue(h.taskQueue),
      });
      expect((await h.sicht(vn)).phase).toBe('zahlung-offen');
    }

    // A fee-free Antrag submitted now is received and delivered through the 2 slots the waits do not hold.
    const res = await h.submit({
      aktivierungId: ohne,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('frei')}@example.org`),
    });
    expect(res.status).toBe(201);
    const vn = res.body.vorgangsnummer;
    const z = await h.zugestellt(vn);
    expect(z.zugestellt_am).toBeTruthy();
    expect(await queues(vn)).toMatchObject({ antragEingang: h.taskQueue, zustellen: h.taskQueue });

    // The waiting ones still wait and are paid as before: the first one, paid now, is delivered too.
    const kz = await h.waitFor(
      'Kassenzeichen',
      async () =>
        (
          await h.db
            .selectFrom('zahlung')
            .select('kassenzeichen')
            .where('vorgangsnummer', '=', wartende[0]!)
            .executeTakeFirst()
        )?.kassenzeichen ?? undefined,
    );
    h.epaybl.zahlung(kz, 3050, 'GIROPAY');
    await h.zugestellt(wartende[0]!);
    for (const other of wartende.slice(1)) expect((await h.sicht(other)).phase).toBe('zahlung-offen');
  }, 120_000);
});
