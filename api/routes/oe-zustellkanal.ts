// Where an Organisationseinheit receives the Anträge a process addresses to it by an answer (the Schulanmeldung's
// chosen school): its folder in the Transferverzeichnis and its FIT-Connect destination. Set by its Mandant,
// audited; an OE without one turns such an Antrag into a Störung for the Mandant until it is set.
import { z } from '@hono/zod-openapi';
import { appendAudit } from '../../db/stores/audit';
import { findOrganisationseinheitOf, setZustellkanal } from '../../db/stores/organisationseinheit';
import { currentUser } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router } from '../route';
import { MAINTAINERS, READERS, scopedMandant } from './organisationseinheiten';

const params = z.object({
  id: z.string().openapi({ description: 'the Mandant id' }),
  oeId: z.string().openapi({ description: 'the Organisationseinheit id' }),
});

const kanal = z.object({
  /** A folder name below the Transferverzeichnis root; null clears it. */
  verzeichnis: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'Ordnername: Buchstaben, Ziffern, . _ -')
    .nullable(),
  fitconnectDestinationId: z.string().min(1).max(200).nullable().default(null),
});

const kanalSchema = z
  .object({ oeId: z.string(), verzeichnis: z.string().nullable(), fitconnectDestinationId: z.string().nullable() })
  .openapi('OeZustellkanal');

export const zustellkanalRoute = apiRoute({
  method: 'put',
  path: '/{id}/organisationseinheiten/{oeId}/zustellkanal',
  tag: 'Mandanten',
  roles: MAINTAINERS,
  summary: 'Sets where the OE receives Anträge a process addresses to it by an answer (folder, FIT-Connect)',
  request: { params, body: jsonBody(kanal) },
  responses: { 200: json(kanalSchema, "the OE's delivery channel") },
  problems: [404],
});

export const zustellkanalLesenRoute = apiRoute({
  method: 'get',
  path: '/{id}/organisationseinheiten/{oeId}/zustellkanal',
  tag: 'Mandanten',
  roles: READERS,
  summary: 'Where the OE receives Anträge a process addresses to it by an answer (folder, FIT-Connect)',
  request: { params },
  responses: { 200: json(kanalSchema, "the OE's delivery channel") },
  problems: [404],
});

const nichtGefunden = (id: string, oeId: string) =>
  new HttpProblem(404, 'Nicht gefunden', `Die Organisationseinheit ${oeId} gehört nicht zum Mandanten ${id}.`);

export function zustellkanalRoutes(deps: ApiDeps) {
  const app = router();
  app.openapi(zustellkanalLesenRoute, async (c) => {
    const { id, oeId } = c.req.valid('param');
    await scopedMandant(deps.db, currentUser(c), id);
    const row = await findOrganisationseinheitOf(deps.db, id, oeId);
    if (!row) throw nichtGefunden(id, oeId);
    return c.json(
      { oeId: row.id, verzeichnis: row.zustell_verzeichnis, fitconnectDestinationId: row.fitconnect_destination_id },
      200,
    );
  });
  app.openapi(zustellkanalRoute, async (c) => {
    const user = currentUser(c);
    const { id, oeId } = c.req.valid('param');
    const body = c.req.valid('json');
    await scopedMandant(deps.db, user, id);
    const row = await deps.db.transaction().execute(async (trx) => {
      const updated = await setZustellkanal(trx, id, oeId, body);
      if (!updated) throw nichtGefunden(id, oeId);
      await appendAudit(trx, {
        actor: user.id,
        action: 'organisationseinheit.zustellkanal.gesetzt',
        subjectType: 'organisationseinheit',
        subjectId: oeId,
        mandantId: id,
        details: { ...body },
        idempotencyKey: `api:${c.get('requestId')}`,
      });
      return updated;
    });
    return c.json(
      { oeId: row.id, verzeichnis: row.zustell_verzeichnis, fitconnectDestinationId: row.fitconnect_destination_id },
      200,
    );
  });
  return app;
}
