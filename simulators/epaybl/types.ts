// The simulator's public face: how it is started, the handle tests drive it with, and the view of a Kassenzeichen.
import type { SimOperation, SimZahlverfahren, PaypageStatus } from './codes';
import type { SimKassenzeichenState } from './saldo';

export type OutageMode = false | 'refused' | '503';

/** SOAP 1.1 fault codes: Server (the operator's side failed, try again) and Client (the request is wrong). */
export type SoapFaultCode = 'Server' | 'Client';

export interface EpayblSimulatorOptions {
  port?: number;
  host?: string;
  /** Added to every reply. */
  latencyMs?: number;
  /** Keep state in this JSON file so it survives restarts. */
  statePath?: string;
  /**
   * Delay between a pay-page action and its visibility through lesenKassenzeichenInfo, as with the real system,
   * where clients poll until the pay-page status turns inactive. Default 0.
   */
  paypageSettleMs?: number;
  /** Known Mandant numbers; any other gets -0611. Default: every Mandant is known. */
  mandanten?: string[];
  /** Serve HTTPS; with `ca`, clients must present a certificate signed by it (mutual TLS). */
  tls?: { cert: string; key: string; ca?: string };
}

export interface SimZahlung {
  betragCent: number;
  verfahren: SimZahlverfahren;
  /** `rueckzahlung`: money the Kasse paid back (a negative amount). */
  quelle: 'paypage' | 'control' | 'rueckzahlung';
  at: string;
}

export interface SimBuchung {
  betragCent: number;
  buchungstext: string;
  haushaltsstelle: string;
  objektnummer: string | null;
}

export interface SimKassenzeichenView {
  kassenzeichen: string;
  mandantNr: string;
  eShopKundenNr: string;
  eShopTransaktionsNr: string | null;
  vorname: string | null;
  nachname: string | null;
  paypageStatus: PaypageStatus;
  zahlverfahren: SimZahlverfahren | null;
  hauptforderungenCent: number;
  zahlungseingaengeCent: number;
  stornosCent: number;
  saldoCent: number;
  state: SimKassenzeichenState;
  faelligkeitsdatum: string;
  verwendungszweck: string;
  buchungen: SimBuchung[];
  zahlungen: SimZahlung[];
}

export interface SimFaults {
  failNext: { operation: SimOperation | '*'; code: string; remaining: number }[];
  dropReply: { operation: SimOperation | '*'; remaining: number }[];
  soapFault: { operation: SimOperation | '*'; faultcode: SoapFaultCode; remaining: number }[];
  latencyMs: Partial<Record<SimOperation | '*', number>>;
  outage: OutageMode;
}

export interface EpayblSimulator {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  soapUrl: string;
  /** Pay-page entry the client builds its redirect on. */
  paypageUrl: string;
  port: number;
  close(): Promise<void>;
  /** The next `count` calls of `operation` answer with `code` and change nothing. */
  failNext(operation: SimOperation | '*', code: string, count?: number): void;
  /** The next `count` calls of `operation` answer with a SOAP fault (HTTP 500) and change nothing. */
  soapFaultNext(operation: SimOperation | '*', faultcode: SoapFaultCode, count?: number): void;
  /** The next `count` calls are carried out, then the connection is cut before the reply: a "lost" reply. */
  dropNextReplies(operation: SimOperation | '*', count?: number): void;
  setLatency(operation: SimOperation | '*', ms: number): void;
  /** 'refused' stops listening (connection refused), '503' answers Service Unavailable, false restores. */
  setOutage(mode: OutageMode): Promise<void>;
  clearFaults(): void;
  faults(): SimFaults;
  /** A payment arriving for a Kassenzeichen, e.g. a bank transfer days later. */
  zahlung(kassenzeichen: string, betragCent: number, verfahren: SimZahlverfahren): SimKassenzeichenView;
  /** Cancels all claims of a Kassenzeichen (done by a person at the cash office, never through the API). */
  storno(kassenzeichen: string): SimKassenzeichenView;
  /**
   * The Kasse pays money back (a refund by a person: ePayBL has no operation for it). Assumption: it shows as a
   * lower sum of Zahlungseingänge, so the saldo rises again.
   */
  rueckzahlung(kassenzeichen: string, betragCent: number): SimKassenzeichenView;
  kassenzeichen(kassenzeichen: string): SimKassenzeichenView | undefined;
  /** Every Kassenzeichen this simulator holds (what a test suite checks its money against). */
  alleKassenzeichen(): SimKassenzeichenView[];
  /** Blocks a customer: its next Kassenzeichen gets -0117. */
  sperreKunde(mandantNr: string, eShopKundenNr: string, gesperrt?: boolean): void;
  /** How many SOAP calls of an operation arrived (including failed ones). */
  callCount(operation: SimOperation): number;
  reset(): void;
}

/** The handle's methods that work without the server: the control API. */
export type EpayblControl = Omit<EpayblSimulator, 'url' | 'soapUrl' | 'paypageUrl' | 'port' | 'close'>;
