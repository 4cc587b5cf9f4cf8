// What the ePayBL client decides on its own, written from the documented behaviour (external-systems.md, "ePayBL in
// detail"): codes compared as numbers, which codes are worth a retry, the order in which amounts are read, the
// one-time customer of a payment attempt, and "did my call land?" judged from the reply's content.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { einmalKundenNr } from '../../integrations/epaybl/kunde';
import { EpayblSoapClient } from '../../integrations/epaybl/soap-client';
import {
  codeNumber,
  deriveKassenzeichenState,
  EpayblError,
  isRetryableCode,
  sameCode,
} from '../../integrations/epaybl/types';

describe('ePayBL result codes', () => {
  it('are compared as numbers, not as strings', () => {
    expect(codeNumber('-0510')).toBe(-510);
    expect(sameCode('-510', '-0510')).toBe(true);
    expect(sameCode('-00611', '-0611')).toBe(true);
    expect(sameCode('-0511', '-0510')).toBe(false);
    expect(sameCode('TIMEOUT', 'TIMEOUT')).toBe(true);
    expect(Number.isNaN(codeNumber('SOAP_FAULT'))).toBe(true);
  });

  it('only -0510/-0511/-0513 and transport failures are worth a retry', () => {
    for (const code of ['-0510', '-511', '-0513', 'TIMEOUT', 'TRANSPORT', 'HTTP_503', 'HTTP_429']) {
      expect(isRetryableCode(code), code).toBe(true);
    }
    for (const code of ['-0611', '-0199', '-0117', '-0119', '-0103', '-0207', '-0512', 'HTTP_400', 'UNKNOWN']) {
      expect(isRetryableCode(code), code).toBe(false);
    }
    expect(new EpayblError({ operation: 'isAlive', code: '-511', message: 'x' }).retryable).toBe(true);
  });
});

describe('amounts, in the documented order', () => {
  const state = (totalCent: number, paidCent: number, stornoCent = 0) =>
    deriveKassenzeichenState({ totalCent, paidCent, stornoCent, saldoCent: totalCent - stornoCent - paidCent });
  it('reads open, partly paid, paid and overpaid from the saldo', () => {
    expect(state(1000, 0)).toBe('offen');
    expect(state(1000, 400)).toBe('teilbezahlt');
    expect(state(1000, 1000)).toBe('bezahlt');
    expect(state(1000, 1200)).toBe('ueberbezahlt');
  });
  it('is "storniert" only when the claim is cancelled and no money came in', () => {
    expect(state(1000, 0, 1000)).toBe('storniert');
    // 5 € paid, then storno: money to pay back (negative saldo), not a cancelled claim.
    expect(state(1000, 500, 1000)).toBe('ueberbezahlt');
    expect(state(1000, 1000, 1000)).toBe('ueberbezahlt');
  });
});

describe('the one-time customer of a payment attempt', () => {
  it('is deterministic per attempt, differs between attempts and cannot be guessed without the secret', () => {
    const a = einmalKundenNr('geheim', 'A24-ABCDE-FGHIJ', 1);
    expect(a).toMatch(/^A24-ABCDE-FGHIJ-Z1-[\w-]{10}$/);
    expect(einmalKundenNr('geheim', 'A24-ABCDE-FGHIJ', 1)).toBe(a);
    expect(einmalKundenNr('geheim', 'A24-ABCDE-FGHIJ', 2)).not.toBe(a);
    expect(einmalKundenNr('anderes', 'A24-ABCDE-FGHIJ', 1)).not.toBe(a);
    expect(a.length).toBeLessThanOrEqual(100);
    expect(() => einmalKundenNr('', 'A24-ABCDE-FGHIJ', 1)).toThrow();
  });
});

describe('lesenTransaktion: did my call land?', () => {
  // A stand-in endpoint that answers lesenTransaktion with whatever the test puts here.
  let answer = '';
  let server: http.Server;
  let client: EpayblSoapClient;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
            `<soapenv:Body><lesenTransaktionResponse><return>${answer}</return></lesenTransaktionResponse></soapenv:Body></soapenv:Envelope>`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new EpayblSoapClient({ endpoint: `http://127.0.0.1:${port}/soap`, paypageUrl: 'http://pay.example/' });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const ergebnis = (ok: boolean, code: string) =>
    `<ergebnis><istOk>${ok}</istOk><code>${code}</code><kurzText>k</kurzText><langText>l</langText><EPaymentId>E-1</EPaymentId></ergebnis>`;
  const ask = () => client.lesenTransaktion({ mandantNr: '014', eShopTransaktionsNr: 'A24-ABCDE-FGHIJ' });

  it('found: the reply carries a Kassenzeichen for our transaction number', async () => {
    answer =
      ergebnis(true, '0') +
      '<buchungsListe><betrag>30.50</betrag><kassenzeichen>KZ123</kassenzeichen><EShopTransaktionsNr>A24-ABCDE-FGHIJ</EShopTransaktionsNr></buchungsListe>';
    expect(await ask()).toMatchObject({ kassenzeichen: 'KZ123', betragCent: 3050 });
  });

  it('not stored: any refusal without a Kassenzeichen, whatever its code, and an empty ok reply', async () => {
    for (const code of ['-0207', '-0299', '-0100']) {
      answer = ergebnis(false, code);
      expect(await ask(), code).toBeNull();
    }
    answer = ergebnis(true, '0');
    expect(await ask()).toBeNull();
  });

  it('no answer at all: a temporary failure or the operator configuration is raised, never read as "not stored"', async () => {
    answer = ergebnis(false, '-0511');
    await expect(ask()).rejects.toMatchObject({ code: '-0511', retryable: true });
    answer = ergebnis(false, '-611');
    await expect(ask()).rejects.toMatchObject({ code: '-611', retryable: false });
  });

  it('a Kassenzeichen for another transaction is refused', async () => {
    answer =
      ergebnis(true, '0') +
      '<buchungsListe><betrag>30.50</betrag><kassenzeichen>KZ9</kassenzeichen><EShopTransaktionsNr>A24-OTHER</EShopTransaktionsNr></buchungsListe>';
    await expect(ask()).rejects.toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
  });
});
