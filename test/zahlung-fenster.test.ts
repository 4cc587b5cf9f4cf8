// The long waits in windows (patches zahlung-fenster, fitconnect-fenster): a look polls ePayBL or the FIT-Connect
// event log for WARTE_FENSTER (1 s here, every 200 ms), then the workflow sleeps on a timer and looks again — so a
// claim left open or an authority that takes its time holds no running activity on the worker — until the answer
// comes, the citizen comes back from the pay page (which cuts the sleep short) or the deadline ends the wait.
// Checked from the workflow's own history and the simulators' records.
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { naechsteLuecke } from '../workflows/antrag/zahlung';
import { antragStack, anwohnerparken, antragsteller, payPage, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { eventually } from './harness/wait';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let h: AntragStack;
beforeAll(async () => {
  // A temporary read failure is a Störung after 3 s (STOERUNG_AFTER), longer than one look's window.
  h = await antragStack({ app: { warteFenster: '1s', stoerungNach: '3s' } });
}, 120_000);
afterAll(() => h?.close());

async function eingereicht(params: Record<string, string>) {
  const akt = await h.aktivierung({ ...h.gebuehr(2500), 'zustellung.modus': 'transfer-plain', ...params });
  const res = await h.submit({
    aktivierungId: akt,
    daten: anwohnerparken(),
    antragsteller: antragsteller(`${uniqueId('fenster')}@example.org`),
  });
  expect(res.status).toBe(201);
  const vn: string = res.body.vorgangsnummer;
  const zahlung = await h.waitFor('Kassenzeichen', () =>
    h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst(),
  );
  return { vn, zahlung };
}

const events = async (vn: string): Promise<HistoryEvent[]> => (await h.handle(vn).fetchHistory()).events ?? [];
const looks = (ev: HistoryEvent[], activity = 'zahlungAbwarten') =>
  ev.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity);

/** Whether the workflow started a timer right after a look of `activity` completed: it slept between looks. */
const schliefNachLook = (ev: HistoryEvent[], activity = 'zahlungAbwarten') => {
  const ids = new Set(looks(ev, activity).map((e) => Number(e.eventId)));
  const fertig = ev.findIndex(
    (e) =>
      e.activityTaskCompletedEventAttributes &&
      ids.has(Number(e.activityTaskCompletedEventAttributes.scheduledEventId)),
  );
  // The completion's workflow task comes next; its commands follow its completion, the timer among them.
  return fertig >= 0 && ev.slice(fertig, fertig + 8).some((e) => e.timerStartedEventAttributes);
};

/** The Störungen of the Antrag's payment poll, as the board's rows. */
const abfrageStoerungen = (vn: string) =>
  h.db
    .selectFrom('stoerung')
    .select(['status', 'meldungen'])
    .where('vorgangsnummer', '=', vn)
    .where('schritt', '=', 'zahlungsabfrage')
    .execute();

/** Waits until the Antrag sleeps between looks: the window ran out and no poll is running on any worker. */
async function schlaeft(vn: string, activity = 'zahlungAbwarten') {
  await eventually(
    async () => {
      // The history first: a describe read before it could predate the first look's scheduling and show no poll
      // while that look runs (CI saw the transfer booked by the first look, so there was no second).
      const gesehen = looks(await events(vn), activity).length;
      const d = await h.handle(vn).describe();
      const polls = (d.raw.pendingActivities ?? []).filter((a) => a.activityType?.name === activity);
      return gesehen >= 1 && polls.length === 0;
    },
    20_000,
    'a sleep between looks',
  );
}

describe('the payment poll in windows', () => {
  it('sleeps between looks once the window is out, and books a late bank transfer once at the next look', async () => {
    const { vn, zahlung } = await eingereicht({});
    await schlaeft(vn);
    expect((await h.sicht(vn)).phase).toBe('zahlung-offen');
    h.epaybl.zahlung(zahlung.kassenzeichen, 2500, 'UEBERWEISUNGVOR');
    await h.zugestellt(vn);
    const ev = await events(vn);
    expect(looks(ev).length).toBeGreaterThanOrEqual(2);
    expect(schliefNachLook(ev)).toBe(true);
    const gebucht = await h.db
      .selectFrom('audit_log')
      .select('id')
      .where('subject_id', '=', vn)
      .where('action', '=', 'zahlung.gebucht')
      .execute();
    expect(gebucht).toHaveLength(1);
    expect(
      await h.db
        .selectFrom('zahlung')
        .select(['status', 'bezahlt_cent'])
        .where('vorgangsnummer', '=', vn)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'bezahlt', bezahlt_cent: 2500 });
  }, 60_000);

  it('looks at once when the citizen comes back from the pay page during a sleep', async () => {
    const { vn, zahlung } = await eingereicht({});
    await schlaeft(vn);
    const backlink = await payPage(zahlung.paypage_url, 'bezahlen', h.base);
    expect((await h.api('GET', backlink)).status).toBe(303);
    await h.zugestellt(vn);
    // The sleep was cut short by the back-link, not waited out: its timer was cancelled.
    expect((await events(vn)).some((e) => e.timerCanceledEventAttributes)).toBe(true);
  }, 60_000);

  it('ends the wait at the deadline without a running poll, and the Antrag as not paid', async () => {
    const { vn } = await eingereicht({
      'frist.zahlungErinnerung': '2s',
      'frist.zahlungAbbruch': '5s',
      'frist.aufbewahrung': '1s',
    });
    const ende = await h.handle(vn).result();
    expect(ende.phase).toBe('abgebrochen');
    expect(ende.zahlung).toMatchObject({ status: 'nicht-bezahlt', erinnert: true });
    expect(looks(await events(vn)).length).toBeGreaterThanOrEqual(3);
    expect(
      await h.db.selectFrom('zustellung').select('vorgangsnummer').where('vorgangsnummer', '=', vn).executeTakeFirst(),
    ).toBeUndefined();
  }, 60_000);
});

