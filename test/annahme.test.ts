// Admission limits of submissions, shared by every API process through PostgreSQL: past the Mandant's or the global
// limit a submission gets 429 with Retry-After and nothing is stored; another Mandant goes on; a retry of a stored
// Antrag is answered. The counts are per second: each test pins the counts to a second an hour ahead, into which
// every submission of the test counts (a count never goes backwards), so no test depends on the clock.
import { WorkflowNotFoundError } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnnahmeLimits } from '../db/stores/annahme';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import { vorgangsnummerFor } from '../runtime/tokens';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import type { Api } from './harness/http';

let h: AntragStack;
let leipzig: string;
let dresden: string;
beforeAll(async () => {
  h = await antragStack();
  leipzig = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
  // The same Onlinedienst for a second Mandant: the activation and its OE moved to Dresden.
  dresden = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
  await h.db.updateTable('aktivierung').set({ mandant_id: 'dresden' }).where('id', '=', dresden).execute();
  await h.db
    .updateTable('organisationseinheit')
    .set({ mandant_id: 'dresden' })
    .where('id', '=', `oe-${dresden}`)
    .execute();
}, 120_000);
afterAll(() => h?.close());

/** Every count of this test goes into one second an hour ahead, starting at `used`. */
async function pinCounts(used: Record<string, number> = {}) {
  await h.db.deleteFrom('annahme_zaehler').execute();
  for (const scope of ['*', 'mandant:leipzig', 'mandant:dresden']) {
    await sql`INSERT INTO annahme_zaehler (scope, sekunde, anzahl)
              VALUES (${scope}, floor(extract(epoch FROM now()))::bigint + 3600, ${used[scope] ?? 0})`.execute(h.db);
  }
}
beforeEach(() => pinCounts());

const count = async (scope: string) =>
  (await h.db.selectFrom('annahme_zaehler').select('anzahl').where('scope', '=', scope).executeTakeFirstOrThrow())
    .anzahl;
const stored = async (aktivierungId: string) =>
  Number(
    (
      await h.db
        .selectFrom('antrag')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('aktivierung_id', '=', aktivierungId)
        .executeTakeFirstOrThrow()
    ).n,
  );

function submitTo(api: Api, aktivierungId: string, key: string) {
  return api('POST', '/api/antraege', {
    user: 'buerger-anna',
    headers: { 'idempotency-key': key },
    body: {
      aktivierungId,
      daten: anwohnerparken(),
      // The same key sends the same content: a retry, not a second Antrag under a used key.
      antragsteller: antragsteller(`${key}@example.org`),
    },
  });
}

async function workflowExists(aktivierungId: string, key: string): Promise<boolean> {
  const vn = vorgangsnummerFor(aktivierungId, `buerger-anna\u0000${key}`);
  try {
    await h.client.workflow.getHandle(antragWorkflowId(vn)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

const limits = (l: Partial<AnnahmeLimits>): AnnahmeLimits => ({
  globalProSekunde: 1000,
  mandantProSekunde: 1000,
  ...l,
});

describe('admission limits of submissions', () => {
  it("refuses past the Mandant's limit with 429 and Retry-After, stores nothing, and lets another Mandant in", async () => {
    const { api } = await h.serveApp({ annahmeLimits: limits({ mandantProSekunde: 3 }) });
    const before = await stored(leipzig);
    const keys = Array.from({ length: 5 }, () => uniqueId('k'));
    const answers = [];
    for (const key of keys) answers.push(await submitTo(api, leipzig, key));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429, 429]);

    const refused = answers[3]!;
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      status: 429,
      title: 'Zu viele Anträge',
      grenze: 'mandant',
      type: 'https://amt24.sachsen.de/probleme/zu-viele-anfragen',
    });
    expect(refused.body.detail).toContain('nicht gespeichert');
    // Nothing of the refused ones: no row, no workflow.
    expect(await stored(leipzig)).toBe(before + 3);
    expect(await workflowExists(leipzig, keys[3]!)).toBe(false);
    expect(await workflowExists(leipzig, keys[4]!)).toBe(false);
    expect(await workflowExists(leipzig, keys[0]!)).toBe(true);
    expect(await count('mandant:leipzig')).toBe(3);

    // Dresden is not held up by Leipzig's limit.
    const other = await submitTo(api, dresden, uniqueId('k'));
    expect(other.status).toBe(201);
    expect(await count('mandant:dresden')).toBe(1);
    expect(await count('*')).toBe(4);

    // A retry of a stored Antrag is answered while Leipzig is at its limit: nothing new is taken.
    const retry = await submitTo(api, leipzig, keys[1]!);
    expect(retry.status).toBe(200);
    expect(retry.body.vorgangsnummer).toBe(answers[1]!.body.vorgangsnummer);
    expect(await stored(leipzig)).toBe(before + 3);
  });

  it('refuses every Mandant past the global limit, and gives back the Mandant count it took', async () => {
    const { api } = await h.serveApp({ annahmeLimits: limits({ globalProSekunde: 2 }) });
    await pinCounts({ '*': 1 });
    expect((await submitTo(api, leipzig, uniqueId('k'))).status).toBe(201);
    const before = await stored(dresden);
    const key = uniqueId('k');
    const refused = await submitTo(api, dresden, key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.grenze).toBe('global');
    expect(await stored(dresden)).toBe(before);
    expect(await workflowExists(dresden, key)).toBe(false);
    expect(await count('mandant:dresden')).toBe(0);
    expect(await count('*')).toBe(2);
  });

  it('holds one limit across two API processes on one database', async () => {
    // The real entry point, configured through the environment as behind a load balancer.
    const env = { ANTRAG_LIMIT_MANDANT_PRO_S: '4' };
    const [a, b] = await Promise.all([h.spawnApiProcess(env), h.spawnApiProcess(env)]);
    const before = await stored(leipzig);
    const statuses = [];
    // Alternating, as a round-robin load balancer sends them: each process alone would accept all six.
    for (let i = 0; i < 6; i++) statuses.push((await submitTo(i % 2 ? b.api : a.api, leipzig, uniqueId('k'))).status);
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    expect(await stored(leipzig)).toBe(before + 4);
    expect(await count('mandant:leipzig')).toBe(4);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
  }, 120_000);

  it('starts the Antrag with its Mandant as the fairness key of the task queue', async () => {
    const res = await h.submit({
      aktivierungId: dresden,
      daten: anwohnerparken(),
      antragsteller: antragsteller('f@example.org'),
    });
    expect(res.status).toBe(201);
    const info = await h.handle(res.body.vorgangsnummer).describe();
    expect(info.priority?.fairnessKey).toBe('dresden');
  });
});
