// The citizen's status page, reached by the token from the receipt (no account): what GET /api/status/{token}
// returns, as a timeline — technical delivery and processing by the authority kept apart.
import type { Hono } from 'hono';
import type { BuergerStatus } from '../../api/schemas/antrag';
import type { Problem } from '../api-client';
import { LaneTimeline } from '../components/timeline';
import { render, type Ui } from '../context';
import { antragStatusLabel, formatDateTime, formatEuro, isoOf } from '../format';
import { CsrfField, Notice } from '../layout';
import type { UiContext, UiEnv } from '../session';

type Ereignis = BuergerStatus['technisch']['ereignisse'][number];

const ZAHLUNG_STATUS: Record<string, string> = {
  offen: 'offen',
  teilbezahlt: 'teilweise bezahlt',
  bezahlt: 'bezahlt',
  ueberbezahlt: 'bezahlt (überzahlt)',
  'storno-angefordert': 'Erstattung angefordert',
  storniert: 'storniert',
  'nicht-bezahlt': 'nicht bezahlt',
};

/** The milestones a citizen asks about, in the order they usually happen. */
function milestones(s: BuergerStatus) {
  const find = (list: Ereignis[], ...status: string[]) => list.find((e) => status.includes(e.status));
  const t = s.technisch.ereignisse;
  const b = s.bearbeitung.ereignisse;
  const rows: { name: string; at: string | null | undefined; applies: boolean }[] = [
    { name: 'Antrag eingegangen', at: s.eingegangenAm, applies: true },
    { name: 'Gebühr bezahlt', at: find(t, 'bezahlt')?.at, applies: s.zahlung !== null },
    { name: 'Der zuständigen Stelle zugestellt', at: find(t, 'zugestellt')?.at, applies: true },
    { name: 'In Bearbeitung', at: find(b, 'in-bearbeitung')?.at, applies: true },
    { name: 'Nachforderung', at: find(b, 'nachforderung')?.at, applies: find(b, 'nachforderung') !== undefined },
    { name: 'Bescheid zugestellt', at: find(b, 'bescheid')?.at, applies: true },
  ];
  return rows.filter((r) => r.applies);
}

function EventList({ id, events }: { id: string; events: Ereignis[] }) {
  if (events.length === 0) return <p id={id}>Noch keine Meldung.</p>;
  return (
    <ol id={id}>
      {events.map((e) => (
        <li>
          <time datetime={isoOf(e.at)}>{formatDateTime(e.at)}</time>: <strong>{antragStatusLabel(e.status)}</strong> –{' '}
          {e.text}
        </li>
      ))}
    </ol>
  );
}

