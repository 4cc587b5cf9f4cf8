// Operations around Anträge: which Fachverfahren endpoints are down and how many Anträge wait on them (AWB),
// and the Wartungsmodus of an activation (its Mandant).
import { Hono } from 'hono';
import { sql } from 'kysely';
import { appendAudit } from '../../db/stores/audit';
import { assertMandantAccess, currentUser, requireRole, type AuthVariables } from '../auth';
import type { ApiDeps } from '../deps';
import type { ApiRegistry } from '../openapi';
import { HttpProblem } from '../problem';
import { jsonBody } from '../validation';
import { setzeWartungsmodus, wartungsmodusBody } from './antraege';

export function betriebRoutes(deps: ApiDeps, registry: ApiRegistry) {
  const app = new Hono<{ Variables: AuthVariables }>();

  registry.add({
    method: 'get', path: '/api/endpunkte', tag: 'Betrieb', roles: ['awb', 'projektleitung'],
    summary: 'Fachverfahren endpoints: down since when, last error, Anträge waiting',
    response: { status: 200, description: 'endpoints' },
  });
  app.get('/endpunkte', requireRole('awb', 'projektleitung'), async (c) => {
    const rows = await deps.db
      .selectFrom('endpunkt_status')
      .leftJoin('zustellung', (j) => j.onRef('zustellung.endpunkt', '=', 'endpunkt_status.endpunkt').on('zustellung.zugestellt_am', 'is', null))
      .select(['endpunkt_status.endpunkt', 'endpunkt_status.down_since', 'endpunkt_status.last_error', 'endpunkt_status.last_attempt_at', 'endpunkt_status.last_success_at'])
      .select(sql<number>`count(zustellung.vorgangsnummer)::int`.as('wartend'))
      .groupBy(['endpunkt_status.endpunkt', 'endpunkt_status.down_since', 'endpunkt_status.last_error', 'endpunkt_status.last_attempt_at', 'endpunkt_status.last_success_at'])
      .orderBy('endpunkt_status.endpunkt')
      .execute();
    const now = Date.now();
    return c.json({
      items: rows.map((r) => ({ ...r, erreichbar: r.down_since === null, wartetSeitSekunden: r.down_since ? Math.round((now - r.down_since.getTime()) / 1000) : 0 })),
    });
  });

  registry.add({
    method: 'put', path: '/api/aktivierungen/{id}/wartungsmodus', tag: 'Betrieb', roles: ['mandant-admin', 'prozesseigner'],
    summary: 'Switches Wartungsmodus: refuse (503 with the text) or hold (accept, process later); off releases held Anträge',
    body: wartungsmodusBody, response: { status: 200, description: 'the new setting' }, errors: [404],
  });
  app.put('/aktivierungen/:id/wartungsmodus', requireRole('mandant-admin', 'prozesseigner'), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    const aktivierung = await deps.db.selectFrom('aktivierung').select(['mandant_id']).where('id', '=', id).executeTakeFirst();
    if (!aktivierung) throw new HttpProblem(404, 'Nicht gefunden', `Aktivierung ${id} not found`);
    assertMandantAccess(user, aktivierung.mandant_id);
    const body = await jsonBody(c, wartungsmodusBody);
    const result = await setzeWartungsmodus(deps, id, body, user.id);
    await appendAudit(deps.db, {
      actor: user.id, action: body.aktiv ? 'aktivierung.wartungsmodus-an' : 'aktivierung.wartungsmodus-aus', subjectType: 'aktivierung',
      subjectId: id, mandantId: aktivierung.mandant_id, details: { art: body.art, freigegeben: result.freigegeben },
      idempotencyKey: `api:${c.get('requestId' as never)}`,
    });
    return c.json(result);
  });
  return app;
}
