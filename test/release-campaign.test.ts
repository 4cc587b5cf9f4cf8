// An Amt24 release campaign over many Onlinedienste in Betrieb, on the real dev server: breaking changes matched
// against each Onlinedienst's features, a re-check task in every lifecycle with a deadline relative to the release
// date, digests and reminders per Prozesseigner mailbox, lateness, the AWB's view at a glance and the CSV.
// Lifecycles and campaign share one scaled clock (one real second = three domain hours) that reaches Monday
// 16 November 2026, 06:00 — the release date — right when the release is published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleApiSettings } from '../api/lifecycle-api';
import type { DomainClock } from '../domain/clock';
import { recheckDueAt, type CampaignPolicy } from '../domain/release/campaign';
import { campaignProgressQuery, releaseWorkflowId } from '../messages/release';
import { eventually } from './harness/wait';
import { H, lifecycleStack, type LifecycleStack } from './harness/lifecycle';

const SCALE = 3 * 3600;
const RELEASE_DATE = '2026-11-16';
const SETUP_BUDGET_MS = 20_000;
const policy: CampaignPolicy = {
  regressionCheck: { amount: 2, unit: 'working-days' }, // Mon + Tue → due Wednesday 00:00
  recertification: { amount: 3, unit: 'working-days' }, // Mon, Tue, (Buß- und Bettag), Thu → due Friday 00:00
};
const settings: LifecycleApiSettings = { lifecycle: {}, campaign: {}, campaignPolicy: policy };
const FEATURES = [['payment'], ['xfall'], ['form:upload'], ['fitconnect']] as const;
const PER_FEATURE = 12;
const VERSION = `2026.${Date.now() % 100000}`;

let h: LifecycleStack;
let clock: DomainClock;
const dienste: Array<{ id: string; features: readonly string[]; mailbox: string }> = [];

beforeAll(async () => {
  // The domain clock reaches the release date's morning once the Onlinedienste are set up.
  clock = {
    scale: SCALE,
    originReal: Date.now() + SETUP_BUDGET_MS,
    originVirtual: Date.parse(`${RELEASE_DATE}T06:00:00+01:00`),
  };
  settings.lifecycle = { clock, reminderIntervalMs: 24 * H };
  settings.campaign = {
    clock,
    reminderLeadMs: 6 * H,
    lateReminderIntervalMs: 24 * H,
    maxLateReminders: 1,
    fanoutConcurrency: 16,
  };
  h = await lifecycleStack({ settings });
});
afterAll(async () => {
  await h?.close();
});

