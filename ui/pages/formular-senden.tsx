// The end of a form: the summary of every answer with a way back to each step, the submission (the draft's files
// as attachments, answers a condition hides dropped, the draft as idempotency key), and the receipt with the
// status link. A preview shows what would be sent and sends nothing.
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import type { BuergerStatus } from '../../api/schemas/antrag';
import type { FormularAnsicht } from '../../domain/formular-ansicht/model';
import { pruefe } from '../../domain/formular-ansicht/pruefung';
import { bereinige, lies, type Daten } from '../../domain/formular-ansicht/werte';
import type { Problem } from '../api-client';
import { render, type Ui } from '../context';
import { formatDateTime } from '../format';
import { CsrfField } from '../layout';
import type { UiContext, UiEnv } from '../session';
import { entwurfPfad, ladeEntwurf, schritte, type Entwurf } from '../formular/daten';
import { Antworten, Fehlerliste, fehlerEintraege, Vorschau } from '../formular/seiten';

/** The answers of every visible section checked at once: what the summary must still ask for, per step. */
function offeneFehler(formular: FormularAnsicht, entwurf: Entwurf) {
  const steps = schritte(formular, entwurf.daten);
  return steps.flatMap((a, i) => {
    const daten = a.id === 'kontakt' ? { antragsteller: entwurf.antragsteller } : entwurf.daten;
    return fehlerEintraege(formular, a, pruefe(a, daten as Daten), `${entwurfPfad('')}`).map((e) => ({
      ...e,
      schritt: i,
    }));
  });
}

export function registerSenden(app: Hono<UiEnv>, ui: Ui) {
  async function zusammenfassung(c: UiContext, problem?: Problem) {
    const token = c.req.param('token')!;
    const { entwurf, formular } = await ladeEntwurf(ui, c, token);
    const steps = schritte(formular, entwurf.daten);
    const offen = offeneFehler(formular, entwurf).map((e) => ({
      href: `${entwurfPfad(token)}/schritt/${e.schritt}${e.href.slice(e.href.indexOf('#'))}`,
      text: e.text,
    }));
    const apiFehler = (problem?.invalidParams ?? []).map((p) => ({
      href: '#absenden',
      text: `${p.name}: ${p.reason}`,
    }));
    return render(
      ui,
      c,
      `Zusammenfassung: ${formular.titel}`,
      (frame) => (
        <>
          {entwurf.vorschau ? <Vorschau version={formular.version} /> : null}
          <p class="lead">Bitte prüfen Sie Ihre Angaben. Mit „Ändern“ kommen Sie zum jeweiligen Schritt zurück.</p>
          <Fehlerliste eintraege={[...offen, ...apiFehler]} />
          {problem && apiFehler.length === 0 ? (
            <div class="notice error" role="alert">
              <p>{problem.detail ?? problem.title}</p>
            </div>
          ) : null}
          {steps.map((a, i) => (
            <section aria-labelledby={`zs-${a.id}`} class="panel">
              <h2 id={`zs-${a.id}`}>{a.titel}</h2>
              <Antworten
                felder={a.felder}
                daten={(a.id === 'kontakt' ? { antragsteller: entwurf.antragsteller } : entwurf.daten) as Daten}
                prefix=""
                defPrefix=""
                bereich={[]}
              />
              <p>
                <a href={`${entwurfPfad(token)}/schritt/${i}`}>
                  Ändern<span class="visually-hidden">: {a.titel}</span>
                </a>
              </p>
            </section>
          ))}
          {offen.length === 0 ? (
            <form method="post" action={`${entwurfPfad(token)}/absenden`} id="absenden">
              <CsrfField frame={frame} />
              <button type="submit">
                {entwurf.vorschau ? 'Vorschau: Absenden prüfen' : 'Antrag verbindlich absenden'}
              </button>
            </form>
          ) : null}
        </>
      ),
      problem ? 400 : 200,
    );
  }

  app.get('/formular/entwurf/:token/zusammenfassung', (c) => zusammenfassung(c));

  app.post('/formular/entwurf/:token/absenden', async (c) => {
    const token = c.req.param('token');
    const { entwurf, formular } = await ladeEntwurf(ui, c, token, true);
    const daten = bereinige(formular, entwurf.daten);
    const antrag = {
      aktivierungId: entwurf.aktivierungId,
      formularVersion: entwurf.formularVersion,
      daten,
      antragsteller: entwurf.antragsteller,
    };
    // Only files the answers still name: an upload for a field a condition hides now is not sent.
    const genannt = (feld: string, name: string) => {
      const v = lies(daten, feld);
      return Array.isArray(v) ? v.includes(name) : v === name;
    };
    const anlagen = entwurf.dateien.filter((d) => genannt(d.feld, d.dateiname));
    if (entwurf.vorschau) {
      return render(ui, c, `Vorschau: ${formular.titel}`, () => (
        <>
          <Vorschau version={formular.version} />
          <div class="notice ok" role="status">
            <p>
              Die Angaben sind vollständig. Ein Antrag mit diesen Daten und {anlagen.length} Anlage(n) würde so
              gesendet:
            </p>
          </div>
          <pre class="mail">{JSON.stringify(antrag, null, 2)}</pre>
        </>
      ));
    }
    const form = new FormData();
    form.set('antrag', JSON.stringify(antrag));
    for (const d of anlagen)
      form.append(
        'anlage',
        new File([Buffer.from(d.inhaltBase64 ?? '', 'base64')], d.dateiname, { type: d.medientyp }),
      );
    // The draft is the key: sending twice (a double click, a reload) returns the same Antrag.
    const key = `entwurf-${createHash('sha256').update(token).digest('hex').slice(0, 40)}`;
    const res = await ui.api.callForm<{ statusToken: string } & Problem>(c, 'POST', '/api/antraege', form, {
      'idempotency-key': key,
    });
    if (res.status !== 201 && res.status !== 200) return zusammenfassung(c, res.body);
    await ui.api.call(c, 'DELETE', `/api/entwuerfe/${encodeURIComponent(token)}`);
    return c.redirect(`/formular/eingang/${encodeURIComponent(res.body.statusToken)}`, 303);
  });

  app.get('/formular/eingang/:statusToken', async (c) => {
    const statusToken = c.req.param('statusToken');
    const s = await ui.api.get<BuergerStatus>(c, `/api/status/${encodeURIComponent(statusToken)}`);
    return render(ui, c, 'Ihr Antrag ist eingegangen', () => (
      <>
        <div class="notice ok" role="status">
          <p>
            Vorgangsnummer <strong id="vorgangsnummer">{s.vorgangsnummer}</strong>, eingegangen am{' '}
            {formatDateTime(s.eingegangenAm)}.
          </p>
        </div>
        <p>
          Eine Eingangsbestätigung geht an Ihre E-Mail-Adresse. Den Stand Ihres Antrags sehen Sie jederzeit unter diesem
          Link – bewahren Sie ihn auf:
        </p>
        <p>
          <a class="button" href={`/status/${encodeURIComponent(statusToken)}`}>
            Stand des Antrags {s.vorgangsnummer} ansehen
          </a>
        </p>
      </>
    ));
  });
}
