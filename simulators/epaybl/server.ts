// An ePayBL stand-in on a real socket: the SOAP operations our client sends, the pay page a citizen clicks through,
// bank transfers that arrive whenever a test says so, and the failures the real system shows (result codes,
// slowness, lost replies, outages). It keeps its own XML and amount handling so a client bug is not mirrored here.
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  EPAYBL_CODES,
  EPAYBL_OPERATIONS,
  FIELD_LIMITS,
  ZAHLVERFAHREN,
  deriveKassenzeichenState,
  isZahlverfahren,
  verwendungszweck,
  type EpayblOperation,
  type KassenzeichenState,
  type Zahlverfahren,
} from '../../integrations/epaybl/types'; // interim: the split simulator has its own

const SOAP_PATH = '/soap/servlet/rpcrouter';
const PAYPAGE_LOGIN_PATH = '/paypage/login.do';
const NS = 'http://www.bff.bund.de/ePayment';
const MAX_BODY_BYTES = 1024 * 1024;
/** Methods a citizen can pick on the pay page; transfers arrive through the control API instead. */
const PAYPAGE_METHODS: readonly Zahlverfahren[] = ['GIROPAY', 'KREDITKARTE', 'LASTSCHRIFTOHNE'];
/** ePayBL's Buchungstext character set (SEPA subset plus the German letters it lists). */
const BUCHUNGSTEXT_CHARS = /^[A-Za-z0-9ÄÖÜäöüß ,.:/+&*$%'()?-]*$/;

export type OutageMode = false | 'refused' | '503';

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
  verfahren: Zahlverfahren;
  quelle: 'paypage' | 'control';
  at: string;
}

export interface SimKassenzeichenView {
  kassenzeichen: string;
  mandantNr: string;
  eShopKundenNr: string;
  eShopTransaktionsNr: string | null;
  vorname: string | null;
  nachname: string | null;
  paypageStatus: 'AKTIV' | 'INAKTIV';
  zahlverfahren: Zahlverfahren | null;
  hauptforderungenCent: number;
  zahlungseingaengeCent: number;
  stornosCent: number;
  saldoCent: number;
  state: KassenzeichenState;
  faelligkeitsdatum: string;
  verwendungszweck: string;
  buchungen: SimBuchung[];
  zahlungen: SimZahlung[];
}

export interface SimFaults {
  failNext: { operation: EpayblOperation | '*'; code: string; remaining: number }[];
  dropReply: { operation: EpayblOperation | '*'; remaining: number }[];
  latencyMs: Partial<Record<EpayblOperation | '*', number>>;
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
  failNext(operation: EpayblOperation | '*', code: string, count?: number): void;
  /** The next `count` calls are carried out, then the connection is cut before the reply: a "lost" reply. */
  dropNextReplies(operation: EpayblOperation | '*', count?: number): void;
  setLatency(operation: EpayblOperation | '*', ms: number): void;
  /** 'refused' stops listening (connection refused), '503' answers Service Unavailable, false restores. */
  setOutage(mode: OutageMode): Promise<void>;
  clearFaults(): void;
  faults(): SimFaults;
  /** A payment arriving for a Kassenzeichen, e.g. a bank transfer days later. */
  zahlung(kassenzeichen: string, betragCent: number, verfahren: Zahlverfahren): SimKassenzeichenView;
  /** Cancels all claims of a Kassenzeichen (done by a person at the cash office, never through the API). */
  storno(kassenzeichen: string): SimKassenzeichenView;
  kassenzeichen(kassenzeichen: string): SimKassenzeichenView | undefined;
  /** Blocks a customer: its next Kassenzeichen gets -0117. */
  sperreKunde(mandantNr: string, eShopKundenNr: string, gesperrt?: boolean): void;
  /** How many SOAP calls of an operation arrived (including failed ones). */
  callCount(operation: EpayblOperation): number;
  reset(): void;
}

interface SimKunde {
  mandantNr: string;
  bewirtschafterNr: string;
  eShopKundenNr: string;
  vorname: string | null;
  nachname: string | null;
  sprache: string | null;
  gesperrt: boolean;
}

interface SimBuchung {
  betragCent: number;
  buchungstext: string;
  haushaltsstelle: string;
  objektnummer: string | null;
}

interface SimKassenzeichen {
  kassenzeichen: string;
  mandantNr: string;
  bewirtschafterNr: string;
  eShopKundenNr: string;
  eShopTransaktionsNr: string | null;
  vorname: string | null;
  nachname: string | null;
  kennzeichenMahnverfahren: string;
  faelligkeitsdatum: string;
  buchungen: SimBuchung[];
  hauptforderungenCent: number;
  stornosCent: number;
  zahlungen: SimZahlung[];
  zahlverfahren: Zahlverfahren | null;
  paypageStatus: 'AKTIV' | 'INAKTIV';
  /** A pay-page action not yet visible to lesenKassenzeichenInfo. */
  pending: { action: 'pay' | 'abort'; betragCent: number; verfahren: Zahlverfahren | null; dueAt: number } | null;
}

interface PaypageSession {
  token: string;
  kassenzeichen: string;
  backlinkSuccess: string;
  backlinkAbort: string;
}

