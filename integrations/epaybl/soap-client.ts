// ePayBL over SOAP 1.1 with an optional client certificate (mutual TLS in production, plain HTTP against the
// simulator on loopback). The operations of the contract (types.ts) as SOAP calls; inside: xml.ts (parse, escape,
// build), envelope.ts (envelope and faults), replies.ts (reading result blocks and amounts), amounts.ts (cents and
// decimal EUR), transport.ts (the POST, mTLS, timeouts) and backlink.ts (our HMAC on the pay page's back-links).
import { centsToDecimal, xsdDateTime } from './amounts';
import { buildEnvelope, unwrapReply } from './envelope';
import { readKassenzeichen, readKassenzeichenInfo, readResult } from './replies';
import { postSoap, type SoapTransportOptions } from './transport';
import {
  EpayblError,
  isRetryableCode,
  sameCode,
  EPAYBL_CODES,
  type CreateKassenzeichenInput,
  type CustomerRef,
  type EpayblAdapter,
  type EpayblKunde,
  type EpayblOperation,
  type EpayblResult,
  type Kassenzeichen,
  type KassenzeichenInfo,
  type PaypageLinkInput,
  TRANSPORT_CODES,
} from './types';
import { child, leaf, node, text, type XmlValue } from './xml';

export { centsToDecimal, decimalToCents } from './amounts';
export {
  backlinkHmac,
  createBacklink,
  verifyBacklink,
  type BacklinkData,
  type BacklinkKey,
  type BacklinkResult,
} from './backlink';
export { EPAYBL_NAMESPACE } from './envelope';
export { child, escapeXml, parseXml, text, type XmlValue } from './xml';

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
  private readonly transport: SoapTransportOptions;

  constructor(private readonly options: EpayblSoapClientOptions) {
    this.endpoint = new URL(options.endpoint);
    if (this.endpoint.protocol !== 'https:' && this.endpoint.protocol !== 'http:') {
      throw new Error(`ePayBL endpoint must be http(s): ${options.endpoint}`);
    }
    this.transport = {
      cert: options.cert,
      key: options.key,
      ca: options.ca,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxResponseBytes: options.maxResponseBytes ?? 2 * 1024 * 1024,
    };
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
    return readKassenzeichenInfo(ret, input.kassenzeichen, result);
  }

  async lesenTransaktion(input: { mandantNr: string; eShopTransaktionsNr: string }): Promise<Kassenzeichen | null> {
    const ret = await this.call(
      'lesenTransaktion',
      leaf('mandantNr', input.mandantNr) + leaf('eShopTransaktionsNr', input.eShopTransaktionsNr),
    );
    const result = readResult(child(ret, 'ergebnis'));
    // "Did my call land?" is read from the reply's content: a Kassenzeichen stored under our transaction number, or
    // none. No particular code means "unknown" (none is documented); a temporary failure or the operator's
    // configuration error is not an answer and is raised, anything else without a Kassenzeichen means not stored.
    if (!result.ok && (isRetryableCode(result.code) || sameCode(result.code, EPAYBL_CODES.CONFIGURATION_ERROR))) {
      this.requireOk('lesenTransaktion', result);
    }
    const found = text(child(ret, 'buchungsListe'), 'kassenzeichen');
    if (!found) return null;
    const kz = readKassenzeichen('lesenTransaktion', ret);
    if (kz.eShopTransaktionsNr && kz.eShopTransaktionsNr !== input.eShopTransaktionsNr) {
      throw new EpayblError({
        operation: 'lesenTransaktion',
        code: TRANSPORT_CODES.INVALID_RESPONSE,
        message: `asked for transaction ${input.eShopTransaktionsNr}, reply is about ${kz.eShopTransaktionsNr}`,
        retryable: false,
      });
    }
    return kz;
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
    const reply = await postSoap(this.endpoint, this.transport, operation, buildEnvelope(operation, body));
    return unwrapReply(operation, reply);
  }
}
