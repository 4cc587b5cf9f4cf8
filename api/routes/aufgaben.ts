// The person tasks that no API can do (a refund at the Kasse, …): open ones for the caller's roles, own Mandant
// only. The Antrag workflow opens and closes them; people only read them.
import type { AufgabeRow } from '../../db/stores/aufgabe';
import { listOffeneAufgaben } from '../../db/stores/aufgabe';
import { currentUser, type Role } from '../auth';
import type { ApiDeps } from '../deps';
import { LIFECYCLE_READERS } from '../lifecycle-api';
import { apiRoute, json, router } from '../route';
import { aufgabeListSchema, type AufgabeView } from '../schemas/aufgabe';

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

function view(row: AufgabeRow): AufgabeView {
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
  };
}

export function aufgabenRoutes(deps: ApiDeps) {
  return router().openapi(offeneAufgabenRoute, async (c) => {
    const user = currentUser(c);
    const rows = await listOffeneAufgaben(deps.db, {
      roles: user.roles,
      mandanten: user.mandanten.includes('*') ? undefined : user.mandanten,
    });
    return c.json({ items: rows.map(view) }, 200);
  });
}
