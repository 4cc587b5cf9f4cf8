// The AWB's "remind every late one now" on a release, over the real stack: a campaign whose regression checks are
// past their deadline, 56 of them late; the bulk action (a workflow, pages of 8) mails each late Onlinedienst's
// Prozesseigner exactly once — counted in the SMTP server's store — and nobody else; the same action asked for
// again mails nobody twice; its progress reaches done; the board's button does the same without script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleApiSettings } from '../api/lifecycle-api';
import type { DomainClock } from '../domain/clock';
import type { CampaignPolicy } from '../domain/release/campaign';
import { releaseErinnerungWorkflowId } from '../messages/release';
import { H, lifecycleStack, type LifecycleStack } from './harness/lifecycle';
import type { ServedApp } from './harness/stack';
import { uiSession } from './harness/ui-http';
import { eventually, mails } from './harness/wait';

const RELEASE_DATE = '2026-11-16';
const policy: CampaignPolicy = {
  regressionCheck: { amount: 2, unit: 'working-days' }, // due Wednesday 00:00
  recertification: { amount: 3, unit: 'working-days' }, // due Friday 00:00
};
// Real time, standing on Thursday noon: the regression checks are late, the recertifications not yet due.
const clock: DomainClock = {
  scale: 1,
  originReal: Date.now(),
  originVirtual: Date.parse('2026-11-19T12:00:00+01:00'),
};
const settings: LifecycleApiSettings = {
  lifecycle: { clock, reminderIntervalMs: 30 * 24 * H },
  campaign: { clock, fanoutConcurrency: 16, erinnerungBatch: 8 },
  campaignPolicy: policy,
};
const VERSION = `2026.${Date.now() % 100000}e`;
const SUBJECT = /^Überfällig: Prüfung von „.*“ nach Amt24-Release /;

