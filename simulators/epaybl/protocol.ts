// The SOAP endpoint: one POST per operation, a result block in every reply, and the faults a test switched on
// (injected codes, SOAP faults, slowness, lost replies).
import type http from 'node:http';
import { RESULT_CODES, SimFailure, type SimOperation } from './codes';
import type { Faults } from './faults';
import { isoNow, readBody, send, sendText, sleep } from './http';
import type { Operations } from './operations';
import type { EpayblStore } from './state';
import { el, faultXml, leaf, parseSoapRequest, responseXml, type Xml } from './xml';

export const SOAP_PATH = '/soap/servlet/rpcrouter';

export interface SoapDeps {
  store: EpayblStore;
  faults: Faults;
  operations: Operations;
  /** Added to every reply. */
  latencyMs: number;
}

export async function handleSoap(deps: SoapDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { store, faults } = deps;
  if (req.method !== 'POST') return sendText(res, 405, 'SOAP endpoint: POST only');
  const body = await readBody(req);
  let operation: SimOperation;
  let args: Xml;
  try {
    ({ operation, args } = parseSoapRequest(body));
  } catch (err) {
    return send(res, 500, 'text/xml; charset=utf-8', faultXml('soapenv:Client', (err as Error).message));
  }
  store.countCall(operation);

  const ergebnis = (ok: boolean, code: string, kurz: string, lang: string) =>
    leaf('istOk', ok ? 'true' : 'false') +
    leaf('code', code) +
    leaf('kurzText', kurz) +
    leaf('langText', lang) +
    leaf('EPaymentId', store.issueEPaymentId()) +
    leaf('EPaymentTimestamp', isoNow());

  // An injected SOAP fault: the operator's side failed (Server) or refused the request as malformed (Client).
  const soapFault = faults.takeSoapFault(operation);
  if (soapFault) {
    const delay = deps.latencyMs + faults.latencyFor(operation);
    if (delay > 0) await sleep(delay);
    const text = soapFault.faultcode === 'Server' ? 'Interner Fehler (injiziert)' : 'Ungültige Anfrage (injiziert)';
    return send(res, 500, 'text/xml; charset=utf-8', faultXml(`soapenv:${soapFault.faultcode}`, text));
  }

  let xml: string;
  const injected = faults.takeFailure(operation);
  if (injected) {
    xml = reply(operation, ergebnis(false, injected.code, 'Verarbeitung fehlgeschlagen', 'Injizierter Fehler'), '');
  } else {
    try {
      const rest = deps.operations[operation](args);
      xml = reply(operation, ergebnis(true, RESULT_CODES.OK, 'OK', 'Verarbeitung erfolgreich'), rest);
    } catch (err) {
      if (!(err instanceof SimFailure)) throw err;
      xml = reply(operation, ergebnis(false, err.code, err.kurzText, err.langText), '');
    }
  }

  // Latency delays the reply, not the effect: a client that gives up still leaves the effect behind, which is
  // exactly what the lookup by transaction number is for.
  const delay = deps.latencyMs + faults.latencyFor(operation);
  if (delay > 0) await sleep(delay);
  if (faults.takeDrop(operation)) {
    req.socket.destroy();
    return;
  }
  send(res, 200, 'text/xml; charset=utf-8', xml);
}

function reply(operation: SimOperation, ergebnis: string, rest: string): string {
  // isAlive returns the result block itself; all others wrap it in <ergebnis>.
  return responseXml(operation, operation === 'isAlive' ? ergebnis : el('ergebnis', ergebnis) + rest);
}
