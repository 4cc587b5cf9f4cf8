// Störungen (AWB; a Mandant-Admin sees and retries his Mandant's): what is stuck, since when, how many Anträge,
// which Mandant, who can fix it — and, after the fix, "try again" for one Antrag or, as a workflow of its own, for
// every Antrag stuck on the cause.
import { z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { findOffeneStoerung, listStoerungAntraege, listStoerungen } from '../../db/stores/stoerung';
import { appendAudit } from '../../db/stores/audit';
import { BEHEBBAR_DURCH_TEXT } from '../../domain/antrag/stoerung';
import { antragWorkflowId } from '../../domain/vorgangsnummer';
import {
  stoerungAktionQuery,
  stoerungAktionWorkflowId,
  stoerungWiederholenSignal,
  type StoerungAktionInput,
} from '../../messages/stoerung';
import { canAccessMandant, currentUser, type User } from '../auth';
import { workflowUiUrl, type ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router } from '../route';
import {
  aktionSchema,
  stoerungDetailSchema,
  stoerungListSchema,
  wiederholenBody,
  wiederholtSchema,
} from '../schemas/stoerung';

const READERS = ['awb', 'projektleitung', 'mandant-admin'] as const;
const FIXERS = ['awb', 'mandant-admin'] as const;
const idParams = z.object({ id: z.string().openapi({ description: 'the cause id' }) });

export const listStoerungenRoute = apiRoute({
  method: 'get',
  path: '/',
  tag: 'Betrieb',
  roles: READERS,
  summary: 'Open Störungen by cause: what, since when, how many Anträge, which Mandant, who can fix it',
  responses: { 200: json(stoerungListSchema, 'open Störungen, oldest first') },
});

export const getStoerungRoute = apiRoute({
  method: 'get',
  path: '/{id}',
  tag: 'Betrieb',
  roles: READERS,
  summary: 'One cause with the Anträge stuck on it (at most 1000)',
  request: { params: idParams },
  responses: { 200: json(stoerungDetailSchema, 'the cause') },
  problems: [404],
});

export const wiederholenRoute = apiRoute({
  method: 'post',
  path: '/{id}/wiederholen',
  tag: 'Betrieb',
  roles: FIXERS,
  summary:
    'After the fix: try again — one Antrag (200), or every Antrag stuck on the cause as a bulk action (202, progress at …/aktionen/{aktionId})',
  request: { params: idParams, body: jsonBody(wiederholenBody) },
  responses: {
    200: json(wiederholtSchema, 'the Antrag was told to try again'),
    202: json(aktionSchema, 'the bulk action started'),
  },
  problems: [404, 409],
});

export const aktionRoute = apiRoute({
  method: 'get',
  path: '/aktionen/{aktionId}',
  tag: 'Betrieb',
  roles: FIXERS,
  summary: 'Progress of a bulk retry',
  request: { params: z.object({ aktionId: z.string() }) },
  responses: { 200: json(aktionSchema, 'progress') },
  problems: [404],
});

/** A Mandant-Admin acts for his Mandanten only; AWB and Projektleitung see every Mandant. */
const scope = (user: User): string[] | undefined => (user.mandanten.includes('*') ? undefined : user.mandanten);

export function stoerungenRoutes(deps: ApiDeps) {
  const app = router();

  const view = (r: Awaited<ReturnType<typeof listStoerungen>>[number]) => ({
    id: r.ursache_id,
    ursache: r.ursache_key,
    art: r.art,
    schritt: r.schritt,
    fehlerTyp: r.fehler_typ,
    was: r.was,
    details: r.details,
    seit: new Date(r.seit).toISOString(),
    zuletzt: new Date(r.zuletzt).toISOString(),
    anzahlAntraege: r.antraege,
    mandanten: r.mandanten,
    onlinedienste: r.onlinedienste,
    aktivierungen: r.aktivierungen,
    behebbarDurch: r.behebbar_durch,
    behebbarDurchText: BEHEBBAR_DURCH_TEXT[r.behebbar_durch],
  });

  const visible = async (user: User, id: string) => {
    const [row] = await listStoerungen(deps.db, scope(user), id);
    if (!row) throw new HttpProblem(404, 'Nicht gefunden', `Keine offene Störung ${id}.`);
    return row;
  };

  app.openapi(listStoerungenRoute, async (c) => {
    const rows = await listStoerungen(deps.db, scope(currentUser(c)));
    return c.json({ items: rows.map(view) }, 200);
  });

  app.openapi(getStoerungRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    const row = await visible(user, id);
    const own = scope(user);
    const antraege = await listStoerungAntraege(deps.db, id, { limit: 1000 });
    return c.json(
      {
        ...view(row),
        antraege: antraege
          .filter((a) => !own || own.includes(a.mandant_id))
          .map((a) => ({
            vorgangsnummer: a.vorgangsnummer,
            mandantId: a.mandant_id,
            seit: new Date(a.seit).toISOString(),
            meldungen: a.meldungen,
          })),
      },
      200,
    );
  });

  app.openapi(wiederholenRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    const { vorgangsnummer } = c.req.valid('json');
    const row = await visible(user, id);
    const audit = (details: Record<string, unknown>, mandantId: string | null) =>
      appendAudit(deps.db, {
        actor: user.id,
        action: 'stoerung.wiederholen',
        subjectType: 'stoerung',
        subjectId: id,
        mandantId,
        details,
        idempotencyKey: `api:${c.get('requestId')}`,
      });

    if (vorgangsnummer !== undefined) {
      const stuck = await findOffeneStoerung(deps.db, id, vorgangsnummer);
      if (!stuck || !canAccessMandant(user, stuck.mandant_id)) {
        throw new HttpProblem(
          404,
          'Nicht gefunden',
          `Der Antrag ${vorgangsnummer} wartet nicht auf die Störung ${id}.`,
        );
      }
      try {
        await deps.temporal.workflow.getHandle(antragWorkflowId(vorgangsnummer)).signal(stoerungWiederholenSignal);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          throw new HttpProblem(409, 'Nicht möglich', `Antrag ${vorgangsnummer} läuft nicht mehr.`);
        }
        throw err;
      }
      await audit({ vorgangsnummer }, stuck.mandant_id);
      return c.json({ vorgangsnummer, signalisiert: true as const }, 200);
    }

    // A Mandant-Admin's bulk action covers his own Mandant's Anträge only.
    const own = scope(user);
    const mandantId = own ? row.mandanten.find((m) => own.includes(m)) : undefined;
    const aktionId = stoerungAktionWorkflowId(
      id,
      c
        .get('requestId')
        .replace(/[^A-Za-z0-9-]/g, '')
        .slice(0, 40),
    );
    const input: StoerungAktionInput = { ursacheId: id, actor: user.id, ...(mandantId ? { mandantId } : {}) };
    try {
      await deps.temporal.workflow.start('stoerungAktionWorkflow', {
        workflowId: aktionId,
        taskQueue: deps.taskQueue,
        args: [input],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new HttpProblem(409, 'Konflikt', `Die Aktion ${aktionId} läuft bereits (dieselbe Request-Id).`);
      }
      throw err;
    }
    await audit({ aktionId, bulk: true }, mandantId ?? null);
    return c.json(
      {
        aktionId,
        ursacheId: id,
        mandantId: mandantId ?? null,
        actor: user.id,
        gesamt: row.antraege,
        signalisiert: 0,
        nichtGefunden: 0,
        fertig: false,
        temporalUiUrl: workflowUiUrl(deps, aktionId),
      },
      202,
    );
  });

  app.openapi(aktionRoute, async (c) => {
    const user = currentUser(c);
    const { aktionId } = c.req.valid('param');
    if (!aktionId.startsWith('stoerung-aktion-'))
      throw new HttpProblem(404, 'Nicht gefunden', `Keine Aktion ${aktionId}.`);
    let p;
    try {
      p = await deps.temporal.workflow.getHandle(aktionId).query(stoerungAktionQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new HttpProblem(404, 'Nicht gefunden', `Keine Aktion ${aktionId}.`);
      throw err;
    }
    if (p.mandantId !== null ? !canAccessMandant(user, p.mandantId) : scope(user) !== undefined) {
      throw new HttpProblem(404, 'Nicht gefunden', `Keine Aktion ${aktionId}.`);
    }
    return c.json({ aktionId, ...p, temporalUiUrl: workflowUiUrl(deps, aktionId) }, 200);
  });

  return app;
}
