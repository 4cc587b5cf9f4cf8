// Operations around Anträge: which Fachverfahren endpoints are down and how many Anträge wait on them (AWB),
// and the Wartungsmodus of an activation (its Mandant).
import { z } from '@hono/zod-openapi';
import { findAktivierung, setWartungsmodus } from '../../db/stores/aktivierung';
import { listEndpunkte } from '../../db/stores/antrag';
import { appendAudit } from '../../db/stores/audit';
import { assertMandantAccess, currentUser } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router } from '../route';
import { endpunktListSchema, wartungsmodusSchema } from '../schemas/betrieb';
import { releaseHeldAntraege } from '../wartungsmodus';

const wartungsmodusBody = z.object({
  aktiv: z.boolean(),
  art: z.enum(['refuse', 'hold']).default('refuse'),
  text: z.string().max(1000).nullable().default(null),
});

export const endpunkteRoute = apiRoute({
  method: 'get',
  path: '/endpunkte',
  tag: 'Betrieb',
  roles: ['awb', 'projektleitung'],
  summary: 'Fachverfahren endpoints: down since when, last error, Anträge waiting',
  responses: { 200: json(endpunktListSchema, 'endpoints') },
});

export const wartungsmodusRoute = apiRoute({
  method: 'put',
  path: '/aktivierungen/{id}/wartungsmodus',
  tag: 'Betrieb',
  roles: ['mandant-admin', 'prozesseigner'],
  summary:
    'Switches Wartungsmodus: refuse (503 with the text) or hold (accept, process later); off releases held Anträge',
  request: { params: z.object({ id: z.string() }), body: jsonBody(wartungsmodusBody) },
  responses: { 200: json(wartungsmodusSchema, 'the new setting') },
  problems: [404],
});

export function betriebRoutes(deps: ApiDeps) {
  const app = router();

  app.openapi(endpunkteRoute, async (c) => {
    const now = Date.now();
    const rows = await listEndpunkte(deps.db);
    const items = rows.map((r) => ({
      ...r,
      erreichbar: r.down_since === null,
      wartetSeitSekunden: r.down_since ? Math.round((now - r.down_since.getTime()) / 1000) : 0,
    }));
    return c.json({ items }, 200);
  });

  app.openapi(wartungsmodusRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    const aktivierung = await findAktivierung(deps.db, id);
    if (!aktivierung) throw new HttpProblem(404, 'Nicht gefunden', `Aktivierung ${id} not found`);
    assertMandantAccess(user, aktivierung.mandant_id);
    const body = c.req.valid('json');
    const { warAktiv } = await setWartungsmodus(deps.db, id, body);
    const freigegeben = warAktiv && !body.aktiv ? await releaseHeldAntraege(deps.db, deps.temporal, id) : 0;
    await appendAudit(deps.db, {
      actor: user.id,
      action: body.aktiv ? 'aktivierung.wartungsmodus-an' : 'aktivierung.wartungsmodus-aus',
      subjectType: 'aktivierung',
      subjectId: id,
      mandantId: aktivierung.mandant_id,
      details: { art: body.art, freigegeben },
      idempotencyKey: `api:${c.get('requestId')}`,
    });
    return c.json({ aktivierungId: id, ...body, freigegeben, actor: user.id, mandantId: aktivierung.mandant_id }, 200);
  });
  return app;
}
