// A real SMTP server on loopback that keeps every message it receives (as .eml files) and shows them over HTTP.
// Used by `npm start` and the tests when SMTP_URL is not set.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface StoredMail {
  id: string;
  receivedAt: string;
  envelopeFrom: string;
  envelopeTo: string[];
  messageId?: string;
  subject: string;
  from: string;
  to: string;
  text: string;
  html?: string;
  headers: Record<string, string>;
  attachments: { filename?: string; contentType: string; size: number }[];
}

export interface MailServer {
  smtpUrl: string;
  viewUrl: string;
  list(): StoredMail[];
  /** Resolves when a message matching the predicate has arrived (or rejects after timeoutMs). */
  waitFor(predicate: (m: StoredMail) => boolean, timeoutMs?: number): Promise<StoredMail>;
  stop(): Promise<void>;
}

export interface StartMailServerOptions {
  dir: string;
  smtpPort?: number;
  viewPort?: number;
  host?: string;
}

export async function startMailServer(opts: StartMailServerOptions): Promise<MailServer> {
  const host = opts.host ?? '127.0.0.1';
  fs.mkdirSync(opts.dir, { recursive: true });
  const mails = loadStored(opts.dir);
  const waiters = new Set<() => void>();
  let counter = mails.length;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'Amt24 development mail server',
    size: 50 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            counter += 1;
            const id = `${Date.now()}-${String(counter).padStart(6, '0')}`;
            const headers: Record<string, string> = {};
            for (const [key, value] of parsed.headers)
              headers[key] = typeof value === 'string' ? value : JSON.stringify(value);
            const mail: StoredMail = {
              id,
              receivedAt: new Date().toISOString(),
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              messageId: parsed.messageId,
              subject: parsed.subject ?? '',
              from: parsed.from?.text ?? '',
              to: Array.isArray(parsed.to) ? parsed.to.map((t) => t.text).join(', ') : (parsed.to?.text ?? ''),
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : undefined,
              headers,
              attachments: parsed.attachments.map((a) => ({
                filename: a.filename,
                contentType: a.contentType,
                size: a.size,
              })),
            };
            fs.writeFileSync(path.join(opts.dir, `${id}.eml`), raw);
            fs.writeFileSync(path.join(opts.dir, `${id}.json`), JSON.stringify(mail));
            mails.push(mail);
            for (const wake of waiters) wake();
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const view = createMailView(() => mails, opts.dir);
  const http = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: view.fetch, port: opts.viewPort ?? 0, hostname: host }, () => resolve(s));
  });
  const viewPort = (http.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    viewUrl: `http://localhost:${viewPort}`,
    list: () => [...mails],
    waitFor(predicate, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = mails.find(predicate);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching mail within ${timeoutMs} ms (${mails.length} stored)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function loadStored(dir: string): StoredMail[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as StoredMail);
}

function createMailView(mails: () => StoredMail[], dir: string) {
  const app = new Hono();
  app.get('/api/messages', (c) => c.json(mails()));
  app.get('/api/messages/:id', (c) => {
    const mail = mails().find((m) => m.id === c.req.param('id'));
    return mail ? c.json(mail) : c.json({ title: 'Not Found', status: 404 }, 404);
  });
  app.get('/messages/:id.eml', (c) => {
    const mail = mails().find((m) => m.id === c.req.param('id'));
    if (!mail) return c.text('not found', 404);
    return c.body(fs.readFileSync(path.join(dir, `${mail.id}.eml`)), 200, { 'content-type': 'message/rfc822' });
  });
  app.get('/', (c) => {
    const list = [...mails()].reverse();
    return c.html(
      html`<!doctype html>
        <html lang="de">
          <head>
            <meta charset="utf-8" />
            <title>Amt24 – Entwicklungs-Postfach</title>
            <style>
              body {
                font-family: system-ui, sans-serif;
                margin: 2rem;
                color: #1a1a1a;
              }
              table {
                border-collapse: collapse;
                width: 100%;
              }
              th,
              td {
                text-align: left;
                padding: 0.4rem 0.6rem;
                border-bottom: 1px solid #ccc;
                vertical-align: top;
              }
              details pre {
                white-space: pre-wrap;
                background: #f4f4f4;
                padding: 0.6rem;
              }
            </style>
          </head>
          <body>
            <h1>Entwicklungs-Postfach</h1>
            <p>${list.length} Nachrichten. Alle hier gezeigten Mails wurden nicht zugestellt, nur gespeichert.</p>
            <table>
              <thead>
                <tr>
                  <th scope="col">Eingang</th>
                  <th scope="col">An</th>
                  <th scope="col">Betreff</th>
                </tr>
              </thead>
              <tbody>
                ${list.map(
                  (m) =>
                    html`<tr>
                      <td>${m.receivedAt}</td>
                      <td>${m.envelopeTo.join(', ')}</td>
                      <td>
                        <details>
                          <summary>${m.subject}</summary>
                          <pre>${m.text}</pre>
                          <a href="/messages/${m.id}.eml">Original (.eml)</a>
                        </details>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </body>
        </html>`,
    );
  });
  return app;
}
