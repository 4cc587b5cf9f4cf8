// The person tasks that no API can do (a refund at the Kasse, a Bescheid by post): open ones for the caller's roles,
// own Mandant only. The Antrag workflow opens them; a refund it closes itself when ePayBL shows the money back, a
// letter the person who sent it closes here (who, when and a note, audited; the Antrag's timeline says so).
import { z } from '@hono/zod-openapi';
import { appendAudit } from '../../db/stores/audit';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import type { AufgabeRow } from '../../db/stores/aufgabe';
import { erledigeAufgabe, findAufgabe, listOffeneAufgaben } from '../../db/stores/aufgabe';
import { personErledigbar, systemErledigtGrund } from '../../domain/antrag/aufgabe';
import { canAccessMandant, currentUser, type Role, type User } from '../auth';
import type { ApiDeps } from '../deps';
import { LIFECYCLE_READERS } from '../lifecycle-api';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router } from '../route';
import { aufgabeListSchema, aufgabeSchema, erledigenBody, type AufgabeView } from '../schemas/aufgabe';

/** Everyone with an inbox; citizens have none. */
export const INBOX_ROLES: readonly Role[] = [...LIFECYCLE_READERS, 'sachbearbeitung'];

export const offeneAufgabenRoute = apiRoute({
  method: 'get',
  path: '/',
  tag: 'Anträge',
  roles: INBOX_ROLES,
  summary: "Open person tasks (e.g. refunds) for the caller's roles, own Mandant only; oldest first",
  responses: { 200: json(aufgabeListSchema, 'open tasks') },
});

export const erledigenRoute = apiRoute({
  method: 'post',
  path: '/{id}/erledigen',
  tag: 'Anträge',
  roles: INBOX_ROLES,
  summary:
    'Closes a task only a person can see done (e.g. „Bescheid per Post versenden“), with an optional note; a second call changes nothing',
  request: { params: z.object({ id: z.string() }), body: jsonBody(erledigenBody) },
  responses: { 200: json(aufgabeSchema, 'the task, done (by whoever closed it first)') },
  problems: [404, 409],
});

export function aufgabeView(row: AufgabeRow): AufgabeView {
  return {
    id: row.id,
    art: row.art,
    rolle: row.rolle,
    mandantId: row.mandant_id,
    betreffTyp: row.betreff_typ,
    betreffId: row.betreff_id,
    titel: row.titel,
    beschreibung: row.beschreibung,
    faelligAm: row.faellig_am?.toISOString() ?? null,
    erstelltAm: row.created_at.toISOString(),
    status: row.status,
    erledigbar: personErledigbar(row.art),
    erledigtVon: row.erledigt_von,
    erledigtAm: row.erledigt_am?.toISOString() ?? null,
    notiz: row.erledigt_notiz,
  };
}

/** A task is the business of its role's holders in its Mandant; to anyone else it does not exist. */
const visible = (user: User, row: AufgabeRow) =>
  user.roles.includes(row.rolle as Role) && (row.mandant_id === null || canAccessMandant(user, row.mandant_id));

export function aufgabenRoutes(deps: ApiDeps) {
  const app = router();

  app.openapi(offeneAufgabenRoute, async (c) => {
    const user = currentUser(c);
    const rows = await listOffeneAufgaben(deps.db, {
      roles: user.roles,
      mandanten: user.mandanten.includes('*') ? undefined : user.mandanten,
    });
    return c.json({ items: rows.map(aufgabeView) }, 200);
  });

  app.openapi(erledigenRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    const notiz = c.req.valid('json').notiz || null;
    const found = await findAufgabe(deps.db, id);
    if (!found || !visible(user, found)) throw new HttpProblem(404, 'Nicht gefunden', `Keine Aufgabe ${id}.`);
    if (!personErledigbar(found.art)) throw new HttpProblem(409, 'Nicht möglich', systemErledigtGrund(found.art));

    const { row } = await deps.db.transaction().execute(async (trx) => {
      const result = await erledigeAufgabe(trx, { id, von: user.id, notiz });
      if (!result.closed) return result;
      await appendAudit(trx, {
        actor: user.id,
        action: 'aufgabe.erledigt',
        subjectType: result.row.betreff_typ,
        subjectId: result.row.betreff_id,
        mandantId: result.row.mandant_id,
        details: { aufgabeId: id, art: result.row.art, notiz },
        idempotencyKey: `aufgabe:${id}:erledigt`,
      });
      if (result.row.betreff_typ === 'antrag' && result.row.art === 'post-versand') {
        // The citizen's timeline says the letter is on its way; the note stays with the authority.
        await appendEreignis(trx, {
          vorgangsnummer: result.row.betreff_id,
          spur: 'bearbeitung',
          status: 'bescheid-post-versandt',
          key: `aufgabe:${id}:erledigt`,
          text: 'Ihr Bescheid wurde per Post an Sie versandt.',
          details: { aufgabeId: id, erledigtAm: result.row.erledigt_am?.toISOString() ?? null },
        });
      }
      return result;
    });
    return c.json(aufgabeView(row), 200);
  });

  return app;
}
