// One Antrag for the authority (own Mandant only, through the API): its timeline, the delivery and the fee, the
// citizen's data and files, and the Sachbearbeitung's steps — in Bearbeitung, Nachforderung, Bescheid.
import type { Hono } from 'hono';
import { currentUser, requireRole } from '../../api/auth';
import type { AntragDetail } from '../../api/schemas/antrag';
import type { Problem } from '../api-client';
import { NaechsterSchritt } from '../components/antrag-schritte';
import { LaneTimeline } from '../components/timeline';
import { render, type Ui } from '../context';
import { antragStatusLabel, formatDateTime, formatEuro, humanize, isoOf } from '../format';
import { Notice, TemporalLink } from '../layout';
import type { UiContext, UiEnv } from '../session';
import { BEHOERDE } from './antraege';

/** End of the chosen day in Saxony, as an ISO instant with offset (what the API's Nachforderung takes). */
function endOfDayBerlin(date: string): string {
  const probe = new Date(`${date}T12:00:00Z`);
  const offset =
    new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', timeZoneName: 'longOffset' })
      .formatToParts(probe)
      .find((p) => p.type === 'timeZoneName')
      ?.value.replace('GMT', '') || '+01:00';
  return `${date}T23:59:00${offset}`;
}

function Data({ value }: { value: unknown }) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return (
      <dl class="facts">
        {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
          <>
            <dt>{humanize(k)}</dt>
            <dd>
              <Data value={v} />
            </dd>
          </>
        ))}
      </dl>
    );
  }
  return <>{Array.isArray(value) ? value.join(', ') : String(value)}</>;
}

const OK_TEXT = {
  bearbeitung: 'Der Antrag ist in Bearbeitung.',
  nachforderung: 'Die Nachforderung ist gestellt; der Antragsteller wird benachrichtigt.',
  bescheid: 'Der Bescheid ist dem Antragsteller zugestellt.',
} as const;

