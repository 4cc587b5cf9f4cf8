// What tests (and people clicking through) do that no ePayBL client can: bank transfers arriving, a storno at the
// cash office, blocked customers, faults (result codes, SOAP faults, lost replies) and outages. The same methods as the handle and over HTTP under /_sim/.
import type http from 'node:http';
import {
  OPERATIONS,
  ZAHLVERFAHREN,
  isOperation,
  isZahlverfahren,
  type SimOperation,
  type SimZahlverfahren,
} from './codes';
import type { Faults } from './faults';
import { ControlError, isoNow, readBody, sendJson } from './http';
import { paidCent, type EpayblStore } from './state';
import type { EpayblControl } from './types';

/** The server's side of a 'refused' outage. */
export interface Listener {
  stop(): Promise<void>;
  resume(): Promise<void>;
}

export function createControl(store: EpayblStore, faults: Faults, listener: Listener): EpayblControl {
  const known = (nr: string) => {
    const kz = store.find(nr);
    if (!kz) throw new ControlError(404, `Kassenzeichen ${nr} unbekannt`);
    return kz;
  };
  return {
    failNext(operation, code, count = 1) {
      faults.state.failNext.push({ operation, code, remaining: count });
    },
    soapFaultNext(operation, faultcode, count = 1) {
      faults.state.soapFault.push({ operation, faultcode, remaining: count });
    },
    dropNextReplies(operation, count = 1) {
      faults.state.dropReply.push({ operation, remaining: count });
    },
    setLatency(operation, ms) {
      faults.state.latencyMs[operation] = ms;
    },
    async setOutage(mode) {
      faults.cancelOutageEnd();
      const wasRefused = faults.state.outage === 'refused';
      faults.state.outage = mode;
      if (mode === 'refused' && !wasRefused) await listener.stop();
      if (mode !== 'refused' && wasRefused) await listener.resume();
    },
    clearFaults: () => faults.clear(),
    faults: () => faults.snapshot(),
    zahlung(nr, betragCent, verfahren) {
      const kz = known(nr);
      if (!Number.isSafeInteger(betragCent) || betragCent <= 0) throw new ControlError(400, 'betragCent > 0 erwartet');
      if (!isZahlverfahren(verfahren)) throw new ControlError(400, `verfahren: eines von ${ZAHLVERFAHREN.join(', ')}`);
      kz.zahlungen.push({ betragCent, verfahren, quelle: 'control', at: isoNow() });
      kz.zahlverfahren = verfahren;
      store.save();
      return store.view(kz);
    },
    rueckzahlung(nr, betragCent) {
      const kz = known(nr);
      if (!Number.isSafeInteger(betragCent) || betragCent <= 0) throw new ControlError(400, 'betragCent > 0 erwartet');
      if (betragCent > paidCent(kz)) throw new ControlError(409, 'mehr zurückgezahlt als eingegangen');
      kz.zahlungen.push({
        betragCent: -betragCent,
        verfahren: kz.zahlverfahren ?? 'UEBERWEISUNGNACH',
        quelle: 'rueckzahlung',
        at: isoNow(),
      });
      store.save();
      return store.view(kz);
    },
    storno(nr) {
      const kz = known(nr);
      kz.stornosCent = kz.hauptforderungenCent;
      kz.paypageStatus = 'INAKTIV';
      kz.pending = null;
      store.save();
      return store.view(kz);
    },
    kassenzeichen(nr) {
      const kz = store.find(nr);
      return kz && store.view(kz);
    },
    alleKassenzeichen: () => [...store.kassenzeichen.values()].map((kz) => store.view(store.settle(kz))),
    sperreKunde(mandantNr, nr, gesperrt = true) {
      const k = store.kunde(mandantNr, nr);
      if (!k) throw new ControlError(404, `Kunde ${nr} unbekannt`);
      k.gesperrt = gesperrt;
      store.save();
    },
    callCount: (operation) => store.calls.get(operation) ?? 0,
    reset: () => store.clear(),
  };
}

