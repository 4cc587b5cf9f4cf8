// Development only: the mails the loopback mail server received (its /api/messages), for the AWB.
import type { Hono } from 'hono';
import { requireRole } from '../../api/auth';
import { HttpProblem } from '../../api/problem';
import type { StoredMail } from '../../runtime/mail-server';
import { render, type Ui } from '../context';
import { formatDateTime, isoOf } from '../format';
import type { UiEnv } from '../session';

export function registerMails(app: Hono<UiEnv>, ui: Ui) {
  app.get('/entwicklung/mails', requireRole('awb'), async (c) => {
    const base = ui.deps.mailViewUrl;
    if (!base) throw new HttpProblem(404, 'Nicht gefunden', 'Die Mail-Ansicht gibt es nur mit dem lokalen Mailserver (Entwicklung).');
    let mails: StoredMail[] = [];
    let fehler: string | undefined;
    try {
      const res = await fetch(`${base}/api/messages`, { signal: AbortSignal.timeout(5000) });
      mails = ((await res.json()) as StoredMail[]).slice(-50).reverse();
    } catch (err) {
      fehler = (err as Error).message;
    }
    return render(ui, c, 'Mails (Entwicklung)', () => (
      <>
        <p class="lead">Die letzten {mails.length} Mails, die der lokale Mailserver empfangen hat (neueste zuerst). <a href={base}>Zur Mail-Ansicht des Servers</a></p>
        {fehler ? <div class="notice error" role="alert"><p>Der Mailserver antwortet nicht: {fehler}</p></div> : null}
        {mails.map((m) => (
          <details>
            <summary>
              <time datetime={isoOf(m.receivedAt)}>{formatDateTime(m.receivedAt)}</time> · an {m.envelopeTo.join(', ')} · <strong>{m.subject}</strong>
            </summary>
            <dl class="facts">
              <dt>Von</dt><dd>{m.from}</dd>
              <dt>An</dt><dd>{m.to}</dd>
              {m.attachments.length ? <><dt>Anhänge</dt><dd>{m.attachments.map((a) => `${a.filename ?? 'ohne Namen'} (${a.contentType})`).join(', ')}</dd></> : null}
            </dl>
            <pre class="mail">{m.text}</pre>
          </details>
        ))}
      </>
    ));
  });
}
