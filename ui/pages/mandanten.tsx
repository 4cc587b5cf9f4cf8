// A Mandant's master data, where the Mandant-Admin fixes what the gate check reports: Impressum, Logo and
// Datenschutzbeauftragte (Stammdaten), the Behördenkonten, and the Organisationseinheiten (one OE's page is
// organisationseinheit.tsx). Read and written only through the API; each form posts without client script.
import type { Hono } from 'hono';
import type { z } from 'zod';
import { currentUser, requireRole, type Role, type User } from '../../api/auth';
import type { mandantListSchema, MandantView } from '../../api/schemas/mandant';
import type { behoerdenkontoListSchema, organisationseinheitListSchema } from '../../api/schemas/organisationseinheit';
import { refusal, type Problem } from '../api-client';
import {
  ErrorSummary,
  formView,
  one,
  orNull,
  PostForm,
  TextField,
  type FormState,
  type Posted,
} from '../components/form';
import { OeKommunikationFelder } from '../components/oe-kommunikation';
import { Behoerdenkonten } from '../components/behoerdenkonten';
import { render, type Ui } from '../context';
import { Badge, Notice } from '../layout';
import type { UiContext, UiEnv } from '../session';

export const STAMMDATEN_READERS: Role[] = ['mandant-admin', 'awb', 'projektleitung'];
const has = (user: User, ...roles: Role[]) => user.roles.some((r) => roles.includes(r));

const OK: Record<string, string> = {
  stammdaten: 'Die Stammdaten sind gespeichert.',
  konto: 'Das Behördenkonto ist angelegt.',
};

const STAMM_LABELS: Record<string, string> = {
  name: 'Name des Mandanten',
  impressum: 'Impressum',
  logoUrl: 'Logo (Adresse des Bildes)',
  datenschutzerklaerungUrl: 'Datenschutzerklärung (Adresse)',
  'datenschutzbeauftragteR.name': 'Datenschutzbeauftragte/r: Name',
  'datenschutzbeauftragteR.email': 'Datenschutzbeauftragte/r: E-Mail',
  'datenschutzbeauftragteR.telefon': 'Datenschutzbeauftragte/r: Telefon',
};
const OE_LABELS: Record<string, string> = {
  name: 'Name',
  id: 'Kennung',
  email: 'E-Mail-Adresse',
  telefon: 'Telefon',
  veroeffentlicht: 'Veröffentlicht',
};

const m = (c: UiContext) => encodeURIComponent(c.req.param('m')!);

