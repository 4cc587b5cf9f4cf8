// What a Mandant maintains about its Organisationseinheiten, so that it can fix what the gate check reports: the OE
// with its Kommunikation (e-mail, phone), published or not, the Behördenkonto as its channel, and its Zuständigkeit
// for Leistungen. Mandant-scoped (a Mandant-Admin only for its own Mandant, the AWB for all), every change audited.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { appendAudit } from '../../db/stores/audit';
import { mandantExists } from '../../db/stores/mandant';
import {
  findBehoerdenkontoOf,
  findLeistung,
  findOrganisationseinheitOf,
  insertOrganisationseinheit,
  linkLeistung,
  listOrganisationseinheiten,
  listZustaendigkeiten,
  setKanal,
  unlinkLeistung,
  updateOrganisationseinheit,
  type Organisationseinheit,
} from '../../db/stores/organisationseinheit';
import { assertMandantAccess, currentUser, type User } from '../auth';
import type { ApiDeps } from '../deps';
import { badRequest, HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router, type AppEnv } from '../route';
import {
  organisationseinheitListSchema,
  organisationseinheitSchema,
  type OrganisationseinheitView,
} from '../schemas/organisationseinheit';

export const READERS = ['awb', 'projektleitung', 'mandant-admin', 'sachbearbeitung', 'prozesseigner'] as const;
export const MAINTAINERS = ['mandant-admin', 'awb'] as const;

const ID = /^[a-z0-9-]{2,80}$/;
const mandantParams = z.object({ id: z.string().openapi({ description: 'the Mandant id' }) });
const oeParams = mandantParams.extend({ oeId: z.string().openapi({ description: 'the Organisationseinheit id' }) });
const zustaendigkeitParams = oeParams.extend({ leistungId: z.string().openapi({ description: 'LeiKa-Schlüssel' }) });

const telefon = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()/-]{2,29}$/, 'Ungültige Telefonnummer (Ziffern, Leerzeichen, + ( ) / -).');
const kommunikation = {
  email: z.email().nullable(),
  telefon: telefon.nullable(),
  veroeffentlicht: z.boolean(),
};

const createBody = z.strictObject({
  /** optional; made from the Mandant and the name when missing (oe-<mandant>-<name>) */
  id: z.string().regex(ID, 'Kleinbuchstaben, Ziffern und -, 2–80 Zeichen.').optional(),
  name: z.string().trim().min(2).max(200),
  email: kommunikation.email.default(null),
  telefon: kommunikation.telefon.default(null),
  veroeffentlicht: kommunikation.veroeffentlicht.default(false),
});

const updateBody = z.strictObject({
  name: z.string().trim().min(2).max(200).optional(),
  email: kommunikation.email.optional(),
  telefon: kommunikation.telefon.optional(),
  veroeffentlicht: kommunikation.veroeffentlicht.optional(),
});

const kanalBody = z.strictObject({
  /** null: no Behördenkonto as channel */
  behoerdenkontoId: z.string().min(1).nullable(),
});

export const listRoute = apiRoute({
  method: 'get',
  path: '/{id}/organisationseinheiten',
  tag: 'Mandanten',
  roles: READERS,
  summary: "The Mandant's Organisationseinheiten with Kommunikation, Behördenkonto channel and Zuständigkeiten",
  request: { params: mandantParams },
  responses: { 200: json(organisationseinheitListSchema, 'Organisationseinheiten') },
  problems: [404],
});

export const getRoute = apiRoute({
  method: 'get',
  path: '/{id}/organisationseinheiten/{oeId}',
  tag: 'Mandanten',
  roles: READERS,
  summary: 'One Organisationseinheit of the Mandant',
  request: { params: oeParams },
  responses: { 200: json(organisationseinheitSchema, 'the Organisationseinheit') },
  problems: [404],
});

export const createRoute = apiRoute({
  method: 'post',
  path: '/{id}/organisationseinheiten',
  tag: 'Mandanten',
  roles: MAINTAINERS,
  summary: 'Creates an Organisationseinheit of the Mandant with its Kommunikation (Mandant-Admin: own Mandant only)',
  request: { params: mandantParams, body: jsonBody(createBody) },
  responses: { 201: json(organisationseinheitSchema, 'the new Organisationseinheit') },
  problems: [404, 409],
});

export const updateRoute = apiRoute({
  method: 'patch',
  path: '/{id}/organisationseinheiten/{oeId}',
  tag: 'Mandanten',
  roles: MAINTAINERS,
  summary: 'Changes name, Kommunikation (e-mail, phone) or publication of an Organisationseinheit',
  request: { params: oeParams, body: jsonBody(updateBody) },
  responses: { 200: json(organisationseinheitSchema, 'the Organisationseinheit') },
  problems: [404],
});

