// The authority's side of an Antrag, scoped to its own Mandant: the list, one Antrag with files, timeline, payment
// and delivery, the files themselves, and the commands (processing status, Nachforderung, Bescheid).
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import {
  findAntrag,
  findZahlung,
  findZustellung,
  insertDatei,
  listAntraege,
  listDateien,
  listEreignisse,
} from '../../../db/stores/antrag';
import { listAufgabenZu } from '../../../db/stores/aufgabe';
import { antragWorkflowId, VORGANGSNUMMER } from '../../../domain/vorgangsnummer';
import { bearbeitungUpdate, bescheidUpdate } from '../../../messages/antrag';
import { assertMandantAccess, canAccessMandant, currentUser, type User } from '../../auth';
import { workflowUiUrl, type ApiDeps } from '../../deps';
import { downloadDatei } from '../../downloads';
import { HttpProblem } from '../../problem';
import { apiRoute, json, jsonBody, router } from '../../route';
import { antragDetailSchema, antragListSchema, antragSichtSchema, downloadContent } from '../../schemas/antrag';
import { update } from '../../workflow-calls';
import { aufgabeView } from '../aufgaben';
import { nachforderungNachProzess } from './nachforderung';

const BEHOERDE = ['sachbearbeitung', 'mandant-admin'] as const;
const vnParams = z.object({ vorgangsnummer: z.string() });