describe('Amt24 release campaign', () => {
  it('asks every Onlinedienst in Betrieb for a re-check, reminds, marks the late ones and shows it all at a glance', async () => {
    const boxes = [`${h.taskQueue}.pe-a@example.org`, `${h.taskQueue}.pe-b@example.org`];
    // 48 Onlinedienste already in production (imported into Betrieb by the Projektleitung), two Prozesseigner mailboxes.
    const created = await Promise.all(
      FEATURES.flatMap((features, f) =>
        Array.from({ length: PER_FEATURE }, async (_, i) => {
          const mailbox = boxes[i % 2]!;
          const { id } = await h.createOnlinedienst(
            {
              featureTags: features,
              kontakte: { prozesseigner: mailbox },
              prozesseigner: 'pe-smk',
              bestand: {
                prozess: { name: `P${f}-${i}`, version: 'v2.0' },
                formular: { name: `F${f}-${i}`, version: 'v2.0' },
                zertifizierungsReferenz: `Z-${f}-${i}`,
                aktivierteMandanten: ['leipzig'],
              },
            },
            'pl-sk',
          );
          return { id, features, mailbox };
        }),
      ),
    );
    dienste.push(...created);
    // One more that is still being built: not part of the campaign.
    const inKlaerung = await h.createOnlinedienst({ featureTags: ['payment'] });
    expect(Date.now()).toBeLessThan(clock.originReal);
    await new Promise((r) => setTimeout(r, clock.originReal - Date.now()));

    const posted = await h.api('POST', '/api/releases', {
      user: 'awb-sid',
      body: {
        version: VERSION,
        releaseDate: RELEASE_DATE,
        changes: [
          { id: 'c1', title: 'ePayBL-Schnittstelle v3', tags: ['payment'], breaking: true },
          { id: 'c2', title: 'xFall-Container Schema 2.0', tags: ['xfall'], breaking: true },
          { id: 'c3', title: 'Neue Upload-Komponente', tags: ['form:upload'], breaking: false },
          { id: 'c4', title: 'Neues Layout', tags: ['ui'], breaking: false },
        ],
      },
    });
    expect(posted.status).toBe(201);
    expect(
      (
        await h.api('POST', '/api/releases', {
          user: 'awb-sid',
          body: { version: VERSION, releaseDate: RELEASE_DATE, changes: [] },
        })
      ).status,
    ).toBe(409);
    const invalid = await h.api('POST', '/api/releases', {
      user: 'awb-sid',
      body: { version: 'x', releaseDate: '16.11.2026', changes: [] },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.invalidParams).toEqual([{ name: 'releaseDate', reason: 'Ungültiges Datum (JJJJ-MM-TT).' }]);
    expect(
      (
        await h.api('POST', '/api/releases', {
          user: 'pe-smk',
          body: { version: 'y', releaseDate: RELEASE_DATE, changes: [] },
        })
      ).status,
    ).toBe(403);

    // Every lifecycle opens its re-check task (the campaign signals them from an activity, in batches).
    await eventually(
      async () => {
        const row = await h.db
          .selectFrom('release_recheck')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('version', '=', VERSION)
          .where('opened_at', 'is not', null)
          .executeTakeFirstOrThrow();
        return Number(row.n) === 48;
      },
      30_000,
      'all re-check tasks open',
    );
    const regressionDue = recheckDueAt(RELEASE_DATE, 'regression-check', policy);
    const recertDue = recheckDueAt(RELEASE_DATE, 'recertification-required', policy);
    expect(new Date(regressionDue).toISOString()).toBe('2026-11-17T23:00:00.000Z'); // Wednesday 00:00 Berlin
    expect(new Date(recertDue).toISOString()).toBe('2026-11-19T23:00:00.000Z'); // Friday 00:00 Berlin: Buß- und Bettag skipped
    for (const d of [dienste[0]!, dienste[13]!, dienste[26]!, dienste[47]!]) {
      const v = await h.state(d.id);
      const task = v.openTasks.find((t) => t.id === `release-pruefung:${VERSION}`)!;
      const breaking = d.features[0] === 'payment' || d.features[0] === 'xfall';
      expect(task).toMatchObject({ role: 'prozesseigner', dueAt: breaking ? recertDue : regressionDue });
      expect(task.payload).toMatchObject({
        classification: breaking ? 'recertification-required' : 'regression-check',
        releaseDate: RELEASE_DATE,
      });
    }
    expect((await h.state(inKlaerung.id)).openTasks.some((t) => t.id.startsWith('release-pruefung'))).toBe(false);

    // One announcement digest per Prozesseigner mailbox, listing that mailbox's Onlinedienste.
    const announce = await h.waitForMailTo(boxes[0]!, /^Amt24-Release .*: Bitte prüfen Sie Ihre Onlinedienste$/);
    expect(announce.text.split('\n').filter((l) => l.startsWith('- ')).length).toBe(24);
    expect(announce.text).toContain('Breaking Changes: ePayBL-Schnittstelle v3');

    // Classification at a glance.
    let glance = await h.api('GET', `/api/releases/${VERSION}`, { user: 'awb-sid' });
    expect(glance.status).toBe(200);
    expect(glance.body.summary).toMatchObject({
      total: 48,
      recertificationRequired: 24,
      regressionCheck: 24,
      notStarted: 48,
      late: 0,
    });
    const byId = new Map(glance.body.items.map((t: any) => [t.onlinedienstId, t]));
    expect(byId.get(dienste[0]!.id)).toMatchObject({
      classification: 'recertification-required',
      matchingChangeIds: ['c1'],
      breakingChangeIds: ['c1'],
    });
    expect(byId.get(dienste[26]!.id)).toMatchObject({
      classification: 'regression-check',
      matchingChangeIds: ['c3'],
      breakingChangeIds: [],
    });
    expect(byId.get(dienste[40]!.id)).toMatchObject({ classification: 'regression-check', matchingChangeIds: [] });

    // The Prozesseigner report: four regression checks ok, two with a finding, two breaking ones go into recertification.
    const upload = dienste.filter((d) => d.features[0] === 'form:upload');
    const fitconnect = dienste.filter((d) => d.features[0] === 'fitconnect');
    const payment = dienste.filter((d) => d.features[0] === 'payment');
    const report = (id: string, fields: Record<string, unknown>, user = 'pe-smk') =>
      h.api('POST', `/api/onlinedienste/${id}/aufgaben/${encodeURIComponent(`release-pruefung:${VERSION}`)}`, {
        user,
        body: fields,
      });
    expect(
      (await report(upload[0]!.id, { ergebnis: 'lauffaehig', geprueftAuf: 'entwicklungssystem' }, 'awb-sid')).body.code,
    ).toBe('wrong-role');
    expect(
      (await report(upload[0]!.id, { ergebnis: 'angepasst', geprueftAuf: 'entwicklungssystem' })).body.invalidParams,
    ).toEqual([{ name: 'befunde', reason: 'Befunde angeben.' }]);
    for (const d of [upload[0]!, upload[1]!, fitconnect[0]!, fitconnect[1]!]) {
      expect((await report(d.id, { ergebnis: 'lauffaehig', geprueftAuf: 'entwicklungssystem' })).status).toBe(200);
    }
    for (const d of [upload[2]!, upload[3]!]) {
      expect(
        (
          await report(d.id, {
            ergebnis: 'angepasst',
            geprueftAuf: 'produktivsystem',
            befunde: 'Upload > 5 MB bricht ab',
          })
        ).status,
      ).toBe(200);
    }
    for (const d of [payment[0]!, payment[1]!]) {
      const r = await report(d.id, {
        ergebnis: 'rezertifizierung-erforderlich',
        geprueftAuf: 'entwicklungssystem',
        befunde: 'ePayBL v3 anbinden',
      });
      expect(r.body.transitions[0]).toMatchObject({ from: 'betrieb', to: 'zertifizierung', kind: 'recertification' });
    }

    // Before the regression deadline: a reminder digest to those with unreported regression checks.
    const reminder = await h.waitForMailTo(boxes[1]!, /^Erinnerung: Prüfung nach Amt24-Release/, 30_000);
    expect(reminder.text).not.toContain(fitconnect[1]!.id); // reported: no reminder
    expect(reminder.text).toContain(fitconnect[3]!.id);

    // After it: the unreported regression checks are late; the Prozesseigner and the AWB hear about it.
    const lateMail = await h.waitForMailTo(boxes[0]!, /^Überfällig: Prüfung nach Amt24-Release/, 30_000);
    expect(lateMail.text).toContain(fitconnect[2]!.id);
    const awbLate = await h.waitForMailTo(
      h.awbEmail,
      new RegExp(`^Release ${VERSION.replace('.', '\\.')}: 18 Prüfungen überfällig$`),
      30_000,
    );
    expect(awbLate.text).toContain('18 Prüfungen');
    glance = await h.api('GET', `/api/releases/${VERSION}`, { user: 'awb-sid' });
    expect(glance.body.summary).toMatchObject({
      checkedOk: 4,
      failedWithFinding: 2,
      recertifying: 2,
      late: 18,
      notStarted: 22,
    });
    const late = await h.api('GET', `/api/releases/${VERSION}?kategorie=late`, { user: 'awb-sid' });
    expect(late.body.items).toHaveLength(18);
    expect(
      late.body.items.every((t: any) => t.classification === 'regression-check' && t.kategorieText === 'Überfällig'),
    ).toBe(true);
    const finding = glance.body.items.find((t: any) => t.onlinedienstId === upload[2]!.id);
    expect(finding).toMatchObject({
      result: 'finding',
      finding: 'Upload > 5 MB bricht ab',
      kategorie: 'failed-with-finding',
      reportedBy: 'pe-smk',
    });
    // The late lifecycles say so in their search attribute.
    await eventually(
      async () =>
        (await h.client.workflow.count(`ReleaseCheckState = "ueberfaellig" AND TaskQueue = "${h.taskQueue}"`)).count ===
        18,
      20_000,
      '18 late lifecycles',
    );

    // The CSV for the AWB.
    const csv = await h.api('GET', `/api/releases/${VERSION}/pruefungen.csv`, { user: 'awb-sid' });
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    // UTF-8 with a byte order mark, so German Excel shows the umlauts.
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'Release;Onlinedienst-ID;Onlinedienst;Prozesseigner;Einstufung;Betroffene Änderungen;Frist;Status;Befund;Gemeldet am',
    );
    expect(lines).toHaveLength(49);
    expect(lines.find((l) => l.includes(upload[2]!.id))).toContain(
      ';Regressionsprüfung;c3;2026-11-18 00:00;Befund;Upload > 5 MB bricht ab;',
    );
    expect(lines.find((l) => l.includes(fitconnect[5]!.id))).toContain(
      ';Regressionsprüfung;;2026-11-18 00:00;Überfällig;;',
    );
    expect(lines.find((l) => l.includes(payment[0]!.id))).toContain(
      ';Rezertifizierung erforderlich;c1;2026-11-20 00:00;In Rezertifizierung;ePayBL v3 anbinden;',
    );

    // A recertification that passes counts as checked.
    const recert = await h.api('POST', `/api/onlinedienste/${payment[0]!.id}/aufgaben/zertifizierung`, {
      user: 'zert-pruefstelle',
      body: { ergebnis: 'bestanden', loggingGeprueft: true, endlosschleifenGeprueft: true, zertifikat: 'Z-2026-99' },
    });
    expect(recert.body.transitions[0]).toMatchObject({ from: 'zertifizierung', to: 'betrieb' });
    glance = await h.api('GET', `/api/releases/${VERSION}`, { user: 'awb-sid' });
    expect(glance.body.items.find((t: any) => t.onlinedienstId === payment[0]!.id)).toMatchObject({
      result: 'recertified',
      kategorie: 'checked-ok',
    });

    // After the recertification deadline the campaign closes with a summary for the AWB.
    const handle = h.client.workflow.getHandle(releaseWorkflowId(VERSION));
    const summary = (await handle.result()) as Record<string, number>;
    expect(summary).toMatchObject({ total: 48, checkedOk: 5, failedWithFinding: 2, recertifying: 1, late: 40 });
    const closing = await h.waitForMailTo(h.awbEmail, /^Release .*: Abschluss der Prüfkampagne$/);
    expect(closing.text).toContain('Überfällig: 40');
    const progress = await handle.query(campaignProgressQuery);
    expect(progress).toMatchObject({ stage: 'abgeschlossen', total: 48, signalled: 48, recertificationRequired: 24 });
    // However many Onlinedienste: the campaign's own history stays a handful of events.
    const history = await handle.fetchHistory();
    const events = history.events!;
    expect(
      events.filter(
        (e) =>
          e.signalExternalWorkflowExecutionInitiatedEventAttributes ||
          e.startChildWorkflowExecutionInitiatedEventAttributes,
      ),
    ).toEqual([]);
    // plan, fan-out, announcement, close, and one activity per reminder step (two per deadline)
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(4 + 4);
    expect(history.events!.length).toBeLessThan(100);
    const row = await h.db
      .selectFrom('release_campaign')
      .selectAll()
      .where('version', '=', VERSION)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'abgeschlossen', total: 48, signalled: 48 });
  }, 120_000);
});
