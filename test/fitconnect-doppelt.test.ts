// Two overlapping attempts of one FIT-Connect delivery (a retry the server starts while a slow first attempt still
// runs, after missed heartbeats on a loaded box) hand the Fachverfahren one submission, not two: the first to record
// its submission wins, the other stops before sending data and its retry finds the Antrag delivered. Driven on the
// real activity against the FIT-Connect simulator, slowed so the two attempts overlap.
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { zustellen } from '../activities/antrag/zustellung';
import { antragStack, anwohnerparken, antragsteller, SCHEMA, type AntragStack } from './harness/antrag';
import { LEISTUNG } from './harness/stack';
import { testLog, uniqueId } from './harness/servers';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

it('two overlapping attempts deliver one submission; the later payment finds it delivered', async () => {
  const destination = await h.fitconnect.createDestination({
    services: [
      {
        identifier: `urn:de:fim:leika:leistung:${LEISTUNG}`,
        submissionSchemas: [{ schemaUri: SCHEMA, mimeType: 'application/json' }],
      },
    ],
  });
  // With a fee the workflow waits for the payment, so only the two attempts below deliver meanwhile.
  const akt = await h.aktivierung({
    'zustellung.modus': 'fitconnect',
    'fitconnect.destinationId': destination.destinationId,
    'frist.fitconnectAbfrage': '200ms',
    ...h.gebuehr(1200),
  });
  const res = await h.submit({
    aktivierungId: akt,
    daten: anwohnerparken(),
    antragsteller: antragsteller(`${uniqueId('doppelt')}@example.org`),
  });
  expect(res.status).toBe(201);
  const vn = res.body.vorgangsnummer as string;
  const kz = await h.waitFor(
    'Kassenzeichen',
    async () =>
      (await h.db.selectFrom('zahlung').select('kassenzeichen').where('vorgangsnummer', '=', vn).executeTakeFirst())
        ?.kassenzeichen,
  );

  const zustellung = {
    modus: 'fitconnect' as const,
    endpunkt: `fitconnect:${destination.destinationId}`,
    fitconnect: { destinationId: destination.destinationId, schemaUri: SCHEMA, leistungId: LEISTUNG },
  };
  const deps = { ...h.workerDeps, log: testLog };
  h.fitconnect.setLatency(250);
  const attempts = await Promise.allSettled([
    zustellen(deps, { vorgangsnummer: vn, zustellung }),
    zustellen(deps, { vorgangsnummer: vn, zustellung }),
  ]);
  h.fitconnect.setLatency(0);

  const submitted = h.fitconnect.listSubmissions(destination.destinationId).filter((s) => s.status !== 'incomplete');
  expect(submitted).toHaveLength(1);
  const fulfilled = attempts.filter((a) => a.status === 'fulfilled');
  expect(fulfilled.length).toBeGreaterThanOrEqual(1);
  for (const a of attempts) {
    if (a.status === 'rejected') {
      expect(a.reason).toBeInstanceOf(ApplicationFailure);
      expect((a.reason as ApplicationFailure).type).toBe('ZustellungLaeuftBereits');
    }
  }
  // The row names the submission that was sent.
  const row = await h.zugestellt(vn);
  expect(JSON.parse(row.referenz!).submissionId).toBe(submitted[0]!.submissionId);

  // The workflow's own delivery after the payment finds it delivered and sends nothing more.
  h.epaybl.zahlung(kz, 1200, 'GIROPAY');
  await h.waitFor('zugestellt in the view', async () => {
    const s = await h.sicht(vn);
    return s.phase === 'zugestellt' ? s : undefined;
  });
  expect(h.fitconnect.listSubmissions(destination.destinationId).filter((s) => s.status !== 'incomplete')).toHaveLength(
    1,
  );
}, 90_000);
