// The activations of an Onlinedienst (one per Mandant): the list with Wartungsmodus and Prozessparameter (protected
// ones masked), and recording one. A Mandant-Admin sees and maintains only its own activations. The Prozessparameter
// themselves are in prozessparameter.ts.
import { z } from '@hono/zod-openapi';
import { listAktivierungen, listProzessparameter, saveAktivierung } from '../../../db/stores/aktivierung';
import { appendAudit } from '../../../db/stores/audit';
import { leistungExists, findOrganisationseinheit, mandantExists } from '../../../db/stores/mandant';
import { findLifecycle, setKontakt } from '../../../db/stores/onlinedienst';
import { aktivierungId } from '../../../domain/onlinedienst/aktivierung';
import { lifecycleWorkflowId, registerMandantUpdate } from '../../../messages/onlinedienst';
import { canAccessMandant, currentUser } from '../../auth';
import type { ApiDeps } from '../../deps';
import { actorOf } from '../../lifecycle-api';
import { HttpProblem } from '../../problem';
import { apiRoute, json, jsonBody, router } from '../../route';
import { aktivierungListSchema, aktivierungSchema } from '../../schemas/aktivierung';
import { command } from '../../workflow-calls';
import { aktivierungParams, canSee, idParams, READERS, visibleLifecycle } from './access';
import { masked } from './prozessparameter';

const aktivierungBody = z.strictObject({
  organisationseinheitId: z.string().min(1),
  leistungId: z.string().min(1),
  /** mailbox of the Mandant's administration for lifecycle tasks */
  kontakt: z.email().optional(),
});

export const listRoute = apiRoute({
  method: 'get',
  path: '/{id}/aktivierungen',
  tag: 'Aktivierungen',
  roles: READERS,
  summary: 'The activations the caller may see, with Wartungsmodus and Prozessparameter (protected ones masked)',
  request: { params: idParams },
  responses: { 200: json(aktivierungListSchema, 'activations') },
  problems: [404],
});

export const putRoute = apiRoute({
  method: 'put',
  path: '/{id}/aktivierungen/{mandantId}',
  tag: 'Aktivierungen',
  roles: ['mandant-admin', 'prozesseigner'],
  summary: 'Records the activation of a Mandant: zuständige Stelle (OE) and Leistung; the lifecycle learns the Mandant',
  request: { params: aktivierungParams, body: jsonBody(aktivierungBody) },
  responses: { 200: json(aktivierungSchema, 'the activation') },
  problems: [404, 409],
});

export function aktivierungenRoutes(deps: ApiDeps) {
  const app = router();
  const handle = (id: string) => deps.temporal.workflow.getHandle(lifecycleWorkflowId(id));

  app.openapi(listRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    await visibleLifecycle(deps.db, user, id);
    const rows = (await listAktivierungen(deps.db, id)).filter((a) => canAccessMandant(user, a.mandant_id));
    const params = await listProzessparameter(
      deps.db,
      rows.map((r) => r.id),
    );
    const items = rows.map((a) => ({
      id: a.id,
      mandantId: a.mandant_id,
      organisationseinheitId: a.oe_id,
      leistungId: a.leistung_id,
      status: a.status,
      wartungsmodus: a.wartungsmodus,
      wartungsmodusArt: a.wartungsmodus_art,
      wartungsmodusText: a.wartungsmodus_text,
      prozessparameter: params.filter((p) => p.aktivierung_id === a.id).map(masked),
    }));
    return c.json({ items }, 200);
  });

  app.openapi(putRoute, async (c) => {
    const user = currentUser(c);
    const { id, mandantId } = c.req.valid('param');
    // A Mandant may activate any Onlinedienst for itself (that is how municipalities take over a state-built one);
    // for other Mandanten only the Prozesseigner records activations.
    const row = await findLifecycle(deps.db, id);
    const ownMandant = user.roles.includes('mandant-admin') && canAccessMandant(user, mandantId);
    const owner = user.roles.includes('prozesseigner') && row !== undefined && canSee(user, row);
    if (!row || (!ownMandant && !owner)) {
      throw new HttpProblem(404, 'Nicht gefunden', `Onlinedienst ${id} or Mandant ${mandantId} not found`);
    }
    const body = c.req.valid('json');
    const [mandant, oe, leistung] = await Promise.all([
      mandantExists(deps.db, mandantId),
      findOrganisationseinheit(deps.db, body.organisationseinheitId),
      leistungExists(deps.db, body.leistungId),
    ]);
    const invalid = [
      ...(mandant ? [] : [{ name: 'mandantId', reason: `Der Mandant ${mandantId} ist nicht vorhanden.` }]),
      ...(oe
        ? []
        : [
            {
              name: 'organisationseinheitId',
              reason: `Die zuständige Stelle ${body.organisationseinheitId} ist nicht als Organisationseinheit angelegt.`,
            },
          ]),
      ...(leistung
        ? []
        : [{ name: 'leistungId', reason: `Die Leistung ${body.leistungId} ist im System nicht vorhanden.` }]),
    ];
    if (invalid.length > 0) {
      throw new HttpProblem(400, 'Ungültige Eingabe', invalid.map((p) => p.reason).join(' '), {
        invalidParams: invalid,
      });
    }
    const aid = aktivierungId(id, mandantId);
    // The mailbox first, so the tasks the workflow opens for this Mandant reach it.
    if (body.kontakt) await setKontakt(deps.db, id, `mandant-admin:${mandantId}`, body.kontakt);
    // The workflow decides whether the Mandant may join (not after the shutdown); its projection writes must not
    // wait on a transaction of ours, so the activation row follows the Update (a repeated PUT is idempotent).
    await command(`Onlinedienst ${id}`, (updateId) =>
      handle(id).executeUpdate(registerMandantUpdate, { args: [{ actor: actorOf(user), mandantId }], updateId }),
    );
    const stored = await deps.db.transaction().execute(async (trx) => {
      const saved = await saveAktivierung(trx, {
        id: aid,
        onlinedienstId: id,
        mandantId,
        organisationseinheitId: body.organisationseinheitId,
        leistungId: body.leistungId,
      });
      await appendAudit(trx, {
        actor: user.id,
        action: 'aktivierung.erfasst',
        subjectType: 'onlinedienst',
        subjectId: id,
        mandantId,
        details: {
          aktivierungId: aid,
          organisationseinheitId: body.organisationseinheitId,
          leistungId: body.leistungId,
        },
        idempotencyKey: `api:${c.get('requestId')}`,
      });
      return saved;
    });
    return c.json(
      {
        id: stored.id,
        mandantId,
        organisationseinheitId: stored.oe_id,
        leistungId: stored.leistung_id,
        status: stored.status,
        wartungsmodus: stored.wartungsmodus,
      },
      200,
    );
  });

  return app;
}