interface PersistedState {
  version: 1;
  nextKassenzeichen: number;
  nextEPaymentId: number;
  kunden: SimKunde[];
  kassenzeichen: SimKassenzeichen[];
  sessions: PaypageSession[];
}

class SimFailure extends Error {
  constructor(
    readonly code: string,
    readonly kurzText: string,
    readonly langText: string,
  ) {
    super(`${code} ${kurzText}`);
  }
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Xml = string | { [name: string]: Xml } | Xml[];

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  htmlEntities: true,
  isArray: (name) => name === 'buchung',
});

export async function startEpayblSimulator(opts: EpayblSimulatorOptions = {}): Promise<EpayblSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const baseLatency = opts.latencyMs ?? 0;
  const settleMs = opts.paypageSettleMs ?? 0;
  const mandanten = opts.mandanten ? new Set(opts.mandanten) : null;

  // ---- state -----------------------------------------------------------------------------------------------------
  let nextKassenzeichen = 420000000001;
  let nextEPaymentId = 1;
  const kunden = new Map<string, SimKunde>();
  const kassenzeichen = new Map<string, SimKassenzeichen>();
  const sessions = new Map<string, PaypageSession>();
  const calls = new Map<EpayblOperation, number>();
  const kundeKey = (mandantNr: string, nr: string) => `${mandantNr}\u0000${nr}`;

  function load(): void {
    if (!opts.statePath || !fs.existsSync(opts.statePath)) return;
    const s = JSON.parse(fs.readFileSync(opts.statePath, 'utf8')) as PersistedState;
    if (s.version !== 1) throw new Error(`unknown simulator state version in ${opts.statePath}`);
    nextKassenzeichen = s.nextKassenzeichen;
    nextEPaymentId = s.nextEPaymentId;
    for (const k of s.kunden) kunden.set(kundeKey(k.mandantNr, k.eShopKundenNr), k);
    for (const kz of s.kassenzeichen) kassenzeichen.set(kz.kassenzeichen, kz);
    for (const session of s.sessions) sessions.set(session.token, session);
  }

  function save(): void {
    if (!opts.statePath) return;
    const s: PersistedState = {
      version: 1,
      nextKassenzeichen,
      nextEPaymentId,
      kunden: [...kunden.values()],
      kassenzeichen: [...kassenzeichen.values()],
      sessions: [...sessions.values()],
    };
    // Write-then-rename, so a crash mid-write never leaves a half file to load.
    fs.mkdirSync(path.dirname(opts.statePath), { recursive: true });
    const tmp = `${opts.statePath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(s, null, 1));
    fs.renameSync(tmp, opts.statePath);
  }

  load();

  const paidCent = (kz: SimKassenzeichen) => kz.zahlungen.reduce((sum, z) => sum + z.betragCent, 0);
  const saldoCent = (kz: SimKassenzeichen) => kz.hauptforderungenCent - kz.stornosCent - paidCent(kz);
  const stateOf = (kz: SimKassenzeichen) =>
    deriveKassenzeichenState({
      totalCent: kz.hauptforderungenCent,
      stornoCent: kz.stornosCent,
      paidCent: paidCent(kz),
      saldoCent: saldoCent(kz),
    });

  /** Applies a pay-page action once its settle time has passed; called on every read. */
  function settle(kz: SimKassenzeichen): SimKassenzeichen {
    const p = kz.pending;
    if (!p || Date.now() < p.dueAt) return kz;
    if (p.action === 'pay' && p.verfahren) {
      kz.zahlungen.push({ betragCent: p.betragCent, verfahren: p.verfahren, quelle: 'paypage', at: isoNow() });
      kz.zahlverfahren = p.verfahren;
    }
    kz.paypageStatus = 'INAKTIV';
    kz.pending = null;
    save();
    return kz;
  }

  function findKz(nr: string): SimKassenzeichen | undefined {
    const kz = kassenzeichen.get(nr);
    return kz && settle(kz);
  }

  function view(kz: SimKassenzeichen): SimKassenzeichenView {
    settle(kz);
    const text = kz.buchungen[0]?.buchungstext ?? '';
    return {
      kassenzeichen: kz.kassenzeichen,
      mandantNr: kz.mandantNr,
      eShopKundenNr: kz.eShopKundenNr,
      eShopTransaktionsNr: kz.eShopTransaktionsNr,
      vorname: kz.vorname,
      nachname: kz.nachname,
      paypageStatus: kz.paypageStatus,
      zahlverfahren: kz.zahlverfahren,
      hauptforderungenCent: kz.hauptforderungenCent,
      zahlungseingaengeCent: paidCent(kz),
      stornosCent: kz.stornosCent,
      saldoCent: saldoCent(kz),
      state: stateOf(kz),
      faelligkeitsdatum: kz.faelligkeitsdatum,
      verwendungszweck: verwendungszweck(kz.kassenzeichen, text),
      buchungen: kz.buchungen.map((b) => ({ ...b })),
      zahlungen: kz.zahlungen.map((z) => ({ ...z })),
    };
  }

  function issueKassenzeichen(): string {
    for (;;) {
      const candidate = String(nextKassenzeichen++);
      if (!kassenzeichen.has(candidate)) return candidate;
    }
  }

  // ---- faults ----------------------------------------------------------------------------------------------------
  const faults: SimFaults = { failNext: [], dropReply: [], latencyMs: {}, outage: false };
  let outageTimer: NodeJS.Timeout | undefined;

  function takeFault<T extends { operation: EpayblOperation | '*'; remaining: number }>(
    list: T[],
    operation: EpayblOperation,
  ): T | undefined {
    const i = list.findIndex((f) => f.operation === operation || f.operation === '*');
    const f = list[i];
    if (!f) return undefined;
    if (--f.remaining <= 0) list.splice(i, 1);
    return f;
  }

  // ---- SOAP operations -------------------------------------------------------------------------------------------
  function checkMandant(args: Xml): string {
    const mandantNr = required(args, 'mandantNr');
    if (mandanten && !mandanten.has(mandantNr)) {
      throw new SimFailure(
        EPAYBL_CODES.CONFIGURATION_ERROR,
        'Konfigurationsfehler',
        `Mandant ${mandantNr} ist im ePayment-System nicht eingerichtet`,
      );
    }
    return mandantNr;
  }

  function requireKunde(mandantNr: string, nr: string): SimKunde {
    const k = kunden.get(kundeKey(mandantNr, nr));
    if (!k) throw new SimFailure(EPAYBL_CODES.CUSTOMER_UNKNOWN, 'Kunde unbekannt', `Kunde ${nr} ist nicht bekannt`);
    return k;
  }

  function buchungsListeXml(kz: SimKassenzeichen): string {
    return el(
      'buchungsListe',
      leaf('betrag', formatDecimal(kz.hauptforderungenCent)) +
        leaf('bewirtschafterNr', kz.bewirtschafterNr) +
        leaf('faelligkeitsdatum', kz.faelligkeitsdatum) +
        leaf('kassenzeichen', kz.kassenzeichen) +
        leaf('kennzeichenMahnverfahren', kz.kennzeichenMahnverfahren) +
        leaf('waehrungskennzeichen', 'EUR') +
        (kz.eShopTransaktionsNr === null ? '' : leaf('EShopTransaktionsNr', kz.eShopTransaktionsNr)),
    );
  }

  /** Each handler validates like the real system, changes state, and returns the reply content after <ergebnis>. */
  const operations: Record<EpayblOperation, (args: Xml) => string> = {
    isAlive(args) {
      checkMandant(args);
      return '';
    },

    anlegenKunde(args) {
      const mandantNr = checkMandant(args);
      const bewirtschafterNr = limited(required(args, 'bewirtschafterNr'), 'bewirtschafterNr');
      const kunde = child(args, 'kunde');
      if (kunde === undefined) throw missing('kunde');
      const nr = limited(required(kunde, 'EShopKundenNr'), 'eShopKundenNr', 'EShopKundenNr');
      const vorname = optional(kunde, 'vorname');
      const nachname = optional(kunde, 'nachname');
      if (vorname !== null) limited(vorname, 'vorname');
      if (nachname !== null) limited(nachname, 'nachname');
      if (kunden.has(kundeKey(mandantNr, nr))) {
        throw new SimFailure(EPAYBL_CODES.CUSTOMER_EXISTS, 'Kunde existiert bereits', `Kunde ${nr} existiert bereits`);
      }
      kunden.set(kundeKey(mandantNr, nr), {
        mandantNr,
        bewirtschafterNr,
        eShopKundenNr: nr,
        vorname,
        nachname,
        sprache: optional(kunde, 'sprache'),
        gesperrt: false,
      });
      save();
      return '';
    },

    loeschenKunde(args) {
      const mandantNr = checkMandant(args);
      required(args, 'bewirtschafterNr');
      const nr = required(args, 'EShopKundenNr');
      requireKunde(mandantNr, nr);
      const open = [...kassenzeichen.values()].some((kz) => {
        if (kz.mandantNr !== mandantNr || kz.eShopKundenNr !== nr) return false;
        settle(kz);
        const state = stateOf(kz);
        return kz.pending !== null || state === 'offen' || state === 'teilbezahlt';
      });
      if (open) {
        throw new SimFailure(
          EPAYBL_CODES.CUSTOMER_NOT_DELETABLE,
          'Kunde nicht löschbar',
          `Kunde ${nr} hat offene Kassenzeichen`,
        );
      }
      kunden.delete(kundeKey(mandantNr, nr));
      save();
      return '';
    },

    anlegenKassenzeichen(args) {
      const mandantNr = checkMandant(args);
      const kundeNr = required(args, 'eShopKundenNr');
      const liste = child(args, 'buchungsListe');
      if (liste === undefined) throw missing('buchungsListe');

      const betragCent = amount(required(liste, 'betrag'), 'betrag');
      if (betragCent <= 0) throw new SimFailure(EPAYBL_CODES.AMOUNT_INVALID, 'Betrag ungültig', 'Betrag muss > 0 sein');
      const waehrung = required(liste, 'waehrungskennzeichen');
      if (waehrung !== 'EUR') {
        throw new SimFailure(EPAYBL_CODES.CURRENCY_UNSUPPORTED, 'Währung nicht unterstützt', `Währung ${waehrung}`);
      }
      const bewirtschafterNr = limited(required(liste, 'bewirtschafterNr'), 'bewirtschafterNr');
      const mahn = limited(required(liste, 'kennzeichenMahnverfahren'), 'kennzeichenMahnverfahren');
      const faellig = required(liste, 'faelligkeitsdatum');
      if (Number.isNaN(Date.parse(faellig)) || !/^\d{4}-\d{2}-\d{2}/.test(faellig)) {
        throw invalid('faelligkeitsdatum', 'kein xsd:dateTime');
      }

      const tx = optional(liste, 'EShopTransaktionsNr');
      if (tx !== null) {
        limited(tx, 'eShopTransaktionsNr', 'EShopTransaktionsNr');
        const taken = [...kassenzeichen.values()].find((k) => k.mandantNr === mandantNr && k.eShopTransaktionsNr === tx);
        if (taken) {
          throw new SimFailure(
            EPAYBL_CODES.TRANSACTION_TAKEN,
            'TransaktionsNr vergeben',
            `Transaktion ${tx} gehört bereits zu Kassenzeichen ${taken.kassenzeichen}`,
          );
        }
      }

      const wanted = optional(liste, 'kassenzeichen');
      if (wanted !== null) {
        const re = new RegExp(`^[A-Za-z0-9]{${FIELD_LIMITS.kassenzeichenMin},${FIELD_LIMITS.kassenzeichenMax}}$`);
        if (!re.test(wanted)) {
          throw new SimFailure(
            EPAYBL_CODES.KASSENZEICHEN_INVALID,
            'Kassenzeichen ungültig',
            `Kassenzeichen muss aus ${FIELD_LIMITS.kassenzeichenMin}-${FIELD_LIMITS.kassenzeichenMax} alphanumerischen Zeichen bestehen`,
          );
        }
        if (kassenzeichen.has(wanted)) {
          throw new SimFailure(EPAYBL_CODES.KASSENZEICHEN_TAKEN, 'Kassenzeichen vergeben', `${wanted} ist vergeben`);
        }
      }

      const buchungen: SimBuchung[] = [];
      const lines = child(liste, 'buchungen', 'buchung');
      for (const b of Array.isArray(lines) ? lines : lines === undefined ? [] : [lines]) {
        const text = limited(required(b, 'buchungstext'), 'buchungstext');
        const bad = [...text].find((c) => !BUCHUNGSTEXT_CHARS.test(c));
        if (bad !== undefined) throw invalid('buchungstext', `unzulässiges Zeichen '${bad}'`);
        const objekt = optional(b, 'objektnummer');
        const lineBetrag = optional(b, 'betrag');
        buchungen.push({
          betragCent: lineBetrag === null ? betragCent : amount(lineBetrag, 'buchung.betrag'),
          buchungstext: text,
          haushaltsstelle: limited(required(b, 'haushaltsstelle'), 'haushaltsstelle'),
          objektnummer: objekt === null ? null : limited(objekt, 'objektnummer'),
        });
      }
      if (buchungen.length > 0 && buchungen.reduce((s, b) => s + b.betragCent, 0) !== betragCent) {
        throw new SimFailure(
          EPAYBL_CODES.BOOKING_SUM_MISMATCH,
          'Buchungssumme falsch',
          'Die Summe der Buchungen muss dem Betrag der Buchungsliste entsprechen',
        );
      }

      const verfahren = optional(args, 'zahlverfahren');
      if (verfahren !== null && !isZahlverfahren(verfahren)) {
        throw new SimFailure(EPAYBL_CODES.PAYMENT_METHOD_INVALID, 'Zahlverfahren ungültig', `${verfahren}`);
      }

      // Field errors first, then the customer: a malformed request is reported as such even for an unknown customer.
      const kunde = requireKunde(mandantNr, kundeNr);
      if (kunde.gesperrt) {
        throw new SimFailure(EPAYBL_CODES.CUSTOMER_BLOCKED, 'Kunde gesperrt', `Kunde ${kundeNr} ist gesperrt`);
      }

      const kz: SimKassenzeichen = {
        kassenzeichen: wanted ?? issueKassenzeichen(),
        mandantNr,
        bewirtschafterNr,
        eShopKundenNr: kundeNr,
        eShopTransaktionsNr: tx,
        vorname: kunde.vorname,
        nachname: kunde.nachname,
        kennzeichenMahnverfahren: mahn,
        faelligkeitsdatum: faellig,
        buchungen,
        hauptforderungenCent: betragCent,
        stornosCent: 0,
        zahlungen: [],
        zahlverfahren: verfahren,
        paypageStatus: 'AKTIV',
        pending: null,
      };
      kassenzeichen.set(kz.kassenzeichen, kz);
      save();
      return buchungsListeXml(kz);
    },

    lesenKassenzeichenInfo(args) {
      const mandantNr = checkMandant(args);
      // Clients disagree on the element's case (Koha: kassenzeichen, Egovs: Kassenzeichen).
      const nr = optional(args, 'kassenzeichen') ?? required(args, 'Kassenzeichen');
      const kz = findKz(nr);
      if (!kz || kz.mandantNr !== mandantNr) {
        throw new SimFailure(EPAYBL_CODES.KASSENZEICHEN_UNKNOWN, 'Kassenzeichen unbekannt', `${nr} ist unbekannt`);
      }
      const aktiv = kz.paypageStatus === 'AKTIV';
      return (
        leaf('kassenzeichen', kz.kassenzeichen) +
        leaf('EShopKundenNr', kz.eShopKundenNr) +
        (kz.vorname === null ? '' : leaf('vorname', kz.vorname)) +
        (kz.nachname === null ? '' : leaf('name', kz.nachname)) +
        (kz.zahlverfahren === null ? '' : leaf('zahlverfahren', kz.zahlverfahren)) +
        leaf('betragZahlungseingaenge', formatDecimal(paidCent(kz))) +
        leaf('betragHauptforderungen', formatDecimal(kz.hauptforderungenCent)) +
        leaf('betragRuecklastschriften', '0.00') +
        leaf('betragLastschriften', '0.00') +
        leaf('betragSonstigeBuchungen', '0.00') +
        leaf('betragStornos', formatDecimal(kz.stornosCent)) +
        leaf('saldo', formatDecimal(saldoCent(kz))) +
        leaf('waehrung', 'EUR') +
        el(
          'paypageStatus',
          leaf('code', aktiv ? 'AKTIV' : 'INAKTIV') +
            leaf('kurzText', aktiv ? 'Paypage aktiv' : 'Paypage inaktiv') +
            leaf('sprache', 'de'),
        )
      );
    },

    lesenTransaktion(args) {
      const mandantNr = checkMandant(args);
      const tx = required(args, 'eShopTransaktionsNr');
      const kz = [...kassenzeichen.values()].find((k) => k.mandantNr === mandantNr && k.eShopTransaktionsNr === tx);
      if (!kz) throw new SimFailure(EPAYBL_CODES.TRANSACTION_UNKNOWN, 'Transaktion unbekannt', `${tx} ist unbekannt`);
      return buchungsListeXml(kz);
    },
  };

  function ergebnisXml(ok: boolean, code: string, kurz: string, lang: string): string {
    return (
      leaf('istOk', ok ? 'true' : 'false') +
      leaf('code', code) +
      leaf('kurzText', kurz) +
      leaf('langText', lang) +
      leaf('EPaymentId', `EP${String(nextEPaymentId++).padStart(12, '0')}`) +
      leaf('EPaymentTimestamp', isoNow())
    );
  }

  function replyXml(operation: EpayblOperation, ergebnis: string, rest: string): string {
    // isAlive returns the result block itself; all others wrap it in <ergebnis>.
    const content = operation === 'isAlive' ? ergebnis : el('ergebnis', ergebnis) + rest;
    return envelope(`<ep:${operation}Response xmlns:ep="${NS}"><return>${content}</return></ep:${operation}Response>`);
  }

  async function handleSoap(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendText(res, 405, 'SOAP endpoint: POST only');
    const body = await readBody(req);
    let operation: EpayblOperation;
    let args: Xml;
    try {
      ({ operation, args } = parseSoapRequest(body));
    } catch (err) {
      return send(res, 500, 'text/xml; charset=utf-8', faultXml('soapenv:Client', (err as Error).message));
    }
    calls.set(operation, (calls.get(operation) ?? 0) + 1);

    let xml: string;
    const injected = takeFault(faults.failNext, operation);
    if (injected) {
      xml = replyXml(operation, ergebnisXml(false, injected.code, 'Verarbeitung fehlgeschlagen', 'Injizierter Fehler'), '');
    } else {
      try {
        const rest = operations[operation](args);
        xml = replyXml(operation, ergebnisXml(true, EPAYBL_CODES.OK, 'OK', 'Verarbeitung erfolgreich'), rest);
      } catch (err) {
        if (!(err instanceof SimFailure)) throw err;
        xml = replyXml(operation, ergebnisXml(false, err.code, err.kurzText, err.langText), '');
      }
    }

    // Latency delays the reply, not the effect: a client that gives up still leaves the effect behind, which is
    // exactly what the lookup by transaction number is for.
    const delay = baseLatency + (faults.latencyMs[operation] ?? 0) + (faults.latencyMs['*'] ?? 0);
    if (delay > 0) await sleep(delay);
    if (takeFault(faults.dropReply, operation)) {
      req.socket.destroy();
      return;
    }
    send(res, 200, 'text/xml; charset=utf-8', xml);
  }

  // ---- pay page --------------------------------------------------------------------------------------------------
  async function handlePaypage(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (baseLatency > 0) await sleep(baseLatency);
    if (url.pathname === PAYPAGE_LOGIN_PATH && req.method === 'GET') return paypageLogin(res, url);

    const m = /^\/paypage\/([0-9a-f]{32})(?:\/(bezahlen|abbrechen))?$/.exec(url.pathname);
    const session = m?.[1] ? sessions.get(m[1]) : undefined;
    if (!m || !session) return sendHtml(res, 404, page('Sitzung unbekannt', '<p>Diese Bezahlseite gibt es nicht.</p>'));
    const kz = findKz(session.kassenzeichen);
    if (!kz) return sendHtml(res, 404, page('Kassenzeichen unbekannt', ''));
    const action = m[2];

    if (!action && req.method === 'GET') return sendHtml(res, 200, paypageHtml(session, kz));
    if (!action || req.method !== 'POST') return sendText(res, 405, 'method not allowed');

    const form = new URLSearchParams(await readBody(req));
    if (kz.paypageStatus !== 'AKTIV' || kz.pending) {
      return sendHtml(res, 409, page('Vorgang abgeschlossen', '<p>Dieser Bezahlvorgang ist bereits abgeschlossen.</p>'));
    }
    if (action === 'bezahlen') {
      const verfahren = form.get('zahlverfahren') ?? '';
      if (!isZahlverfahren(verfahren) || !PAYPAGE_METHODS.includes(verfahren)) {
        return sendHtml(res, 400, page('Zahlverfahren ungültig', `<p>${escapeHtml(verfahren)}</p>`));
      }
      const offen = saldoCent(kz);
      if (offen <= 0) return sendHtml(res, 409, page('Bereits bezahlt', '<p>Es ist nichts mehr offen.</p>'));
      kz.pending = { action: 'pay', betragCent: offen, verfahren, dueAt: Date.now() + settleMs };
    } else {
      kz.pending = { action: 'abort', betragCent: 0, verfahren: null, dueAt: Date.now() + settleMs };
    }
    sessions.delete(session.token);
    settle(kz);
    save();
    res.writeHead(303, { location: action === 'bezahlen' ? session.backlinkSuccess : session.backlinkAbort });
    res.end();
  }

  function paypageLogin(res: http.ServerResponse, url: URL): void {
    const q = url.searchParams;
    const nr = q.get('kassenzeichen') ?? '';
    const kz = findKz(nr);
    if (!kz || kz.mandantNr !== q.get('mandant') || kz.eShopKundenNr !== q.get('EShopKundenNr')) {
      return sendHtml(res, 400, page('Ungültiger Aufruf', '<p>Kassenzeichen, Mandant oder Kunde passen nicht.</p>'));
    }
    const success = absoluteHttpUrl(q.get('backlinkSuccess'));
    const abort = absoluteHttpUrl(q.get('backlinkAbort'));
    if (!success || !abort) return sendHtml(res, 400, page('Ungültiger Aufruf', '<p>Rücksprungadresse fehlt.</p>'));
    if (kz.paypageStatus !== 'AKTIV') {
      return sendHtml(res, 410, page('Bezahlseite inaktiv', '<p>Dieser Bezahlvorgang ist abgeschlossen.</p>'));
    }
    const token = randomBytes(16).toString('hex');
    sessions.set(token, { token, kassenzeichen: kz.kassenzeichen, backlinkSuccess: success, backlinkAbort: abort });
    save();
    res.writeHead(303, { location: `/paypage/${token}` });
    res.end();
  }

  function paypageHtml(session: PaypageSession, kz: SimKassenzeichen): string {
    const rows = [
      ['Kassenzeichen', kz.kassenzeichen],
      ['Name', [kz.vorname, kz.nachname].filter(Boolean).join(' ')],
      ['Verwendungszweck', kz.buchungen[0]?.buchungstext ?? ''],
      ['Betrag', formatEuro(Math.max(saldoCent(kz), 0))],
      ['Fällig am', kz.faelligkeitsdatum.slice(0, 10)],
    ]
      .map(([k, v]) => `<tr><th>${escapeHtml(k ?? '')}</th><td>${escapeHtml(v ?? '')}</td></tr>`)
      .join('');
    if (kz.paypageStatus !== 'AKTIV' || kz.pending || saldoCent(kz) <= 0) {
      return page('Bezahlvorgang abgeschlossen', `<table>${rows}</table>`);
    }
    const options = PAYPAGE_METHODS.map((v) => `<option value="${v}">${v}</option>`).join('');
    const base = `/paypage/${session.token}`;
    return page(
      'ePayBL – Bezahlen',
      `<table>${rows}</table>` +
        `<form id="bezahlen" method="post" action="${base}/bezahlen">` +
        `<label>Zahlverfahren <select name="zahlverfahren">${options}</select></label> ` +
        '<button type="submit">Bezahlen</button></form>' +
        `<form id="abbrechen" method="post" action="${base}/abbrechen"><button type="submit">Abbrechen</button></form>`,
    );
  }

  // ---- control API -----------------------------------------------------------------------------------------------
  const sim: Omit<EpayblSimulator, 'url' | 'soapUrl' | 'paypageUrl' | 'port' | 'close'> = {
    failNext(operation, code, count = 1) {
      faults.failNext.push({ operation, code, remaining: count });
    },
    dropNextReplies(operation, count = 1) {
      faults.dropReply.push({ operation, remaining: count });
    },
    setLatency(operation, ms) {
      faults.latencyMs[operation] = ms;
    },
    async setOutage(mode) {
      clearTimeout(outageTimer);
      const wasRefused = faults.outage === 'refused';
      faults.outage = mode;
      if (mode === 'refused' && !wasRefused) await stopListening();
      if (mode !== 'refused' && wasRefused) await listen(port);
    },
    clearFaults() {
      faults.failNext = [];
      faults.dropReply = [];
      faults.latencyMs = {};
    },
    faults: () => structuredClone(faults),
    zahlung(nr, betragCent, verfahren) {
      const kz = findKz(nr);
      if (!kz) throw new ControlError(404, `Kassenzeichen ${nr} unbekannt`);
      if (!Number.isSafeInteger(betragCent) || betragCent <= 0) throw new ControlError(400, 'betragCent > 0 erwartet');
      if (!isZahlverfahren(verfahren)) throw new ControlError(400, `verfahren: eines von ${ZAHLVERFAHREN.join(', ')}`);
      kz.zahlungen.push({ betragCent, verfahren, quelle: 'control', at: isoNow() });
      kz.zahlverfahren = verfahren;
      save();
      return view(kz);
    },
    storno(nr) {
      const kz = findKz(nr);
      if (!kz) throw new ControlError(404, `Kassenzeichen ${nr} unbekannt`);
      kz.stornosCent = kz.hauptforderungenCent;
      kz.paypageStatus = 'INAKTIV';
      kz.pending = null;
      save();
      return view(kz);
    },
    kassenzeichen(nr) {
      const kz = findKz(nr);
      return kz && view(kz);
    },
    sperreKunde(mandantNr, nr, gesperrt = true) {
      const k = kunden.get(kundeKey(mandantNr, nr));
      if (!k) throw new ControlError(404, `Kunde ${nr} unbekannt`);
      k.gesperrt = gesperrt;
      save();
    },
    callCount: (operation) => calls.get(operation) ?? 0,
    reset() {
      kunden.clear();
      kassenzeichen.clear();
      sessions.clear();
      calls.clear();
      save();
    },
  };

  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const json = async (): Promise<Record<string, unknown>> => {
      const raw = await readBody(req);
      if (!raw) return {};
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new ControlError(400, 'JSON object expected');
      }
      return parsed as Record<string, unknown>;
    };
    const p = url.pathname;
    const kzMatch = /^\/_sim\/kassenzeichen\/([^/]+)(?:\/(zahlung|storno))?$/.exec(p);
    try {
      if (kzMatch?.[1]) {
        const nr = decodeURIComponent(kzMatch[1]);
        if (!kzMatch[2] && req.method === 'GET') {
          const v = sim.kassenzeichen(nr);
          return v ? sendJson(res, 200, v) : sendJson(res, 404, { error: `Kassenzeichen ${nr} unbekannt` });
        }
        if (kzMatch[2] === 'zahlung' && req.method === 'POST') {
          const b = await json();
          return sendJson(res, 200, sim.zahlung(nr, Number(b.betragCent), String(b.verfahren) as Zahlverfahren));
        }
        if (kzMatch[2] === 'storno' && req.method === 'POST') return sendJson(res, 200, sim.storno(nr));
      }
      if (p === '/_sim/kunde/sperre' && req.method === 'POST') {
        const b = await json();
        sim.sperreKunde(String(b.mandantNr), String(b.eShopKundenNr), b.gesperrt !== false);
        return sendJson(res, 200, { ok: true });
      }
      if (p === '/_sim/faults') {
        if (req.method === 'GET') return sendJson(res, 200, sim.faults());
        if (req.method === 'DELETE') {
          sim.clearFaults();
          await sim.setOutage(false);
          return sendJson(res, 200, sim.faults());
        }
        if (req.method === 'POST') return await applyFaults(await json(), res);
      }
      if (p === '/_sim/calls' && req.method === 'GET') return sendJson(res, 200, Object.fromEntries(calls));
      if (p === '/_sim/reset' && req.method === 'POST') {
        sim.reset();
        return sendJson(res, 200, { ok: true });
      }
      sendJson(res, 404, { error: `no control route ${req.method} ${p}` });
    } catch (err) {
      if (err instanceof ControlError) return sendJson(res, err.status, { error: err.message });
      if (err instanceof SyntaxError) return sendJson(res, 400, { error: `invalid JSON: ${err.message}` });
      throw err;
    }
  }

  async function applyFaults(b: Record<string, unknown>, res: http.ServerResponse): Promise<void> {
    const operation = (v: unknown): EpayblOperation | '*' => {
      if (v === '*' || EPAYBL_OPERATIONS.includes(v as EpayblOperation)) return v as EpayblOperation | '*';
      throw new ControlError(400, `operation: '*' or one of ${EPAYBL_OPERATIONS.join(', ')}`);
    };
    const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined);
    const failNext = obj(b.failNext);
    const dropReply = obj(b.dropReply);
    const latency = obj(b.latency);
    if (failNext) {
      if (typeof failNext.code !== 'string') throw new ControlError(400, 'failNext.code (string) expected');
      sim.failNext(operation(failNext.operation), failNext.code, Number(failNext.count ?? 1));
    }
    if (dropReply) sim.dropNextReplies(operation(dropReply.operation), Number(dropReply.count ?? 1));
    if (latency) sim.setLatency(operation(latency.operation), Number(latency.ms ?? 0));
    if (b.outage !== undefined) {
      const mode = b.outage;
      if (mode !== false && mode !== 'refused' && mode !== '503') throw new ControlError(400, "outage: false|'refused'|'503'");
      const forMs = b.outageForMs === undefined ? undefined : Number(b.outageForMs);
      // Refusing connections also cuts off this control API, so it must come with its own end.
      if (mode === 'refused' && !(forMs && forMs > 0)) {
        throw new ControlError(400, "outage 'refused' needs outageForMs over HTTP (nothing could switch it off)");
      }
      sendJson(res, 200, { ...sim.faults(), outage: mode });
      // Let the answer leave before a 'refused' outage cuts every connection, this one included.
      if (!res.writableFinished) await new Promise((resolve) => res.once('finish', resolve));
      await sim.setOutage(mode);
      if (mode && forMs && forMs > 0) outageTimer = setTimeout(() => void sim.setOutage(false), forMs);
      return;
    }
    sendJson(res, 200, sim.faults());
  }

  // ---- server ----------------------------------------------------------------------------------------------------
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const route = async () => {
      if (url.pathname.startsWith('/_sim/')) return handleControl(req, res, url);
      if (faults.outage === '503') {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
        res.end('ePayBL vorübergehend nicht verfügbar');
        return;
      }
      if (url.pathname === SOAP_PATH) return handleSoap(req, res);
      if (url.pathname.startsWith('/paypage/')) return handlePaypage(req, res, url);
      sendText(res, 404, 'not found');
    };
    route().catch((err: unknown) => {
      if (err instanceof ControlError && err.status === 413) return sendText(res, 413, err.message);
      if (!res.headersSent && !res.destroyed) sendText(res, 500, `simulator error: ${(err as Error).message}`);
    });
  };

  const server = opts.tls
    ? https.createServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          ca: opts.tls.ca,
          requestCert: Boolean(opts.tls.ca),
          rejectUnauthorized: Boolean(opts.tls.ca),
        },
        handler,
      )
    : http.createServer(handler);

  function listen(p: number): Promise<number> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  function stopListening(): Promise<void> {
    if (!server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // Restarts after a 'refused' outage reuse this port, so URLs handed out stay valid.
  const port = await listen(opts.port ?? 0);
  const url = `${opts.tls ? 'https' : 'http'}://${host}:${port}`;

  return {
    ...sim,
    url,
    soapUrl: `${url}${SOAP_PATH}`,
    paypageUrl: `${url}${PAYPAGE_LOGIN_PATH}`,
    port,
    async close() {
      clearTimeout(outageTimer);
      await stopListening();
    },
  };
}