export async function handleControl(
  sim: EpayblControl,
  faults: Faults,
  store: EpayblStore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
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
  const kzMatch = /^\/_sim\/kassenzeichen\/([^/]+)(?:\/(zahlung|storno|rueckzahlung))?$/.exec(p);
  try {
    if (kzMatch?.[1]) {
      const nr = decodeURIComponent(kzMatch[1]);
      if (!kzMatch[2] && req.method === 'GET') {
        const v = sim.kassenzeichen(nr);
        return v ? sendJson(res, 200, v) : sendJson(res, 404, { error: `Kassenzeichen ${nr} unbekannt` });
      }
      if (kzMatch[2] === 'zahlung' && req.method === 'POST') {
        const b = await json();
        // An unknown method is refused by zahlung itself, with the list of known ones.
        return sendJson(res, 200, sim.zahlung(nr, Number(b.betragCent), String(b.verfahren) as SimZahlverfahren));
      }
      if (kzMatch[2] === 'storno' && req.method === 'POST') return sendJson(res, 200, sim.storno(nr));
      if (kzMatch[2] === 'rueckzahlung' && req.method === 'POST') {
        return sendJson(res, 200, sim.rueckzahlung(nr, Number((await json()).betragCent)));
      }
    }
    if (p === '/_sim/kassenzeichen' && req.method === 'GET') return sendJson(res, 200, sim.alleKassenzeichen());
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
      if (req.method === 'POST') return await applyFaults(sim, faults, await json(), res);
    }
    if (p === '/_sim/calls' && req.method === 'GET') return sendJson(res, 200, Object.fromEntries(store.calls));
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

async function applyFaults(
  sim: EpayblControl,
  faults: Faults,
  b: Record<string, unknown>,
  res: http.ServerResponse,
): Promise<void> {
  const operation = (v: unknown): SimOperation | '*' => {
    if (v === '*' || isOperation(v)) return v;
    throw new ControlError(400, `operation: '*' or one of ${OPERATIONS.join(', ')}`);
  };
  const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined);
  const failNext = obj(b.failNext);
  const dropReply = obj(b.dropReply);
  const soapFault = obj(b.soapFault);
  const latency = obj(b.latency);
  if (failNext) {
    if (typeof failNext.code !== 'string') throw new ControlError(400, 'failNext.code (string) expected');
    sim.failNext(operation(failNext.operation), failNext.code, Number(failNext.count ?? 1));
  }
  if (soapFault) {
    if (soapFault.faultcode !== 'Server' && soapFault.faultcode !== 'Client') {
      throw new ControlError(400, "soapFault.faultcode: 'Server' or 'Client'");
    }
    sim.soapFaultNext(operation(soapFault.operation), soapFault.faultcode, Number(soapFault.count ?? 1));
  }
  if (dropReply) sim.dropNextReplies(operation(dropReply.operation), Number(dropReply.count ?? 1));
  if (latency) sim.setLatency(operation(latency.operation), Number(latency.ms ?? 0));
  if (b.outage === undefined) return sendJson(res, 200, sim.faults());

  const mode = b.outage;
  if (mode !== false && mode !== 'refused' && mode !== '503') {
    throw new ControlError(400, "outage: false|'refused'|'503'");
  }
  const forMs = b.outageForMs === undefined ? undefined : Number(b.outageForMs);
  // Refusing connections also cuts off this control API, so it must come with its own end.
  if (mode === 'refused' && !(forMs && forMs > 0)) {
    throw new ControlError(400, "outage 'refused' needs outageForMs over HTTP (nothing could switch it off)");
  }
  sendJson(res, 200, { ...sim.faults(), outage: mode });
  // Let the answer leave before a 'refused' outage cuts every connection, this one included.
  if (!res.writableFinished) await new Promise((resolve) => res.once('finish', resolve));
  await sim.setOutage(mode);
  if (mode && forMs && forMs > 0) faults.endOutageAfter(forMs, () => void sim.setOutage(false));
}
