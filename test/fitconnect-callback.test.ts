// FIT-Connect's callbacks to our API, over real sockets: the simulator calls POST /api/fitconnect/callback as the
// service would (HMAC over timestamp.body, per destination), the route hands the news to the Antrag workflow as a
// signal, and the workflow reads the signed event log at once. The Anträge here poll only every hour, so what
// arrives within the test arrived through the callback; one destination's callbacks go nowhere, and polling
// catches that one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCallback, CALLBACK_NEW_EVENTS } from '../integrations/fitconnect/client';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { waitForMail } from './harness/wait';

const SECRET = 'test-fitconnect-callback-secret-0123456789';
const SCHEMA = 'urn:xoev-de:xfall:standard:antrag';
const PROBLEM = 'https://schema.fitko.de/fit-connect/events/problems/service-mismatch';

let h: AntragStack;
/** Its sender callbacks come to our API. */
let mitRueckruf: string;
/** Its sender callbacks go to a port nobody listens on: every one is lost. */
let ohneRueckruf: string;
let verlorenUrl: string;

beforeAll(async () => {
  h = await antragStack({ app: { fitconnectCallbackSecrets: [SECRET] } });
  const services = [
    {
      identifier: 'urn:de:fim:leika:leistung:99102013000000',
      submissionSchemas: [{ schemaUri: SCHEMA, mimeType: 'application/json' }],
    },
  ];
  mitRueckruf = (
    await h.fitconnect.createDestination({
      services,
      senderCallback: { url: `${h.base}/api/fitconnect/callback`, secret: SECRET },
    })
  ).destinationId;
  // Port 9 (discard) on loopback: refused at once.
  verlorenUrl = 'http://127.0.0.1:9/api/fitconnect/callback';
  ohneRueckruf = (
    await h.fitconnect.createDestination({ services, senderCallback: { url: verlorenUrl, secret: SECRET } })
  ).destinationId;
}, 120_000);
afterAll(() => h?.close());

async function zugestellt(destinationId: string, params: Record<string, string> = {}) {
  const akt = await h.aktivierung({
    'zustellung.modus': 'fitconnect',
    'fitconnect.destinationId': destinationId,
    'frist.fitconnectAbfrage': '1h',
    'frist.aufbewahrung': '10m',
    ...params,
  });
  const email = `${uniqueId('fccb')}@example.org`;
  const res = await h.submit({ aktivierungId: akt, daten: anwohnerparken(), antragsteller: antragsteller(email) });
  expect(res.status).toBe(201);
  return { vn: res.body.vorgangsnummer as string, statusToken: res.body.statusToken as string, email };
}

async function einreichung(vn: string) {
  const z = await h.zugestellt(vn);
  return JSON.parse(z.referenz!) as { submissionId: string; caseId: string; destinationId: string };
}

/**
 * The poll's first look is over: from now on only a callback makes the Antrag read the event log within the test.
 * Its next wait (an hour) is longer than the look's window, so the look ends at once and the workflow sleeps on a
 * timer (patch fitconnect-fenster; before it, the activity heartbeated and slept its hour).
 */
async function pollSchlaeft(vn: string): Promise<void> {
  await h.waitFor('first poll', async () => {
    const [{ raw }, history] = await Promise.all([h.handle(vn).describe(), h.handle(vn).fetchHistory()]);
    const events = history.events ?? [];
    const looks = new Set(
      events
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fitconnectErgebnisAbwarten')
        .map((e) => Number(e.eventId)),
    );
    const lookDone = events.some(
      (e) =>
        e.activityTaskCompletedEventAttributes &&
        looks.has(Number(e.activityTaskCompletedEventAttributes.scheduledEventId)),
    );
    const running = raw.pendingActivities?.some((a) => a.activityType?.name === 'fitconnectErgebnisAbwarten');
    return lookDone && !running;
  });
}

/** The callback decided: the poll's sleep between looks was cancelled instead of the poll finding the answer. */
async function pollAbgebrochen(vn: string): Promise<boolean> {
  const events = (await h.handle(vn).fetchHistory()).events ?? [];
  const looks = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fitconnectErgebnisAbwarten')
      .map((e) => Number(e.eventId)),
  );
  // The sleeps: timers started in the workflow task right after a look completed.
  const sleeps = new Set<number>();
  events.forEach((e, i) => {
    const done = e.activityTaskCompletedEventAttributes;
    if (!done || !looks.has(Number(done.scheduledEventId))) return;
    for (const t of events.slice(i, i + 8)) if (t.timerStartedEventAttributes) sleeps.add(Number(t.eventId));
  });
  return events.some(
    (e) =>
      (e.timerCanceledEventAttributes && sleeps.has(Number(e.timerCanceledEventAttributes.startedEventId))) ||
      e.activityTaskCancelRequestedEventAttributes,
  );
}

