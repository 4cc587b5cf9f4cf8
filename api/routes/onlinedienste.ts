// The Onlinedienst lifecycle over HTTP: start it, see its live state, complete tasks (refused with a clear error
// when role, phase or fields do not fit), report outside events, decide the shutdown, and maintain the
// activations with their Prozessparameter. Mandant scoping: a Mandant-Admin sees and maintains only its own
// activations; the AWB sees everything but does not edit Prozessparameter.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Hono } from 'hono';
import { sql, type Selectable } from 'kysely';
import { z } from 'zod';
import { aktivierungId } from '../../domain/onlinedienst/aktivierung';
import { registerOnlinedienst } from '../../db/stores/onlinedienst';
import { appendAudit } from '../../db/stores/audit';
import type { LifecycleTable } from '../../db/schema';
import { encryptParameter } from '../../runtime/secrets';
import { resolveClock } from '../../domain/clock';
import { prozessRef } from '../../domain/onlinedienst/task-catalog';
import { abschaltungSchema, EVENT_TYPES, konfigurationsaenderungSchema, rechtsaenderungSchema, stoerungSchema } from '../../domain/onlinedienst/events';
import {
  completeTaskUpdate,
  decideShutdownUpdate,
  lifecycleStateQuery,
  lifecycleWorkflowId,
  prozessparameterChangedSignal,
  recheckGateUpdate,
  registerMandantUpdate,
  reportEventUpdate,
  type LifecycleInput,
  type LifecycleView,
} from '../../messages/onlinedienst';
import { LifecyclePhaseKey, MandantIdKey, OnlinedienstIdKey, ProzesseignerKey } from '../../messages/search-attributes';
import { canAccessMandant, currentUser, requireRole, type AuthVariables, type User } from '../auth';
import { workflowUiUrl, type ApiDeps } from '../deps';
import { actorOf, command, LIFECYCLE_READERS } from '../lifecycle-api';
import type { ApiRegistry } from '../openapi';
import { HttpProblem } from '../problem';
import { jsonBody, queryParams } from '../validation';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,59}$/, 'lower-case letters, digits and -, 2–60 characters');
const RESERVED = new Set(['aufgaben']);

const createBody = z.strictObject({
  id: slug.refine((id) => !RESERVED.has(id), 'reserved'),
  name: z.string().trim().min(2).max(200),
  /** the Mandant that owns the Onlinedienst */
  mandantId: slug,
  /** user id of the Prozesseigner; default: the caller */
  prozesseigner: z.string().min(1).optional(),
  kontakte: z.strictObject({
    prozesseigner: z.email(),
    prozessmodellierer: z.email().optional(),
    zertifizierer: z.email().optional(),
    testteam: z.email().optional(),
    redaktion: z.email().optional(),
    projektleitung: z.email().optional(),
    awb: z.email().optional(),
  }),
  featureTags: z.array(z.string().trim().min(1)).default([]),
  mandanten: z.array(slug).default([]),
  leistungId: z.string().min(1).optional(),
  /** an Onlinedienst already in production (Projektleitung only): its lifecycle starts in Betrieb */
  bestand: z
    .strictObject({ prozess: prozessRef(), formular: prozessRef(), zertifizierungsReferenz: z.string().min(1), aktivierteMandanten: z.array(slug).min(1) })
    .optional(),
});

const createdView = z.object({ onlinedienstId: z.string(), workflowId: z.string(), phase: z.string(), temporalUiUrl: z.string().optional() });
const listQuery = z.object({ phase: z.string().optional() });
const taskFields = z.record(z.string(), z.unknown());
const aktivierungBody = z.strictObject({
  organisationseinheitId: z.string().min(1),
  leistungId: z.string().min(1),
  /** mailbox of the Mandant's administration for lifecycle tasks */
  kontakt: z.email().optional(),
});
const parameterBody = z.strictObject({
  parameter: z
    .array(
      z.strictObject({
        key: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . -; starts with a letter'),
        wert: z.string().max(4000),
        geschuetzt: z.boolean().default(false),
      }),
    )
    .min(1),
});
const parameterView = z.object({
  key: z.string(),
  geschuetzt: z.boolean(),
  /** plain values only; a protected value is never returned */
  wert: z.string().nullable(),
  gesetzt: z.boolean(),
  aktualisiertAm: z.string(),
});