export function registerMandanten(app: Hono<UiEnv>, ui: Ui) {
  app.get('/mandanten', requireRole(...STAMMDATEN_READERS), async (c) => {
    const list = await ui.api.get<z.infer<typeof mandantListSchema>>(c, '/api/mandanten');
    return render(ui, c, 'Stammdaten der Mandanten', () => (
      <>
        <p class="lead">
          Impressum, Datenschutz, Behördenkonten und Organisationseinheiten – was die Gate-Prüfung braucht.
        </p>
        <ul>
          {list.items.map((x) => (
            <li>
              <a href={`/mandanten/${encodeURIComponent(x.id)}`}>{x.name}</a>
            </li>
          ))}
        </ul>
      </>
    ));
  });

  async function page(c: UiContext, state?: FormState, status: 200 | 400 | 409 = 200) {
    const user = currentUser(c);
    const [mandant, oes, konten] = await Promise.all([
      ui.api.get<MandantView>(c, `/api/mandanten/${m(c)}`),
      ui.api.get<z.infer<typeof organisationseinheitListSchema>>(c, `/api/mandanten/${m(c)}/organisationseinheiten`),
      ui.api.get<z.infer<typeof behoerdenkontoListSchema>>(c, `/api/mandanten/${m(c)}/behoerdenkonten`),
    ]);
    const dsb = mandant.datenschutzbeauftragteR;
    const stamm = formView(state, 'stammdaten', {
      name: mandant.name,
      impressum: mandant.impressum ?? '',
      logoUrl: mandant.logoUrl ?? '',
      datenschutzerklaerungUrl: mandant.datenschutzerklaerungUrl ?? '',
      'datenschutzbeauftragteR.name': dsb?.name ?? '',
      'datenschutzbeauftragteR.email': dsb?.email ?? '',
      'datenschutzbeauftragteR.telefon': dsb?.telefon ?? '',
    });
    const neu = formView(state, 'oe-neu', { id: c.req.query('neueOe') ?? '', veroeffentlicht: '' });
    const ok = OK[c.req.query('ok') ?? ''];
    const canOe = has(user, 'mandant-admin', 'awb');
    const canStamm = has(user, 'mandant-admin', 'projektleitung');
    return render(
      ui,
      c,
      `Stammdaten: ${mandant.name}`,
      (frame) => (
        <>
          {ok ? <Notice ok text={ok} /> : null}
          <section aria-labelledby="stammdaten-h" id="stammdaten">
            <h2 id="stammdaten-h">Impressum und Datenschutz</h2>
            {canStamm ? (
              <>
                <ErrorSummary
                  state={state}
                  form="stammdaten"
                  labels={STAMM_LABELS}
                  title="Die Stammdaten wurden nicht gespeichert"
                />
                <PostForm frame={frame} action={`/mandanten/${m(c)}/stammdaten`} label="Stammdaten">
                  <TextField {...stamm.field('name')} label={STAMM_LABELS.name!} required />
                  <TextField {...stamm.field('impressum')} label="Impressum" multiline required />
                  <TextField
                    {...stamm.field('logoUrl')}
                    label={STAMM_LABELS.logoUrl!}
                    type="url"
                    required
                    hint="z. B. https://www.example.de/logo.svg"
                  />
                  <TextField
                    {...stamm.field('datenschutzerklaerungUrl')}
                    label={STAMM_LABELS.datenschutzerklaerungUrl!}
                    type="url"
                  />
                  <fieldset>
                    <legend>Datenschutzbeauftragte/r</legend>
                    <TextField
                      form="stammdaten"
                      name="datenschutzbeauftragteR.name"
                      label="Name"
                      required
                      value={stamm.values['datenschutzbeauftragteR.name']}
                      error={stamm.errors['datenschutzbeauftragteR.name']}
                    />
                    <TextField
                      form="stammdaten"
                      name="datenschutzbeauftragteR.email"
                      label="E-Mail-Adresse"
                      type="email"
                      required
                      value={stamm.values['datenschutzbeauftragteR.email']}
                      error={stamm.errors['datenschutzbeauftragteR.email']}
                    />
                    <TextField
                      form="stammdaten"
                      name="datenschutzbeauftragteR.telefon"
                      label="Telefon"
                      type="tel"
                      value={stamm.values['datenschutzbeauftragteR.telefon']}
                      error={stamm.errors['datenschutzbeauftragteR.telefon']}
                    />
                  </fieldset>
                  <div>
                    <button type="submit">Stammdaten speichern</button>
                  </div>
                </PostForm>
              </>
            ) : (
              <dl class="facts">
                <dt>Impressum</dt>
                <dd>{mandant.impressum ?? '–'}</dd>
                <dt>Logo</dt>
                <dd>{mandant.logoUrl ?? '–'}</dd>
                <dt>Datenschutzbeauftragte/r</dt>
                <dd>{dsb ? `${dsb.name} (${dsb.email})` : '–'}</dd>
              </dl>
            )}
          </section>

          <section aria-labelledby="oe-h" id="organisationseinheiten">
            <h2 id="oe-h">Organisationseinheiten</h2>
            {oes.items.length === 0 ? (
              <p>Noch keine Organisationseinheit.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Organisationseinheit</th>
                    <th scope="col">E-Mail</th>
                    <th scope="col">Telefon</th>
                    <th scope="col">Behördenkonto als Kanal</th>
                    <th scope="col">Zuständig für</th>
                    <th scope="col">Veröffentlicht</th>
                  </tr>
                </thead>
                <tbody>
                  {oes.items.map((o) => (
                    <tr>
                      <td>
                        <a href={`/mandanten/${m(c)}/organisationseinheiten/${encodeURIComponent(o.id)}`}>{o.name}</a>
                        <span class="hint">{o.id}</span>
                      </td>
                      <td>{o.kommunikation.email ?? '–'}</td>
                      <td>{o.kommunikation.telefon ?? '–'}</td>
                      <td>{o.kommunikation.behoerdenkontoId ?? <Badge kind="warning">keines</Badge>}</td>
                      <td>
                        {o.zustaendigkeiten.length === 0 ? '–' : o.zustaendigkeiten.map((z) => z.name).join(', ')}
                      </td>
                      <td>{o.veroeffentlicht ? 'ja' : 'nein'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {canOe ? (
              <div id="oe-neu">
                <h3>Organisationseinheit anlegen</h3>
                <ErrorSummary
                  state={state}
                  form="oe-neu"
                  labels={OE_LABELS}
                  title="Die Organisationseinheit wurde nicht angelegt"
                />
                <PostForm
                  frame={frame}
                  action={`/mandanten/${m(c)}/organisationseinheiten`}
                  label="Organisationseinheit anlegen"
                >
                  <TextField {...neu.field('name')} label="Name" required />
                  <TextField
                    {...neu.field('id')}
                    label="Kennung"
                    hint="Leer lassen: wird aus dem Namen gebildet (oe-<Mandant>-<Name>)."
                  />
                  <OeKommunikationFelder view={neu} />
                  <div>
                    <button type="submit">Organisationseinheit anlegen</button>
                  </div>
                </PostForm>
              </div>
            ) : null}
          </section>

          <Behoerdenkonten
            konten={konten.items}
            canEdit={canOe}
            state={state}
            frame={frame}
            action={`/mandanten/${m(c)}/behoerdenkonten`}
          />
        </>
      ),
      status,
    );
  }

  app.get('/mandanten/:m', requireRole(...STAMMDATEN_READERS), (c) => page(c));

  /** Posts to the API; a refusal of the input comes back at the form, any other refusal becomes the page's. */
  async function post(c: UiContext, form: string, method: string, path: string, body: unknown, posted: Posted) {
    const res = await ui.api.call<Problem & { id?: string }>(c, method, path, body);
    if (res.status < 300) return res;
    if (res.status === 400 || res.status === 409)
      return page(c, { form, values: posted, problem: res.body }, res.status);
    throw refusal(res);
  }

  app.post('/mandanten/:m/stammdaten', requireRole(...STAMMDATEN_READERS), async (c) => {
    const posted = (await c.req.parseBody({ all: true })) as Posted;
    const dsbName = one(posted, 'datenschutzbeauftragteR.name');
    const dsbEmail = one(posted, 'datenschutzbeauftragteR.email');
    const dsbTel = one(posted, 'datenschutzbeauftragteR.telefon');
    const body = {
      name: one(posted, 'name'),
      impressum: orNull(one(posted, 'impressum')),
      logoUrl: orNull(one(posted, 'logoUrl')),
      datenschutzerklaerungUrl: orNull(one(posted, 'datenschutzerklaerungUrl')),
      datenschutzbeauftragteR:
        dsbName === '' && dsbEmail === ''
          ? null
          : { name: dsbName, email: dsbEmail, ...(dsbTel ? { telefon: dsbTel } : {}) },
    };
    const res = await post(c, 'stammdaten', 'PUT', `/api/mandanten/${m(c)}`, body, posted);
    return res instanceof Response ? res : c.redirect(`/mandanten/${m(c)}?ok=stammdaten#stammdaten`, 303);
  });

  app.post('/mandanten/:m/organisationseinheiten', requireRole(...STAMMDATEN_READERS), async (c) => {
    const posted = (await c.req.parseBody({ all: true })) as Posted;
    const id = one(posted, 'id');
    const body = {
      ...(id ? { id } : {}),
      name: one(posted, 'name'),
      email: orNull(one(posted, 'email')),
      telefon: orNull(one(posted, 'telefon')),
      veroeffentlicht: one(posted, 'veroeffentlicht') === 'ja',
    };
    const res = await post(c, 'oe-neu', 'POST', `/api/mandanten/${m(c)}/organisationseinheiten`, body, posted);
    if (res instanceof Response) return res;
    return c.redirect(`/mandanten/${m(c)}/organisationseinheiten/${encodeURIComponent(res.body.id!)}?ok=angelegt`, 303);
  });

  app.post('/mandanten/:m/behoerdenkonten', requireRole(...STAMMDATEN_READERS), async (c) => {
    const posted = (await c.req.parseBody({ all: true })) as Posted;
    const body = {
      id: one(posted, 'id'),
      bezeichnung: one(posted, 'bezeichnung'),
      postfachHandle: one(posted, 'postfachHandle'),
    };
    const res = await post(c, 'konto', 'POST', `/api/mandanten/${m(c)}/behoerdenkonten`, body, posted);
    return res instanceof Response ? res : c.redirect(`/mandanten/${m(c)}?ok=konto#behoerdenkonten`, 303);
  });
}
