// One activation (an Onlinedienst for one Mandant): record it (zuständige Stelle and Leistung), its Prozessparameter
// as the API lists them (key and value; protected values are never shown) and its Wartungsmodus (refuse or hold,
// with the text citizens read). Read and written only through the API.
import type { Hono } from 'hono';
import type { z } from 'zod';
import { currentUser, requireRole, type Role } from '../../api/auth';
import type { aktivierungListSchema, parameterListSchema } from '../../api/schemas/aktivierung';
import type { LifecycleDetail } from '../../api/schemas/onlinedienst';
import type { leistungListSchema, organisationseinheitListSchema } from '../../api/schemas/organisationseinheit';
import { refusal, type Problem } from '../api-client';
import { MASK } from '../components/aktivierungen';
import {
  CheckField,
  ErrorSummary,
  formView,
  inputId,
  one,
  PostForm,
  RadioField,
  SelectField,
  TextField,
  type FormState,
  type Posted,
} from '../components/form';
import { render, type Ui } from '../context';
import { formatDateTime } from '../format';
import { Badge, Notice } from '../layout';
import type { UiContext, UiEnv } from '../session';

const READERS: Role[] = ['mandant-admin', 'prozesseigner', 'awb', 'projektleitung'];
const WRITERS: Role[] = ['mandant-admin', 'prozesseigner'];
/** Empty rows for new parameters under the existing ones. */
const NEW_ROWS = 3;

const OK: Record<string, string> = {
  erfasst: 'Die Aktivierung ist erfasst.',
  parameter: 'Die Prozessparameter sind gespeichert.',
  wartung: 'Der Wartungsmodus ist gespeichert.',
};

const enc = encodeURIComponent;