describe('a temporary ePayBL error across looks', () => {
  it('counts from its first failure through the sleeps, so it becomes a Störung though each look is shorter', async () => {
    const { vn, zahlung } = await eingereicht({ 'epaybl.mandantNr': `F${uniqueId('m').slice(-8)}` });
    h.epaybl.failNext('lesenKassenzeichenInfo', '-0510', 100_000);
    try {
      await eventually(
        async () => {
          const res = await h.api('GET', '/api/stoerungen', { user: 'awb-sid' });
          const rows = await abfrageStoerungen(vn);
          return res.status === 200 && rows.length > 0 ? rows : undefined;
        },
        30_000,
        'the Störung of the poll',
      ).then((rows) => expect(rows.map((r) => [r.status, r.meldungen])).toEqual([['offen', 1]]));
      // Reported by a later look: no single one-second look saw three seconds of failures.
      expect(looks(await events(vn)).length).toBeGreaterThanOrEqual(2);
    } finally {
      h.epaybl.clearFaults();
    }
    h.epaybl.zahlung(zahlung.kassenzeichen, 2500, 'UEBERWEISUNGNACH');
    await h.zugestellt(vn);
    const rows = await abfrageStoerungen(vn);
    expect(rows.map((r) => r.status)).toEqual(['behoben']);
  }, 60_000);
});

describe("the wait for the authority's FIT-Connect answer in windows", () => {
  it('sleeps between looks at the event log and still learns of the accept', async () => {
    const akt = await h.aktivierung({
      'zustellung.modus': 'fitconnect',
      'fitconnect.destinationId': h.destination.destinationId,
      'frist.fitconnectAbfrage': '200ms',
      'frist.aufbewahrung': '10m',
    });
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('fcfenster')}@example.org`),
    });
    expect(res.status).toBe(201);
    const vn: string = res.body.vorgangsnummer;
    const z = await h.zugestellt(vn);
    const { submissionId } = JSON.parse(z.referenz!) as { submissionId: string };
    await schlaeft(vn, 'fitconnectErgebnisAbwarten');
    await h.fitconnect.acceptSubmission(submissionId);
    await h.waitFor('accepted', async () => (await h.sicht(vn)).zustellung.angenommen === true);
    const ev = await events(vn);
    expect(looks(ev, 'fitconnectErgebnisAbwarten').length).toBeGreaterThanOrEqual(1);
    expect(schliefNachLook(ev, 'fitconnectErgebnisAbwarten')).toBe(true);
    const angenommen = await h.db
      .selectFrom('antrag_ereignis')
      .select('spur')
      .where('vorgangsnummer', '=', vn)
      .where('status', '=', 'angenommen')
      .execute();
    expect(angenommen).toEqual([{ spur: 'technisch' }]);
  }, 60_000);
});

describe('the gaps between looks', () => {
  it('double from twice the poll interval up to 120 intervals, or 1/200 of a long wait', () => {
    const abfrage = 30_000;
    const gaps: number[] = [];
    let g: number | undefined;
    for (let i = 0; i < 9; i++) gaps.push((g = naechsteLuecke(g, abfrage, 14 * 86_400_000)));
    // 14 days / 200 = 100.8 min is above 120 intervals of 30 s (60 min): the longer bound holds.
    expect(gaps.map((x) => x / 60_000)).toEqual([1, 2, 4, 8, 16, 32, 64, 100.8, 100.8]);
    let k: number | undefined;
    for (let i = 0; i < 9; i++) k = naechsteLuecke(k, abfrage, 3_600_000);
    expect(k).toBe(60 * 60_000);
  });
});