export function registerAntrag(app: Hono<UiEnv>, ui: Ui) {
  async function page(c: UiContext, notice?: { ok: boolean; text: string }, status: 200 | 400 | 409 = 200) {
    const vn = c.req.param('vn')!;
    const ok = c.req.query('ok');
    if (!notice && ok && ok in OK_TEXT) notice = { ok: true, text: OK_TEXT[ok as keyof typeof OK_TEXT] };
    const a = await ui.api.get<AntragDetail>(c, `/api/antraege/${encodeURIComponent(vn)}`);
    const darf = currentUser(c).roles.includes('sachbearbeitung');
    const offen = a.zustell_status === 'zugestellt' && a.status !== 'bescheid-zugestellt';
    const technisch = a.ereignisse.filter((e) => e.spur === 'technisch');
    const bearbeitung = a.ereignisse.filter((e) => e.spur === 'bearbeitung');
    const action = `/antraege/${encodeURIComponent(a.vorgangsnummer)}`;
    return render(
      ui,
      c,
      `Antrag ${a.vorgangsnummer}`,
      (frame) => (
        <>
          <p class="lead">
            {a.onlinedienst_id} · Mandant {a.mandant_id} · eingegangen {formatDateTime(a.eingegangen_am)}
            {a.test ? ' · Testantrag' : ''}
          </p>
          {notice ? <Notice {...notice} /> : null}
          <p>
            <TemporalLink url={a.temporalUiUrl} label="Antrag-Workflow in der Temporal Web UI" />
          </p>
          <div class="figure">
            <LaneTimeline
              title={`Zeitleiste des Antrags ${a.vorgangsnummer}`}
              desc="Oben die technische Zustellung, unten die Bearbeitung; dieselben Meldungen stehen als Tabelle darunter."
              lanes={[
                {
                  name: 'Zustellung',
                  events: technisch.map((e) => ({ at: e.at, label: antragStatusLabel(e.status) })),
                },
                {
                  name: 'Bearbeitung',
                  events: bearbeitung.map((e) => ({ at: e.at, label: antragStatusLabel(e.status) })),
                },
              ]}
            />
          </div>
          <table>
            <caption>Meldungen</caption>
            <thead>
              <tr>
                <th scope="col">Zeit</th>
                <th scope="col">Spur</th>
                <th scope="col">Stand</th>
                <th scope="col">Text</th>
              </tr>
            </thead>
            <tbody>
              {a.ereignisse.map((e) => (
                <tr>
                  <td>
                    <time datetime={isoOf(e.at)}>{formatDateTime(e.at)}</time>
                  </td>
                  <td>{e.spur === 'technisch' ? 'Zustellung' : 'Bearbeitung'}</td>
                  <td>{antragStatusLabel(e.status)}</td>
                  <td>{e.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="grid">
            <section aria-labelledby="zustellung-h" class="panel">
              <h2 id="zustellung-h">Zustellung</h2>
              {a.zustellung ? (
                <dl class="facts">
                  <dt>Weg</dt>
                  <dd>{a.zustellung.modus}</dd>
                  <dt>Versuche</dt>
                  <dd>{a.zustellung.versuche}</dd>
                  <dt>Zugestellt</dt>
                  <dd>{formatDateTime(a.zustellung.zugestellt_am)}</dd>
                  {a.zustellung.modus.startsWith('transfer') ? (
                    <>
                      <dt>Abgeholt</dt>
                      <dd>{a.zustellung.abgeholt_am ? formatDateTime(a.zustellung.abgeholt_am) : 'noch nicht'}</dd>
                    </>
                  ) : null}
                  {a.zustellung.letzter_fehler ? (
                    <>
                      <dt>Letzter Fehler</dt>
                      <dd>{a.zustellung.letzter_fehler}</dd>
                    </>
                  ) : null}
                </dl>
              ) : (
                <p>Noch nicht begonnen.</p>
              )}
            </section>
            <section aria-labelledby="zahlung-h" class="panel">
              <h2 id="zahlung-h">Gebühr</h2>
              {a.zahlung ? (
                <dl class="facts">
                  <dt>Kassenzeichen</dt>
                  <dd>{a.zahlung.kassenzeichen}</dd>
                  <dt>Betrag</dt>
                  <dd>{formatEuro(a.zahlung.betrag_cent)}</dd>
                  <dt>Stand</dt>
                  <dd>{a.zahlung.status}</dd>
                </dl>
              ) : (
                <p>Keine Gebühr.</p>
              )}
            </section>
          </div>
          <section aria-labelledby="daten-h">
            <h2 id="daten-h">Angaben</h2>
            {a.form_data ? (
              <Data
                value={{
                  ...(a.antragsteller ? { Antragsteller: `${a.antragsteller.name} <${a.antragsteller.email}>` } : {}),
                  ...a.form_data,
                }}
              />
            ) : (
              <p>Die personenbezogenen Daten wurden nach Ablauf der Aufbewahrungsfrist gelöscht.</p>
            )}
            <ul>
              {a.dateien.map((d) => (
                <li>
                  <a
                    href={`/antraege/${encodeURIComponent(a.vorgangsnummer)}/dateien/${encodeURIComponent(d.id.split(':').pop()!)}`}
                  >
                    {d.file_name}
                  </a>{' '}
                  ({d.art})
                </li>
              ))}
            </ul>
          </section>
          {darf && offen ? <NaechsterSchritt frame={frame} action={action} /> : null}
        </>
      ),
      status,
    );
  }

  app.get('/antraege/:vn', requireRole(...BEHOERDE), (c) => page(c));

  app.get('/antraege/:vn/dateien/:id', requireRole(...BEHOERDE), async (c) => {
    const res = await ui.api.getText(
      c,
      `/api/antraege/${encodeURIComponent(c.req.param('vn'))}/dateien/${encodeURIComponent(c.req.param('id'))}`,
    );
    return new Response(res.body, { status: res.status, headers: res.headers });
  });

  // Post/redirect/get: reloading the page must not send a Nachforderung or a Bescheid twice.
  const answer = async (c: UiContext, res: { status: number; body: Problem }, ok: keyof typeof OK_TEXT) =>
    res.status === 200
      ? c.redirect(`/antraege/${encodeURIComponent(c.req.param('vn')!)}?ok=${ok}`, 303)
      : page(
          c,
          { ok: false, text: `Nicht möglich: ${res.body.detail ?? res.body.title}` },
          res.status === 400 ? 400 : 409,
        );

  app.post('/antraege/:vn/bearbeitung', requireRole('sachbearbeitung'), async (c) => {
    const body = (await c.req.parseBody()) as Record<string, string>;
    const meldung =
      body.status === 'nachforderung'
        ? {
            status: 'nachforderung',
            text: body.text ?? '',
            frist: /^\d{4}-\d{2}-\d{2}$/.test(body.frist ?? '') ? endOfDayBerlin(body.frist!) : (body.frist ?? ''),
          }
        : { status: body.status ?? '' };
    const res = await ui.api.call<Problem>(
      c,
      'POST',
      `/api/antraege/${encodeURIComponent(c.req.param('vn'))}/bearbeitung`,
      meldung,
    );
    return answer(c, res, body.status === 'nachforderung' ? 'nachforderung' : 'bearbeitung');
  });

  app.post('/antraege/:vn/bescheid', requireRole('sachbearbeitung'), async (c) => {
    const body = await c.req.parseBody();
    const datei = body.datei;
    if (!(datei instanceof File) || datei.size === 0)
      return page(c, { ok: false, text: 'Bitte wählen Sie die PDF-Datei des Bescheids.' }, 400);
    const inhalt = Buffer.from(await datei.arrayBuffer());
    const res = await ui.api.call<Problem>(
      c,
      'POST',
      `/api/antraege/${encodeURIComponent(c.req.param('vn'))}/bescheid`,
      {
        dateiname: datei.name || 'bescheid.pdf',
        inhaltBase64: inhalt.toString('base64'),
        metadaten: {
          aktenzeichen: String(body.aktenzeichen ?? ''),
          art: String(body.art ?? ''),
          datum: String(body.datum ?? ''),
          versand: body.versand === 'post' ? 'post' : 'elektronisch',
        },
      },
    );
    return answer(c, res, 'bescheid');
  });
}
