// Mandanten and their master data (Impressum, Datenschutzbeauftragte/r, Logo); their Organisationseinheiten and
// Behördenkonten are mounted here too (organisationseinheiten.ts, behoerdenkonten.ts). Scoped: a Mandant-Admin sees
// and maintains only its own Mandant; AWB and Projektleitung see all.
//
// The example of a declared router: each route is declared once with apiRoute() (path, roles, request, responses)
// and served with app.openapi(route, handler); the handler gets validated input and reaches the database through
// db/stores only.
import { z } from '@hono/zod-openapi';
import { appendAudit } from '../../db/stores/audit';
import { findMandant, listMandanten, mandantExists, saveMandant } from '../../db/stores/mandant';
import type { Mandant } from '../../db/schema';
import { assertMandantAccess, canAccessMandant, currentUser } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router } from '../route';
import { behoerdenkontenRoutes } from './behoerdenkonten';
import { organisationseinheitenRoutes } from './organisationseinheiten';
import { zustellkanalRoutes } from './oe-zustellkanal';
import { datenschutzbeauftragteRSchema, mandantListSchema, mandantSchema, type MandantView } from '../schemas/mandant';

const READERS = ['awb', 'projektleitung', 'mandant-admin', 'sachbearbeitung', 'prozesseigner'] as const;

const stammdaten = z.object({
  name: z.string().min(2).max(200),
  impressum: z.string().max(10_000).nullable().default(null),
  datenschutzerklaerungUrl: z.url().nullable().default(null),
  datenschutzbeauftragteR: datenschutzbeauftragteRSchema.nullable().default(null),
  logoUrl: z.url().nullable().default(null),
});

export const listRoute = apiRoute({
  method: 'get',
  path: '/',
  tag: 'Mandanten',
  roles: READERS,
  summary: 'Lists the Mandanten the caller may see',
  responses: { 200: json(mandantListSchema, 'Mandanten') },
});

export const getRoute = apiRoute({
  method: 'get',
  path: '/{id}',
  tag: 'Mandanten',
  roles: READERS,
  summary: 'One Mandant with its master data',
  request: { params: z.object({ id: z.string() }) },
  responses: { 200: json(mandantSchema, 'the Mandant') },
  problems: [404],
});

export const putRoute = apiRoute({
  method: 'put',
  path: '/{id}',
  tag: 'Mandanten',
  roles: ['mandant-admin', 'projektleitung'],
  summary:
    "Creates or replaces a Mandant's master data (Mandant-Admin: own Mandant only; creating needs Projektleitung)",
  request: {
    params: z.object({
      id: z.string().regex(/^[a-z0-9-]{2,60}$/, 'Kleinbuchstaben, Ziffern und -, 2–60 Zeichen.'),
    }),
    body: jsonBody(stammdaten),
  },
  responses: { 200: json(mandantSchema, 'the stored Mandant') },
  problems: [404],
});

function view(row: Mandant): MandantView {
  return {
    id: row.id,
    name: row.name,
    impressum: row.impressum,
    datenschutzerklaerungUrl: row.datenschutzerklaerung_url,
    datenschutzbeauftragteR: row.datenschutzbeauftragte_r,
    logoUrl: row.logo_url,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function mandantenRoutes(deps: ApiDeps) {
  const app = router();

  app.openapi(listRoute, async (c) => {
    const user = currentUser(c);
    const rows = await listMandanten(deps.db);
    return c.json({ items: rows.filter((r) => canAccessMandant(user, r.id)).map(view) }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    assertMandantAccess(currentUser(c), id);
    const row = await findMandant(deps.db, id);
    if (!row) throw new HttpProblem(404, 'Nicht gefunden', `Mandant ${id} not found`);
    return c.json(view(row), 200);
  });

  app.openapi(putRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    assertMandantAccess(user, id);
    const input = c.req.valid('json');
    const row = await deps.db.transaction().execute(async (trx) => {
      const existing = await mandantExists(trx, id);
      if (!existing && !user.roles.includes('projektleitung')) {
        throw new HttpProblem(404, 'Nicht gefunden', `Mandant ${id} not found; only Projektleitung creates Mandanten`);
      }
      const stored = await saveMandant(trx, id, input);
      await appendAudit(trx, {
        actor: user.id,
        action: existing ? 'mandant.stammdaten.geaendert' : 'mandant.angelegt',
        subjectType: 'mandant',
        subjectId: id,
        mandantId: id,
        details: { fields: Object.keys(input) },
        idempotencyKey: `api:${c.get('requestId')}`,
      });
      return stored;
    });
    return c.json(view(row), 200);
  });

  app.route('/', organisationseinheitenRoutes(deps));
  app.route('/', zustellkanalRoutes(deps));
  app.route('/', behoerdenkontenRoutes(deps));
  return app;
}