export function registerStatus(app: Hono<UiEnv>, ui: Ui) {
  app.get('/status', (c) => {
    const token = (c.req.query('token') ?? '').trim().split('/').pop() ?? '';
    return c.redirect(token ? `/status/${encodeURIComponent(token)}` : '/#status', 303);
  });

  async function show(c: UiContext, meldung?: { ok: boolean; text: string }) {
    const token = c.req.param('token') ?? '';
    const s = await ui.api.get<BuergerStatus>(c, `/api/status/${encodeURIComponent(token)}`);
    const zurueck = c.req.query('zahlung');
    if (!meldung && c.req.query('ok') === 'antwort')
      meldung = { ok: true, text: 'Danke, Ihre Antwort ist bei der Behörde eingegangen.' };
    const ms = milestones(s);
    return render(ui, c, `Ihr Antrag ${s.vorgangsnummer}`, (frame) => (
      <>
        <p class="lead">
          Eingegangen am {formatDateTime(s.eingegangenAm)}
          {s.test ? ' (Testantrag)' : ''}
        </p>
        {meldung ? <Notice {...meldung} /> : null}
        {zurueck ? (
          <div class="notice" role="status">
            <p>
              Sie kommen von der Bezahlseite zurück. Ob die Gebühr eingegangen ist, fragen wir jetzt bei ePayBL nach –
              der Stand unten ändert sich, sobald die Zahlung gebucht ist.
            </p>
          </div>
        ) : null}
        <section aria-labelledby="ueberblick">
          <h2 id="ueberblick">Auf einen Blick</h2>
          <table>
            <caption class="visually-hidden">Stationen Ihres Antrags</caption>
            <thead>
              <tr>
                <th scope="col">Station</th>
                <th scope="col">Stand</th>
              </tr>
            </thead>
            <tbody>
              {ms.map((m) => (
                <tr>
                  <th scope="row">{m.name}</th>
                  <td>
                    {m.at ? (
                      <>
                        erledigt am <time datetime={isoOf(m.at)}>{formatDateTime(m.at)}</time>
                      </>
                    ) : (
                      'noch offen'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="figure">
            <LaneTimeline
              title={`Zeitleiste des Antrags ${s.vorgangsnummer}`}
              desc={`Oben die technische Zustellung (${s.technisch.ereignisse.length} Meldungen), unten die Bearbeitung durch die Behörde (${s.bearbeitung.ereignisse.length} Meldungen). Dieselben Meldungen stehen als Liste darunter.`}
              lanes={[
                {
                  name: 'Zustellung',
                  events: s.technisch.ereignisse.map((e) => ({ at: e.at, label: antragStatusLabel(e.status) })),
                },
                {
                  name: 'Bearbeitung',
                  events: s.bearbeitung.ereignisse.map((e) => ({ at: e.at, label: antragStatusLabel(e.status) })),
                },
              ]}
            />
          </div>
        </section>
        <div class="grid">
          <section aria-labelledby="technisch">
            <h2 id="technisch">Technische Zustellung</h2>
            <p>
              Stand: <strong>{antragStatusLabel(s.technisch.ereignisse.at(-1)?.status ?? s.technisch.status)}</strong>
            </p>
            <EventList id="technisch-liste" events={s.technisch.ereignisse} />
          </section>
          <section aria-labelledby="bearbeitung">
            <h2 id="bearbeitung">Bearbeitung durch die Behörde</h2>
            <p>
              Stand:{' '}
              <strong>
                {s.bearbeitung.ereignisse.length
                  ? antragStatusLabel(s.bearbeitung.ereignisse.at(-1)!.status)
                  : 'noch nicht begonnen'}
              </strong>
            </p>
            <EventList id="bearbeitung-liste" events={s.bearbeitung.ereignisse} />
          </section>
        </div>
        {s.zahlung ? (
          <section aria-labelledby="gebuehr" class="panel">
            <h2 id="gebuehr">Gebühr</h2>
            <dl class="facts">
              <dt>Betrag</dt>
              <dd>{formatEuro(s.zahlung.betragCent)}</dd>
              <dt>Kassenzeichen</dt>
              <dd>{s.zahlung.kassenzeichen}</dd>
              <dt>Stand</dt>
              <dd>{ZAHLUNG_STATUS[s.zahlung.status] ?? s.zahlung.status}</dd>
            </dl>
            {s.zahlung.bezahlen ? (
              <p>
                <a class="button" href={s.zahlung.bezahlen}>
                  Gebühr jetzt bezahlen (ePayBL)
                </a>
              </p>
            ) : null}
          </section>
        ) : null}
        {s.nachforderungOffen ? (
          <section aria-labelledby="nachforderung" class="panel">
            <h2 id="nachforderung">Nachforderung beantworten</h2>
            <p>
              Die Behörde braucht noch Angaben von Ihnen
              {s.nachforderungOffen.frist ? (
                <>
                  , bitte bis{' '}
                  <time datetime={isoOf(s.nachforderungOffen.frist)}>{formatDateTime(s.nachforderungOffen.frist)}</time>
                </>
              ) : null}
              . Was genau, steht in der Mail der Behörde.
            </p>
            <form
              class="stack"
              method="post"
              action={`/status/${encodeURIComponent(c.req.param('token') ?? '')}/nachforderung`}
            >
              <CsrfField frame={frame} />
              <div>
                <label for="antwort">Ihre Antwort</label>
                <textarea id="antwort" name="text" required maxlength={10000}></textarea>
              </div>
              <div>
                <button type="submit">Antwort senden</button>
              </div>
            </form>
          </section>
        ) : null}
        {s.dokumente.length > 0 ? (
          <section aria-labelledby="dokumente">
            <h2 id="dokumente">Dokumente</h2>
            <ul>
              {s.dokumente.map((d) => (
                <li>
                  <a
                    href={`/api/status/${encodeURIComponent(c.req.param('token') ?? '')}/dateien/${encodeURIComponent(d.id)}`}
                  >
                    {d.art === 'bescheid' ? 'Bescheid' : 'Ihr Antrag'} ({d.dateiname}, PDF)
                  </a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {s.personendatenGeloescht ? (
          <p class="notice">
            Die personenbezogenen Daten dieses Antrags wurden nach Ablauf der Aufbewahrungsfrist gelöscht.
          </p>
        ) : null}
      </>
    ));
  }

  app.get('/status/:token', (c) => show(c));

  app.post('/status/:token/nachforderung', async (c) => {
    const body = await c.req.parseBody();
    const text = typeof body.text === 'string' ? body.text : '';
    const res = await ui.api.call<Problem>(
      c,
      'POST',
      `/api/status/${encodeURIComponent(c.req.param('token'))}/nachforderung`,
      { text, anlagen: [] },
    );
    if (res.status === 200) return c.redirect(`/status/${encodeURIComponent(c.req.param('token'))}?ok=antwort`, 303);
    return show(c, { ok: false, text: res.body.detail ?? 'Die Antwort konnte nicht gesendet werden.' });
  });
}
