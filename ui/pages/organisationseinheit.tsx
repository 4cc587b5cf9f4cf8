// One Organisationseinheit of a Mandant: its name and Kommunikation (e-mail, phone), whether it is published, the
// Behördenkonto as its channel and its Zuständigkeiten for Leistungen — the page the gate check's findings about the
// zuständige Stelle link to. Read and written only through the API.
import type { Hono } from 'hono';
import type { z } from 'zod';
import { currentUser, requireRole } from '../../api/auth';
import type {
  behoerdenkontoListSchema,
  leistungListSchema,
  OrganisationseinheitView,
} from '../../api/schemas/organisationseinheit';
import { refusal, type Problem } from '../api-client';
import {
  ErrorSummary,
  formView,
  one,
  orNull,
  PostForm,
  SelectField,
  TextField,
  type FormState,
  type Posted,
} from '../components/form';
import { OeKommunikationFelder } from '../components/oe-kommunikation';
import { render, type Ui } from '../context';
import { Notice } from '../layout';
import type { UiContext, UiEnv } from '../session';
import { STAMMDATEN_READERS } from './mandanten';

const OK: Record<string, string> = {
  angelegt: 'Die Organisationseinheit ist angelegt.',
  gespeichert: 'Die Angaben sind gespeichert.',
  kanal: 'Der Kommunikationskanal ist gespeichert.',
  zustellung: 'Der Zustellkanal ist gespeichert.',
  verknuepft: 'Die Zuständigkeit ist eingetragen.',
  entfernt: 'Die Zuständigkeit ist entfernt.',
};

const DATEN_LABELS: Record<string, string> = {
  name: 'Name',
  email: 'E-Mail-Adresse',
  telefon: 'Telefon',
  veroeffentlicht: 'Veröffentlicht',
};

const ZUSTELLUNG_LABELS: Record<string, string> = {
  verzeichnis: 'Ordner im Transferverzeichnis',
  fitconnectDestinationId: 'FIT-Connect-Zustellpunkt (Destination-ID)',
};

const enc = encodeURIComponent;

