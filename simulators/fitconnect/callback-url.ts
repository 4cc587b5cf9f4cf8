// Callback URLs as the service takes them: HTTPS only. Simulator concession: plain http is accepted for loopback
// hosts (127.0.0.0/8, ::1, localhost), so tests and `npm start` need no certificate; FIT-Connect itself refuses it.
import { unprocessable } from './http';

const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** Why the service refuses this callback URL, or undefined when it takes it. */
export function callbackUrlRefused(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'callback.url missing';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'callback.url is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return undefined;
  return 'callback.url must use https';
}

export function checkCallback(callback: { url?: unknown; secret?: unknown }): { url: string; secret: string } {
  const refused = callbackUrlRefused(callback.url);
  if (refused) throw unprocessable(refused);
  if (typeof callback.secret !== 'string' || callback.secret.length === 0)
    throw unprocessable('callback.secret missing');
  return { url: callback.url as string, secret: callback.secret };
}
