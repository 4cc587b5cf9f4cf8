// ePayBL over SOAP 1.1 with an optional client certificate (mutual TLS in production, plain HTTP against the
// simulator on loopback). Uses node:http(s) rather than fetch because fetch cannot present a client certificate.
import http from 'node:http';
import https from 'node:https';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  EPAYBL_CODES,
  EpayblError,
  TRANSPORT_CODES,
  deriveKassenzeichenState,
  isZahlverfahren,
  type CreateKassenzeichenInput,
  type CustomerRef,
  type EpayblAdapter,
  type EpayblKunde,
  type EpayblOperation,
  type EpayblResult,
  type Kassenzeichen,
  type KassenzeichenInfo,
  type PaypageLinkInput,
} from './types';

export const EPAYBL_NAMESPACE = 'http://www.bff.bund.de/ePayment';
const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface EpayblSoapClientOptions {
  /** SOAP endpoint, e.g. https://epay.example/soap/servlet/rpcrouter */
  endpoint: string;
  /** Pay-page entry, e.g. https://epay.example/paypage/login.do */
  paypageUrl: string;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string;
  key?: string;
  /** Trusted CA (PEM); replaces the system store, as Node does. */
  ca?: string;
  /** Whole-exchange timeout per call; default 30 s. */
  timeoutMs?: number;
  /** Replies larger than this are treated as broken; default 2 MiB. */
  maxResponseBytes?: number;
}

