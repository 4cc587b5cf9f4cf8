// One lifecycle task's form: what it asks, who, since when and by when, its fields from the task template; the
// workflow judges the fields (through the API's Update) and its messages come back at the fields.
import type { Hono } from 'hono';
import { requireRole } from '../../api/auth';
import { LIFECYCLE_READERS } from '../../api/lifecycle-api';
import type { LifecycleDetail } from '../../api/schemas/onlinedienst';
import { taskTemplate } from '../../domain/onlinedienst/task-catalog';
import type { Problem } from '../api-client';
import { render, type Ui } from '../context';
import { formatDateTime, isoOf, phaseLabel, roleLabel } from '../format';
import { Badge, CsrfField } from '../layout';
import type { UiContext, UiEnv } from '../session';
import { fieldId, fieldSpecs, fieldsFromForm, TaskFields, type FieldSpec, type Posted } from '../task-form';

export function registerAufgabe(app: Hono<UiEnv>, ui: Ui) {
  async function taskPage(c: UiContext, values: Posted = {}, problem?: Problem, status: 200 | 400 | 403 | 409 = 200) {
    const id = c.req.param('id')!;
    const taskId = c.req.param('taskId')!;
    const view = await ui.api.get<LifecycleDetail>(c, `/api/onlinedienste/${encodeURIComponent(id)}`);
    const task = view.openTasks.find((t) => t.id === taskId);
    const template = taskTemplate(taskId.split(':')[0]!);
    if (!task || !template) {
      return render(
        ui,
        c,
        'Aufgabe nicht offen',
        () => (
          <p>
            Die Aufgabe „{taskId}“ ist bei {view.name} nicht (mehr) offen.{' '}
            <a href="/aufgaben">Zurück zu Ihren Aufgaben</a>
          </p>
        ),
        404,
      );
    }
    const specs = fieldSpecs(template);
    const errors = Object.fromEntries((problem?.invalidParams ?? []).map((p) => [p.name, p.reason]));
    const labels = new Map<string, string>();
    const collect = (list: FieldSpec[]): void =>
      list.forEach((f) => (f.kind === 'group' ? collect(f.children) : labels.set(f.name, f.label)));
    collect(specs);
    return render(
      ui,
      c,
      task.title,
      (frame) => (
        <>
          <p class="lead">
            {view.name} · Phase {phaseLabel(task.phase)}
          </p>
          {problem ? (
            <div class="notice error" role="alert" id="fehler">
              <h2>Die Aufgabe wurde nicht erledigt</h2>
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
          <dl class="facts">
            <dt>Was</dt>
            <dd>{template.description}</dd>
            <dt>Wer</dt>
            <dd>
              {roleLabel(task.role)}
              {task.mandant ? ` (Mandant ${task.mandant})` : ''}
            </dd>
            <dt>Seit</dt>
            <dd>
              <time datetime={isoOf(task.openedAt)}>{formatDateTime(task.openedAt)}</time>
            </dd>
            <dt>Fällig bis</dt>
            <dd>
              <time datetime={isoOf(task.dueAt)}>{formatDateTime(task.dueAt)}</time>
              {task.overdue ? (
                <>
                  {' '}
                  <Badge kind="breached">überfällig</Badge>
                </>
              ) : null}
            </dd>
            {task.payload ? (
              <>
                <dt>Anlass</dt>
                <dd>
                  <pre class="mail">{JSON.stringify(task.payload, null, 2)}</pre>
                </dd>
              </>
            ) : null}
          </dl>
          <form
            class="stack"
            method="post"
            action={`/onlinedienste/${encodeURIComponent(id)}/aufgaben/${encodeURIComponent(taskId)}`}
            novalidate
          >
            <CsrfField frame={frame} />
            <TaskFields specs={specs} values={values} errors={errors} />
            <div>
              <button type="submit">Aufgabe erledigen</button>
            </div>
          </form>
        </>
      ),
      status,
    );
  }

  app.get('/onlinedienste/:id/aufgaben/:taskId', requireRole(...LIFECYCLE_READERS), (c) => taskPage(c));

  app.post('/onlinedienste/:id/aufgaben/:taskId', requireRole(...LIFECYCLE_READERS), async (c) => {
    const posted = (await c.req.parseBody({ all: true })) as Posted;
    const template = taskTemplate(c.req.param('taskId').split(':')[0]!);
    if (!template) return taskPage(c);
    const fields = fieldsFromForm(fieldSpecs(template), posted);
    const res = await ui.api.call<Problem>(
      c,
      'POST',
      `/api/onlinedienste/${encodeURIComponent(c.req.param('id'))}/aufgaben/${encodeURIComponent(c.req.param('taskId'))}`,
      fields,
    );
    if (res.status === 200) return c.redirect('/aufgaben?ok=aufgabe', 303);
    // Held by the gate: the Onlinedienst's page lists the findings, each with the page that fixes it.
    if (res.status === 202)
      return c.redirect(`/onlinedienste/${encodeURIComponent(c.req.param('id'))}?ok=gehalten#gate`, 303);
    return taskPage(c, posted, res.body, res.status === 400 ? 400 : res.status === 403 ? 403 : 409);
  });
}