/** How often the workflow was told to look (signals in its history). */
async function rueckrufeImVerlauf(vn: string): Promise<number> {
  const history = await h.handle(vn).fetchHistory();
  return (history.events ?? []).filter(
    (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'fitconnectNeuigkeiten',
  ).length;
}

const callback = (body: string, headers: Record<string, string>) =>
  h.api('POST', '/api/fitconnect/callback', { rawBody: body, headers });

function signiert(body: string, secret = SECRET, at = Date.now()) {
  const timestamp = String(Math.floor(at / 1000));
  return { 'callback-timestamp': timestamp, 'callback-authentication': signCallback(secret, timestamp, body) };
}

const ereignis = (vn: string, status: string) =>
  h.db
    .selectFrom('antrag_ereignis')
    .selectAll()
    .where('vorgangsnummer', '=', vn)
    .where('status', '=', status)
    .executeTakeFirst();

describe('FIT-Connect callbacks', () => {
  it('refuses forged and stale callbacks, ignores a repeat, and the genuine news reaches the Antrag', async () => {
    const { vn } = await zugestellt(mitRueckruf);
    const ref = await einreichung(vn);
    await pollSchlaeft(vn);
    // Not byte for byte what the simulator sends below (it names case and destination too): within the same second,
    // that one would be this one's repeat.
    const body = JSON.stringify({ type: CALLBACK_NEW_EVENTS, submissions: [{ submissionId: ref.submissionId }] });

    const ohneKopf = await callback(body, {});
    expect(ohneKopf.status).toBe(401);
    expect(ohneKopf.type).toContain('application/problem+json');
    expect(ohneKopf.body.detail).toContain('callback-timestamp');

    const gefaelscht = await callback(body, signiert(body, 'a-secret-somebody-guessed-0123456789'));
    expect(gefaelscht.status).toBe(401);
    expect(gefaelscht.body.detail).toContain('callback-authentication');

    const veraendert = await callback(body.replace(ref.submissionId, crypto.randomUUID()), signiert(body));
    expect(veraendert.status).toBe(401);

    const alt = await callback(body, signiert(body, SECRET, Date.now() - 6 * 60_000));
    expect(alt.status).toBe(401);
    expect(alt.body.detail).toContain('älter als 5 Minuten');
    expect(await rueckrufeImVerlauf(vn)).toBe(0);

    // A genuine one: 200 only once the signal is in the workflow's history.
    const headers = signiert(body);
    const echt = await callback(body, headers);
    expect(echt.status).toBe(200);
    expect(echt.body).toEqual({ duplikat: false, benachrichtigt: 1 });
    expect(await rueckrufeImVerlauf(vn)).toBe(1);

    // The service repeats a callback until it sees 200: the repeat changes nothing.
    const nochmal = await callback(body, headers);
    expect(nochmal.status).toBe(200);
    expect(nochmal.body).toEqual({ duplikat: true, benachrichtigt: 0 });
    expect(await rueckrufeImVerlauf(vn)).toBe(1);

    // Nothing was decided yet: the read found the submission still submitted.
    expect((await h.sicht(vn)).zustellung.angenommen).toBeUndefined();

    // The authority accepts; the simulator calls back on its own, and the Antrag hears it without a poll.
    await h.fitconnect.acceptSubmission(ref.submissionId);
    await h.waitFor('accepted', () => ereignis(vn, 'angenommen'));
    const sicht = await h.waitFor('the view says accepted', async () => {
      const s = await h.sicht(vn);
      return s.zustellung.angenommen ? s : undefined;
    });
    expect(sicht.phase).toBe('zugestellt');
    expect(await rueckrufeImVerlauf(vn)).toBe(2);
    expect(await pollAbgebrochen(vn)).toBe(true);
  }, 90_000);

  it('refuses a callback with a timestamp that is no number, and one naming nothing of ours is answered 200', async () => {
    const body = JSON.stringify({ type: CALLBACK_NEW_EVENTS, submissions: [{ submissionId: crypto.randomUUID() }] });
    const kaputt = await callback(body, { 'callback-timestamp': 'gestern', 'callback-authentication': 'ab' });
    expect(kaputt.status).toBe(400);
    expect(kaputt.body.detail).toContain('callback-timestamp');
    // Unknown submissions: nothing to tell, but no reason for the service to repeat it for ever.
    const fremd = await callback(body, signiert(body));
    expect(fremd.status).toBe(200);
    expect(fremd.body).toEqual({ duplikat: false, benachrichtigt: 0 });
  });

  it("a rejection after payment reaches the Antrag by callback: the citizen sees 'abgelehnt', the fee goes back", async () => {
    const { vn, email, statusToken } = await zugestellt(mitRueckruf, h.gebuehr(1800));
    const kz = await h.waitFor(
      'Kassenzeichen',
      async () =>
        (await h.db.selectFrom('zahlung').select('kassenzeichen').where('vorgangsnummer', '=', vn).executeTakeFirst())
          ?.kassenzeichen,
    );
    h.epaybl.zahlung(kz, 1800, 'GIROPAY');
    const ref = await einreichung(vn);
    await pollSchlaeft(vn);

    // The authority sees what was paid, how, and on which Kassenzeichen.
    const decrypted = await h.fitconnect.decryptSubmission(ref.submissionId);
    expect(decrypted.metadata.paymentInformation).toMatchObject({
      transactionReference: kz,
      paymentMethod: 'GIROPAY',
      status: 'BOOKED',
      grossAmount: 18,
    });

    await h.fitconnect.rejectSubmission(ref.submissionId, [
      { type: PROBLEM, title: 'Leistung passt nicht', detail: 'Für Bewohnerparken ist das Ordnungsamt zuständig.' },
    ]);
    const e = await h.waitFor('rejected', () => ereignis(vn, 'abgelehnt'));
    expect(e.spur).toBe('technisch');
    expect(e.text).toContain('Leistung passt nicht');
    expect(JSON.stringify(e.details)).toContain(PROBLEM);
    const aufgabe = await h.waitFor('refund task', () =>
      h.db.selectFrom('aufgabe').selectAll().where('id', '=', `${vn}:storno`).executeTakeFirst(),
    );
    expect(aufgabe.status).toBe('offen');
    await waitForMail((m) => m.envelopeTo.includes(email) && m.text.includes('nicht angenommen'));

    const status = await h.api('GET', `/api/status/${statusToken}`);
    expect(status.status).toBe(200);
    expect(status.body.technisch.ereignisse.map((x: { status: string }) => x.status)).toContain('abgelehnt');

    h.epaybl.storno(kz);
    h.epaybl.rueckzahlung(kz, 1800); // the refund is done once ePayBL shows the money back, not at the storno
    const sicht = await h.waitFor('ended', async () => {
      const s = await h.sicht(vn);
      return s.phase === 'nicht-zustellbar' && s.zahlung?.status === 'erstattet' ? s : undefined;
    });
    expect(sicht.zustellung).toMatchObject({ status: 'abgelehnt' });
    expect(await rueckrufeImVerlauf(vn)).toBeGreaterThanOrEqual(1);
    expect(await pollAbgebrochen(vn)).toBe(true);
    expect(
      (await h.db.selectFrom('aufgabe').select('status').where('id', '=', `${vn}:storno`).executeTakeFirstOrThrow())
        .status,
    ).toBe('erledigt');
  }, 90_000);

  it('the service rejects what nobody picked up for 14 days, calls back, and that ends the Antrag', async () => {
    const { vn } = await zugestellt(mitRueckruf);
    await einreichung(vn);
    await pollSchlaeft(vn);
    await h.fitconnect.runMaintenance(Date.now() + 14 * 24 * 3_600_000 + 60_000);
    const e = await h.waitFor('rejected by the service', () => ereignis(vn, 'abgelehnt'));
    expect(e.text).toContain('nicht angenommen');
    const sicht = await h.waitFor('ended', async () => {
      const s = await h.sicht(vn);
      return s.phase === 'nicht-zustellbar' ? s : undefined;
    });
    expect(sicht.zustellung.status).toBe('abgelehnt');
    expect(await rueckrufeImVerlauf(vn)).toBeGreaterThanOrEqual(1);
    expect(await pollAbgebrochen(vn)).toBe(true);
  }, 60_000);

  it('a lost callback is caught by polling', async () => {
    const { vn } = await zugestellt(ohneRueckruf, { 'frist.fitconnectAbfrage': '200ms' });
    const ref = await einreichung(vn);
    await h.fitconnect.acceptSubmission(ref.submissionId);
    await h.waitFor('the view says accepted', async () => (await h.sicht(vn)).zustellung.angenommen);
    const versuche = h.fitconnect.callbackDeliveries.filter(
      (d) => d.url === verlorenUrl && d.body.includes(ref.submissionId),
    );
    expect(versuche.length).toBeGreaterThanOrEqual(1);
    expect(versuche.every((d) => d.status === undefined)).toBe(true);
    expect(await rueckrufeImVerlauf(vn)).toBe(0);
    expect(await ereignis(vn, 'angenommen')).toBeDefined();
  }, 60_000);
});