export const kanalRoute = apiRoute({
  method: 'put',
  path: '/{id}/organisationseinheiten/{oeId}/kanal',
  tag: 'Mandanten',
  roles: MAINTAINERS,
  summary: "Sets one of the Mandant's Behördenkonten as the OE's communication channel (null clears it)",
  request: { params: oeParams, body: jsonBody(kanalBody) },
  responses: { 200: json(organisationseinheitSchema, 'the Organisationseinheit') },
  problems: [404],
});

export const linkRoute = apiRoute({
  method: 'put',
  path: '/{id}/organisationseinheiten/{oeId}/zustaendigkeiten/{leistungId}',
  tag: 'Mandanten',
  roles: MAINTAINERS,
  summary: 'Makes the OE zuständig for the Leistung (links them); repeating it changes nothing',
  request: { params: zustaendigkeitParams },
  responses: { 200: json(organisationseinheitSchema, 'the Organisationseinheit') },
  problems: [404],
});

export const unlinkRoute = apiRoute({
  method: 'delete',
  path: '/{id}/organisationseinheiten/{oeId}/zustaendigkeiten/{leistungId}',
  tag: 'Mandanten',
  roles: MAINTAINERS,
  summary: 'Ends the Zuständigkeit of the OE for the Leistung (unlinks them)',
  request: { params: zustaendigkeitParams },
  responses: { 200: json(organisationseinheitSchema, 'the Organisationseinheit') },
  problems: [404],
});

const UMLAUTE: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

/** A readable id for a new OE: oe-leipzig-strassenverkehrsamt. */
export function oeIdFor(mandantId: string, name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[äöüß]/g, (ch) => UMLAUTE[ch]!)
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `oe-${mandantId}-${slug}`.slice(0, 80).replace(/-+$/, '');
}

export async function oeView(db: Kysely<Database>, row: Organisationseinheit): Promise<OrganisationseinheitView> {
  const links = (await listZustaendigkeiten(db, row.mandant_id)).filter((z) => z.oe_id === row.id);
  return toView(row, links);
}

function toView(
  row: Organisationseinheit,
  links: Array<{ oe_id: string; leistung_id: string; leistung_name: string }>,
): OrganisationseinheitView {
  return {
    id: row.id,
    mandantId: row.mandant_id,
    name: row.name,
    kommunikation: { email: row.email, telefon: row.telefon, behoerdenkontoId: row.behoerdenkonto_id },
    veroeffentlicht: row.veroeffentlicht,
    zustaendigkeiten: links.map((l) => ({ leistungId: l.leistung_id, name: l.leistung_name })),
  };
}

/** The Mandant exists and the caller may act for it; 404 otherwise (existence is not leaked). */
export async function scopedMandant(db: Kysely<Database>, user: User, mandantId: string): Promise<void> {
  assertMandantAccess(user, mandantId);
  if (!(await mandantExists(db, mandantId)))
    throw new HttpProblem(404, 'Nicht gefunden', `Mandant ${mandantId} nicht gefunden.`);
}

const notFound = (mandantId: string, oeId: string) =>
  new HttpProblem(404, 'Nicht gefunden', `Die Organisationseinheit ${oeId} gehört nicht zum Mandanten ${mandantId}.`);