// ---- SOAP parsing and building ---------------------------------------------------------------------------------

function parseSoapRequest(body: string): { operation: EpayblOperation; args: Xml } {
  if (/<!DOCTYPE/i.test(body)) throw new Error('DTD not allowed');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new Error(`malformed XML: ${valid.err.msg}`);
  const soapBody = child(xmlParser.parse(body) as Xml, 'Envelope', 'Body');
  if (soapBody === undefined || typeof soapBody !== 'object' || Array.isArray(soapBody)) {
    throw new Error('no SOAP Body');
  }
  const name = Object.keys(soapBody).find((k) => k !== '#text');
  if (!name || !EPAYBL_OPERATIONS.includes(name as EpayblOperation)) {
    throw new Error(`unknown operation ${name ?? '(none)'}`);
  }
  return { operation: name as EpayblOperation, args: soapBody[name] ?? '' };
}

function child(value: Xml | undefined, ...names: string[]): Xml | undefined {
  let cur = value;
  for (const name of names) {
    if (cur === undefined || typeof cur === 'string' || Array.isArray(cur)) return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, name) ? cur[name] : undefined;
  }
  return cur;
}

function optional(args: Xml, name: string): string | null {
  const v = child(args, name);
  return typeof v === 'string' && v !== '' ? v : null;
}