export function registerOrganisationseinheit(app: Hono<UiEnv>, ui: Ui) {
  const base = (c: UiContext) =>
    `/mandanten/${enc(c.req.param('m')!)}/organisationseinheiten/${enc(c.req.param('oe')!)}`;
  const apiBase = (c: UiContext) => `/api${base(c)}`;

  async function page(c: UiContext, state?: FormState, status: 200 | 400 | 409 = 200) {
    const user = currentUser(c);
    const mandantId = c.req.param('m')!;
    const [oe, zustellkanal, konten, leistungen] = await Promise.all([
      ui.api.get<OrganisationseinheitView>(c, apiBase(c)),
      ui.api.get<{ verzeichnis: string | null; fitconnectDestinationId: string | null }>(
        c,
        `${apiBase(c)}/zustellkanal`,
      ),
      ui.api.get<z.infer<typeof behoerdenkontoListSchema>>(c, `/api/mandanten/${enc(mandantId)}/behoerdenkonten`),
      ui.api.get<z.infer<typeof leistungListSchema>>(c, '/api/leistungen'),
    ]);
    const canEdit = user.roles.some((r) => r === 'mandant-admin' || r === 'awb');
    const daten = formView(state, 'daten', {
      name: oe.name,
      email: oe.kommunikation.email ?? '',
      telefon: oe.kommunikation.telefon ?? '',
      veroeffentlicht: oe.veroeffentlicht ? 'ja' : '',
    });
    const kanal = formView(state, 'kanal', { behoerdenkontoId: oe.kommunikation.behoerdenkontoId ?? '' });
    const zustellung = formView(state, 'zustellung', {
      verzeichnis: zustellkanal.verzeichnis ?? '',
      fitconnectDestinationId: zustellkanal.fitconnectDestinationId ?? '',
    });
    const zust = formView(state, 'zustaendigkeit', {});
    const linked = new Set(oe.zustaendigkeiten.map((z) => z.leistungId));
    const offen = leistungen.items.filter((l) => !linked.has(l.id));
    const ok = OK[c.req.query('ok') ?? ''];
    return render(
      ui,
      c,
      `Organisationseinheit: ${oe.name}`,
      (frame) => (
        <>
          <p class="lead">
            Mandant <a href={`/mandanten/${enc(mandantId)}`}>{mandantId}</a> · Kennung {oe.id}
          </p>
          {ok ? <Notice ok text={ok} /> : null}
          <section aria-labelledby="daten-h" id="daten">
            <h2 id="daten-h">Name und Kommunikation</h2>
            {canEdit ? (
              <>
                <ErrorSummary
                  state={state}
                  form="daten"
                  labels={DATEN_LABELS}
                  title="Die Angaben wurden nicht gespeichert"
                />
                <PostForm frame={frame} action={base(c)} label="Name und Kommunikation">
                  <TextField {...daten.field('name')} label="Name" required />
                  <OeKommunikationFelder view={daten} />
                  <div>
                    <button type="submit">Angaben speichern</button>
                  </div>
                </PostForm>
              </>
            ) : (
              <dl class="facts">
                <dt>E-Mail</dt>
                <dd>{oe.kommunikation.email ?? '–'}</dd>
                <dt>Telefon</dt>
                <dd>{oe.kommunikation.telefon ?? '–'}</dd>
                <dt>Veröffentlicht</dt>
                <dd>{oe.veroeffentlicht ? 'ja' : 'nein'}</dd>
              </dl>
            )}
          </section>

          <section aria-labelledby="kanal-h" id="kanal">
            <h2 id="kanal-h">Behördenkonto als Kommunikationskanal</h2>
            <p>
              Über diesen Kanal erreichen Anträge und Nachrichten die Stelle; die Gate-Prüfung verlangt ihn.{' '}
              {konten.items.length === 0 ? (
                <a href={`/mandanten/${enc(mandantId)}#behoerdenkonten`}>Zuerst ein Behördenkonto erfassen</a>
              ) : null}
            </p>
            {canEdit ? (
              <>
                <ErrorSummary
                  state={state}
                  form="kanal"
                  labels={{ behoerdenkontoId: 'Behördenkonto' }}
                  title="Der Kanal wurde nicht gespeichert"
                />
                <PostForm frame={frame} action={`${base(c)}/kanal`} label="Kommunikationskanal">
                  <SelectField
                    {...kanal.field('behoerdenkontoId')}
                    label="Behördenkonto"
                    empty="kein Behördenkonto"
                    options={konten.items.map((k) => [k.id, `${k.bezeichnung} (${k.id})`])}
                  />
                  <div>
                    <button type="submit">Kanal speichern</button>
                  </div>
                </PostForm>
              </>
            ) : (
              <p>{oe.kommunikation.behoerdenkontoId ?? 'Kein Behördenkonto gesetzt.'}</p>
            )}
          </section>

          <section aria-labelledby="zustellung-h" id="zustellung">
            <h2 id="zustellung-h">Zustellkanal für Anträge an diese Stelle</h2>
            <p>
              Wählt ein Antrag diese Stelle als Empfängerin (etwa die Wunschschule der Schulanmeldung), geht er hierhin.
              Fehlt der Kanal, wartet der Antrag auf einer Störung, bis er gesetzt ist.
            </p>
            {canEdit ? (
              <>
                <ErrorSummary
                  state={state}
                  form="zustellung"
                  labels={ZUSTELLUNG_LABELS}
                  title="Der Zustellkanal wurde nicht gespeichert"
                />
                <PostForm frame={frame} action={`${base(c)}/zustellkanal`} label="Zustellkanal">
                  <TextField
                    {...zustellung.field('verzeichnis')}
                    label={ZUSTELLUNG_LABELS.verzeichnis!}
                    hint="Ordner im Transferverzeichnis, z. B. gs-leipzig-mitte"
                  />
                  <TextField
                    {...zustellung.field('fitconnectDestinationId')}
                    label={ZUSTELLUNG_LABELS.fitconnectDestinationId!}
                  />
                  <div>
                    <button type="submit">Ordner und Zustellpunkt speichern</button>
                  </div>
                </PostForm>
              </>
            ) : (
              <dl class="facts">
                <dt>{ZUSTELLUNG_LABELS.verzeichnis}</dt>
                <dd>{zustellkanal.verzeichnis ?? '–'}</dd>
                <dt>{ZUSTELLUNG_LABELS.fitconnectDestinationId}</dt>
                <dd>{zustellkanal.fitconnectDestinationId ?? '–'}</dd>
              </dl>
            )}
          </section>

          <section aria-labelledby="zust-h" id="zustaendigkeiten">
            <h2 id="zust-h">Zuständigkeiten</h2>
            <ErrorSummary
              state={state}
              form="zustaendigkeit"
              labels={{ leistungId: 'Leistung' }}
              title="Die Zuständigkeit wurde nicht geändert"
            />
            {oe.zustaendigkeiten.length === 0 ? (
              <p>Diese Stelle ist noch für keine Leistung zuständig.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Leistung</th>
                    <th scope="col">LeiKa-Schlüssel</th>
                    {canEdit ? <th scope="col">Ändern</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {oe.zustaendigkeiten.map((z) => (
                    <tr>
                      <td>{z.name}</td>
                      <td>{z.leistungId}</td>
                      {canEdit ? (
                        <td>
                          <PostForm
                            frame={frame}
                            inline
                            action={`${base(c)}/zustaendigkeiten/${enc(z.leistungId)}/entfernen`}
                          >
                            <button type="submit" class="secondary">
                              Entfernen<span class="visually-hidden">: Zuständigkeit für {z.name}</span>
                            </button>
                          </PostForm>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {canEdit && offen.length > 0 ? (
              <PostForm frame={frame} action={`${base(c)}/zustaendigkeiten`} label="Zuständigkeit eintragen">
                <SelectField
                  {...zust.field('leistungId')}
                  label="Leistung, für die diese Stelle zuständig ist"
                  required
                  empty="Bitte wählen"
                  options={offen.map((l) => [l.id, `${l.name} (${l.id})`])}
                />
                <div>
                  <button type="submit">Zuständigkeit eintragen</button>
                </div>
              </PostForm>
            ) : null}
          </section>
        </>
      ),
      status,
    );
  }

  const path = '/mandanten/:m/organisationseinheiten/:oe';
  app.get(path, requireRole(...STAMMDATEN_READERS), (c) => page(c));

  async function act(c: UiContext, form: string, method: string, apiPath: string, body: unknown, ok: string) {
    const posted = (await c.req.parseBody({ all: true })) as Posted;
    const res = await ui.api.call<Problem>(c, method, apiPath, body ?? undefined);
    if (res.status < 300)
      return c.redirect(`${base(c)}?ok=${ok}#${form === 'zustaendigkeit' ? 'zustaendigkeiten' : form}`, 303);
    if (res.status === 400 || res.status === 409)
      return page(c, { form, values: posted, problem: res.body }, res.status);
    // A Leistung that is not found is a mistake in the form, not a missing page.
    if (res.status === 404 && form === 'zustaendigkeit')
      return page(
        c,
        {
          form,
          values: posted,
          problem: {
            ...res.body,
            invalidParams: [{ name: 'leistungId', reason: res.body.detail ?? 'Nicht gefunden.' }],
          },
        },
        400,
      );
    throw refusal(res);
  }

  app.post(path, requireRole(...STAMMDATEN_READERS), async (c) => {
    const p = (await c.req.parseBody({ all: true })) as Posted;
    const body = {
      name: one(p, 'name'),
      email: orNull(one(p, 'email')),
      telefon: orNull(one(p, 'telefon')),
      veroeffentlicht: one(p, 'veroeffentlicht') === 'ja',
    };
    return act(c, 'daten', 'PATCH', apiBase(c), body, 'gespeichert');
  });

  app.post(`${path}/kanal`, requireRole(...STAMMDATEN_READERS), async (c) => {
    const p = (await c.req.parseBody({ all: true })) as Posted;
    return act(
      c,
      'kanal',
      'PUT',
      `${apiBase(c)}/kanal`,
      { behoerdenkontoId: orNull(one(p, 'behoerdenkontoId')) },
      'kanal',
    );
  });

  app.post(`${path}/zustellkanal`, requireRole(...STAMMDATEN_READERS), async (c) => {
    const p = (await c.req.parseBody({ all: true })) as Posted;
    const body = {
      verzeichnis: orNull(one(p, 'verzeichnis')),
      fitconnectDestinationId: orNull(one(p, 'fitconnectDestinationId')),
    };
    return act(c, 'zustellung', 'PUT', `${apiBase(c)}/zustellkanal`, body, 'zustellung');
  });

  app.post(`${path}/zustaendigkeiten`, requireRole(...STAMMDATEN_READERS), async (c) => {
    const p = (await c.req.parseBody({ all: true })) as Posted;
    const leistungId = one(p, 'leistungId');
    if (leistungId === '') {
      return page(
        c,
        {
          form: 'zustaendigkeit',
          values: p,
          problem: {
            type: 'about:blank',
            title: 'Ungültige Eingabe',
            status: 400,
            invalidParams: [{ name: 'leistungId', reason: 'Bitte eine Leistung wählen.' }],
          },
        },
        400,
      );
    }
    return act(
      c,
      'zustaendigkeit',
      'PUT',
      `${apiBase(c)}/zustaendigkeiten/${enc(leistungId)}`,
      undefined,
      'verknuepft',
    );
  });

  app.post(`${path}/zustaendigkeiten/:leistung/entfernen`, requireRole(...STAMMDATEN_READERS), (c) =>
    act(
      c,
      'zustaendigkeit',
      'DELETE',
      `${apiBase(c)}/zustaendigkeiten/${enc(c.req.param('leistung'))}`,
      undefined,
      'entfernt',
    ),
  );
}
