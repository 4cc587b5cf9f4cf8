// What arrives in Betrieb, as forms: a Rechtsänderung, a Konfigurationsänderung, a Störung (each opens a task) and
// the Prozesseigner's decision to shut the Onlinedienst down. The fields come from the schemas the API validates
// with; its German field messages come back at the fields. Sent through the API only.
import type { Hono } from 'hono';
import { requireRole } from '../../api/auth';
import type { LifecycleDetail } from '../../api/schemas/onlinedienst';
import {
  abschaltungSchema,
  EVENT_ROLES,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type EventType,
} from '../../domain/onlinedienst/events';
import { refusal, type Problem } from '../api-client';
import { render, type Ui } from '../context';
import { phaseLabel } from '../format';
import { CsrfField } from '../layout';
import type { UiContext, UiEnv } from '../session';
import { fieldId, fieldsFromForm, schemaFieldSpecs, TaskFields, type FieldSpec, type Posted } from '../task-form';

export const EVENT_TITLES: Record<EventType, string> = {
  rechtsaenderung: 'Rechtsänderung melden',
  konfigurationsaenderung: 'Konfigurationsänderung beauftragen',
  stoerung: 'Störung weitergeben',
};

const EVENT_TEXT: Record<EventType, string> = {
  rechtsaenderung: 'Eine Aufgabe für den Prozesseigner öffnet sich, fällig vor dem Inkrafttreten.',
  konfigurationsaenderung: 'Eine Aufgabe für den Prozessmodellierer öffnet sich für die Aktivierung des Mandanten.',
  stoerung: 'Eine Aufgabe für den Prozesseigner öffnet sich.',
};

const enc = encodeURIComponent;

function labelsOf(specs: FieldSpec[], into = new Map<string, string>()) {
  for (const f of specs) {
    if (f.kind === 'group') labelsOf(f.children, into);
    else into.set(f.name, f.label);
  }
  return into;
}

export function registerEreignis(app: Hono<UiEnv>, ui: Ui) {
  async function formPage(
    c: UiContext,
    o: { title: string; text: string; specs: FieldSpec[]; action: string; submit: string },
    values: Posted = {},
    problem?: Problem,
    status: 200 | 400 | 409 = 200,
  ) {
    const view = await ui.api.get<LifecycleDetail>(c, `/api/onlinedienste/${enc(c.req.param('id')!)}`);
    const errors = Object.fromEntries((problem?.invalidParams ?? []).map((p) => [p.name, p.reason]));
    const labels = labelsOf(o.specs);
    return render(
      ui,
      c,
      `${o.title}: ${view.name}`,
      (frame) => (
        <>
          <p class="lead">
            <a href={`/onlinedienste/${enc(view.onlinedienstId)}`}>{view.name}</a> · Phase {phaseLabel(view.phase)}
          </p>
          <p>{o.text}</p>
          {problem ? (
            <div class="notice error" role="alert" id="fehler">
              <h2>Nicht gesendet</h2>
              <p>{problem.detail}</p>
              {problem.invalidParams?.length ? (
                <ul>
                  {problem.invalidParams.map((p) => (
                    <li>
                      <a href={`#${fieldId(p.name)}`}>
                        {labels.get(p.name) ?? p.name}: {p.reason}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <form class="stack" method="post" action={o.action} novalidate>
            <CsrfField frame={frame} />
            <TaskFields specs={o.specs} values={values} errors={errors} />
            <div>
              <button type="submit">{o.submit}</button>
            </div>
          </form>
        </>
      ),
      status,
    );
  }

  /** Sends the form; success goes back to the Onlinedienst, refused input comes back at the fields. */
  async function send(c: UiContext, o: Parameters<typeof formPage>[1], apiPath: string, ok: string) {
    const posted = (await c.req.parseBody({ all: true })) as Posted;
    const res = await ui.api.call<Problem>(c, 'POST', apiPath, fieldsFromForm(o.specs, posted));
    if (res.status < 300) return c.redirect(`/onlinedienste/${enc(c.req.param('id')!)}?ok=${ok}`, 303);
    if (res.status === 400 || res.status === 409) return formPage(c, o, posted, res.body, res.status);
    throw refusal(res);
  }

  EVENT_TYPES.forEach((type) => {
    const path = `/onlinedienste/:id/ereignisse/${type}`;
    const o = (c: UiContext) => ({
      title: EVENT_TITLES[type],
      text: EVENT_TEXT[type],
      specs: schemaFieldSpecs(EVENT_SCHEMAS[type]()),
      action: `/onlinedienste/${enc(c.req.param('id')!)}/ereignisse/${type}`,
      submit: EVENT_TITLES[type],
    });
    app.get(path, requireRole(...EVENT_ROLES[type]), (c) => formPage(c, o(c)));
    app.post(path, requireRole(...EVENT_ROLES[type]), (c) =>
      send(c, o(c), `/api/onlinedienste/${enc(c.req.param('id')!)}/ereignisse/${type}`, 'ereignis'),
    );
  });

  const abschaltung = (c: UiContext) => ({
    title: 'Abschaltung entscheiden',
    text:
      'Neue Anträge werden abgewiesen, offene laufen aus oder werden übergeben; die Mandanten erfahren es per Mail, ' +
      'die Prozessparameter werden am Ende gelöscht.',
    specs: schemaFieldSpecs(abschaltungSchema()),
    action: `/onlinedienste/${enc(c.req.param('id')!)}/abschaltung`,
    submit: 'Abschaltung beginnen',
  });
  app.get('/onlinedienste/:id/abschaltung', requireRole('prozesseigner'), (c) => formPage(c, abschaltung(c)));
  app.post('/onlinedienste/:id/abschaltung', requireRole('prozesseigner'), (c) =>
    send(c, abschaltung(c), `/api/onlinedienste/${enc(c.req.param('id')!)}/abschaltung`, 'abschaltung'),
  );
}