function required(args: Xml, name: string): string {
  const v = optional(args, name);
  if (v === null) throw missing(name);
  return v;
}

function missing(name: string): SimFailure {
  return new SimFailure(EPAYBL_CODES.FIELD_MISSING, 'Pflichtfeld fehlt', `Pflichtfeld '${name}' fehlt`);
}

function invalid(name: string, why: string): SimFailure {
  return new SimFailure(EPAYBL_CODES.FIELD_INVALID, 'Feldinhalt ungültig', `Feld '${name}': ${why}`);
}

function limited(value: string, limit: keyof typeof FIELD_LIMITS, name: string = limit): string {
  const max = FIELD_LIMITS[limit];
  if ([...value].length > max) {
    throw new SimFailure(EPAYBL_CODES.FIELD_TOO_LONG, 'Feld zu lang', `Feld '${name}' ist länger als ${max} Zeichen`);
  }
  return value;
}

/** decimal(15,2), as ePayBL declares amounts. */
function amount(value: string, name: string): number {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(value);
  if (!m?.[1]) throw new SimFailure(EPAYBL_CODES.AMOUNT_INVALID, 'Betrag ungültig', `Feld '${name}': ${value}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function formatDecimal(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function formatEuro(cents: number): string {
  return `${formatDecimal(cents).replace('.', ',')} EUR`;
}

function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const escapeHtml = escapeXml;

function leaf(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

function el(name: string, content: string): string {
  return `<${name}>${content}</${name}>`;
}

function envelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

function faultXml(code: string, message: string): string {
  return envelope(`<soapenv:Fault><faultcode>${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soapenv:Fault>`);
}

// ---- HTTP helpers ----------------------------------------------------------------------------------------------

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ControlError(413, 'request too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

function sendText(res: http.ServerResponse, status: number, body: string): void {
  send(res, status, 'text/plain; charset=utf-8', body);
}

function sendHtml(res: http.ServerResponse, status: number, body: string): void {
  send(res, status, 'text/html; charset=utf-8', body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
  );
}

function absoluteHttpUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function isoNow(): string {
  return new Date().toISOString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