export const listRoute = apiRoute({
  method: 'get',
  path: '/',
  tag: 'Anträge',
  roles: BEHOERDE,
  summary: "Lists the Anträge of the caller's Mandanten (newest first)",
  request: {
    query: z.object({
      mandant: z.string().optional(),
      status: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: { 200: json(antragListSchema, 'Anträge') },
  problems: [404],
});

export const detailRoute = apiRoute({
  method: 'get',
  path: '/{vorgangsnummer}',
  tag: 'Anträge',
  roles: BEHOERDE,
  summary: 'One Antrag for the authority: data, files, timeline, payment, delivery',
  request: { params: vnParams },
  responses: { 200: json(antragDetailSchema, 'the Antrag') },
  problems: [404],
});

export const dateiRoute = apiRoute({
  method: 'get',
  path: '/{vorgangsnummer}/dateien/{id}',
  tag: 'Anträge',
  roles: BEHOERDE,
  summary: 'Downloads one file of the Antrag (attachment, receipt PDF, Bescheid, Nachreichung)',
  request: {
    params: vnParams.extend({ id: z.string().openapi({ description: 'the part of dateien[].id after the colon' }) }),
  },
  responses: {
    200: {
      description: 'the file as stored, as an attachment',
      headers: z.object({ 'content-disposition': z.string() }),
      content: downloadContent,
    },
  },
  problems: [404],
});

const meldung = z.discriminatedUnion('status', [
  z.object({ status: z.literal('in-bearbeitung') }),
  z.object({
    status: z.literal('nachforderung'),
    text: z.string().trim().min(3).max(5000),
    /** Optional when the process definition gives the Nachforderung a default deadline. */
    frist: z.iso.datetime({ offset: true }).optional(),
  }),
  z.object({ status: z.literal('abgeschlossen') }),
]);

export const bearbeitungRoute = apiRoute({
  method: 'post',
  path: '/{vorgangsnummer}/bearbeitung',
  tag: 'Anträge',
  roles: ['sachbearbeitung'],
  summary: 'Reports the processing status (in Bearbeitung, Nachforderung with text and deadline, abgeschlossen)',
  request: {
    params: vnParams,
    headers: z.object({
      'Idempotency-Key': z.string().optional().openapi({ description: 'the same key reports once' }),
    }),
    body: jsonBody(meldung),
  },
  responses: { 200: json(antragSichtSchema, "the Antrag's state") },
  problems: [404, 409],
});

const bescheid = z.object({
  dateiname: z.string().min(1).max(200),
  inhaltBase64: z
    .base64()
    .refine((b) => Buffer.from(b, 'base64').subarray(0, 5).toString('latin1') === '%PDF-', 'Muss ein PDF sein.'),
  metadaten: z.object({
    aktenzeichen: z.string().min(1).max(100),
    art: z.enum(['bewilligung', 'ablehnung', 'teilbewilligung', 'sonstiges']),
    datum: z.iso.date(),
    /** `post`: this Bescheid must go by post (förmliche Zustellung): a task "per Post versenden" opens */
    versand: z.enum(['elektronisch', 'post']).default('elektronisch'),
  }),
});

export const bescheidRoute = apiRoute({
  method: 'post',
  path: '/{vorgangsnummer}/bescheid',
  tag: 'Anträge',
  roles: ['sachbearbeitung'],
  summary: 'Delivers the Bescheid (PDF + metadata) to the citizen; the Widerspruch period starts on delivery',
  request: { params: vnParams, body: jsonBody(bescheid) },
  responses: { 200: json(antragSichtSchema, "the Antrag's state with the Bescheid") },
  problems: [404, 409],
});

export function behoerdeRoutes(deps: ApiDeps) {
  const app = router();
  const handle = (vn: string) => deps.temporal.workflow.getHandle(antragWorkflowId(vn));

  /** Another Mandant's Antrag is "not found": its existence is not the caller's business. */
  async function antragFuer(user: User, vn: string) {
    const antrag = VORGANGSNUMMER.test(vn) ? await findAntrag(deps.db, vn) : undefined;
    if (!antrag || !canAccessMandant(user, antrag.mandant_id))
      throw new HttpProblem(404, 'Nicht gefunden', `Antrag ${vn} not found`);
    return antrag;
  }

  app.openapi(listRoute, async (c) => {
    const user = currentUser(c);
    const q = c.req.valid('query');
    if (q.mandant) assertMandantAccess(user, q.mandant);
    const mandanten = user.mandanten.includes('*') ? undefined : user.mandanten;
    return c.json({ items: await listAntraege(deps.db, { ...q, mandanten }) }, 200);
  });

  app.openapi(detailRoute, async (c) => {
    const antrag = await antragFuer(currentUser(c), c.req.valid('param').vorgangsnummer);
    const vn = antrag.vorgangsnummer;
    const [dateien, ereignisse, aufgaben, zahlung, zustellung] = await Promise.all([
      listDateien(deps.db, vn),
      listEreignisse(deps.db, vn),
      listAufgabenZu(deps.db, 'antrag', vn),
      findZahlung(deps.db, vn),
      findZustellung(deps.db, vn),
    ]);
    return c.json(
      {
        ...antrag,
        dateien,
        ereignisse,
        aufgaben: aufgaben.map(aufgabeView),
        zahlung: zahlung
          ? {
              kassenzeichen: zahlung.kassenzeichen,
              betrag_cent: zahlung.betrag_cent,
              bezahlt_cent: zahlung.bezahlt_cent,
              status: zahlung.status,
              gebucht_am: zahlung.gebucht_am,
            }
          : null,
        zustellung: zustellung
          ? {
              modus: zustellung.modus,
              endpunkt: zustellung.endpunkt,
              versuche: zustellung.versuche,
              letzter_fehler: zustellung.letzter_fehler,
              wartet_seit: zustellung.wartet_seit,
              zugestellt_am: zustellung.zugestellt_am,
              transfer_geloescht_am: zustellung.transfer_geloescht_am,
              abgeholt_am: zustellung.abgeholt_am,
            }
          : null,
        temporalUiUrl: workflowUiUrl(deps, antragWorkflowId(vn)),
      },
      200,
    );
  });

  app.openapi(dateiRoute, async (c) => {
    const { vorgangsnummer, id } = c.req.valid('param');
    const antrag = await antragFuer(currentUser(c), vorgangsnummer);
    return downloadDatei(deps.db, antrag.vorgangsnummer, id);
  });

  app.openapi(bearbeitungRoute, async (c) => {
    const user = currentUser(c);
    const antrag = await antragFuer(user, c.req.valid('param').vorgangsnummer);
    const vn = antrag.vorgangsnummer;
    const body = c.req.valid('json');
    const meldung = body.status === 'nachforderung' ? await nachforderungNachProzess(deps, antrag, body) : body;
    const sicht = await update(
      `Antrag ${vn}`,
      () =>
        handle(vn).executeUpdate(bearbeitungUpdate, {
          args: [{ ...meldung, actor: user.id }],
          updateId: c.req.valid('header')['Idempotency-Key'],
        }),
      { vorgangsnummer: vn },
    );
    return c.json(sicht, 200);
  });

  app.openapi(bescheidRoute, async (c) => {
    const user = currentUser(c);
    const { vorgangsnummer: vn } = await antragFuer(user, c.req.valid('param').vorgangsnummer);
    const body = c.req.valid('json');
    const content = Buffer.from(body.inhaltBase64, 'base64');
    const hash = createHash('sha256').update(content).digest('hex');
    const dateiId = `${vn}:bescheid-${hash.slice(0, 12)}`;
    await insertDatei(deps.db, {
      id: dateiId,
      vorgangsnummer: vn,
      art: 'bescheid',
      fileName: `Bescheid-${vn}.pdf`,
      mediaType: 'application/pdf',
      content,
      sha256: hash,
      metadata: { ...body.metadaten, dateiname: body.dateiname },
    });
    const sicht = await update(
      `Antrag ${vn}`,
      () =>
        handle(vn).executeUpdate(bescheidUpdate, {
          args: [{ dateiId, actor: user.id }],
          updateId: `bescheid-${hash.slice(0, 12)}`,
        }),
      { vorgangsnummer: vn },
    );
    return c.json(sicht, 200);
  });

  return app;
}
