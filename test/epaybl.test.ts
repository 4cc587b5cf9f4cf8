// The real ePayBL SOAP client against the ePayBL simulator, over real sockets on 127.0.0.1. The back-link HMAC
// needs no server and lives in test/unit/epaybl-backlink.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { EpayblSoapClient, createBacklink, verifyBacklink } from '../integrations/epaybl/soap-client';
import {
  EpayblError,
  verwendungszweck,
  type EpayblPaymentConfig,
  type KassenzeichenInfo,
  type Zahlverfahren,
} from '../integrations/epaybl/types';
import { startEpayblSimulator, type EpayblSimulator, type SimKassenzeichenView } from '../simulators/epaybl/server';

const MANDANT = '1610000000';
const SECRET = 'backlink-secret-for-tests';
const RETURN_URL = 'https://amt24.test/zahlung/zurueck?vorgang=V-2024-0001';
const SETTLE_MS = 400;

let sim: EpayblSimulator;
let client: EpayblSoapClient;
const tmpDirs: string[] = [];
let seq = 0;

function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`.slice(0, 30);
}

function config(over: Partial<EpayblPaymentConfig> = {}): EpayblPaymentConfig {
  return {
    mandantNr: MANDANT,
    bewirtschafterNr: '42',
    haushaltsstelle: '0110.11100',
    objektnummer: '2811000',
    kennzeichenMahnverfahren: '01',
    fristTage: 14,
    betragCent: 1234,
    buchungstext: 'Gebuehr Antrag',
    ...over,
  };
}

function clientFor(s: EpayblSimulator, over: { timeoutMs?: number } = {}): EpayblSoapClient {
  return new EpayblSoapClient({ endpoint: s.soapUrl, paypageUrl: s.paypageUrl, timeoutMs: over.timeoutMs ?? 5000 });
}

async function newKunde(c: EpayblSoapClient = client, nachname = 'Mustermann'): Promise<string> {
  const eShopKundenNr = unique('K');
  await c.anlegenKunde({
    mandantNr: MANDANT,
    bewirtschafterNr: '42',
    kunde: { eShopKundenNr, vorname: 'Erika', nachname },
  });
  return eShopKundenNr;
}

async function newKassenzeichen(
  over: Partial<EpayblPaymentConfig> = {},
  opts: { zahlverfahren?: Zahlverfahren; c?: EpayblSoapClient } = {},
) {
  const c = opts.c ?? client;
  const kunde = await newKunde(c);
  const tx = unique('TX');
  const kz = await c.anlegenKassenzeichen({
    config: config(over),
    eShopKundenNr: kunde,
    eShopTransaktionsNr: tx,
    zahlverfahren: opts.zahlverfahren,
  });
  return { kunde, tx, kz: kz.kassenzeichen, created: kz };
}

async function rejection(p: Promise<unknown>): Promise<EpayblError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EpayblError);
  return err as EpayblError;
}

function info(kassenzeichen: string, c: EpayblSoapClient = client): Promise<KassenzeichenInfo> {
  return c.lesenKassenzeichenInfo({ mandantNr: MANDANT, kassenzeichen });
}

async function control(method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sim.url}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** Follows the client's pay-page URL the way a browser does and returns the page and the signed back-links. */
async function openPaypage(k: { kunde: string; tx: string; kz: string }, betragCent = 1234) {
  const data = { kassenzeichen: k.kz, eShopTransaktionsNr: k.tx, betragCent };
  const success = createBacklink(RETURN_URL, SECRET, { ...data, result: 'success' });
  const abort = createBacklink(RETURN_URL, SECRET, { ...data, result: 'abort' });
  const entry = client.paypageUrl({
    mandantNr: MANDANT,
    eShopKundenNr: k.kunde,
    kassenzeichen: k.kz,
    backlinkSuccess: success,
    backlinkAbort: abort,
  });
  const login = await fetch(entry, { redirect: 'manual' });
  expect(login.status).toBe(303);
  const pageUrl = new URL(login.headers.get('location') ?? '', sim.url);
  const page = await fetch(pageUrl);
  expect(page.status).toBe(200);
  return { entry, pageUrl, html: await page.text(), success, abort };
}

function formAction(html: string, id: 'bezahlen' | 'abbrechen'): URL {
  const m = new RegExp(`<form id="${id}" method="post" action="([^"]+)"`).exec(html);
  expect(m?.[1]).toBeTruthy();
  return new URL(m?.[1] ?? '', sim.url);
}