let h: LifecycleStack;
let ui: ServedApp;
beforeAll(async () => {
  h = await lifecycleStack({ settings });
  ui = await h.serveApp({ uiDemoSignIn: true });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const bestand = (features: string[], i: number) => ({
  featureTags: features,
  bestand: {
    prozess: { name: `P-${i}`, version: 'v2.0' },
    formular: { name: `F-${i}`, version: 'v2.0' },
    zertifizierungsReferenz: `Z-${i}`,
    aktivierteMandanten: ['leipzig'],
  },
});

async function reminders() {
  const all = await mails();
  const count = new Map<string, number>();
  for (const m of all.filter((x) => SUBJECT.test(x.subject)))
    for (const to of m.envelopeTo) count.set(to, (count.get(to) ?? 0) + 1);
  return count;
}

async function untilDone(aktionId: string) {
  return eventually(
    async () => {
      const p = await h.api('GET', `/api/releases/${VERSION}/erinnerungen/${aktionId}`, { user: 'awb-sid' });
      return p.status === 200 && p.body.fertig ? p.body : undefined;
    },
    60_000,
    `reminder action ${aktionId} done`,
  );
}

describe('reminding every late re-check of a release', () => {
  it('mails each late Onlinedienst once per action, nobody else, with progress to done', async () => {
    // 60 regression checks (no change touches xfall) and 6 recertifications (a breaking payment change).
    const regression = await Promise.all(
      Array.from({ length: 60 }, (_, i) => h.createOnlinedienst(bestand(['xfall'], i), 'pl-sk')),
    );
    const recert = await Promise.all(
      Array.from({ length: 6 }, (_, i) => h.createOnlinedienst(bestand(['payment'], 100 + i), 'pl-sk')),
    );
    const posted = await h.api('POST', '/api/releases', {
      user: 'awb-sid',
      body: {
        version: VERSION,
        releaseDate: RELEASE_DATE,
        changes: [{ id: 'c1', title: 'ePayBL-Schnittstelle v3', tags: ['payment'], breaking: true }],
      },
    });
    expect(posted.status).toBe(201);
    await eventually(
      async () => {
        const row = await h.db
          .selectFrom('release_recheck')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('version', '=', VERSION)
          .where('opened_at', 'is not', null)
          .executeTakeFirstOrThrow();
        return Number(row.n) === 66;
      },
      60_000,
      'all re-check tasks open',
    );
    // Four regression checks are reported in time: not late, not reminded.
    const reported = regression.slice(0, 4);
    for (const d of reported) {
      const r = await h.api(
        'POST',
        `/api/onlinedienste/${d.id}/aufgaben/${encodeURIComponent(`release-pruefung:${VERSION}`)}`,
        { user: 'pe-smk', body: { ergebnis: 'lauffaehig', geprueftAuf: 'entwicklungssystem' } },
      );
      expect(r.status).toBe(200);
    }
    const late = regression.slice(4);
    const notLate = [...reported, ...recert];
    const glance = await h.api('GET', `/api/releases/${VERSION}`, { user: 'awb-sid' });
    expect(glance.body.summary).toMatchObject({ total: 66, late: 56, checkedOk: 4, notStarted: 6 });
    const before = await reminders();
    expect([...late, ...notLate].every((d) => !before.has(d.kontakte.prozesseigner))).toBe(true);

    // Who may, and what is refused, in German problem+json.
    const pe = await h.api('POST', `/api/releases/${VERSION}/erinnern`, { user: 'pe-smk', body: {} });
    expect(pe.status).toBe(403);
    const unknown = await h.api('POST', '/api/releases/gibt-es-nicht/erinnern', { user: 'awb-sid', body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.type).toContain('application/problem+json');
    const bad = await h.api('POST', `/api/releases/${VERSION}/erinnern`, {
      user: 'awb-sid',
      body: { aktionId: 'nicht erlaubt!' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.invalidParams).toEqual([
      { name: 'aktionId', reason: 'Buchstaben, Ziffern und - (höchstens 40 Zeichen).' },
    ]);
    expect((await h.api('GET', `/api/releases/${VERSION}/erinnerungen/unbekannt`, { user: 'awb-sid' })).status).toBe(
      404,
    );
    const odd = await h.api('GET', `/api/releases/${VERSION}/erinnerungen/${'x'.repeat(41)}`, { user: 'awb-sid' });
    expect(odd.status).toBe(400);
    expect(odd.body.invalidParams).toEqual([
      { name: 'aktionId', reason: 'Buchstaben, Ziffern und - (höchstens 40 Zeichen).' },
    ]);

    // The action: 202 at once, then progress to done.
    const started = await h.api('POST', `/api/releases/${VERSION}/erinnern`, {
      user: 'awb-sid',
      body: { aktionId: 'erste' },
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ version: VERSION, aktionId: 'erste', actor: 'awb-sid', fertig: false });
    const done = await untilDone('erste');
    expect(done).toMatchObject({ gesamt: 56, erinnert: 56, ohnePostfach: 0, fertig: true });

    let count = await reminders();
    expect(late.map((d) => count.get(d.kontakte.prozesseigner) ?? 0)).toEqual(late.map(() => 1));
    expect(notLate.map((d) => count.get(d.kontakte.prozesseigner) ?? 0)).toEqual(notLate.map(() => 0));

    // The same action again: its progress, nobody mailed twice.
    const again = await h.api('POST', `/api/releases/${VERSION}/erinnern`, {
      user: 'awb-sid',
      body: { aktionId: 'erste' },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ aktionId: 'erste', gesamt: 56, erinnert: 56, fertig: true });
    count = await reminders();
    expect(late.every((d) => count.get(d.kontakte.prozesseigner) === 1)).toBe(true);

    // However many late ones: a page is one activity (a count, seven full pages and the empty one).
    const history = await h.client.workflow.getHandle(releaseErinnerungWorkflowId(VERSION, 'erste')).fetchHistory();
    expect(history.events!.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(1 + 8);

    // The board's button: a new action (its key in the form), sent twice, reminds each late one once more.
    const page = await uiSession(ui.base, 'awb-sid');
    const board = await page.get('/betrieb');
    expect(board.status).toBe(200);
    expect(board.html).toContain('Alle 56 Überfälligen jetzt erinnern');
    const aktionId = /name="aktionId" value="([^"]+)"/.exec(board.html)![1]!;
    const action = `/betrieb/releases/${encodeURIComponent(VERSION)}/erinnern`;
    const first = await page.post(action, { aktionId });
    expect(first.status).toBe(303);
    expect(first.location).toBe(`/betrieb/releases/${encodeURIComponent(VERSION)}/erinnerungen/${aktionId}`);
    expect((await page.post(action, { aktionId })).location).toBe(first.location);
    await untilDone(aktionId);
    const progress = await page.get(first.location!);
    expect(progress.status).toBe(200);
    expect(progress.html).toContain('Fertig: 56 von 56 überfälligen Prüfungen erinnert.');
    count = await reminders();
    expect(late.map((d) => count.get(d.kontakte.prozesseigner) ?? 0)).toEqual(late.map(() => 2));
    expect(notLate.map((d) => count.get(d.kontakte.prozesseigner) ?? 0)).toEqual(notLate.map(() => 0));
  }, 240_000);
});
