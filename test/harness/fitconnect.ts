// What the FIT-Connect tests share: the destination's service and schema, and a callback receiver on loopback that
// keeps every call. It answers 200, the only answer the service takes as received; another status makes the service
// retry and never log the receiver as told (no notify-submission), which the delivery test relies on.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SCHEMA_URI = 'https://schema.amt24.sachsen.de/schulanmeldung/1.0.0/schema.json';
export const SERVICE = 'urn:de:fim:leika:leistung:99123456760000';
export const services = [
  { identifier: SERVICE, submissionSchemas: [{ schemaUri: SCHEMA_URI, mimeType: 'application/json' }] },
];

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
}

export type CallbackReceiver = Awaited<ReturnType<typeof startCallbackReceiver>>;

/** A receiver at `http://127.0.0.1:<port><path>`; `waitFor` polls what came in. */
export async function startCallbackReceiver(path = '', status = 200) {
  const received: ReceivedCallback[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return {
    url,
    received,
    async waitFor(predicate: (r: ReceivedCallback) => boolean, what = 'callback'): Promise<ReceivedCallback> {
      for (let i = 0; i < 200; i++) {
        const hit = received.find(predicate);
        if (hit) return hit;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`${what} not received`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
