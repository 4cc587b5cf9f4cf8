// One SOAP POST over node:http(s) with an optional client certificate (mutual TLS in production, plain HTTP against
// the simulator on loopback). Not fetch: fetch cannot present a client certificate.
import http from 'node:http';
import https from 'node:https';
import { EpayblError, TRANSPORT_CODES } from './types';

export interface SoapTransportOptions {
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string;
  key?: string;
  /** Trusted CA (PEM); replaces the system store, as Node does. */
  ca?: string;
  /** Whole-exchange timeout per call. */
  timeoutMs: number;
  /** Replies larger than this are treated as broken. */
  maxResponseBytes: number;
}

function decodeBody(body: Buffer, contentType: string | undefined): string {
  const charset = /charset="?([\w-]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return body.toString('utf8');
  }
}

/** Posts `envelope` to `endpoint`; any HTTP status resolves, a transport failure or timeout rejects. */
export function postSoap(
  endpoint: URL,
  options: SoapTransportOptions,
  operation: string,
  envelope: string,
): Promise<{ status: number; text: string }> {
  const { timeoutMs, maxResponseBytes } = options;
  const isHttps = endpoint.protocol === 'https:';
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
    ...(isHttps ? { cert: options.cert, key: options.key, ca: options.ca } : {}),
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
          message: timedOut ? `no reply within ${timeoutMs} ms` : err.message,
          cause: err,
        }),
      );
    };
    const req = (isHttps ? https : http).request(endpoint, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxResponseBytes) {
          req.destroy(new Error(`reply larger than ${maxResponseBytes} bytes`));
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
    }, timeoutMs);
    req.on('error', fail);
    req.end(payload);
  });
}