const READERS = LIFECYCLE_READERS;

type LifecycleRow = Selectable<LifecycleTable>;

function crossMandant(user: User): boolean {
  return user.mandanten.includes('*');
}

function canSee(user: User, row: Pick<LifecycleRow, 'prozesseigner' | 'mandant_id' | 'mandanten'>): boolean {
  if (crossMandant(user) || row.prozesseigner === user.id) return true;
  return canAccessMandant(user, row.mandant_id) || row.mandanten.some((m) => canAccessMandant(user, m));
}

/** A Mandant-Admin without cross-Mandant rights sees the Onlinedienst only as far as its own activations go. */
function scopedView(user: User, v: LifecycleView): LifecycleView {
  const narrow = !crossMandant(user) && user.roles.every((r) => r === 'mandant-admin') && v.prozesseigner !== user.id;
  if (!narrow) return v;
  const own = (m: string | undefined) => m !== undefined && user.mandanten.includes(m);
  const gate = v.gate.last ? { ...v.gate.last, activations: v.gate.last.activations.filter((a) => own(a.mandantId)) } : null;
  return {
    ...v,
    context: { ...v.context, mandanten: v.context.mandanten.filter(own), aktivierteMandanten: v.context.aktivierteMandanten.filter(own) },
    openTasks: v.openTasks.filter((t) => own(t.mandant)),
    deadlines: v.deadlines.filter((d) => own(d.mandant)),
    completedTasks: [],
    mandantenStatus: Object.fromEntries(Object.entries(v.mandantenStatus).filter(([m]) => own(m))),
    gate: { ...v.gate, last: gate },
  };
}

