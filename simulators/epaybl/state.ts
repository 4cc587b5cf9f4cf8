// What the simulated ePayBL remembers: customers, Kassenzeichen with their claims and payments, pay-page sessions;
// optionally in a JSON file so a restart (npm start) keeps them.
import fs from 'node:fs';
import path from 'node:path';
import type { PaypageStatus, SimOperation, SimZahlverfahren } from './codes';
import { isoNow } from './http';
import { verwendungszweck } from './limits';
import { kassenzeichenState, saldoOf, type SimAmounts, type SimKassenzeichenState } from './saldo';
import type { SimBuchung, SimKassenzeichenView, SimZahlung } from './types';

export interface SimKunde {
  mandantNr: string;
  bewirtschafterNr: string;
  eShopKundenNr: string;
  vorname: string | null;
  nachname: string | null;
  sprache: string | null;
  gesperrt: boolean;
}

export interface SimKassenzeichen {
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
  zahlverfahren: SimZahlverfahren | null;
  paypageStatus: PaypageStatus;
  /** A pay-page action not yet visible to lesenKassenzeichenInfo. */
  pending: { action: 'pay' | 'abort'; betragCent: number; verfahren: SimZahlverfahren | null; dueAt: number } | null;
}

export interface PaypageSession {
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

export class EpayblStore {
  private nextKassenzeichen = 420000000001;
  private nextEPaymentId = 1;
  readonly kunden = new Map<string, SimKunde>();
  readonly kassenzeichen = new Map<string, SimKassenzeichen>();
  readonly sessions = new Map<string, PaypageSession>();
  readonly calls = new Map<SimOperation, number>();

  constructor(private readonly statePath?: string) {
    this.load();
  }

  kunde(mandantNr: string, nr: string): SimKunde | undefined {
    return this.kunden.get(kundeKey(mandantNr, nr));
  }

  putKunde(k: SimKunde): void {
    this.kunden.set(kundeKey(k.mandantNr, k.eShopKundenNr), k);
  }

  deleteKunde(mandantNr: string, nr: string): void {
    this.kunden.delete(kundeKey(mandantNr, nr));
  }

  /** The Kassenzeichen with any due pay-page action applied. */
  find(nr: string): SimKassenzeichen | undefined {
    const kz = this.kassenzeichen.get(nr);
    return kz && this.settle(kz);
  }

  byTransaktion(mandantNr: string, tx: string): SimKassenzeichen | undefined {
    return [...this.kassenzeichen.values()].find((k) => k.mandantNr === mandantNr && k.eShopTransaktionsNr === tx);
  }

  issueKassenzeichen(): string {
    for (;;) {
      const candidate = String(this.nextKassenzeichen++);
      if (!this.kassenzeichen.has(candidate)) return candidate;
    }
  }

  issueEPaymentId(): string {
    return `EP${String(this.nextEPaymentId++).padStart(12, '0')}`;
  }

  countCall(operation: SimOperation): void {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
  }

  /** Applies a pay-page action once its settle time has passed; called on every read. */
  settle(kz: SimKassenzeichen): SimKassenzeichen {
    const p = kz.pending;
    if (!p || Date.now() < p.dueAt) return kz;
    if (p.action === 'pay' && p.verfahren) {
      kz.zahlungen.push({ betragCent: p.betragCent, verfahren: p.verfahren, quelle: 'paypage', at: isoNow() });
      kz.zahlverfahren = p.verfahren;
    }
    kz.paypageStatus = 'INAKTIV';
    kz.pending = null;
    this.save();
    return kz;
  }

  view(kz: SimKassenzeichen): SimKassenzeichenView {
    this.settle(kz);
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

  clear(): void {
    this.kunden.clear();
    this.kassenzeichen.clear();
    this.sessions.clear();
    this.calls.clear();
    this.save();
  }

  save(): void {
    if (!this.statePath) return;
    const s: PersistedState = {
      version: 1,
      nextKassenzeichen: this.nextKassenzeichen,
      nextEPaymentId: this.nextEPaymentId,
      kunden: [...this.kunden.values()],
      kassenzeichen: [...this.kassenzeichen.values()],
      sessions: [...this.sessions.values()],
    };
    // Write-then-rename, so a crash mid-write never leaves a half file to load.
    fs.mkdirSync(path.dirname(this.statePath), { recursive: true });
    const tmp = `${this.statePath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(s, null, 1));
    fs.renameSync(tmp, this.statePath);
  }

  private load(): void {
    if (!this.statePath || !fs.existsSync(this.statePath)) return;
    const s = JSON.parse(fs.readFileSync(this.statePath, 'utf8')) as PersistedState;
    if (s.version !== 1) throw new Error(`unknown simulator state version in ${this.statePath}`);
    this.nextKassenzeichen = s.nextKassenzeichen;
    this.nextEPaymentId = s.nextEPaymentId;
    for (const k of s.kunden) this.putKunde(k);
    for (const kz of s.kassenzeichen) this.kassenzeichen.set(kz.kassenzeichen, kz);
    for (const session of s.sessions) this.sessions.set(session.token, session);
  }
}

function kundeKey(mandantNr: string, nr: string): string {
  return `${mandantNr}\u0000${nr}`;
}

export function paidCent(kz: SimKassenzeichen): number {
  return kz.zahlungen.reduce((sum, z) => sum + z.betragCent, 0);
}

export function saldoCent(kz: SimKassenzeichen): number {
  return saldoOf(amountsOf(kz));
}

export function stateOf(kz: SimKassenzeichen): SimKassenzeichenState {
  return kassenzeichenState(amountsOf(kz));
}

function amountsOf(kz: SimKassenzeichen): SimAmounts {
  return {
    hauptforderungenCent: kz.hauptforderungenCent,
    stornosCent: kz.stornosCent,
    zahlungseingaengeCent: paidCent(kz),
  };
}