export function organisationseinheitenRoutes(deps: ApiDeps) {
  const app = router();

  const audit = (
    db: Kysely<Database>,
    c: Context<AppEnv>,
    user: User,
    action: string,
    mandantId: string,
    oeId: string,
    details: Record<string, unknown>,
  ) =>
    appendAudit(db, {
      actor: user.id,
      action,
      subjectType: 'organisationseinheit',
      subjectId: oeId,
      mandantId,
      details,
      idempotencyKey: `api:${c.get('requestId')}`,
    });

  async function ownOe(db: Kysely<Database>, user: User, mandantId: string, oeId: string) {
    await scopedMandant(db, user, mandantId);
    const row = await findOrganisationseinheitOf(db, mandantId, oeId);
    if (!row) throw notFound(mandantId, oeId);
    return row;
  }

  app.openapi(listRoute, async (c) => {
    const { id } = c.req.valid('param');
    await scopedMandant(deps.db, currentUser(c), id);
    const [rows, links] = await Promise.all([
      listOrganisationseinheiten(deps.db, id),
      listZustaendigkeiten(deps.db, id),
    ]);
    return c.json(
      {
        items: rows.map((r) =>
          toView(
            r,
            links.filter((l) => l.oe_id === r.id),
          ),
        ),
      },
      200,
    );
  });

  app.openapi(getRoute, async (c) => {
    const { id, oeId } = c.req.valid('param');
    const row = await ownOe(deps.db, currentUser(c), id, oeId);
    return c.json(await oeView(deps.db, row), 200);
  });

  app.openapi(createRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    await scopedMandant(deps.db, user, id);
    const { id: given, ...input } = c.req.valid('json');
    const oeId = given ?? oeIdFor(id, input.name);
    const row = await deps.db.transaction().execute(async (trx) => {
      const inserted = await insertOrganisationseinheit(trx, id, oeId, input);
      if (!inserted) {
        throw new HttpProblem(409, 'Konflikt', `Die Organisationseinheit ${oeId} gibt es schon.`, {
          invalidParams: [{ name: given ? 'id' : 'name', reason: `Die Kennung ${oeId} ist schon vergeben.` }],
        });
      }
      await audit(trx, c, user, 'organisationseinheit.angelegt', id, oeId, {
        name: input.name,
        ...kommunikationOf(input),
      });
      return inserted;
    });
    return c.json(toView(row, []), 201);
  });

  app.openapi(updateRoute, async (c) => {
    const user = currentUser(c);
    const { id, oeId } = c.req.valid('param');
    await ownOe(deps.db, user, id, oeId);
    const input = c.req.valid('json');
    const row = await deps.db.transaction().execute(async (trx) => {
      const updated = await updateOrganisationseinheit(trx, id, oeId, input);
      if (!updated) throw notFound(id, oeId);
      await audit(trx, c, user, 'organisationseinheit.geaendert', id, oeId, { felder: Object.keys(input) });
      return updated;
    });
    return c.json(await oeView(deps.db, row), 200);
  });

  app.openapi(kanalRoute, async (c) => {
    const user = currentUser(c);
    const { id, oeId } = c.req.valid('param');
    const before = await ownOe(deps.db, user, id, oeId);
    const { behoerdenkontoId } = c.req.valid('json');
    if (behoerdenkontoId !== null && !(await findBehoerdenkontoOf(deps.db, id, behoerdenkontoId))) {
      throw badRequest(
        [
          {
            name: 'behoerdenkontoId',
            reason: `Das Behördenkonto ${behoerdenkontoId} ist für den Mandanten ${id} nicht angelegt.`,
          },
        ],
        'body',
      );
    }
    const row = await deps.db.transaction().execute(async (trx) => {
      const updated = await setKanal(trx, id, oeId, behoerdenkontoId);
      if (!updated) throw notFound(id, oeId);
      await audit(trx, c, user, 'organisationseinheit.kanal.gesetzt', id, oeId, {
        behoerdenkontoId,
        vorher: before.behoerdenkonto_id,
      });
      return updated;
    });
    return c.json(await oeView(deps.db, row), 200);
  });

  app.openapi(linkRoute, async (c) => {
    const user = currentUser(c);
    const { id, oeId, leistungId } = c.req.valid('param');
    const row = await ownOe(deps.db, user, id, oeId);
    if (!(await findLeistung(deps.db, leistungId)))
      throw new HttpProblem(404, 'Nicht gefunden', `Die Leistung ${leistungId} ist im System nicht vorhanden.`);
    await deps.db.transaction().execute(async (trx) => {
      // A repeated link is no change and leaves no audit entry.
      if (await linkLeistung(trx, oeId, leistungId))
        await audit(trx, c, user, 'organisationseinheit.zustaendigkeit.verknuepft', id, oeId, { leistungId });
    });
    return c.json(await oeView(deps.db, row), 200);
  });

  app.openapi(unlinkRoute, async (c) => {
    const user = currentUser(c);
    const { id, oeId, leistungId } = c.req.valid('param');
    const row = await ownOe(deps.db, user, id, oeId);
    await deps.db.transaction().execute(async (trx) => {
      if (!(await unlinkLeistung(trx, oeId, leistungId))) {
        throw new HttpProblem(
          404,
          'Nicht gefunden',
          `Die Organisationseinheit ${oeId} ist für die Leistung ${leistungId} nicht zuständig.`,
        );
      }
      await audit(trx, c, user, 'organisationseinheit.zustaendigkeit.entfernt', id, oeId, { leistungId });
    });
    return c.json(await oeView(deps.db, row), 200);
  });

  return app;
}

/** Which Kommunikation an entry records: whether e-mail and phone are set, never their values (audit stays lean). */
function kommunikationOf(input: { email: string | null; telefon: string | null; veroeffentlicht: boolean }) {
  return { email: input.email !== null, telefon: input.telefon !== null, veroeffentlicht: input.veroeffentlicht };
}