async function pollUntilInactive(
  kassenzeichen: string,
): Promise<{ final: KassenzeichenInfo; seen: KassenzeichenInfo[] }> {
  const seen: KassenzeichenInfo[] = [];
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const i = await info(kassenzeichen);
    seen.push(i);
    if (i.paypageStatus === 'inaktiv') return { final: i, seen };
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new Error(`pay page of ${kassenzeichen} never became inactive`);
}

beforeAll(async () => {
  sim = await startEpayblSimulator({ paypageSettleMs: SETTLE_MS, mandanten: [MANDANT] });
  client = clientFor(sim);
});

afterAll(async () => {
  await sim.close();
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

beforeEach(async () => {
  sim.clearFaults();
  await sim.setOutage(false);
});

describe('pay page', () => {
  it('runs the real flow: isAlive, Kunde, Kassenzeichen, pay by HTTP POST, poll until inactive, bezahlt', async () => {
    const alive = await client.isAlive(MANDANT);
    expect(alive).toMatchObject({ ok: true, code: '0' });
    expect(alive.ePaymentId).toMatch(/^EP\d{12}$/);
    expect(Number.isNaN(Date.parse(alive.timestamp))).toBe(false);

    const kunde = await newKunde();
    const tx = unique('TX');
    const now = new Date('2030-03-01T10:00:00Z');
    const created = await client.anlegenKassenzeichen({
      config: config(),
      eShopKundenNr: kunde,
      eShopTransaktionsNr: tx,
      now,
    });
    expect(created.kassenzeichen).toMatch(/^\d{12}$/);
    expect(created.betragCent).toBe(1234);
    expect(created.eShopTransaktionsNr).toBe(tx);
    expect(created.faelligkeitsdatum).toBe('2030-03-15T10:00:00Z');
    expect(created.result.ok).toBe(true);
    const kz = created.kassenzeichen;

    // Real clients delete the one-time customer right away and ignore the answer: it has an open Kassenzeichen.
    const notDeletable = await rejection(
      client.loeschenKunde({ mandantNr: MANDANT, bewirtschafterNr: '42', eShopKundenNr: kunde }),
    );
    expect(notDeletable.code).toBe('-0119');
    expect(notDeletable.retryable).toBe(false);

    const before = await info(kz);
    expect(before).toMatchObject({
      kassenzeichen: kz,
      eShopKundenNr: kunde,
      paypageStatus: 'aktiv',
      state: 'offen',
      totalCent: 1234,
      paidCent: 0,
      saldoCent: 1234,
      storniert: false,
      zahlverfahren: null,
    });

    const { html, success, entry } = await openPaypage({ kunde, tx, kz });
    expect(html).toContain(kz);
    expect(html).toContain('12,34 EUR');
    expect(html).toContain('Erika Mustermann');
    expect(html).toContain('>Bezahlen</button>');
    expect(html).toContain('>Abbrechen</button>');

    const paid = await fetch(formAction(html, 'bezahlen'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ zahlverfahren: 'KREDITKARTE' }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    const backlink = paid.headers.get('location') ?? '';
    expect(backlink).toBe(success);
    expect(verifyBacklink(backlink, [SECRET])).toMatchObject({
      result: 'success',
      kassenzeichen: kz,
      eShopTransaktionsNr: tx,
      betragCent: 1234,
      params: { vorgang: 'V-2024-0001' },
    });

    // The back-link alone proves nothing: ePayBL shows the outcome only once the pay page is inactive.
    const { final, seen } = await pollUntilInactive(kz);
    expect(seen[0]).toMatchObject({ paypageStatus: 'aktiv', state: 'offen', paidCent: 0 });
    expect(seen.length).toBeGreaterThan(1);
    expect(final).toMatchObject({
      paypageStatus: 'inaktiv',
      state: 'bezahlt',
      totalCent: 1234,
      paidCent: 1234,
      saldoCent: 0,
      zahlverfahren: 'KREDITKARTE',
      storniert: false,
    });

    // A used pay page cannot take the money twice.
    expect((await fetch(entry, { redirect: 'manual' })).status).toBe(410);
    const deleted = await client.loeschenKunde({ mandantNr: MANDANT, bewirtschafterNr: '42', eShopKundenNr: kunde });
    expect(deleted.ok).toBe(true);
    const gone = await rejection(
      client.loeschenKunde({ mandantNr: MANDANT, bewirtschafterNr: '42', eShopKundenNr: kunde }),
    );
    expect(gone.code).toBe('-0199');
  });

  it('abort leads to the abort back-link, makes the pay page inactive and leaves the claim open', async () => {
    const k = await newKassenzeichen();
    const { html, abort, pageUrl } = await openPaypage(k);
    const res = await fetch(formAction(html, 'abbrechen'), { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(abort);
    expect(verifyBacklink(res.headers.get('location') ?? '', [SECRET])?.result).toBe('abort');

    const { final } = await pollUntilInactive(k.kz);
    expect(final).toMatchObject({ paypageStatus: 'inaktiv', state: 'offen', paidCent: 0, saldoCent: 1234 });
    // The session is spent: neither the page nor its forms are there any more.
    expect((await fetch(pageUrl)).status).toBe(404);
  });

  it('rejects a pay-page call whose customer does not match the Kassenzeichen', async () => {
    const k = await newKassenzeichen();
    const url = client.paypageUrl({
      mandantNr: MANDANT,
      eShopKundenNr: 'someone-else',
      kassenzeichen: k.kz,
      backlinkSuccess: RETURN_URL,
      backlinkAbort: RETURN_URL,
    });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Ungültiger Aufruf');
  });
});

describe('amounts over time', () => {
  it('bank transfer arrives in two parts: teilbezahlt, then bezahlt', async () => {
    const k = await newKassenzeichen({}, { zahlverfahren: 'UEBERWEISUNGVOR' });
    expect((await info(k.kz)).zahlverfahren).toBe('UEBERWEISUNGVOR');

    const first = await control('POST', `/_sim/kassenzeichen/${k.kz}/zahlung`, {
      betragCent: 500,
      verfahren: 'UEBERWEISUNGVOR',
    });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ saldoCent: 734, state: 'teilbezahlt' });
    expect(await info(k.kz)).toMatchObject({ state: 'teilbezahlt', paidCent: 500, saldoCent: 734, totalCent: 1234 });

    await control('POST', `/_sim/kassenzeichen/${k.kz}/zahlung`, { betragCent: 734, verfahren: 'UEBERWEISUNGVOR' });
    expect(await info(k.kz)).toMatchObject({ state: 'bezahlt', paidCent: 1234, saldoCent: 0 });

    const view = (await control('GET', `/_sim/kassenzeichen/${k.kz}`)).json as SimKassenzeichenView;
    expect(view.zahlungen.map((z) => z.betragCent)).toEqual([500, 734]);
    expect(view.verwendungszweck).toBe(`${k.kz}/Gebuehr Antrag`.slice(0, 27));
    expect(view.verwendungszweck).toHaveLength(27);
  });

  it('overpaid: saldo below zero', async () => {
    const k = await newKassenzeichen();
    sim.zahlung(k.kz, 1500, 'UEBERWEISUNGNACH');
    expect(await info(k.kz)).toMatchObject({
      state: 'ueberbezahlt',
      paidCent: 1500,
      saldoCent: -266,
      zahlverfahren: 'UEBERWEISUNGNACH',
    });
  });

  it('storno cancels the claim; money already received stays visible for a manual refund', async () => {
    const open = await newKassenzeichen();
    const res = await control('POST', `/_sim/kassenzeichen/${open.kz}/storno`);
    expect(res.json).toMatchObject({ state: 'storniert', paypageStatus: 'INAKTIV' });
    expect(await info(open.kz)).toMatchObject({
      storniert: true,
      state: 'storniert',
      stornoCent: 1234,
      saldoCent: 0,
      paidCent: 0,
      paypageStatus: 'inaktiv',
    });

    const partly = await newKassenzeichen();
    sim.zahlung(partly.kz, 500, 'UEBERWEISUNGVOR');
    sim.storno(partly.kz);
    // In the documented order: money received on a cancelled claim is a negative saldo to pay back, not "storniert".
    expect(await info(partly.kz)).toMatchObject({
      state: 'ueberbezahlt',
      storniert: true,
      paidCent: 500,
      saldoCent: -500,
    });
  });

  it('control API rejects payments it cannot book', async () => {
    const k = await newKassenzeichen();
    expect(
      (await control('POST', `/_sim/kassenzeichen/${k.kz}/zahlung`, { betragCent: 100, verfahren: 'BAR' })).status,
    ).toBe(400);
    expect(
      (await control('POST', `/_sim/kassenzeichen/${k.kz}/zahlung`, { betragCent: -5, verfahren: 'GIROPAY' })).status,
    ).toBe(400);
    expect(
      (await control('POST', '/_sim/kassenzeichen/999999/zahlung', { betragCent: 1, verfahren: 'GIROPAY' })).status,
    ).toBe(404);
    expect((await info(k.kz)).paidCent).toBe(0);
  });
});

describe('retries', () => {
  it('finds the Kassenzeichen of a create whose reply was lost, instead of creating a second one', async () => {
    const kunde = await newKunde();
    const tx = unique('TX');
    const input = { config: config(), eShopKundenNr: kunde, eShopTransaktionsNr: tx };
    const callsBefore = sim.callCount('anlegenKassenzeichen');

    sim.dropNextReplies('anlegenKassenzeichen');
    const lost = await rejection(client.anlegenKassenzeichen(input));
    expect(lost.code).toBe('TRANSPORT');
    expect(lost.retryable).toBe(true);

    const found = await client.lesenTransaktion({ mandantNr: MANDANT, eShopTransaktionsNr: tx });
    expect(found).not.toBeNull();
    expect(found).toMatchObject({ eShopTransaktionsNr: tx, betragCent: 1234 });
    expect(found?.kassenzeichen).toMatch(/^\d{12}$/);
    expect(sim.callCount('anlegenKassenzeichen')).toBe(callsBefore + 1);

    // Creating blindly again would be refused, so a retry that skipped the lookup cannot double the claim.
    const again = await rejection(client.anlegenKassenzeichen(input));
    expect(again.code).toBe('-0206');
    expect(again.retryable).toBe(false);
    expect(await client.lesenTransaktion({ mandantNr: MANDANT, eShopTransaktionsNr: unique('NONE') })).toBeNull();
  });

  it('a create that times out at the client still took effect and is found by transaction number', async () => {
    const impatient = clientFor(sim, { timeoutMs: 150 });
    const kunde = await newKunde();
    const tx = unique('TX');
    sim.setLatency('anlegenKassenzeichen', 600);
    const started = performance.now();
    const timedOut = await rejection(
      impatient.anlegenKassenzeichen({
        config: config({ betragCent: 990 }),
        eShopKundenNr: kunde,
        eShopTransaktionsNr: tx,
      }),
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(timedOut).toMatchObject({ code: 'TIMEOUT', retryable: true, operation: 'anlegenKassenzeichen' });

    const found = await client.lesenTransaktion({ mandantNr: MANDANT, eShopTransaktionsNr: tx });
    expect(found?.betragCent).toBe(990);
    expect((await info(found?.kassenzeichen ?? '')).state).toBe('offen');
  });
});

describe('errors', () => {
  it('injected -0510/-0511/-0513 are retryable and change nothing', async () => {
    const kunde = await newKunde();
    for (const code of ['-0510', '-0511', '-0513']) {
      const tx = unique('TX');
      sim.failNext('anlegenKassenzeichen', code);
      const err = await rejection(
        client.anlegenKassenzeichen({ config: config(), eShopKundenNr: kunde, eShopTransaktionsNr: tx }),
      );
      expect(err).toMatchObject({ code, retryable: true, operation: 'anlegenKassenzeichen' });
      expect(err.result?.ePaymentId).toMatch(/^EP\d{12}$/);
      expect(await client.lesenTransaktion({ mandantNr: MANDANT, eShopTransaktionsNr: tx })).toBeNull();
      const retried = await client.anlegenKassenzeichen({
        config: config(),
        eShopKundenNr: kunde,
        eShopTransaktionsNr: tx,
      });
      expect(retried.eShopTransaktionsNr).toBe(tx);
    }
  });

  it('-0611 (configuration) is not retryable, injected or from an unknown Mandant', async () => {
    const set = await control('POST', '/_sim/faults', { failNext: { operation: 'isAlive', code: '-0611', count: 1 } });
    expect(set.json).toMatchObject({ failNext: [{ operation: 'isAlive', code: '-0611', remaining: 1 }] });
    const injected = await rejection(client.isAlive(MANDANT));
    expect(injected).toMatchObject({ code: '-0611', retryable: false });
    expect((await client.isAlive(MANDANT)).ok).toBe(true);

    const unknown = await rejection(client.isAlive('9999999999'));
    expect(unknown).toMatchObject({ code: '-0611', retryable: false });
    expect(unknown.result?.longText).toContain('9999999999');
  });

  it('blocked and unknown customers and unknown Kassenzeichen are not retryable', async () => {
    const kunde = await newKunde();
    await control('POST', '/_sim/kunde/sperre', { mandantNr: MANDANT, eShopKundenNr: kunde });
    const blocked = await rejection(
      client.anlegenKassenzeichen({ config: config(), eShopKundenNr: kunde, eShopTransaktionsNr: unique('TX') }),
    );
    expect(blocked).toMatchObject({ code: '-0117', retryable: false });

    const unknownKunde = await rejection(
      client.anlegenKassenzeichen({ config: config(), eShopKundenNr: 'nobody', eShopTransaktionsNr: unique('TX') }),
    );
    expect(unknownKunde).toMatchObject({ code: '-0199', retryable: false });

    const unknownKz = await rejection(info('000000000000'));
    expect(unknownKz).toMatchObject({ code: '-0205', retryable: false, operation: 'lesenKassenzeichenInfo' });
  });

  it.each([
    ['bewirtschafterNr', { bewirtschafterNr: '123456789' }, '-0102'],
    ['haushaltsstelle', { haushaltsstelle: '01234567890' }, '-0102'],
    ['objektnummer', { objektnummer: '12345678901' }, '-0102'],
    ['kennzeichenMahnverfahren', { kennzeichenMahnverfahren: '123456' }, '-0102'],
    ['buchungstext', { buchungstext: 'A'.repeat(121) }, '-0102'],
    ['haushaltsstelle', { haushaltsstelle: '' }, '-0101'],
    ['betrag', { betragCent: 0 }, '-0201'],
  ] as const)('rejects %s (%o) with %s', async (field, over, code) => {
    const kunde = await newKunde();
    const tx = unique('TX');
    const err = await rejection(
      client.anlegenKassenzeichen({ config: config(over), eShopKundenNr: kunde, eShopTransaktionsNr: tx }),
    );
    expect(err).toMatchObject({ code, retryable: false });
    if (code !== '-0201') expect(err.result?.longText).toContain(`'${field}'`);
    expect(await client.lesenTransaktion({ mandantNr: MANDANT, eShopTransaktionsNr: tx })).toBeNull();
  });

  it('accepts the maximum lengths exactly', async () => {
    const { created } = await newKassenzeichen({
      bewirtschafterNr: '12345678',
      haushaltsstelle: '0123456789',
      objektnummer: '0123456789',
      kennzeichenMahnverfahren: '12345',
      buchungstext: 'A'.repeat(120),
    });
    expect(created.result.ok).toBe(true);
  });

  it('validates transaction number and Mandant-issued Kassenzeichen', async () => {
    const kunde = await newKunde();
    const base = { config: config(), eShopKundenNr: kunde };
    const longTx = await rejection(client.anlegenKassenzeichen({ ...base, eShopTransaktionsNr: 'T'.repeat(31) }));
    expect(longTx.code).toBe('-0102');
    const tooShort = await rejection(
      client.anlegenKassenzeichen({ ...base, eShopTransaktionsNr: unique('TX'), kassenzeichen: 'A' }),
    );
    expect(tooShort.code).toBe('-0203');
    const notAlnum = await rejection(
      client.anlegenKassenzeichen({ ...base, eShopTransaktionsNr: unique('TX'), kassenzeichen: 'AB-12' }),
    );
    expect(notAlnum.code).toBe('-0203');

    const own = unique('OWN').replace(/[^A-Za-z0-9]/g, '');
    const ok = await client.anlegenKassenzeichen({ ...base, eShopTransaktionsNr: unique('TX'), kassenzeichen: own });
    expect(ok.kassenzeichen).toBe(own);
    const taken = await rejection(
      client.anlegenKassenzeichen({ ...base, eShopTransaktionsNr: unique('TX'), kassenzeichen: own }),
    );
    expect(taken.code).toBe('-0204');
  });

  it('sends and reads XML special characters intact', async () => {
    const nachname = `O'Brien & <Söhne> "X"`;
    const kunde = unique('K');
    await client.anlegenKunde({
      mandantNr: MANDANT,
      bewirtschafterNr: '42',
      // U+0001 cannot exist in XML at all; the client drops it instead of producing a broken envelope.
      kunde: { eShopKundenNr: kunde, vorname: 'Zo\u0001ë', nachname },
    });
    const buchungstext = `Gebühr A&B 'Kfz' (2/3)`;
    const tx = unique('TX');
    const created = await client.anlegenKassenzeichen({
      config: config({ buchungstext }),
      eShopKundenNr: kunde,
      eShopTransaktionsNr: tx,
    });

    const view = sim.kassenzeichen(created.kassenzeichen);
    expect(view?.nachname).toBe(nachname);
    expect(view?.vorname).toBe('Zoë');
    expect(view?.buchungen[0]?.buchungstext).toBe(buchungstext);
    expect(view?.verwendungszweck).toBe(verwendungszweck(created.kassenzeichen, buchungstext));

    const { html } = await openPaypage({ kunde, tx, kz: created.kassenzeichen });
    expect(html).toContain('O&apos;Brien &amp; &lt;Söhne&gt; &quot;X&quot;');
    expect(html).not.toContain('<Söhne>');

    // Outside ePayBL's character set: refused, and the refusal's own text (with '<') comes back intact.
    const refused = await rejection(
      client.anlegenKassenzeichen({
        config: config({ buchungstext: 'Gebühr <b>' }),
        eShopKundenNr: kunde,
        eShopTransaktionsNr: unique('TX'),
      }),
    );
    expect(refused.code).toBe('-0103');
    expect(refused.result?.longText).toBe(`Feld 'buchungstext': unzulässiges Zeichen '<'`);
  });
});

describe('SOAP edges', () => {
  it('answers malformed requests, DTDs and unknown operations with a Client fault', async () => {
    const post = (body: string) =>
      fetch(sim.soapUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body });
    const envelope = (inner: string) =>
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;

    for (const body of [
      envelope('<isAlive><mandantNr>1</isAlive>'),
      `<!DOCTYPE x [<!ENTITY e "boom">]>${envelope('<isAlive><mandantNr>&e;</mandantNr></isAlive>')}`,
      envelope('<stornierenKassenzeichen/>'),
    ]) {
      const res = await post(body);
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('<faultcode>soapenv:Client</faultcode>');
    }
  });

  it('a misconfigured endpoint (an HTML page, not SOAP) is not retryable', async () => {
    const wrong = new EpayblSoapClient({ endpoint: `${sim.url}/paypage/login.do`, paypageUrl: sim.paypageUrl });
    const err = await rejection(wrong.isAlive(MANDANT));
    expect(err).toMatchObject({ code: 'HTTP_404', retryable: false });
  });
});

describe('slowness and outages', () => {
  it('added latency delays the reply but it still arrives', async () => {
    sim.setLatency('isAlive', 300);
    let started = performance.now();
    expect((await client.isAlive(MANDANT)).ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    const k = await newKassenzeichen();
    const set = await control('POST', '/_sim/faults', { latency: { operation: 'lesenKassenzeichenInfo', ms: 200 } });
    expect(set.json).toMatchObject({ latencyMs: { isAlive: 300, lesenKassenzeichenInfo: 200 } });
    started = performance.now();
    expect((await info(k.kz)).state).toBe('offen');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);

    expect((await control('DELETE', '/_sim/faults')).json).toMatchObject({ latencyMs: {}, outage: false });
  });

  it('503 and connection refused are retryable; state survives the outage', async () => {
    const k = await newKassenzeichen();
    sim.zahlung(k.kz, 200, 'UEBERWEISUNGVOR');

    await sim.setOutage('503');
    const unavailable = await rejection(client.isAlive(MANDANT));
    expect(unavailable).toMatchObject({ code: 'HTTP_503', retryable: true });
    expect((await fetch(`${sim.paypageUrl}?kassenzeichen=${k.kz}`)).status).toBe(503);
    expect((await control('GET', '/_sim/faults')).json).toMatchObject({ outage: '503' });

    await sim.setOutage('refused');
    const refused = await rejection(client.isAlive(MANDANT));
    expect(refused).toMatchObject({ code: 'TRANSPORT', retryable: true });
    expect((refused.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');

    await sim.setOutage(false);
    expect((await client.isAlive(MANDANT)).ok).toBe(true);
    expect(await info(k.kz)).toMatchObject({ state: 'teilbezahlt', paidCent: 200 });
  });

  it('an outage switched on over the control API ends by itself', async () => {
    const set = await control('POST', '/_sim/faults', { outage: 'refused', outageForMs: 300 });
    expect(set.json).toMatchObject({ outage: 'refused' });
    expect((await rejection(client.isAlive(MANDANT))).code).toBe('TRANSPORT');

    const deadline = Date.now() + 3000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      recovered = await client.isAlive(MANDANT).then(
        (r) => r.ok,
        () => false,
      );
    }
    expect(recovered).toBe(true);
    // Switching 'refused' on over HTTP without an end would lock the control API out for good.
    expect((await control('POST', '/_sim/faults', { outage: 'refused' })).status).toBe(400);
  });
});

describe('simulator lifecycle', () => {
  it('keeps its state in a JSON file across restarts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epaybl-sim-'));
    tmpDirs.push(dir);
    const statePath = path.join(dir, 'state.json');

    const first = await startEpayblSimulator({ statePath });
    const c1 = clientFor(first);
    const k = await newKassenzeichen({}, { c: c1 });
    first.zahlung(k.kz, 300, 'UEBERWEISUNGVOR');
    await first.close();
    expect(JSON.parse(fs.readFileSync(statePath, 'utf8'))).toMatchObject({ version: 1 });

    const second = await startEpayblSimulator({ statePath });
    try {
      const c2 = clientFor(second);
      expect(await info(k.kz, c2)).toMatchObject({ state: 'teilbezahlt', paidCent: 300, saldoCent: 934 });
      expect((await c2.lesenTransaktion({ mandantNr: MANDANT, eShopTransaktionsNr: k.tx }))?.kassenzeichen).toBe(k.kz);
      const next = await newKassenzeichen({}, { c: c2 });
      expect(next.kz).not.toBe(k.kz);
    } finally {
      await second.close();
    }
  });

  it('speaks HTTPS with client certificates (mutual TLS)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epaybl-tls-'));
    tmpDirs.push(dir);
    const pem = makeCertificates(dir);
    const tlsSim = await startEpayblSimulator({ tls: { cert: pem.serverCert, key: pem.serverKey, ca: pem.caCert } });
    try {
      expect(tlsSim.soapUrl.startsWith('https://127.0.0.1:')).toBe(true);
      const withCert = new EpayblSoapClient({
        endpoint: tlsSim.soapUrl,
        paypageUrl: tlsSim.paypageUrl,
        cert: pem.clientCert,
        key: pem.clientKey,
        ca: pem.caCert,
        timeoutMs: 5000,
      });
      expect((await withCert.isAlive(MANDANT)).ok).toBe(true);

      const noCert = new EpayblSoapClient({ endpoint: tlsSim.soapUrl, paypageUrl: tlsSim.paypageUrl, ca: pem.caCert });
      const refused = await rejection(noCert.isAlive(MANDANT));
      expect(refused.code).toBe('TRANSPORT');
      expect((refused.cause as NodeJS.ErrnoException).code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
      const untrusted = new EpayblSoapClient({
        endpoint: tlsSim.soapUrl,
        paypageUrl: tlsSim.paypageUrl,
        cert: pem.clientCert,
        key: pem.clientKey,
      });
      const err = await rejection(untrusted.isAlive(MANDANT));
      expect(err.code).toBe('TRANSPORT');
      // The server sends the CA along, so Node reports the self-signed root it does not trust.
      expect((err.cause as NodeJS.ErrnoException).code).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    } finally {
      await tlsSim.close();
    }
  });

  it('runs standalone from main.ts with the port from argv', async () => {
    const main = path.join(import.meta.dirname, '..', 'simulators', 'epaybl', 'main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--mandant', MANDANT], {
      cwd: path.join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const soapUrl = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: string) => {
          out += d;
          const m = /SOAP endpoint\s+(\S+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`main.ts exited with ${code}: ${out}`)));
      });
      const standalone = new EpayblSoapClient({ endpoint: soapUrl, paypageUrl: soapUrl, timeoutMs: 5000 });
      expect((await standalone.isAlive(MANDANT)).ok).toBe(true);
      expect((await rejection(standalone.isAlive('1'))).code).toBe('-0611');
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  });
});

/** A throwaway CA with one server and one client certificate (EC keys, so generating them is quick). */
function makeCertificates(dir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=ePayBL Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  );
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    fs.writeFileSync(path.join(dir, `${name}.ext`), `${ext}\n`);
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  }
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return {
    caCert: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
  };
}