export class EpayblSoapClient implements EpayblAdapter {
  private readonly endpoint: URL;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: EpayblSoapClientOptions) {
    this.endpoint = new URL(options.endpoint);
    if (this.endpoint.protocol !== 'https:' && this.endpoint.protocol !== 'http:') {
      throw new Error(`ePayBL endpoint must be http(s): ${options.endpoint}`);
    }
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 2 * 1024 * 1024;
  }

  async isAlive(mandantNr: string): Promise<EpayblResult> {
    const ret = await this.call('isAlive', leaf('mandantNr', mandantNr));
    // isAlive answers with a bare result block, every other operation wraps it in <ergebnis>.
    return this.requireOk('isAlive', readResult(ret));
  }

  async anlegenKunde(input: CustomerRef & { kunde: EpayblKunde }): Promise<EpayblResult> {
    const k = input.kunde;
    const ret = await this.call(
      'anlegenKunde',
      leaf('mandantNr', input.mandantNr) +
        leaf('bewirtschafterNr', input.bewirtschafterNr) +
        node(
          'kunde',
          leaf('EShopKundenNr', k.eShopKundenNr),
          leaf('vorname', k.vorname),
          leaf('nachname', k.nachname),
          leaf('sprache', k.sprache ?? 'de'),
        ),
    );
    return this.requireOk('anlegenKunde', readResult(child(ret, 'ergebnis')));
  }

  async loeschenKunde(input: CustomerRef & { eShopKundenNr: string }): Promise<EpayblResult> {
    const ret = await this.call(
      'loeschenKunde',
      leaf('mandantNr', input.mandantNr) +
        leaf('bewirtschafterNr', input.bewirtschafterNr) +
        leaf('EShopKundenNr', input.eShopKundenNr),
    );
    return this.requireOk('loeschenKunde', readResult(child(ret, 'ergebnis')));
  }

  async anlegenKassenzeichen(input: CreateKassenzeichenInput): Promise<Kassenzeichen> {
    const c = input.config;
    if (!Number.isInteger(c.fristTage) || c.fristTage < 0) {
      throw new RangeError(`fristTage must be a non-negative integer, got ${c.fristTage}`);
    }
    const betrag = centsToDecimal(c.betragCent);
    const faellig = new Date((input.now ?? new Date()).getTime() + c.fristTage * DAY_MS);
    const ret = await this.call(
      'anlegenKassenzeichen',
      leaf('mandantNr', c.mandantNr) +
        leaf('eShopKundenNr', input.eShopKundenNr) +
        node(
          'buchungsListe',
          leaf('betrag', betrag),
          leaf('bewirtschafterNr', c.bewirtschafterNr),
          // One booking line: our fee goes to one Haushaltsstelle; its amount must equal the list's.
          node(
            'buchungen',
            node(
              'buchung',
              leaf('betrag', betrag),
              leaf('buchungstext', c.buchungstext),
              leaf('haushaltsstelle', c.haushaltsstelle),
              leaf('objektnummer', c.objektnummer),
            ),
          ),
          leaf('faelligkeitsdatum', xsdDateTime(faellig)),
          leaf('kassenzeichen', input.kassenzeichen),
          leaf('kennzeichenMahnverfahren', c.kennzeichenMahnverfahren),
          leaf('waehrungskennzeichen', 'EUR'),
          leaf('EShopTransaktionsNr', input.eShopTransaktionsNr),
        ) +
        leaf('zahlverfahren', input.zahlverfahren),
    );
    this.requireOk('anlegenKassenzeichen', readResult(child(ret, 'ergebnis')));
    return readKassenzeichen('anlegenKassenzeichen', ret);
  }

  async lesenKassenzeichenInfo(input: { mandantNr: string; kassenzeichen: string }): Promise<KassenzeichenInfo> {
    const ret = await this.call(
      'lesenKassenzeichenInfo',
      leaf('mandantNr', input.mandantNr) + leaf('kassenzeichen', input.kassenzeichen),
    );
    const result = this.requireOk('lesenKassenzeichenInfo', readResult(child(ret, 'ergebnis')));
    const invalid = (message: string) =>
      new EpayblError({
        operation: 'lesenKassenzeichenInfo',
        code: TRANSPORT_CODES.INVALID_RESPONSE,
        message,
        retryable: false,
      });
    // Koha's client treats this as suspicious too: never book a payment read for another Kassenzeichen.
    const kassenzeichen = text(ret, 'kassenzeichen');
    if (kassenzeichen !== input.kassenzeichen) {
      throw invalid(`asked for ${input.kassenzeichen}, reply is about ${kassenzeichen ?? 'nothing'}`);
    }
    // Total and saldo decide "paid": a missing one must not read as 0. Partial sums may be left out.
    const amount = (name: string, mandatory: boolean) => {
      const value = text(ret, name);
      if (!value && mandatory) throw invalid(`reply has no ${name}`);
      return decimalToCents('lesenKassenzeichenInfo', value || '0');
    };
    const totalCent = amount('betragHauptforderungen', true);
    const saldoCent = amount('saldo', true);
    const stornoCent = amount('betragStornos', false);
    const paidCent = amount('betragZahlungseingaenge', false) - amount('betragRuecklastschriften', false);
    const paypageCode = text(child(ret, 'paypageStatus'), 'code');
    const verfahren = text(ret, 'zahlverfahren');
    return {
      result,
      kassenzeichen,
      eShopKundenNr: text(ret, 'EShopKundenNr') ?? '',
      // Anything but an explicit INAKTIV counts as active: never conclude a visit ended on a missing field.
      paypageStatus: paypageCode === 'INAKTIV' ? 'inaktiv' : 'aktiv',
      zahlverfahren: verfahren && isZahlverfahren(verfahren) ? verfahren : null,
      totalCent,
      paidCent,
      stornoCent,
      saldoCent,
      storniert: totalCent > 0 && totalCent - stornoCent <= 0,
      state: deriveKassenzeichenState({ totalCent, stornoCent, paidCent, saldoCent }),
    };
  }

  async lesenTransaktion(input: { mandantNr: string; eShopTransaktionsNr: string }): Promise<Kassenzeichen | null> {
    const ret = await this.call(
      'lesenTransaktion',
      leaf('mandantNr', input.mandantNr) + leaf('eShopTransaktionsNr', input.eShopTransaktionsNr),
    );
    const result = readResult(child(ret, 'ergebnis'));
    if (!result.ok && result.code === EPAYBL_CODES.TRANSACTION_UNKNOWN) return null;
    this.requireOk('lesenTransaktion', result);
    return readKassenzeichen('lesenTransaktion', ret);
  }

  paypageUrl(input: PaypageLinkInput): string {
    // Parameter names as the pay page of real installations expects them.
    const url = new URL(this.options.paypageUrl);
    url.searchParams.set('mandant', input.mandantNr);
    url.searchParams.set('EShopKundenNr', input.eShopKundenNr);
    url.searchParams.set('kassenzeichen', input.kassenzeichen);
    url.searchParams.set('backlinkSuccess', input.backlinkSuccess);
    url.searchParams.set('backlinkAbort', input.backlinkAbort);
    return url.toString();
  }

  private requireOk(operation: EpayblOperation, result: EpayblResult): EpayblResult {
    if (result.ok) return result;
    throw new EpayblError({
      operation,
      code: result.code || 'UNKNOWN',
      message: [result.shortText, result.longText].filter(Boolean).join(' – ') || 'not ok',
      result,
    });
  }

  /** Sends one operation and returns the content of its <return> element. */
  private async call(operation: EpayblOperation, body: string): Promise<XmlValue> {
    const envelope =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NS}">` +
      '<soapenv:Header/>' +
      `<soapenv:Body><${operation} xmlns="${EPAYBL_NAMESPACE}">${body}</${operation}></soapenv:Body>` +
      '</soapenv:Envelope>';
    const reply = await this.post(operation, envelope);

    let soapBody: XmlValue | undefined;
    try {
      soapBody = child(parseXml(reply.text), 'Envelope', 'Body');
    } catch (err) {
      throw new EpayblError({
        operation,
        code: reply.status === 200 ? TRANSPORT_CODES.INVALID_RESPONSE : `HTTP_${reply.status}`,
        message: `unreadable reply (HTTP ${reply.status})`,
        cause: err,
      });
    }
    const fault = child(soapBody, 'Fault');
    if (fault !== undefined) {
      const faultcode = text(fault, 'faultcode') ?? '';
      throw new EpayblError({
        operation,
        code: TRANSPORT_CODES.SOAP_FAULT,
        message: `${faultcode} ${text(fault, 'faultstring') ?? ''}`.trim(),
        // SOAP 1.1: a Server fault may succeed on retry, a Client fault is our bug.
        retryable: /(^|:)Server/.test(faultcode),
      });
    }
    if (reply.status !== 200) {
      throw new EpayblError({ operation, code: `HTTP_${reply.status}`, message: 'unexpected HTTP status' });
    }
    const ret = child(soapBody, `${operation}Response`, 'return');
    if (ret === undefined) {
      throw new EpayblError({
        operation,
        code: TRANSPORT_CODES.INVALID_RESPONSE,
        message: `reply has no ${operation}Response/return`,
      });
    }
    return ret;
  }

  private post(operation: string, envelope: string): Promise<{ status: number; text: string }> {
    const isHttps = this.endpoint.protocol === 'https:';
    const payload = Buffer.from(envelope, 'utf8');
    const requestOptions: https.RequestOptions = {
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        'content-length': payload.length,
        soapaction: `"${operation}"`,
        accept: 'text/xml',
      },
      // No pooling: a handful of calls per payment, and a fresh connection never trips over a socket the server
      // already closed.
      agent: false,
      ...(isHttps ? { cert: this.options.cert, key: this.options.key, ca: this.options.ca } : {}),
    };

    return new Promise((resolve, reject) => {
      let settled = false;
      let timedOut = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(
          new EpayblError({
            operation,
            code: timedOut ? TRANSPORT_CODES.TIMEOUT : TRANSPORT_CODES.CONNECTION,
            message: timedOut ? `no reply within ${this.timeoutMs} ms` : err.message,
            cause: err,
          }),
        );
      };
      const req = (isHttps ? https : http).request(this.endpoint, requestOptions, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxResponseBytes) {
            req.destroy(new Error(`reply larger than ${this.maxResponseBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) return fail(new Error('reply truncated'));
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: decodeBody(Buffer.concat(chunks), res.headers['content-type']) });
        });
      });
      // A timer over the whole exchange: socket timeouts only measure idle gaps, a trickling reply would pass.
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error('timeout'));
      }, this.timeoutMs);
      req.on('error', fail);
      req.end(payload);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// XML

export type XmlValue = string | { [name: string]: XmlValue } | XmlValue[];

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Kassenzeichen like "000123" and amounts must stay strings.
  parseTagValue: false,
  // Servers may send numeric character references (&#228;); the default decodes only the five named entities.
  htmlEntities: true,
});

/** Parses a SOAP message; rejects malformed XML and DTDs (SOAP 1.1 forbids them, and they enable entity bombs). */
export function parseXml(xml: string): XmlValue {
  if (/<!DOCTYPE/i.test(xml)) throw new Error('DTD not allowed in SOAP messages');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  return parser.parse(xml) as XmlValue;
}

// Characters XML 1.0 cannot carry at all, not even escaped.
const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(value: string): string {
  return value
    .replace(XML_FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function leaf(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`;
}

function node(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

export function child(value: XmlValue | undefined, ...path: string[]): XmlValue | undefined {
  let current = value;
  for (const name of path) {
    if (current === undefined || typeof current === 'string' || Array.isArray(current)) return undefined;
    current = Object.prototype.hasOwnProperty.call(current, name) ? current[name] : undefined;
  }
  return current;
}

export function text(value: XmlValue | undefined, name: string): string | undefined {
  const v = child(value, name);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

function decodeBody(body: Buffer, contentType: string | undefined): string {
  const charset = /charset="?([\w-]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return body.toString('utf8');
  }
}

function readResult(value: XmlValue | undefined): EpayblResult {
  // ePayBL 3.x moved code and texts into a nested <text>; 2.x has them flat. Accept both.
  const nested = child(value, 'text');
  const pick = (name: string) => text(value, name) ?? text(nested, name) ?? '';
  const istOk = pick('istOk') || pick('istOK');
  return {
    ok: istOk === 'true' || istOk === '1',
    code: pick('code'),
    shortText: pick('kurzText'),
    longText: pick('langText'),
    ePaymentId: pick('EPaymentId'),
    timestamp: pick('EPaymentTimestamp'),
  };
}

function readKassenzeichen(operation: EpayblOperation, ret: XmlValue): Kassenzeichen {
  const liste = child(ret, 'buchungsListe');
  const kassenzeichen = text(liste, 'kassenzeichen');
  if (!kassenzeichen) {
    throw new EpayblError({ operation, code: TRANSPORT_CODES.INVALID_RESPONSE, message: 'reply has no kassenzeichen' });
  }
  return {
    result: readResult(child(ret, 'ergebnis')),
    kassenzeichen,
    eShopTransaktionsNr: text(liste, 'EShopTransaktionsNr') ?? '',
    betragCent: decimalToCents(operation, text(liste, 'betrag') ?? ''),
    faelligkeitsdatum: text(liste, 'faelligkeitsdatum') ?? '',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Amounts: integer cents here, decimal(15,2) EUR on the wire. String arithmetic, so no float ever rounds a fee.

export function centsToDecimal(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount must be integer cents, got ${cents}`);
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function decimalToCents(operation: string, value: string): number {
  const m = /^([+-]?)(\d{1,13})(?:\.(\d{1,4}))?$/.exec(value.trim());
  if (!m || (m[3] && !/^\d{1,2}0*$/.test(m[3]))) {
    throw new EpayblError({ operation, code: TRANSPORT_CODES.INVALID_RESPONSE, message: `not an amount: "${value}"` });
  }
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').slice(0, 2).padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

function xsdDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------------------------
// Back-link signature. The pay page's back-link is not proof of payment (ePayBL does not sign it), but our own
// HMAC lets the return handler reject links a citizen edited (another Kassenzeichen, another amount) before it
// even asks ePayBL.

export type BacklinkResult = 'success' | 'abort';

export interface BacklinkData {
  result: BacklinkResult;
  kassenzeichen: string;
  eShopTransaktionsNr: string;
  betragCent: number;
}

const BACKLINK_PARAMS = {
  result: 'epResult',
  kassenzeichen: 'kassenzeichen',
  eShopTransaktionsNr: 'transaktion',
  betragCent: 'betragCent',
  signature: 'sig',
} as const;

/**
 * HMAC-SHA256 over every query parameter but the signature, sorted and length-prefixed, so that parameters the
 * caller adds (e.g. the Vorgangsnummer) are covered too and no two parameter sets share a message.
 */
export function backlinkHmac(secret: string, params: URLSearchParams): string {
  const entries = [...params.entries()]
    .filter(([k]) => k !== BACKLINK_PARAMS.signature)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  const message = entries.map(([k, v]) => `${k.length}:${k}${v.length}:${v}`).join('');
  return createHmac('sha256', secret).update(message, 'utf8').digest('base64url');
}

/** Adds the payment identity and our signature to `baseUrl` (which may carry parameters of its own). */
export function createBacklink(baseUrl: string, secret: string, data: BacklinkData): string {
  if (!secret) throw new Error('back-link secret must not be empty');
  const url = new URL(baseUrl);
  url.searchParams.delete(BACKLINK_PARAMS.signature);
  url.searchParams.set(BACKLINK_PARAMS.result, data.result);
  url.searchParams.set(BACKLINK_PARAMS.kassenzeichen, data.kassenzeichen);
  url.searchParams.set(BACKLINK_PARAMS.eShopTransaktionsNr, data.eShopTransaktionsNr);
  url.searchParams.set(BACKLINK_PARAMS.betragCent, String(data.betragCent));
  url.searchParams.set(BACKLINK_PARAMS.signature, backlinkHmac(secret, url.searchParams));
  return url.toString();
}

/** The signed data of a back-link, or null when it was not made with `secret` or was changed since. */
export function verifyBacklink(
  url: string | URL,
  secret: string,
): (BacklinkData & { params: Record<string, string> }) | null {
  if (!secret) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const p = parsed.searchParams;
  const given = p.get(BACKLINK_PARAMS.signature);
  if (!given || p.getAll(BACKLINK_PARAMS.signature).length !== 1) return null;
  const expected = Buffer.from(backlinkHmac(secret, p));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;

  const result = p.get(BACKLINK_PARAMS.result);
  const kassenzeichen = p.get(BACKLINK_PARAMS.kassenzeichen);
  const tx = p.get(BACKLINK_PARAMS.eShopTransaktionsNr);
  const betrag = p.get(BACKLINK_PARAMS.betragCent);
  if ((result !== 'success' && result !== 'abort') || !kassenzeichen || tx === null || !betrag) return null;
  if (!/^-?\d+$/.test(betrag)) return null;
  const params: Record<string, string> = {};
  for (const [k, v] of p.entries()) if (k !== BACKLINK_PARAMS.signature) params[k] = v;
  return { result, kassenzeichen, eShopTransaktionsNr: tx, betragCent: Number(betrag), params };
}
