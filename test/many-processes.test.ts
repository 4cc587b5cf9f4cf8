// The same code on two worker processes and two API processes against one Temporal server and one PostgreSQL, as
// behind a load balancer: submissions go to both APIs in turn, both workers take work, one worker is killed with
// SIGKILL during the load, and the outside systems' own records show nothing lost and nothing done twice. Nothing an
// API process keeps in memory may matter: a retry at the other API, a sign-in at one and a form posted to the other.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { temporal } from '@temporalio/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import { anwohnerparken, antragStack, antragsteller } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { eventually, mailsTo } from './harness/wait';

const COUNT = 24;
const s = await antragStack({ worker: false, api: false });
afterAll(() => s.close()); // kills the processes still running
// Two API processes for both tests, started beside each other (each takes seconds to load on a busy machine).
const apis = await Promise.all([s.spawnApiProcess(), s.spawnApiProcess()]);

/** The authority's software: takes every complete folder off the share, counting each Vorgang it sees. */
function authorityPickup(share: string) {
  const into = fs.mkdtempSync(path.join(os.tmpdir(), 'abgeholt-'));
  const taken = new Map<string, number>();
  const sweep = () => {
    for (const name of fs.readdirSync(share)) {
      if (name.startsWith('.')) continue; // being written, or the ledger
      const n = (taken.get(name) ?? 0) + 1;
      fs.renameSync(path.join(share, name), path.join(into, `${name}#${n}`));
      taken.set(name, n);
    }
  };
  const timer = setInterval(sweep, 200);
  return {
    taken,
    stop() {
      clearInterval(timer);
      sweep();
      fs.rmSync(into, { recursive: true, force: true });
    },
  };
}

const identity = (child: ChildProcess) => `${child.pid}@${os.hostname()}`;

describe('two workers, two APIs', () => {
  it('spreads the load, survives a killed worker and does nothing twice', { timeout: 240_000 }, async () => {
    const aktivierung = await s.aktivierung({ 'zustellung.modus': 'transfer-plain' });
    const [w1, w2] = [s.spawnWorkerProcess(), s.spawnWorkerProcess()];
    const pickup = authorityPickup(path.join(s.transferRoot, aktivierung));
    const run = uniqueId('viele');
    const email = (i: number) => `${run}-${i}@example.org`;

    const submit = (i: number, api = apis[i % 2]!) =>
      api.api('POST', '/api/antraege', {
        user: 'buerger-anna',
        headers: { 'idempotency-key': `${run}-${i}` },
        body: { aktivierungId: aktivierung, daten: anwohnerparken(), antragsteller: antragsteller(email(i)) },
      });
    const vns: string[] = [];
    const delivered = async () =>
      (
        await s.db
          .selectFrom('zustellung')
          .select('vorgangsnummer')
          .where('vorgangsnummer', 'in', vns)
          .where('zugestellt_am', 'is not', null)
          .execute()
      ).length;

    // Both workers polling first (each loads for seconds on a busy machine), so neither takes the whole first half.
    await eventually(
      async () => {
        const { pollers } = await s.client.workflowService.describeTaskQueue({
          namespace: s.client.options.namespace,
          taskQueue: { name: s.taskQueue },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        });
        const polling = new Set((pollers ?? []).map((p) => p.identity));
        return polling.has(identity(w1)) && polling.has(identity(w2));
      },
      90_000,
      'both workers polling',
    );
    // First half, then SIGKILL to one worker once both have taken work; the second half lands meanwhile.
    for (let i = 0; i < COUNT / 2; i++) {
      const res = await submit(i);
      expect(res.status).toBe(201);
      vns.push(res.body.vorgangsnummer);
    }
    const activityWorkers = async () => {
      const ids = new Set<string>();
      for (const vn of vns) {
        const history = await s.client.workflow.getHandle(antragWorkflowId(vn)).fetchHistory();
        for (const e of history.events ?? []) {
          const who = e.activityTaskStartedEventAttributes?.identity;
          if (who) ids.add(who);
        }
      }
      return ids;
    };
    await eventually(
      async () => {
        const ids = await activityWorkers();
        return ids.has(identity(w1)) && ids.has(identity(w2));
      },
      60_000,
      'both workers ran activities',
    );
    w1.kill('SIGKILL');
    await new Promise((r) => (w1.exitCode !== null || w1.signalCode ? r(null) : w1.once('exit', r)));

    const second = await Promise.all(Array.from({ length: COUNT / 2 }, (_, j) => submit(COUNT / 2 + j)));
    for (const res of second) {
      expect(res.status).toBe(201);
      vns.push(res.body.vorgangsnummer);
    }
    // The same submission retried at the other API process: the same Antrag, no second one.
    const retry = await submit(0, apis[1]);
    expect(retry.status).toBe(200);
    expect(retry.body.vorgangsnummer).toBe(vns[0]);

    await eventually(async () => (await delivered()) === COUNT, 90_000, `all ${COUNT} delivered`);
    await new Promise((r) => setTimeout(r, 1000)); // a late second delivery would reach the share now
    pickup.stop();

    // The authority's own count: every Vorgang picked up exactly once.
    expect([...pickup.taken.keys()].sort()).toEqual([...vns].sort());
    expect([...pickup.taken.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(vns).size).toBe(COUNT);
    // The citizens' mailboxes: one Eingangsbestätigung each, whichever worker sent it.
    const confirmations = await Promise.all(
      vns.map((_, i) =>
        eventually(
          async () => {
            const m = await mailsTo(email(i));
            return m.length > 0 && m;
          },
          30_000,
          `confirmation ${i}`,
        ),
      ),
    );
    // One message each: a worker killed between the SMTP server's acceptance and the outbox mark resends under the
    // same Message-ID (activities/mail.ts), which receiving systems take as the same message.
    expect(confirmations.map((m) => new Set(m.map((x) => x.messageId)).size)).toEqual(vns.map(() => 1));
    expect(confirmations.every((m) => m.every((x) => x.messageId))).toBe(true);
    const antraege = await s.db
      .selectFrom('antrag')
      .select('vorgangsnummer')
      .where('aktivierung_id', '=', aktivierung)
      .execute();
    expect(antraege).toHaveLength(COUNT);
    // The survivor finished what the killed worker had started.
    expect((await activityWorkers()).has(identity(w2))).toBe(true);
  });

  it('keeps a sign-in and its CSRF token valid across API processes', { timeout: 30_000 }, async () => {
    const [a, b] = apis as [(typeof apis)[0], (typeof apis)[0]];
    const form = await fetch(`${a.base}/anmelden`);
    const cookie = (form.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
    expect(csrf).toBeTruthy();
    // The form from A, posted to B: the signed double submit verifies anywhere AUTH_SECRET is the same.
    const signIn = await fetch(`${b.base}/anmelden`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf!, weiter: '/aufgaben', token: await s.token('awb-sid') }),
    });
    expect(signIn.status).toBe(303);
    const session = (signIn.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
    expect(session).toMatch(/amt24_sitzung=/);
    // The session cookie B set, read by A.
    const page = await fetch(`${a.base}/aufgaben`, {
      redirect: 'manual',
      headers: { cookie: `${cookie}; ${session}` },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Aufgaben');
  });
});