export function registerAktivierung(app: Hono<UiEnv>, ui: Ui) {
  const base = (c: UiContext) => `/onlinedienste/${enc(c.req.param('id')!)}/aktivierungen/${enc(c.req.param('m')!)}`;

  async function load(c: UiContext) {
    const id = enc(c.req.param('id')!);
    const mandantId = c.req.param('m')!;
    const [view, list] = await Promise.all([
      ui.api.get<LifecycleDetail>(c, `/api/onlinedienste/${id}`),
      ui.api.get<z.infer<typeof aktivierungListSchema>>(c, `/api/onlinedienste/${id}/aktivierungen`),
    ]);
    return { view, mandantId, aktivierung: list.items.find((a) => a.mandantId === mandantId) };
  }

  async function page(c: UiContext, state?: FormState, status: 200 | 400 | 409 = 200) {
    const user = currentUser(c);
    const { view, mandantId, aktivierung } = await load(c);
    const [oes, leistungen, parameter] = await Promise.all([
      ui.api.call<z.infer<typeof organisationseinheitListSchema>>(
        c,
        'GET',
        `/api/mandanten/${enc(mandantId)}/organisationseinheiten`,
      ),
      ui.api.get<z.infer<typeof leistungListSchema>>(c, '/api/leistungen'),
      aktivierung
        ? ui.api.get<z.infer<typeof parameterListSchema>>(c, `/api${base(c)}/prozessparameter`)
        : Promise.resolve({ items: [] }),
    ]);
    const canWrite = user.roles.some((r) => WRITERS.includes(r));
    const canParams = user.roles.includes('mandant-admin');
    const erfassen = formView(state, 'erfassen', {
      organisationseinheitId: aktivierung?.organisationseinheitId ?? '',
      leistungId: aktivierung?.leistungId ?? '',
    });
    const params = formView(
      state,
      'parameter',
      Object.fromEntries(parameter.items.flatMap((p, i) => [[`parameter.${i}.wert`, p.wert ?? '']])),
    );
    const wartung = formView(state, 'wartung', {
      aktiv: aktivierung?.wartungsmodus ? 'an' : 'aus',
      art: aktivierung?.wartungsmodusArt ?? 'refuse',
      text: aktivierung?.wartungsmodusText ?? '',
    });
    const paramLabels: Record<string, string> = { parameter: 'Prozessparameter' };
    parameter.items.forEach((p, i) => (paramLabels[`parameter.${i}.wert`] = `Wert von ${p.key}`));
    for (let i = parameter.items.length; i < parameter.items.length + NEW_ROWS; i++) {
      paramLabels[`parameter.${i}.key`] = `Neuer Parameter ${i - parameter.items.length + 1}: Schlüssel`;
      paramLabels[`parameter.${i}.wert`] = `Neuer Parameter ${i - parameter.items.length + 1}: Wert`;
    }
    const ok = OK[c.req.query('ok') ?? ''];
    return render(
      ui,
      c,
      `Aktivierung ${view.name} für ${mandantId}`,
      (frame) => (
        <>
          <p class="lead">
            <a href={`/onlinedienste/${enc(view.onlinedienstId)}`}>{view.name}</a> · Mandant{' '}
            <a href={`/mandanten/${enc(mandantId)}`}>{mandantId}</a>
            {aktivierung ? ` · Status ${aktivierung.status}` : ' · noch nicht erfasst'}
          </p>
          {ok ? <Notice ok text={ok} /> : null}

          <section aria-labelledby="erfassen-h" id="erfassen">
            <h2 id="erfassen-h">Zuständige Stelle und Leistung</h2>
            {canWrite && oes.status === 200 ? (
              <>
                <ErrorSummary
                  state={state}
                  form="erfassen"
                  labels={{ organisationseinheitId: 'Zuständige Stelle', leistungId: 'Leistung', kontakt: 'Postfach' }}
                  title="Die Aktivierung wurde nicht erfasst"
                />
                <PostForm frame={frame} action={`${base(c)}/erfassen`} label="Aktivierung erfassen">
                  <SelectField
                    {...erfassen.field('organisationseinheitId')}
                    label="Zuständige Stelle"
                    required
                    empty="Bitte wählen"
                    options={oes.body.items.map((o) => [o.id, o.name])}
                  />
                  <SelectField
                    {...erfassen.field('leistungId')}
                    label="Leistung"
                    required
                    empty="Bitte wählen"
                    options={leistungen.items.map((l) => [l.id, `${l.name} (${l.id})`])}
                  />
                  <TextField
                    {...erfassen.field('kontakt')}
                    label="Postfach der Mandantenverwaltung für Aufgaben"
                    type="email"
                  />
                  <div>
                    <button type="submit">Aktivierung speichern</button>
                  </div>
                </PostForm>
              </>
            ) : aktivierung ? (
              <dl class="facts">
                <dt>Zuständige Stelle</dt>
                <dd>{aktivierung.organisationseinheitId}</dd>
                <dt>Leistung</dt>
                <dd>{aktivierung.leistungId}</dd>
              </dl>
            ) : (
              <p>Noch nicht erfasst.</p>
            )}
          </section>

          {aktivierung ? (
            <section aria-labelledby="parameter-h" id="prozessparameter">
              <h2 id="parameter-h">Prozessparameter</h2>
              {parameter.items.length === 0 ? (
                <p>Noch keine Prozessparameter.</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Schlüssel</th>
                      <th scope="col">Wert</th>
                      <th scope="col">Geändert</th>
                    </tr>
                  </thead>
                  <tbody>
                    {parameter.items.map((p) => (
                      <tr>
                        <td>{p.key}</td>
                        <td>
                          {p.geschuetzt ? (
                            <>
                              <span aria-label="geschützter Wert, nicht angezeigt">{MASK}</span>{' '}
                              <Badge kind="neutral">geschützt</Badge>
                            </>
                          ) : (
                            p.wert
                          )}
                        </td>
                        <td>{formatDateTime(p.aktualisiertAm)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {canParams ? (
                <>
                  <ErrorSummary
                    state={state}
                    form="parameter"
                    labels={paramLabels}
                    title="Die Prozessparameter wurden nicht gespeichert"
                  />
                  <PostForm frame={frame} action={`${base(c)}/prozessparameter`} label="Prozessparameter ändern">
                    {parameter.items.map((p, i) => (
                      <div>
                        <input type="hidden" name={`parameter.${i}.key`} value={p.key} />
                        <input type="hidden" name={`parameter.${i}.geschuetzt`} value={p.geschuetzt ? 'ja' : ''} />
                        <TextField
                          form="parameter"
                          name={`parameter.${i}.wert`}
                          label={`Wert von ${p.key}`}
                          {...(p.geschuetzt ? { hint: 'Geschützt: leer lassen, um den Wert zu behalten.' } : {})}
                          value={p.geschuetzt ? '' : params.values[`parameter.${i}.wert`]}
                          error={params.errors[`parameter.${i}.wert`]}
                        />
                      </div>
                    ))}
                    {Array.from({ length: NEW_ROWS }, (_, n) => parameter.items.length + n).map((i) => (
                      <fieldset {...(i === parameter.items.length ? { id: inputId('parameter', 'parameter') } : {})}>
                        <legend>Neuer Parameter {i - parameter.items.length + 1}</legend>
                        <TextField
                          form="parameter"
                          name={`parameter.${i}.key`}
                          label="Schlüssel"
                          hint="z. B. frist.widerspruch"
                          value={params.values[`parameter.${i}.key`]}
                          error={params.errors[`parameter.${i}.key`]}
                        />
                        <TextField
                          form="parameter"
                          name={`parameter.${i}.wert`}
                          label="Wert"
                          value={params.values[`parameter.${i}.wert`]}
                          error={params.errors[`parameter.${i}.wert`]}
                        />
                        <CheckField
                          form="parameter"
                          name={`parameter.${i}.geschuetzt`}
                          label="Geschützt (verschlüsselt gespeichert, nie angezeigt)"
                          checked={params.values[`parameter.${i}.geschuetzt`] === 'ja'}
                        />
                      </fieldset>
                    ))}
                    <div>
                      <button type="submit">Prozessparameter speichern</button>
                    </div>
                  </PostForm>
                </>
              ) : null}
            </section>
          ) : null}

          {aktivierung ? (
            <section aria-labelledby="wartung-h" id="wartungsmodus">
              <h2 id="wartung-h">Wartungsmodus</h2>
              <p>
                Zurzeit{' '}
                {aktivierung.wartungsmodus ? (
                  <Badge kind="warning">
                    an ({aktivierung.wartungsmodusArt === 'hold' ? 'annehmen, später verarbeiten' : 'abweisen'})
                  </Badge>
                ) : (
                  <strong>aus</strong>
                )}
                {aktivierung.wartungsmodusText ? ` – „${aktivierung.wartungsmodusText}“` : ''}
              </p>
              {canWrite ? (
                <>
                  <ErrorSummary
                    state={state}
                    form="wartung"
                    labels={{
                      aktiv: 'Wartungsmodus',
                      art: 'Während der Wartung',
                      text: 'Text für Bürgerinnen und Bürger',
                    }}
                    title="Der Wartungsmodus wurde nicht gespeichert"
                  />
                  <PostForm frame={frame} action={`${base(c)}/wartungsmodus`} label="Wartungsmodus">
                    <RadioField
                      {...wartung.field('aktiv')}
                      label="Wartungsmodus"
                      options={[
                        ['an', 'an'],
                        ['aus', 'aus (zurückgehaltene Anträge gehen weiter)'],
                      ]}
                    />
                    <RadioField
                      {...wartung.field('art')}
                      label="Während der Wartung"
                      options={[
                        ['refuse', 'Anträge abweisen (mit dem Text unten, „später erneut versuchen“)'],
                        ['hold', 'Anträge annehmen und nach der Wartung verarbeiten'],
                      ]}
                    />
                    <TextField
                      {...wartung.field('text')}
                      label="Text für Bürgerinnen und Bürger"
                      multiline
                      hint="Höchstens 1000 Zeichen."
                    />
                    <div>
                      <button type="submit">Wartungsmodus speichern</button>
                    </div>
                  </PostForm>
                </>
              ) : null}
            </section>
          ) : null}
        </>
      ),
      status,
    );
  }

  app.get('/onlinedienste/:id/aktivierungen/:m', requireRole(...READERS), (c) => page(c));

  async function act(
    c: UiContext,
    form: string,
    method: string,
    path: string,
    body: unknown,
    ok: string,
    remap?: (name: string) => string,
  ) {
    const posted = (await c.req.parseBody({ all: true })) as Posted;
    const res = await ui.api.call<Problem>(c, method, path, body);
    if (res.status < 300) return c.redirect(`${base(c)}?ok=${ok}`, 303);
    if (res.status === 400 || res.status === 409) {
      const problem = remap
        ? { ...res.body, invalidParams: res.body.invalidParams?.map((p) => ({ ...p, name: remap(p.name) })) }
        : res.body;
      return page(c, { form, values: posted, problem }, res.status);
    }
    throw refusal(res);
  }

  app.post('/onlinedienste/:id/aktivierungen/:m/erfassen', requireRole(...WRITERS), async (c) => {
    const p = (await c.req.parseBody({ all: true })) as Posted;
    const kontakt = one(p, 'kontakt');
    const body = {
      organisationseinheitId: one(p, 'organisationseinheitId'),
      leistungId: one(p, 'leistungId'),
      ...(kontakt ? { kontakt } : {}),
    };
    return act(c, 'erfassen', 'PUT', `/api${base(c)}`, body, 'erfasst');
  });

  app.post('/onlinedienste/:id/aktivierungen/:m/prozessparameter', requireRole('mandant-admin'), async (c) => {
    const p = (await c.req.parseBody({ all: true })) as Posted;
    // The rows that say something, and where each sits in the form, so the API's errors land at their fields.
    const rows: number[] = [];
    const parameter: Array<{ key: string; wert: string; geschuetzt: boolean }> = [];
    for (let i = 0; `parameter.${i}.key` in p || `parameter.${i}.wert` in p; i++) {
      const key = one(p, `parameter.${i}.key`);
      const wert = one(p, `parameter.${i}.wert`);
      const geschuetzt = one(p, `parameter.${i}.geschuetzt`) === 'ja';
      if (key === '' && wert === '') continue;
      // A protected value left empty stays as it is.
      if (geschuetzt && wert === '') continue;
      rows.push(i);
      parameter.push({ key, wert, geschuetzt });
    }
    const remap = (name: string) =>
      name.replace(/^parameter\.(\d+)\./, (_, j: string) => `parameter.${rows[Number(j)] ?? j}.`);
    return act(c, 'parameter', 'PUT', `/api${base(c)}/prozessparameter`, { parameter }, 'parameter', remap);
  });

  app.post('/onlinedienste/:id/aktivierungen/:m/wartungsmodus', requireRole(...WRITERS), async (c) => {
    const p = (await c.req.parseBody({ all: true })) as Posted;
    const { aktivierung } = await load(c);
    if (!aktivierung) throw refusal({ status: 404, body: { title: 'Nicht gefunden', detail: 'Keine Aktivierung.' } });
    const aktiv = one(p, 'aktiv');
    const text = one(p, 'text');
    const body = {
      aktiv: aktiv === 'an' ? true : aktiv === 'aus' ? false : aktiv,
      art: one(p, 'art') || 'refuse',
      text: text === '' ? null : text,
    };
    return act(c, 'wartung', 'PUT', `/api/aktivierungen/${enc(aktivierung.id)}/wartungsmodus`, body, 'wartung');
  });
}
