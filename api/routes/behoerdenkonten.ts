// A Mandant's Behördenkonten (the authority's mailbox accounts an OE can use as its channel), and the catalogue of
// Leistungen an OE can be zuständig for. Registering a Behördenkonto is audited like every master-data change.
import { z } from '@hono/zod-openapi';
import { appendAudit } from '../../db/stores/audit';
import { insertBehoerdenkonto, listBehoerdenkonten, listLeistungen } from '../../db/stores/organisationseinheit';
import { currentUser } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router } from '../route';
import { behoerdenkontoListSchema, behoerdenkontoSchema, leistungListSchema } from '../schemas/organisationseinheit';
import { MAINTAINERS, READERS, scopedMandant } from './organisationseinheiten';

const mandantParams = z.object({ id: z.string().openapi({ description: 'the Mandant id' }) });

const kontoBody = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{2,80}$/, 'Kleinbuchstaben, Ziffern und -, 2–80 Zeichen.'),
  bezeichnung: z.string().trim().min(2).max(200),
  /** the account's handle in the Postfach service */
  postfachHandle: z.string().trim().min(3).max(200),
});

export const listKontenRoute = apiRoute({
  method: 'get',
  path: '/{id}/behoerdenkonten',
  tag: 'Mandanten',
  roles: READERS,
  summary: "The Mandant's Behördenkonten",
  request: { params: mandantParams },
  responses: { 200: json(behoerdenkontoListSchema, 'Behördenkonten') },
  problems: [404],
});

export const createKontoRoute = apiRoute({
  method: 'post',
  path: '/{id}/behoerdenkonten',
  tag: 'Mandanten',
  roles: MAINTAINERS,
  summary: 'Registers a Behördenkonto of the Mandant (Mandant-Admin: own Mandant only)',
  request: { params: mandantParams, body: jsonBody(kontoBody) },
  responses: { 201: json(behoerdenkontoSchema, 'the Behördenkonto') },
  problems: [404, 409],
});

export const leistungenRoute = apiRoute({
  method: 'get',
  path: '/',
  tag: 'Mandanten',
  roles: READERS,
  summary: 'The Leistungen (LeiKa) an Organisationseinheit can be zuständig for',
  responses: { 200: json(leistungListSchema, 'Leistungen') },
});

export function behoerdenkontenRoutes(deps: ApiDeps) {
  const app = router();

  app.openapi(listKontenRoute, async (c) => {
    const { id } = c.req.valid('param');
    await scopedMandant(deps.db, currentUser(c), id);
    const rows = await listBehoerdenkonten(deps.db, id);
    const items = rows.map((r) => ({
      id: r.id,
      mandantId: r.mandant_id,
      bezeichnung: r.bezeichnung,
      postfachHandle: r.postfach_handle,
    }));
    return c.json({ items }, 200);
  });

  app.openapi(createKontoRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    await scopedMandant(deps.db, user, id);
    const input = c.req.valid('json');
    const row = await deps.db.transaction().execute(async (trx) => {
      const inserted = await insertBehoerdenkonto(trx, id, input);
      if (!inserted) {
        throw new HttpProblem(409, 'Konflikt', `Das Behördenkonto ${input.id} gibt es schon.`, {
          invalidParams: [{ name: 'id', reason: `Die Kennung ${input.id} ist schon vergeben.` }],
        });
      }
      await appendAudit(trx, {
        actor: user.id,
        action: 'behoerdenkonto.angelegt',
        subjectType: 'behoerdenkonto',
        subjectId: input.id,
        mandantId: id,
        details: { bezeichnung: input.bezeichnung },
        idempotencyKey: `api:${c.get('requestId')}`,
      });
      return inserted;
    });
    return c.json(
      { id: row.id, mandantId: row.mandant_id, bezeichnung: row.bezeichnung, postfachHandle: row.postfach_handle },
      201,
    );
  });

  return app;
}

export function leistungenRoutes(deps: ApiDeps) {
  const app = router();
  app.openapi(leistungenRoute, async (c) => {
    const rows = await listLeistungen(deps.db);
    return c.json({ items: rows.map((r) => ({ id: r.id, name: r.name, beschreibung: r.beschreibung })) }, 200);
  });
  return app;
}
