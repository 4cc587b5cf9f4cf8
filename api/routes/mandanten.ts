// Mandanten and their master data (Impressum, Datenschutzbeauftragte/r, Logo). Scoped: a Mandant-Admin sees
// and maintains only its own Mandant; AWB and Projektleitung see all.
import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../../db/stores/audit';
import { assertMandantAccess, canAccessMandant, currentUser, requireRole, type AuthVariables } from '../auth';
import type { ApiDeps } from '../deps';
import type { ApiRegistry } from '../openapi';
import { HttpProblem } from '../problem';
import { jsonBody } from '../validation';

const mandantId = z.string().regex(/^[a-z0-9-]{2,60}$/, 'lower-case letters, digits and -, 2–60 characters');
const stammdaten = z.object({
  name: z.string().min(2).max(200),
  impressum: z.string().max(10_000).nullable().default(null),
  datenschutzerklaerungUrl: z.url().nullable().default(null),
  datenschutzbeauftragteR: z
    .object({ name: z.string().min(2).max(200), email: z.email(), telefon: z.string().max(50).optional() })
    .nullable()
    .default(null),
  logoUrl: z.url().nullable().default(null),
});
const mandantView = stammdaten.extend({ id: z.string(), updatedAt: z.string() });

type Row = {
  id: string; name: string; impressum: string | null; datenschutzerklaerung_url: string | null;
  datenschutzbeauftragte_r: z.infer<typeof stammdaten>['datenschutzbeauftragteR']; logo_url: string | null; updated_at: Date;
};
function view(row: Row): z.infer<typeof mandantView> {
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

export function mandantenRoutes(deps: ApiDeps, registry: ApiRegistry) {
  const app = new Hono<{ Variables: AuthVariables }>();
  const readers = ['awb', 'projektleitung', 'mandant-admin', 'sachbearbeitung', 'prozesseigner'] as const;

  registry.add({
    method: 'get', path: '/api/mandanten', tag: 'Mandanten', roles: [...readers],
    summary: 'Lists the Mandanten the caller may see',
    response: { status: 200, description: 'Mandanten', schema: z.object({ items: z.array(mandantView) }) },
  });
  app.get('/', requireRole(...readers), async (c) => {
    const user = currentUser(c);
    const rows = await deps.db.selectFrom('mandant').selectAll().orderBy('id').execute();
    return c.json({ items: rows.filter((r) => canAccessMandant(user, r.id)).map(view) });
  });

  registry.add({
    method: 'get', path: '/api/mandanten/{id}', tag: 'Mandanten', roles: [...readers],
    summary: 'One Mandant with its master data',
    response: { status: 200, description: 'the Mandant', schema: mandantView },
    errors: [404],
  });
  app.get('/:id', requireRole(...readers), async (c) => {
    const id = c.req.param('id');
    assertMandantAccess(currentUser(c), id);
    const row = await deps.db.selectFrom('mandant').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new HttpProblem(404, 'Nicht gefunden', `Mandant ${id} not found`);
    return c.json(view(row));
  });

  registry.add({
    method: 'put', path: '/api/mandanten/{id}', tag: 'Mandanten', roles: ['mandant-admin', 'projektleitung'],
    summary: 'Creates or replaces a Mandant\'s master data (Mandant-Admin: own Mandant only; creating needs Projektleitung)',
    body: stammdaten,
    response: { status: 200, description: 'the stored Mandant', schema: mandantView },
    errors: [404],
  });
  app.put('/:id', requireRole('mandant-admin', 'projektleitung'), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    const idCheck = mandantId.safeParse(id);
    if (!idCheck.success) {
      throw new HttpProblem(400, 'Ungültige Eingabe', `id: ${idCheck.error.issues[0]?.message}`, {
        invalidParams: [{ name: 'id', reason: idCheck.error.issues[0]?.message }],
      });
    }
    assertMandantAccess(user, id);
    const input = await jsonBody(c, stammdaten);
    const values = {
      name: input.name,
      impressum: input.impressum,
      datenschutzerklaerung_url: input.datenschutzerklaerungUrl,
      datenschutzbeauftragte_r: JSON.stringify(input.datenschutzbeauftragteR),
      logo_url: input.logoUrl,
    };
    const row = await deps.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('mandant').select('id').where('id', '=', id).executeTakeFirst();
      if (!existing && !user.roles.includes('projektleitung')) {
        throw new HttpProblem(404, 'Nicht gefunden', `Mandant ${id} not found; only Projektleitung creates Mandanten`);
      }
      const stored = await trx
        .insertInto('mandant')
        .values({ id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: sql`now()` }))
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(trx, {
        actor: user.id,
        action: existing ? 'mandant.stammdaten.geaendert' : 'mandant.angelegt',
        subjectType: 'mandant',
        subjectId: id,
        mandantId: id,
        details: { fields: Object.keys(input) },
        idempotencyKey: `api:${c.get('requestId' as never)}`,
      });
      return stored;
    });
    return c.json(view(row));
  });
  return app;
}
