// Statistics for the AWB, Projektleitung and Mandant-Admins: Anträge per Leistung, Mandant and month, and the
// lifecycle's lead time per phase. Scoped like everything else: cross-Mandant roles see every Mandant, a
// Mandant-Admin only the own. Counts and durations only, never the contents of an Antrag.
import { z } from '@hono/zod-openapi';
import {
  antraegeJeLeistungMandantMonat,
  durchlaufzeitenJePhase,
  type StatistikFilter,
} from '../../db/stores/statistik';
import { assertMandantAccess, currentUser, type User } from '../auth';
import type { ApiDeps } from '../deps';
import { apiRoute, json, router } from '../route';
import { antraegeStatistikSchema, durchlaufzeitenSchema } from '../schemas/statistik';

const READERS = ['awb', 'projektleitung', 'mandant-admin'] as const;

const query = z.object({
  mandant: z
    .string()
    .regex(/^[a-z0-9-]{2,60}$/, 'Kleinbuchstaben, Ziffern und -, 2–60 Zeichen.')
    .optional()
    .openapi({ description: 'only this Mandant (one the caller may see); default: every Mandant the caller may see' }),
});

export const antraegeStatistikRoute = apiRoute({
  method: 'get',
  path: '/antraege',
  tag: 'Betrieb',
  roles: READERS,
  summary: 'Anträge per Leistung, Mandant and month of receipt (test Anträge left out)',
  request: { query },
  responses: { 200: json(antraegeStatistikSchema, 'counts, by month, Leistung and Mandant') },
  problems: [404],
});

export const durchlaufzeitenRoute = apiRoute({
  method: 'get',
  path: '/durchlaufzeiten',
  tag: 'Betrieb',
  roles: READERS,
  summary: 'Lead time per lifecycle phase: finished stays, mean, median and longest, from the audit trail',
  request: { query },
  responses: { 200: json(durchlaufzeitenSchema, 'one row per phase with finished stays, in lifecycle order') },
  problems: [404],
});

/** The Mandanten the numbers cover: the one asked for (if the caller may see it), else all the caller may see. */
function scope(user: User, mandant: string | undefined): StatistikFilter {
  if (mandant) {
    assertMandantAccess(user, mandant);
    return { mandanten: [mandant] };
  }
  return { mandanten: user.mandanten.includes('*') ? undefined : user.mandanten };
}

export function statistikRoutes(deps: ApiDeps) {
  const app = router();

  app.openapi(antraegeStatistikRoute, async (c) => {
    const filter = scope(currentUser(c), c.req.valid('query').mandant);
    return c.json({ items: await antraegeJeLeistungMandantMonat(deps.db, filter) }, 200);
  });

  app.openapi(durchlaufzeitenRoute, async (c) => {
    const filter = scope(currentUser(c), c.req.valid('query').mandant);
    return c.json({ items: await durchlaufzeitenJePhase(deps.db, filter) }, 200);
  });

  return app;
}
