// Puts the simulator together: state, faults, the SOAP endpoint, the pay page and the control API behind one
// HTTP(S) server on loopback, and the handle tests drive it with.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createControl, handleControl } from './control';
import { Faults } from './faults';
import { ControlError, sendText } from './http';
import { createOperations } from './operations';
import { PAYPAGE_LOGIN_PATH, handlePaypage } from './paypage';
import { SOAP_PATH, handleSoap } from './protocol';
import { EpayblStore } from './state';
import type { EpayblSimulator, EpayblSimulatorOptions } from './types';

export async function startEpayblSimulator(opts: EpayblSimulatorOptions = {}): Promise<EpayblSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const latencyMs = opts.latencyMs ?? 0;
  const store = new EpayblStore(opts.statePath);
  const faults = new Faults();
  const operations = createOperations(store, opts.mandanten ? new Set(opts.mandanten) : null);
  const soap = { store, faults, operations, latencyMs };
  const paypage = { store, latencyMs, settleMs: opts.paypageSettleMs ?? 0 };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const route = async () => {
      if (url.pathname.startsWith('/_sim/')) return handleControl(sim, faults, store, req, res, url);
      if (faults.outage === '503') {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
        res.end('ePayBL vorübergehend nicht verfügbar');
        return;
      }
      if (url.pathname === SOAP_PATH) return handleSoap(soap, req, res);
      if (url.pathname.startsWith('/paypage/')) return handlePaypage(paypage, req, res, url);
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
  const sim = createControl(store, faults, { stop: stopListening, resume: async () => void (await listen(port)) });
  const port = await listen(opts.port ?? 0);
  const url = `${opts.tls ? 'https' : 'http'}://${host}:${port}`;

  return {
    ...sim,
    url,
    soapUrl: `${url}${SOAP_PATH}`,
    paypageUrl: `${url}${PAYPAGE_LOGIN_PATH}`,
    port,
    async close() {
      faults.cancelOutageEnd();
      await stopListening();
    },
  };
}
