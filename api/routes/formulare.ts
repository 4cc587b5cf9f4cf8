// The form a page renders: for an activation, the version it serves citizens; for the preview, a given version.
import { z } from '@hono/zod-openapi';
import { findAktivierung } from '../../db/stores/aktivierung';
import type { ApiDeps } from '../deps';
import { formularAnsicht } from '../formular-quelle';
import { LIFECYCLE_READERS } from '../lifecycle-api';
import { HttpProblem } from '../problem';
import { apiRoute, json, router } from '../route';
import { aktivierungFormularSchema, formularAnsichtSchema } from '../schemas/entwurf';

export const aktivierungFormularRoute = apiRoute({
  method: 'get',
  path: '/aktivierungen/{aktivierungId}',
  tag: 'Bürger',
  roles: 'public',
  summary: 'The form an activation serves citizens (sections, fields, conditions), as the web form renders it',
  request: { params: z.object({ aktivierungId: z.string().min(1).max(120) }) },
  responses: { 200: json(aktivierungFormularSchema, 'the activation and its form') },
  problems: [404],
});

export const versionFormularRoute = apiRoute({
  method: 'get',
  path: '/{onlinedienstId}/{version}',
  tag: 'Onlinedienste',
  roles: LIFECYCLE_READERS,
  summary: "One version of an Onlinedienst's form as the web form renders it (the preview)",
  request: { params: z.object({ onlinedienstId: z.string().min(1).max(120), version: z.string().min(1).max(40) }) },
  responses: { 200: json(formularAnsichtSchema, 'the form') },
  problems: [404],
});

export function formulareRoutes(deps: ApiDeps) {
  const app = router();

  app.openapi(aktivierungFormularRoute, async (c) => {
    const { aktivierungId } = c.req.valid('param');
    const a = await findAktivierung(deps.db, aktivierungId);
    const formular = a && (await formularAnsicht(deps, a.onlinedienst_id));
    if (!a || !formular)
      throw new HttpProblem(404, 'Nicht gefunden', `Kein Formular für die Aktivierung ${aktivierungId}.`, {
        invalidParams: [{ name: 'aktivierungId', reason: a ? 'kein Formular' : 'unbekannt' }],
      });
    return c.json(
      {
        aktivierungId: a.id,
        onlinedienstId: a.onlinedienst_id,
        mandantId: a.mandant_id,
        aktiv: a.status === 'aktiv',
        wartungsmodus: a.wartungsmodus,
        formular,
      },
      200,
    );
  });

  app.openapi(versionFormularRoute, async (c) => {
    const { onlinedienstId, version } = c.req.valid('param');
    const formular = await formularAnsicht(deps, onlinedienstId, version);
    if (!formular)
      throw new HttpProblem(404, 'Nicht gefunden', `Kein Formular ${onlinedienstId} in Version ${version}.`, {
        invalidParams: [{ name: 'version', reason: 'unbekannt' }],
      });
    return c.json(formular, 200);
  });

  return app;
}
