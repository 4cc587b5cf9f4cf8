// ePayBL failures inside an Antrag's payment steps, on the real worker against the simulator: a final answer
// (istOk=false with a code that is not one of the temporary ones) fails the activity once with a type of its own,
// which the workflow's retry policy does not retry, and its ePayment id is logged; a temporary one (a code, a SOAP Server fault)
// is retried until the Antrag has its Kassenzeichen. What then becomes of the Antrag (an incident a person clears)
// is not this file's business.
import { Writable } from 'node:stream';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../runtime/logger';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';

const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const l of chunk.toString('utf8').split('\n').filter(Boolean))
      lines.push(JSON.parse(l) as Record<string, unknown>);
    done();
  },
});

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack({ log: createLogger('test', 'info', capture) });
}, 120_000);
afterAll(() => h?.close());

async function antrag(betragCent: number) {
  const akt = await h.aktivierung({ ...h.gebuehr(betragCent), 'zustellung.modus': 'transfer-plain' });
  const res = await h.submit({
    aktivierungId: akt,
    daten: anwohnerparken(),
    antragsteller: antragsteller(`${uniqueId('epf')}@example.org`),
  });
  return res.body.vorgangsnummer as string;
}

/** The activity failure the workflow got (retries exhausted or not retryable), once it is in the history. */
function failedActivity(vn: string, activityType: string) {
  return h.waitFor(`${activityType} failed`, async () => {
    const { events } = await h.handle(vn).fetchHistory();
    const scheduled = new Map<string, string>();
    for (const e of events ?? []) {
      const s = e.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
      const f = e.activityTaskFailedEventAttributes;
      if (f && scheduled.get(String(f.scheduledEventId)) === activityType)
        return f.failure as temporal.api.failure.v1.IFailure;
    }
    return undefined;
  });
}

describe('ePayBL failures in the payment steps', () => {
  it('-0611 when the Kassenzeichen is created: final at once, typed, the ePayment id logged', async () => {
    const before = h.epaybl.callCount('anlegenKassenzeichen');
    h.epaybl.failNext('anlegenKassenzeichen', '-0611', 5);
    const vn = await antrag(1100);
    const failure = await failedActivity(vn, 'zahlungAnlegen');
    expect(failure.applicationFailureInfo).toMatchObject({ type: 'EpayblKonfiguration' });
    expect(failure.message).toContain('-0611');
    // Not retried: ePayBL saw the call once, and the other injected failures are still due.
    expect(h.epaybl.callCount('anlegenKassenzeichen') - before).toBe(1);
    expect(h.epaybl.faults().failNext).toEqual([{ operation: 'anlegenKassenzeichen', code: '-0611', remaining: 4 }]);
    h.epaybl.clearFaults();
    const logged = lines.find((l) => l.vorgangsnummer === vn && l.type === 'EpayblKonfiguration');
    expect(logged).toMatchObject({ code: '-0611', operation: 'anlegenKassenzeichen', zustaendig: 'awb' });
    expect(logged?.ePaymentId).toMatch(/^EP\d{12}$/);
    expect(await h.db.selectFrom('zahlung').select('kassenzeichen').where('vorgangsnummer', '=', vn).execute()).toEqual(
      [],
    );
  }, 60_000);

  it('a temporary code and a SOAP Server fault are retried until the Kassenzeichen exists, once', async () => {
    const before = h.epaybl.callCount('anlegenKassenzeichen');
    h.epaybl.failNext('anlegenKassenzeichen', '-0511', 1);
    h.epaybl.soapFaultNext('anlegenKassenzeichen', 'Server', 1);
    const vn = await antrag(1200);
    const zahlung = await h.waitFor('Kassenzeichen', () =>
      h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst(),
    );
    expect(h.epaybl.callCount('anlegenKassenzeichen') - before).toBe(3);
    expect(h.epaybl.alleKassenzeichen().filter((k) => k.eShopTransaktionsNr === vn)).toHaveLength(1);
    const retried = lines.filter((l) => l.vorgangsnummer === vn && l.type === 'EpayblFehler');
    expect(retried.map((l) => l.code).sort()).toEqual(['-0511', 'SOAP_FAULT']);
    h.epaybl.zahlung(zahlung.kassenzeichen, 1200, 'UEBERWEISUNGNACH');
    await h.zugestellt(vn);
  }, 60_000);

  it('while polling: temporary errors are counted and ridden out, a final one is logged as final and the wait goes on', async () => {
    const ridden = await antrag(1300);
    const kz1 = await h.waitFor(
      'Kassenzeichen',
      async () =>
        (
          await h.db
            .selectFrom('zahlung')
            .select('kassenzeichen')
            .where('vorgangsnummer', '=', ridden)
            .executeTakeFirst()
        )?.kassenzeichen,
    );
    h.epaybl.failNext('lesenKassenzeichenInfo', '-0510', 3);
    h.epaybl.zahlung(kz1, 1300, 'UEBERWEISUNGNACH');
    await h.zugestellt(ridden);

    // A final code while waiting: the citizen's payment may still come, so the wait is not given up; the code is
    // logged as final, for the AWB, the poll reports it as a Störung (test/zahlung-abfrage-stoerung.test.ts) and
    // goes on, and its next good read resolves it.
    const broken = await antrag(1400);
    const kz2 = await h.waitFor(
      'Kassenzeichen',
      async () =>
        (
          await h.db
            .selectFrom('zahlung')
            .select('kassenzeichen')
            .where('vorgangsnummer', '=', broken)
            .executeTakeFirst()
        )?.kassenzeichen,
    );
    h.epaybl.failNext('lesenKassenzeichenInfo', '-0611', 1);
    const logged = await h.waitFor('final code logged', async () =>
      lines.find((l) => l.vorgangsnummer === broken && l.type === 'EpayblKonfiguration'),
    );
    expect(logged).toMatchObject({ code: '-0611', operation: 'lesenKassenzeichenInfo', zustaendig: 'awb' });
    h.epaybl.zahlung(kz2, 1400, 'UEBERWEISUNGNACH');
    await h.zugestellt(broken);
  }, 60_000);
});
