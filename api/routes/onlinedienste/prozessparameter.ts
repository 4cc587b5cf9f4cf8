// The Prozessparameter of one activation. Only the Mandant-Admin of that Mandant sets them; AWB, Projektleitung and
// the Prozesseigner read them. Protected values are stored encrypted (AES-256-GCM) and never returned, logged or
// passed through workflow history: the lifecycle only learns which keys changed.
import { z } from '@hono/zod-openapi';
import {
  findAktivierungOf,
  listProzessparameter,
  saveProzessparameter,
  type Prozessparameter,
} from '../../../db/stores/aktivierung';
import { appendAudit } from '../../../db/stores/audit';
import { deklarierteParameter } from '../../../db/stores/formular';
import { pruefeParameter } from '../../../domain/formular/parameter';
import { lifecycleWorkflowId, prozessparameterChangedSignal } from '../../../messages/onlinedienst';
import { encryptParameter } from '../../../runtime/secrets';
import { canAccessMandant, currentUser, type User } from '../../auth';
import type { ApiDeps } from '../../deps';
import { badRequest, HttpProblem } from '../../problem';
import { apiRoute, json, jsonBody, router } from '../../route';
import { parameterListSchema } from '../../schemas/aktivierung';
import { aktivierungParams, visibleLifecycle } from './access';

const parameterBody = z.strictObject({
  parameter: z
    .array(
      z.strictObject({
        key: z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'Buchstaben, Ziffern, _ . -; beginnt mit einem Buchstaben.'),
        wert: z.string().max(4000),
        geschuetzt: z.boolean().default(false),
      }),
    )
    .min(1),
});

export const getParameterRoute = apiRoute({
  method: 'get',
  path: '/{id}/aktivierungen/{mandantId}/prozessparameter',
  tag: 'Aktivierungen',
  roles: ['mandant-admin', 'awb', 'projektleitung', 'prozesseigner'],
  summary: 'Prozessparameter of one activation; protected values are never returned',
  request: { params: aktivierungParams },
  responses: { 200: json(parameterListSchema, 'parameters') },
  problems: [404],
});

export const putParameterRoute = apiRoute({
  method: 'put',
  path: '/{id}/aktivierungen/{mandantId}/prozessparameter',
  tag: 'Aktivierungen',
  roles: ['mandant-admin'],
  summary:
    "Sets Prozessparameter of the Mandant's own activation; protected values are stored encrypted (AES-256-GCM), " +
    'never returned or logged. Only keys the process declares, with values of their type (invalidParams name the ' +
    'key); without a definition yet, keys in the standard namespaces (gebuehr., epaybl., zustellung., fitconnect., ' +
    'frist.) must be standard parameters.',
  request: { params: aktivierungParams, body: jsonBody(parameterBody) },
  responses: { 200: json(parameterListSchema, 'the parameters (protected masked)') },
  problems: [404, 503],
});

export function masked(p: Prozessparameter) {
  return {
    key: p.key,
    geschuetzt: p.protected,
    wert: p.protected ? null : p.value,
    gesetzt: true,
    aktualisiertAm: p.updated_at.toISOString(),
  };
}

export function prozessparameterRoutes(deps: ApiDeps) {
  const app = router();
  const handle = (id: string) => deps.temporal.workflow.getHandle(lifecycleWorkflowId(id));

  async function ownAktivierung(user: User, id: string, mandantId: string) {
    await visibleLifecycle(deps.db, user, id);
    const row = canAccessMandant(user, mandantId) ? await findAktivierungOf(deps.db, id, mandantId) : undefined;
    if (!row) throw new HttpProblem(404, 'Nicht gefunden', `Aktivierung ${id}/${mandantId} not found`);
    return row;
  }

  app.openapi(getParameterRoute, async (c) => {
    const { id, mandantId } = c.req.valid('param');
    const a = await ownAktivierung(currentUser(c), id, mandantId);
    return c.json({ items: (await listProzessparameter(deps.db, [a.id])).map(masked) }, 200);
  });

  app.openapi(putParameterRoute, async (c) => {
    const user = currentUser(c);
    const { id, mandantId } = c.req.valid('param');
    const a = await ownAktivierung(user, id, mandantId);
    const key = deps.parameterKey;
    if (!key) {
      throw new HttpProblem(
        503,
        'Nicht verfügbar',
        'Kein Schlüssel für geschützte Prozessparameter konfiguriert (PARAMETER_KEY).',
      );
    }
    const { parameter } = c.req.valid('json');
    const pruefung = pruefeParameter(parameter, await deklarierteParameter(deps.db, id));
    if (pruefung.probleme.length > 0) throw badRequest(pruefung.probleme, 'body');
    const keys = parameter.map((p) => p.key);
    await deps.db.transaction().execute(async (trx) => {
      await saveProzessparameter(
        trx,
        a.id,
        parameter.map((p) =>
          pruefung.geschuetzt.has(p.key)
            ? { key: p.key, protected: true, encrypted: encryptParameter(key, p.wert) }
            : { key: p.key, protected: false, value: p.wert },
        ),
      );
      await appendAudit(trx, {
        actor: user.id,
        action: 'aktivierung.prozessparameter.geaendert',
        subjectType: 'onlinedienst',
        subjectId: id,
        mandantId: a.mandant_id,
        // Keys only: values (and protected ones above all) stay out of the audit trail.
        details: { aktivierungId: a.id, keys, geschuetzt: keys.filter((k) => pruefung.geschuetzt.has(k)) },
        idempotencyKey: `api:${c.get('requestId')}`,
      });
    });
    // The workflow learns that something changed, never the values.
    await handle(id)
      .signal(prozessparameterChangedSignal, { mandantId: a.mandant_id, keys, actor: user.id })
      .catch((err: unknown) =>
        deps.log.warn({ onlinedienstId: id, err: (err as Error).message }, 'lifecycle not told about parameter change'),
      );
    return c.json({ items: (await listProzessparameter(deps.db, [a.id])).map(masked) }, 200);
  });

  return app;
}
