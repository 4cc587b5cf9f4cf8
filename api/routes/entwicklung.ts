// Development only: the mails the loopback mail server received, for the AWB. Without the loopback server (a real
// relay, production) the route answers 404, as if it did not exist.
import { z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { apiRoute, json, router } from '../route';
import { mailListSchema, mailSchema, type MailView } from '../schemas/mail';

export const mailsRoute = apiRoute({
  method: 'get',
  path: '/mails',
  tag: 'Betrieb',
  roles: ['awb'],
  summary: 'Development only: the latest mails the loopback mail server received, newest first (404 elsewhere)',
  request: {
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
  },
  responses: { 200: json(mailListSchema, 'mails, newest first') },
  problems: [404, 503],
});

/** The loopback server's own list (oldest first), read as far as the schema describes it. */
async function receivedMails(viewUrl: string): Promise<MailView[]> {
  const res = await fetch(`${viewUrl}/api/messages`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${viewUrl}/api/messages answered ${res.status}`);
  return z.array(mailSchema).parse(await res.json());
}

export function entwicklungRoutes(deps: ApiDeps) {
  return router().openapi(mailsRoute, async (c) => {
    const viewUrl = deps.mailViewUrl;
    if (!viewUrl) {
      throw new HttpProblem(
        404,
        'Nicht gefunden',
        'Die Mail-Ansicht gibt es nur mit dem lokalen Mailserver (Entwicklung).',
      );
    }
    const { limit } = c.req.valid('query');
    let mails: MailView[];
    try {
      mails = await receivedMails(viewUrl);
    } catch (err) {
      deps.log.warn({ requestId: c.get('requestId'), err }, 'loopback mail server unreachable');
      throw new HttpProblem(
        503,
        'Nicht verfügbar',
        `Der Mailserver antwortet nicht: ${(err as Error).message}`,
        {},
        { 'retry-after': '10' },
      );
    }
    return c.json({ items: mails.slice(-limit).reverse() }, 200);
  });
}