export function onlinediensteRoutes(deps: ApiDeps, registry: ApiRegistry) {
  const app = new Hono<{ Variables: AuthVariables }>();
  const handle = (id: string) => deps.temporal.workflow.getHandle(lifecycleWorkflowId(id));

  async function visibleLifecycle(user: User, id: string): Promise<LifecycleRow> {
    const row = await deps.db.selectFrom('lifecycle').selectAll().where('onlinedienst_id', '=', id).executeTakeFirst();
    // 404 for what the caller may not see: existence is not leaked across Mandanten.
    if (!row || !canSee(user, row)) throw new HttpProblem(404, 'Nicht gefunden', `Onlinedienst ${id} not found`);
    return row;
  }

  async function ownAktivierung(user: User, id: string, mandantId: string) {
    await visibleLifecycle(user, id);
    if (!canAccessMandant(user, mandantId)) throw new HttpProblem(404, 'Nicht gefunden', `Aktivierung ${id}/${mandantId} not found`);
    const row = await deps.db.selectFrom('aktivierung').selectAll().where('onlinedienst_id', '=', id).where('mandant_id', '=', mandantId).executeTakeFirst();
    if (!row) throw new HttpProblem(404, 'Nicht gefunden', `Aktivierung ${id}/${mandantId} not found`);
    return row;
  }

  // --------------------------------------------------------------------------------------------- lifecycle
  registry.add({
    method: 'post', path: '/api/onlinedienste', tag: 'Onlinedienste', roles: ['prozesseigner', 'projektleitung'],
    summary: 'Creates an Onlinedienst and starts its lifecycle workflow (onlinedienst-<id>) in Klärung, or in Betrieb for one already in production',
    body: createBody,
    response: { status: 201, description: 'the started lifecycle', schema: createdView },
    errors: [409],
  });
  app.post('/', requireRole('prozesseigner', 'projektleitung'), async (c) => {
    const user = currentUser(c);
    const body = await jsonBody(c, createBody);
    if (body.bestand && !user.roles.includes('projektleitung')) {
      throw new HttpProblem(403, 'Keine Berechtigung', 'Bestehende Onlinedienste übernimmt die Projektleitung Amt24.');
    }
    const prozesseigner = body.prozesseigner ?? user.id;
    const mandant = await deps.db.selectFrom('mandant').select('id').where('id', '=', body.mandantId).executeTakeFirst();
    if (!mandant) {
      throw new HttpProblem(400, 'Ungültige Eingabe', `Mandant ${body.mandantId} ist nicht angelegt.`, { invalidParams: [{ name: 'mandantId', reason: 'unbekannter Mandant' }] });
    }
    const workflowId = lifecycleWorkflowId(body.id);
    // Resolved once here, so the workflow and the projection share the same clock.
    const configured = deps.lifecycle?.lifecycle;
    const clock = resolveClock(configured?.clock, Date.now());
    const settings = configured ? { ...configured, clock } : undefined;
    const phase = body.bestand ? 'betrieb' : 'klaerung';
    const kontakte: Record<string, string> = Object.fromEntries(Object.entries(body.kontakte).filter((e): e is [string, string] => e[1] !== undefined));
    const input: LifecycleInput = {
      onlinedienstId: body.id,
      name: body.name,
      mandantId: body.mandantId,
      prozesseigner,
      startedBy: user.id,
      mandanten: body.mandanten,
      featureTags: body.featureTags,
      ...(body.leistungId ? { leistungId: body.leistungId } : {}),
      ...(body.bestand ? { bestand: body.bestand } : {}),
      ...(settings ? { settings } : {}),
    };
    await deps.db.transaction().execute(async (trx) => {
      const fresh = await registerOnlinedienst(trx, {
        id: body.id, workflowId, name: body.name, mandantId: body.mandantId, prozesseigner, kontakte, featureTags: body.featureTags,
        mandanten: [...body.mandanten, ...(body.bestand?.aktivierteMandanten ?? [])], phase,
        ...(body.bestand ? { prozess: body.bestand.prozess, formular: body.bestand.formular } : {}),
        clock,
      });
      if (!fresh) throw new HttpProblem(409, 'Konflikt', `Onlinedienst ${body.id} hat bereits einen Lebenszyklus.`, { code: 'exists' });
      try {
        await deps.temporal.workflow.start('onlinedienstLifecycleWorkflow', {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [input],
          // Business id: one lifecycle per Onlinedienst, ever.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: OnlinedienstIdKey, value: body.id },
            { key: MandantIdKey, value: body.mandantId },
            { key: ProzesseignerKey, value: prozesseigner },
            { key: LifecyclePhaseKey, value: phase },
          ],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw new HttpProblem(409, 'Konflikt', `Workflow ${workflowId} existiert bereits.`, { code: 'exists' });
        throw err;
      }
    });
    return c.json({ onlinedienstId: body.id, workflowId, phase, temporalUiUrl: workflowUiUrl(deps, workflowId) }, 201);
  });

  registry.add({
    method: 'get', path: '/api/onlinedienste', tag: 'Onlinedienste', roles: READERS,
    summary: 'Lists the lifecycles the caller may see (from the PostgreSQL projection)',
    query: listQuery,
    response: { status: 200, description: 'lifecycles' },
  });
  app.get('/', requireRole(...READERS), async (c) => {
    const user = currentUser(c);
    const q = queryParams(c, listQuery);
    let query = deps.db.selectFrom('lifecycle').selectAll().orderBy('onlinedienst_id');
    if (q.phase) query = query.where('phase', '=', q.phase);
    const rows = (await query.execute()).filter((r) => canSee(user, r));
    return c.json({
      items: rows.map((r) => ({
        onlinedienstId: r.onlinedienst_id, name: r.name, mandantId: r.mandant_id, prozesseigner: r.prozesseigner, phase: r.phase,
        recertification: r.recertification, releaseCheckState: r.release_check_state, mandanten: r.mandanten, endedAt: r.ended_at,
      })),
    });
  });

  registry.add({
    method: 'get', path: '/api/onlinedienste/aufgaben', tag: 'Onlinedienste', roles: READERS,
    summary: 'The caller\'s inbox: open lifecycle tasks for the caller\'s roles and Mandanten, earliest deadline first',
    response: { status: 200, description: 'open tasks' },
  });
  app.get('/aufgaben', requireRole(...READERS), async (c) => {
    const user = currentUser(c);
    const rows = await deps.db
      .selectFrom('lifecycle_task')
      .innerJoin('lifecycle', 'lifecycle.onlinedienst_id', 'lifecycle_task.onlinedienst_id')
      .selectAll('lifecycle_task')
      .select(['lifecycle.name', 'lifecycle.prozesseigner', 'lifecycle.mandant_id as traeger', 'lifecycle.mandanten'])
      .where('lifecycle_task.status', '=', 'offen')
      .where('lifecycle_task.role', 'in', user.roles)
      .orderBy('lifecycle_task.due_at')
      .limit(500)
      .execute();
    const items = rows
      // Tasks of one Mandant's activation go to that Mandant only; the others to whoever may see the Onlinedienst.
      .filter((r) => (r.mandant_id === null ? canSee(user, { prozesseigner: r.prozesseigner, mandant_id: r.traeger, mandanten: r.mandanten }) : canAccessMandant(user, r.mandant_id)))
      .map((r) => ({
        onlinedienstId: r.onlinedienst_id, name: r.name, taskId: r.task_id, title: r.title, role: r.role, mandantId: r.mandant_id,
        phase: r.phase, dueAt: r.due_at, reminders: r.reminders,
      }));
    return c.json({ items });
  });

  registry.add({
    method: 'get', path: '/api/onlinedienste/{id}', tag: 'Onlinedienste', roles: READERS,
    summary: 'Live state of the lifecycle (workflow query): phase, open tasks with deadlines, history, gate, rollout, release checks',
    response: { status: 200, description: 'the lifecycle' },
    errors: [404],
  });
  app.get('/:id', requireRole(...READERS), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    await visibleLifecycle(user, id);
    const view = await command(`Onlinedienst ${id}`, () => handle(id).query(lifecycleStateQuery));
    return c.json({ ...scopedView(user, view), temporalUiUrl: workflowUiUrl(deps, lifecycleWorkflowId(id)) });
  });

  registry.add({
    method: 'post', path: '/api/onlinedienste/{id}/aufgaben/{taskId}', tag: 'Onlinedienste', roles: [],
    summary: 'Completes an open task with its fields (Temporal Update). Refused: wrong role/Mandant 403, wrong phase or not open 409, invalid fields 400; 202 when the gate check holds the phase',
    body: taskFields,
    response: { status: 200, description: 'applied (202: held by the gate check, failures listed)' },
    errors: [404, 409],
  });
  app.post('/:id/aufgaben/:taskId', requireRole(), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    await visibleLifecycle(user, id);
    const fields = await jsonBody(c, taskFields);
    const result = await command(`Onlinedienst ${id}`, () =>
      handle(id).executeUpdate(completeTaskUpdate, { args: [{ taskId: c.req.param('taskId'), actor: actorOf(user), fields }] }),
    );
    return c.json(result, result.status === 'gehalten' ? 202 : 200);
  });

  registry.add({
    method: 'post', path: '/api/onlinedienste/{id}/ereignisse/{type}', tag: 'Onlinedienste', roles: [],
    summary: `Reports an outside event in Betrieb (${EVENT_TYPES.join(', ')}): opens a task for the responsible role`,
    body: z.union([rechtsaenderungSchema(), konfigurationsaenderungSchema(), stoerungSchema()]),
    response: { status: 201, description: 'the opened task' },
    errors: [404, 409],
  });
  app.post('/:id/ereignisse/:type', requireRole(), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    const type = c.req.param('type');
    if (!(EVENT_TYPES as readonly string[]).includes(type)) throw new HttpProblem(404, 'Nicht gefunden', `Unbekanntes Ereignis ${type}; erlaubt: ${EVENT_TYPES.join(', ')}`);
    await visibleLifecycle(user, id);
    const payload = await jsonBody(c, taskFields);
    const result = await command(`Onlinedienst ${id}`, () =>
      handle(id).executeUpdate(reportEventUpdate, { args: [{ type: type as (typeof EVENT_TYPES)[number], actor: actorOf(user), payload }] }),
    );
    return c.json(result, 201);
  });

  registry.add({
    method: 'post', path: '/api/onlinedienste/{id}/abschaltung', tag: 'Onlinedienste', roles: ['prozesseigner'],
    summary: 'The Prozesseigner decides the shutdown: open Anträge run out (auslaufen) or are handed over (uebergeben), Mandanten are told, retention follows',
    body: abschaltungSchema(),
    response: { status: 200, description: 'the shutdown began' },
    errors: [404, 409],
  });
  app.post('/:id/abschaltung', requireRole('prozesseigner'), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    await visibleLifecycle(user, id);
    const payload = await jsonBody(c, taskFields);
    const result = await command(`Onlinedienst ${id}`, () => handle(id).executeUpdate(decideShutdownUpdate, { args: [{ actor: actorOf(user), payload }] }));
    return c.json(result);
  });

  registry.add({
    method: 'post', path: '/api/onlinedienste/{id}/gate-pruefung', tag: 'Onlinedienste', roles: ['prozesseigner', 'mandant-admin', 'projektleitung', 'awb'],
    summary: 'Runs a held gate check again now (after the master data was fixed); passing it applies the held completion',
    response: { status: 200, description: 'the gate result (202: still held)' },
    errors: [404, 409],
  });
  app.post('/:id/gate-pruefung', requireRole('prozesseigner', 'mandant-admin', 'projektleitung', 'awb'), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    await visibleLifecycle(user, id);
    const result = await command(`Onlinedienst ${id}`, () => handle(id).executeUpdate(recheckGateUpdate, { args: [{ actor: actorOf(user) }] }));
    return c.json(result, result?.status === 'gehalten' ? 202 : 200);
  });

  registry.add({
    method: 'get', path: '/api/onlinedienste/{id}/audit', tag: 'Onlinedienste', roles: ['prozesseigner', 'awb', 'projektleitung'],
    summary: 'The Onlinedienst\'s audit trail: every transition with actor, time and reason',
    response: { status: 200, description: 'audit entries, oldest first' },
    errors: [404],
  });
  app.get('/:id/audit', requireRole('prozesseigner', 'awb', 'projektleitung'), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    await visibleLifecycle(user, id);
    const rows = await deps.db
      .selectFrom('audit_log')
      .select(['id', 'at', 'actor', 'action', 'mandant_id', 'details'])
      .where((eb) => eb.or([eb.and([eb('subject_type', '=', 'onlinedienst'), eb('subject_id', '=', id)]), eb.and([eb('subject_type', '=', 'rollout-ticket'), eb('subject_id', 'like', `rollout-${id}-%`)])]))
      .orderBy('id')
      .execute();
    return c.json({ items: rows });
  });

  // --------------------------------------------------------------------------------------------- activations
  registry.add({
    method: 'get', path: '/api/onlinedienste/{id}/aktivierungen', tag: 'Aktivierungen', roles: READERS,
    summary: 'The activations the caller may see, with Wartungsmodus and Prozessparameter (protected ones masked)',
    response: { status: 200, description: 'activations' },
    errors: [404],
  });
  app.get('/:id/aktivierungen', requireRole(...READERS), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    await visibleLifecycle(user, id);
    const rows = (await deps.db.selectFrom('aktivierung').selectAll().where('onlinedienst_id', '=', id).orderBy('mandant_id').execute()).filter((a) =>
      canAccessMandant(user, a.mandant_id),
    );
    const params = rows.length === 0 ? [] : await deps.db.selectFrom('prozessparameter').selectAll().where('aktivierung_id', 'in', rows.map((r) => r.id)).orderBy('key').execute();
    return c.json({
      items: rows.map((a) => ({
        id: a.id, mandantId: a.mandant_id, organisationseinheitId: a.oe_id, leistungId: a.leistung_id, status: a.status,
        wartungsmodus: a.wartungsmodus, wartungsmodusText: a.wartungsmodus_text,
        prozessparameter: params.filter((p) => p.aktivierung_id === a.id).map(maskParameter),
      })),
    });
  });

  registry.add({
    method: 'put', path: '/api/onlinedienste/{id}/aktivierungen/{mandantId}', tag: 'Aktivierungen', roles: ['mandant-admin', 'prozesseigner'],
    summary: 'Records the activation of a Mandant: zuständige Stelle (OE) and Leistung; the lifecycle learns the Mandant',
    body: aktivierungBody,
    response: { status: 200, description: 'the activation' },
    errors: [404, 409],
  });
  app.put('/:id/aktivierungen/:mandantId', requireRole('mandant-admin', 'prozesseigner'), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    const mandantId = c.req.param('mandantId');
    // A Mandant may activate any Onlinedienst for itself (that is how municipalities take over a state-built one);
    // for other Mandanten only the Prozesseigner records activations.
    const row = await deps.db.selectFrom('lifecycle').selectAll().where('onlinedienst_id', '=', id).executeTakeFirst();
    const ownMandant = user.roles.includes('mandant-admin') && canAccessMandant(user, mandantId);
    const owner = user.roles.includes('prozesseigner') && row !== undefined && canSee(user, row);
    if (!row || (!ownMandant && !owner)) throw new HttpProblem(404, 'Nicht gefunden', `Onlinedienst ${id} or Mandant ${mandantId} not found`);
    const body = await jsonBody(c, aktivierungBody);
    const [mandant, oe, leistung] = await Promise.all([
      deps.db.selectFrom('mandant').select('id').where('id', '=', mandantId).executeTakeFirst(),
      deps.db.selectFrom('organisationseinheit').select(['id', 'mandant_id']).where('id', '=', body.organisationseinheitId).executeTakeFirst(),
      deps.db.selectFrom('leistung').select('id').where('id', '=', body.leistungId).executeTakeFirst(),
    ]);
    const invalid = [
      ...(mandant ? [] : [{ name: 'mandantId', reason: `Der Mandant ${mandantId} ist nicht vorhanden.` }]),
      ...(oe ? [] : [{ name: 'organisationseinheitId', reason: `Die zuständige Stelle ${body.organisationseinheitId} ist nicht als Organisationseinheit angelegt.` }]),
      ...(leistung ? [] : [{ name: 'leistungId', reason: `Die Leistung ${body.leistungId} ist im System nicht vorhanden.` }]),
    ];
    if (invalid.length > 0) throw new HttpProblem(400, 'Ungültige Eingabe', invalid.map((p) => p.reason).join(' '), { invalidParams: invalid });
    const aid = aktivierungId(id, mandantId);
    // The mailbox first, so the tasks the workflow opens for this Mandant reach it.
    if (body.kontakt) {
      await deps.db
        .updateTable('lifecycle')
        .set({ kontakte: sql`kontakte || ${JSON.stringify({ [`mandant-admin:${mandantId}`]: body.kontakt })}::jsonb` })
        .where('onlinedienst_id', '=', id)
        .execute();
    }
    // The workflow decides whether the Mandant may join (not after the shutdown); its projection writes must not
    // wait on a transaction of ours, so the activation row follows the Update (a repeated PUT is idempotent).
    await command(`Onlinedienst ${id}`, () => handle(id).executeUpdate(registerMandantUpdate, { args: [{ actor: actorOf(user), mandantId }] }));
    const stored = await deps.db.transaction().execute(async (trx) => {
      const saved = await trx
        .insertInto('aktivierung')
        .values({ id: aid, onlinedienst_id: id, mandant_id: mandantId, oe_id: body.organisationseinheitId, leistung_id: body.leistungId, status: 'entwurf', wartungsmodus_text: null })
        .onConflict((oc) => oc.column('id').doUpdateSet({ oe_id: body.organisationseinheitId, leistung_id: body.leistungId, updated_at: sql`now()` }))
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(trx, {
        actor: user.id, action: 'aktivierung.erfasst', subjectType: 'onlinedienst', subjectId: id, mandantId,
        details: { aktivierungId: aid, organisationseinheitId: body.organisationseinheitId, leistungId: body.leistungId },
        idempotencyKey: `api:${c.get('requestId' as never)}`,
      });
      return saved;
    });
    return c.json({ id: stored.id, mandantId, organisationseinheitId: stored.oe_id, leistungId: stored.leistung_id, status: stored.status, wartungsmodus: stored.wartungsmodus });
  });

  registry.add({
    method: 'get', path: '/api/onlinedienste/{id}/aktivierungen/{mandantId}/prozessparameter', tag: 'Aktivierungen',
    roles: ['mandant-admin', 'awb', 'projektleitung', 'prozesseigner'],
    summary: 'Prozessparameter of one activation; protected values are never returned',
    response: { status: 200, description: 'parameters', schema: z.object({ items: z.array(parameterView) }) },
    errors: [404],
  });
  app.get('/:id/aktivierungen/:mandantId/prozessparameter', requireRole('mandant-admin', 'awb', 'projektleitung', 'prozesseigner'), async (c) => {
    const user = currentUser(c);
    const a = await ownAktivierung(user, c.req.param('id'), c.req.param('mandantId'));
    const params = await deps.db.selectFrom('prozessparameter').selectAll().where('aktivierung_id', '=', a.id).orderBy('key').execute();
    return c.json({ items: params.map(maskParameter) });
  });

  registry.add({
    method: 'put', path: '/api/onlinedienste/{id}/aktivierungen/{mandantId}/prozessparameter', tag: 'Aktivierungen', roles: ['mandant-admin'],
    summary: 'Sets Prozessparameter of the Mandant\'s own activation; protected values are stored encrypted (AES-256-GCM), never returned or logged',
    body: parameterBody,
    response: { status: 200, description: 'the parameters (protected masked)', schema: z.object({ items: z.array(parameterView) }) },
    errors: [404, 503],
  });
  app.put('/:id/aktivierungen/:mandantId/prozessparameter', requireRole('mandant-admin'), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    const a = await ownAktivierung(user, id, c.req.param('mandantId'));
    const key = deps.parameterKey;
    if (!key) throw new HttpProblem(503, 'Nicht verfügbar', 'Kein Schlüssel für geschützte Prozessparameter konfiguriert (PARAMETER_KEY).');
    const body = await jsonBody(c, parameterBody);
    await deps.db.transaction().execute(async (trx) => {
      for (const p of body.parameter) {
        const values = p.geschuetzt
          ? { value: null, value_encrypted: encryptParameter(key, p.wert), protected: true }
          : { value: p.wert, value_encrypted: null, protected: false };
        await trx
          .insertInto('prozessparameter')
          .values({ aktivierung_id: a.id, key: p.key, ...values })
          .onConflict((oc) => oc.columns(['aktivierung_id', 'key']).doUpdateSet({ ...values, updated_at: sql`now()` }))
          .execute();
      }
      await appendAudit(trx, {
        actor: user.id, action: 'aktivierung.prozessparameter.geaendert', subjectType: 'onlinedienst', subjectId: id, mandantId: a.mandant_id,
        // Keys only: values (and protected ones above all) stay out of the audit trail.
        details: { aktivierungId: a.id, keys: body.parameter.map((p) => p.key), geschuetzt: body.parameter.filter((p) => p.geschuetzt).map((p) => p.key) },
        idempotencyKey: `api:${c.get('requestId' as never)}`,
      });
    });
    // The workflow learns that something changed, never the values.
    await handle(id)
      .signal(prozessparameterChangedSignal, { mandantId: a.mandant_id, keys: body.parameter.map((p) => p.key), actor: user.id })
      .catch((err: unknown) => deps.log.warn({ onlinedienstId: id, err: (err as Error).message }, 'lifecycle not told about parameter change'));
    const params = await deps.db.selectFrom('prozessparameter').selectAll().where('aktivierung_id', '=', a.id).orderBy('key').execute();
    return c.json({ items: params.map(maskParameter) });
  });

  return app;
}

function maskParameter(p: { key: string; protected: boolean; value: string | null; updated_at: Date }) {
  return { key: p.key, geschuetzt: p.protected, wert: p.protected ? null : p.value, gesetzt: true, aktualisiertAm: p.updated_at.toISOString() };
}
