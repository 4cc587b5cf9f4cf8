// Development only: the mails the loopback mail server received, for the AWB — read through the API
// (GET /api/entwicklung/mails), which answers 404 where there is no loopback server.
import type { Hono } from 'hono';
import type { z } from 'zod';
import { requireRole } from '../../api/auth';
import type { mailListSchema } from '../../api/schemas/mail';
import { refusal, type Problem } from '../api-client';
import { render, type Ui } from '../context';
import { formatDateTime, isoOf } from '../format';
import type { UiEnv } from '../session';

export function registerMails(app: Hono<UiEnv>, ui: Ui) {
  app.get('/entwicklung/mails', requireRole('awb'), async (c) => {
    const res = await ui.api.call<z.infer<typeof mailListSchema>>(c, 'GET', '/api/entwicklung/mails?limit=50');
    // The mail server not answering is worth a notice on the page; any other refusal is the page's refusal.
    if (res.status !== 200 && res.status !== 503) throw refusal(res);
    const mails = res.status === 200 ? res.body.items : [];
    const fehler = res.status === 200 ? undefined : (res.body as unknown as Problem).detail;
    return render(ui, c, 'Mails (Entwicklung)', () => (
      <>
        <p class="lead">
          Die letzten {mails.length} Mails, die der lokale Mailserver empfangen hat (neueste zuerst).{' '}
          <a href={ui.deps.mailViewUrl}>Zur Mail-Ansicht des Servers</a>
        </p>
        {fehler ? (
          <div class="notice error" role="alert">
            <p>{fehler}</p>
          </div>
        ) : null}
        {mails.map((m) => (
          <details>
            <summary>
              <time datetime={isoOf(m.receivedAt)}>{formatDateTime(m.receivedAt)}</time> · an {m.envelopeTo.join(', ')}{' '}
              · <strong>{m.subject}</strong>
            </summary>
            <dl class="facts">
              <dt>Von</dt>
              <dd>{m.from}</dd>
              <dt>An</dt>
              <dd>{m.to}</dd>
              {m.attachments.length ? (
                <>
                  <dt>Anhänge</dt>
                  <dd>{m.attachments.map((a) => `${a.filename ?? 'ohne Namen'} (${a.contentType})`).join(', ')}</dd>
                </>
              ) : null}
            </dl>
            <pre class="mail">{m.text}</pre>
          </details>
        ))}
      </>
    ));
  });
}
