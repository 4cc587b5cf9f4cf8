// Which ePayBL failures are final, over real sockets against the simulator: istOk=false is final unless its code is
// one of the documented temporary ones, a SOAP Server fault is temporary and a Client fault is final (SOAP 1.1), and
// every failure carries the ePayment id the operator asks for. The activity raises the type classifyEpayblError
// picks (test/antrag-epaybl-fehler.test.ts shows that inside a workflow).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyEpayblError,
  EPAYBL_FAILURE_TYPES,
  EPAYBL_FINAL_FAILURE_TYPES,
  isFinalEpayblFailureType,
} from '../integrations/epaybl/errors';
import { EpayblSoapClient } from '../integrations/epaybl/soap-client';
import { EpayblError, type EpayblPaymentConfig } from '../integrations/epaybl/types';
import { startEpayblSimulator, type EpayblSimulator } from '../simulators/epaybl/server';

const MANDANT = '1610000000';
let sim: EpayblSimulator;
let client: EpayblSoapClient;
let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`.slice(0, 30);

const config = (over: Partial<EpayblPaymentConfig> = {}): EpayblPaymentConfig => ({
  mandantNr: MANDANT,
  bewirtschafterNr: '42',
  haushaltsstelle: '0110.11100',
  kennzeichenMahnverfahren: '01',
  fristTage: 14,
  betragCent: 1234,
  buchungstext: 'Gebuehr Antrag',
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<EpayblError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EpayblError);
  return err as EpayblError;
}

async function kunde(): Promise<string> {
  const nr = unique('K');
  await client.anlegenKunde({ mandantNr: MANDANT, bewirtschafterNr: '42', kunde: { eShopKundenNr: nr } });
  return nr;
}

async function faults(body: unknown): Promise<Response> {
  return fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  sim = await startEpayblSimulator({ mandanten: [MANDANT] });
  client = new EpayblSoapClient({ endpoint: sim.soapUrl, paypageUrl: sim.paypageUrl, timeoutMs: 5000 });
});
afterAll(() => sim.close());
beforeEach(() => sim.clearFaults());

describe('SOAP faults', () => {
  it('a Server fault is temporary: nothing was stored, the retry goes through', async () => {
    const nr = await kunde();
    const tx = unique('TX');
    const set = await faults({ soapFault: { operation: 'anlegenKassenzeichen', faultcode: 'Server' } });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({
      soapFault: [{ operation: 'anlegenKassenzeichen', faultcode: 'Server', remaining: 1 }],
    });
    const err = await rejection(
      client.anlegenKassenzeichen({ config: config(), eShopKundenNr: nr, eShopTransaktionsNr: tx }),
    );
    expect(err).toMatchObject({ code: 'SOAP_FAULT', retryable: true, operation: 'anlegenKassenzeichen' });
    expect(err.message).toContain('soapenv:Server');
    expect(classifyEpayblError(err)).toMatchObject({
      type: EPAYBL_FAILURE_TYPES.voruebergehend,
      final: false,
      details: { operation: 'anlegenKassenzeichen', code: 'SOAP_FAULT', ePaymentId: null },
    });
    expect(await client.lesenTransaktion({ mandantNr: MANDANT, eShopTransaktionsNr: tx })).toBeNull();
    const kz = await client.anlegenKassenzeichen({ config: config(), eShopKundenNr: nr, eShopTransaktionsNr: tx });
    expect(kz.eShopTransaktionsNr).toBe(tx);
  });

  it('a Client fault is final: the request itself is wrong, repeating it cannot help', async () => {
    sim.soapFaultNext('isAlive', 'Client', 2);
    for (let i = 0; i < 2; i++) {
      const err = await rejection(client.isAlive(MANDANT));
      expect(err).toMatchObject({ code: 'SOAP_FAULT', retryable: false, operation: 'isAlive' });
      expect(err.message).toContain('soapenv:Client');
      const f = classifyEpayblError(err);
      expect(f).toMatchObject({ type: EPAYBL_FAILURE_TYPES.schnittstelle, final: true });
      expect(f.details.zustaendig).toBe('awb');
    }
    expect((await client.isAlive(MANDANT)).ok).toBe(true);
  });

  it('the control API names what it expects', async () => {
    const bad = await faults({ soapFault: { operation: 'isAlive', faultcode: 'Receiver' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('faultcode');
    expect(sim.faults().soapFault).toEqual([]);
  });
});

describe('istOk=false', () => {
  it.each(['-0510', '-0511', '-0513'])('%s is temporary, with its ePayment id', async (code) => {
    sim.failNext('lesenTransaktion', code);
    const err = await rejection(client.lesenTransaktion({ mandantNr: MANDANT, eShopTransaktionsNr: unique('TX') }));
    const f = classifyEpayblError(err);
    expect(f).toMatchObject({ type: 'EpayblFehler', final: false, details: { code } });
    expect(f.details.ePaymentId).toMatch(/^EP\d{12}$/);
  });

  it('-0611 is a configuration error for the AWB, injected or from an unknown Mandant', async () => {
    sim.failNext('anlegenKunde', '-0611');
    const injected = classifyEpayblError(
      await rejection(
        client.anlegenKunde({ mandantNr: MANDANT, bewirtschafterNr: '42', kunde: { eShopKundenNr: unique('K') } }),
      ),
    );
    expect(injected).toMatchObject({ type: 'EpayblKonfiguration', final: true });
    expect(injected.details).toMatchObject({ code: '-0611', zustaendig: 'awb', operation: 'anlegenKunde' });
    expect(injected.details.ePaymentId).toMatch(/^EP\d{12}$/);
    const unknown = classifyEpayblError(await rejection(client.isAlive('9999999999')));
    expect(unknown.type).toBe('EpayblKonfiguration');
  });

  it('every other code is final: a field too long, a blocked or unknown customer, an unknown Kassenzeichen', async () => {
    const nr = await kunde();
    const tooLong = await rejection(
      client.anlegenKassenzeichen({
        config: config({ buchungstext: 'A'.repeat(121) }),
        eShopKundenNr: nr,
        eShopTransaktionsNr: unique('TX'),
      }),
    );
    sim.sperreKunde(MANDANT, nr);
    const blocked = await rejection(
      client.anlegenKassenzeichen({ config: config(), eShopKundenNr: nr, eShopTransaktionsNr: unique('TX') }),
    );
    const unknownKunde = await rejection(
      client.anlegenKassenzeichen({ config: config(), eShopKundenNr: 'niemand', eShopTransaktionsNr: unique('TX') }),
    );
    const unknownKz = await rejection(client.lesenKassenzeichenInfo({ mandantNr: MANDANT, kassenzeichen: '0' }));
    sim.failNext('isAlive', '-0401'); // a bank-account problem: documented, and nothing a retry changes
    const bank = await rejection(client.isAlive(MANDANT));
    // A field we send from the Prozessparameter is the Mandant's to fix; the rest the operator's, through the AWB.
    const mandant = classifyEpayblError(tooLong);
    expect(mandant).toMatchObject({ type: 'EpayblDatenAbgelehnt', final: true, details: { zustaendig: 'mandant' } });
    for (const err of [blocked, unknownKunde, unknownKz, bank]) {
      const f = classifyEpayblError(err);
      expect(f, err.code).toMatchObject({ type: 'EpayblAbgelehnt', final: true, details: { code: err.code } });
      expect(f.details.ePaymentId, err.code).toMatch(/^EP\d{12}$/);
      expect(f.details.zustaendig).toBe('awb');
    }
  });

  it('one list of final type names, and only those are final', () => {
    expect([...EPAYBL_FINAL_FAILURE_TYPES].sort()).toEqual(
      ['EpayblAbgelehnt', 'EpayblDatenAbgelehnt', 'EpayblKonfiguration', 'EpayblSchnittstellenfehler'].sort(),
    );
    expect(Object.values(EPAYBL_FAILURE_TYPES).filter(isFinalEpayblFailureType)).toEqual([
      ...EPAYBL_FINAL_FAILURE_TYPES,
    ]);
    expect(isFinalEpayblFailureType('EpayblFehler')).toBe(false);
    expect(isFinalEpayblFailureType(undefined)).toBe(false);
  });
});

describe('transport', () => {
  it('a 503 outage and a refused connection are temporary', async () => {
    await sim.setOutage('503');
    const unavailable = classifyEpayblError(await rejection(client.isAlive(MANDANT)));
    await sim.setOutage('refused');
    const refused = classifyEpayblError(await rejection(client.isAlive(MANDANT)));
    await sim.setOutage(false);
    expect(unavailable).toMatchObject({ type: 'EpayblFehler', details: { code: 'HTTP_503' } });
    expect(refused).toMatchObject({ type: 'EpayblFehler', details: { code: 'TRANSPORT' } });
  });
});
