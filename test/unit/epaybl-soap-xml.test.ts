// The pure parts of the ePayBL SOAP client: XML escaping and parsing, the envelope and what a reply means, result
// blocks of ePayBL 2.x and 3.x, amounts in decimal EUR, and the 27-character bank-transfer reference.
import { describe, expect, it } from 'vitest';
import { centsToDecimal, decimalToCents } from '../../integrations/epaybl/amounts';
import { buildEnvelope, unwrapReply } from '../../integrations/epaybl/envelope';
import { readResult } from '../../integrations/epaybl/replies';
import { EpayblError, verwendungszweck } from '../../integrations/epaybl/types';
import { escapeXml, leaf, parseXml } from '../../integrations/epaybl/xml';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const reply = (body: string, status = 200) => ({
  status,
  text: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
});

function thrown(f: () => unknown): EpayblError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(EpayblError);
    return err as EpayblError;
  }
  throw new Error('did not throw');
}

describe('ePayBL SOAP XML', () => {
  it('escapes what it sends and drops what XML cannot carry', () => {
    expect(escapeXml(`O'Brien & <Söhne> "X"`)).toBe('O&apos;Brien &amp; &lt;Söhne&gt; &quot;X&quot;');
    expect(escapeXml('Zo\u0001ë\u0000')).toBe('Zoë');
    expect(leaf('nachname', 'A&B')).toBe('<nachname>A&amp;B</nachname>');
    expect(leaf('objektnummer', undefined)).toBe('');
    const envelope = buildEnvelope('isAlive', leaf('mandantNr', '1610000000'));
    expect(envelope).toContain(
      `<soapenv:Body><isAlive xmlns="http://www.bff.bund.de/ePayment"><mandantNr>1610000000</mandantNr></isAlive></soapenv:Body>`,
    );
    expect(parseXml(envelope)).toMatchObject({ Envelope: { Body: { isAlive: { mandantNr: '1610000000' } } } });
  });

  it('parses replies with values as strings and refuses DTDs and malformed XML', () => {
    const parsed = parseXml('<a:x xmlns:a="urn:a"><kassenzeichen>000123</kassenzeichen><t>&#228;&amp;</t></a:x>');
    expect(parsed).toEqual({ x: { kassenzeichen: '000123', t: 'ä&' } });
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>')).toThrow(/DTD/);
    expect(() => parseXml('<x><y></x>')).toThrow(/malformed XML/);
  });

  it('reads a reply: its <return>, faults, HTTP errors and missing parts', () => {
    const ok = unwrapReply(
      'isAlive',
      reply('<ns:isAliveResponse xmlns:ns="urn:x"><return><code>0</code></return></ns:isAliveResponse>'),
    );
    expect(ok).toEqual({ code: '0' });
    const server = thrown(() =>
      unwrapReply(
        'isAlive',
        reply(
          '<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>busy</faultstring></soapenv:Fault>',
          500,
        ),
      ),
    );
    expect(server).toMatchObject({ code: 'SOAP_FAULT', retryable: true, operation: 'isAlive' });
    const client = thrown(() =>
      unwrapReply(
        'isAlive',
        reply(
          '<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>bad</faultstring></soapenv:Fault>',
          500,
        ),
      ),
    );
    expect(client).toMatchObject({ code: 'SOAP_FAULT', retryable: false });
    expect(thrown(() => unwrapReply('isAlive', { status: 503, text: '<html><body>down' }))).toMatchObject({
      code: 'HTTP_503',
      retryable: true,
    });
    expect(thrown(() => unwrapReply('isAlive', { status: 200, text: '<html>not soap</html>' }))).toMatchObject({
      code: 'INVALID_RESPONSE',
    });
    expect(thrown(() => unwrapReply('lesenTransaktion', reply('<lesenTransaktionResponse/>')))).toMatchObject({
      code: 'INVALID_RESPONSE',
    });
  });

  it('reads result blocks of ePayBL 2.x (flat) and 3.x (nested in <text>)', () => {
    const flat = { istOk: 'false', code: '-0199', kurzText: 'Kunde unbekannt', langText: 'x', EPaymentId: 'EP1' };
    expect(readResult(flat)).toEqual({
      ok: false,
      code: '-0199',
      shortText: 'Kunde unbekannt',
      longText: 'x',
      ePaymentId: 'EP1',
      timestamp: '',
    });
    const nested = { istOK: 'true', text: { code: '0', kurzText: 'ok' }, EPaymentTimestamp: '2030-03-01T10:00:00Z' };
    expect(readResult(nested)).toMatchObject({
      ok: true,
      code: '0',
      shortText: 'ok',
      timestamp: '2030-03-01T10:00:00Z',
    });
  });

  it('converts amounts without floats and cuts the bank-transfer reference at 27 characters', () => {
    expect([1234, 5, -5, 100, 0].map(centsToDecimal)).toEqual(['12.34', '0.05', '-0.05', '1.00', '0.00']);
    expect(() => centsToDecimal(12.5)).toThrow(RangeError);
    expect(['12.34', '1.5', '7', '-0.05', '12.3400', ' 3.10 '].map((v) => decimalToCents('op', v))).toEqual([
      1234, 150, 700, -5, 1234, 310,
    ]);
    for (const bad of ['12.345', '1,50', '', 'EUR 1']) {
      expect(() => decimalToCents('op', bad)).toThrow(EpayblError);
    }
    expect(verwendungszweck('420000000001', 'Gebuehr Antrag')).toBe('420000000001/Gebuehr Antrag');
    expect(verwendungszweck('420000000001', 'Gebuehr Antrag Hundesteuer')).toBe('420000000001/Gebuehr Antrag');
    expect(verwendungszweck('420000000001', 'Gebuehr Antrag Hundesteuer')).toHaveLength(27);
  });
});
