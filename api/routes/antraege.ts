// Anträge: submission by citizens (durable before the answer), and the authority's view and commands
// (status, Nachforderung, Bescheid) — scoped to the authority's own Mandant.
import { createHash } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { sql } from 'kysely';
import { z } from 'zod';
import { releaseHeldAntraege } from '../wartungsmodus';
import { findFormular } from '../../domain/formulare';
import { antragWorkflowId, VORGANGSNUMMER } from '../../domain/vorgangsnummer';
import { statusToken, vorgangsnummerFor } from '../../runtime/tokens';
import { bearbeitungUpdate, bescheidUpdate, type AntragInput } from '../../messages/antrag';
import { MandantIdKey, OnlinedienstIdKey, VorgangsnummerKey, AntragStatusKey } from '../../messages/search-attributes';
import { antragEingabe, canonical, leseEingabe, sha256 } from '../antrag-eingabe';
import { assertMandantAccess, canAccessMandant, currentUser, requireRole, type AuthVariables } from '../auth';
import { workflowUiUrl, type ApiDeps } from '../deps';
import type { ApiRegistry } from '../openapi';
import { badRequest, HttpProblem, invalidParams } from '../problem';
import { jsonBody, queryParams } from '../validation';

const quittung = z.object({
  vorgangsnummer: z.string(),
  eingegangenAm: z.string(),
  statusToken: z.string(),
  statusUrl: z.string(),
  wiederholt: z.boolean(),
});

export function antraegeRoutes(deps: ApiDeps, registry: ApiRegistry) {
  const app = new Hono<{ Variables: AuthVariables }>();
  const behoerde = ['sachbearbeitung', 'mandant-admin'] as const;

  registry.add({
    method: 'post', path: '/api/antraege', tag: 'Anträge', roles: ['buerger', 'prozesseigner'],
    summary: 'Submits an Antrag (JSON, or multipart/form-data with part "antrag" and files "anlage"). Answers only once the ' +
      'Antrag is stored and its workflow durably started. Header Idempotency-Key makes retries return the same Antrag.',
    body: antragEingabe,
    response: { status: 201, description: 'eingegangen (200 when a retry returns the existing Antrag)', schema: quittung },
    errors: [404, 409, 413, 415, 422, 503],
  });
  // Attachments are checked one by one below; this only stops a request too large to read at all.
  const grenze = bodyLimit({
    maxSize: 32 * 1024 * 1024,
    onError: () => { throw new HttpProblem(413, 'Anfrage zu groß', 'Request body larger than 32 MiB'); },
  });
  app.post('/', grenze, requireRole('buerger', 'prozesseigner'), async (c) => {
    const user = currentUser(c);
    const { eingabe, anlagen } = await leseEingabe(c);
    if (eingabe.test && !user.roles.includes('prozesseigner')) {
      throw new HttpProblem(403, 'Keine Berechtigung', 'Only a Prozesseigner submits test Anträge');
    }
    const aktivierung = await deps.db.selectFrom('aktivierung').selectAll().where('id', '=', eingabe.aktivierungId).executeTakeFirst();
    if (!aktivierung) throw new HttpProblem(404, 'Nicht gefunden', `Aktivierung ${eingabe.aktivierungId} not found`, { invalidParams: [{ name: 'aktivierungId', reason: 'unbekannt' }] });
    if (aktivierung.status !== 'aktiv' && !eingabe.test) {
      throw new HttpProblem(409, 'Nicht aktiviert', `Onlinedienst ${aktivierung.onlinedienst_id} is not active for ${aktivierung.mandant_id}`);
    }
    if (aktivierung.wartungsmodus && aktivierung.wartungsmodus_art === 'refuse' && !eingabe.test) {
      throw new HttpProblem(503, 'Wartungsmodus', aktivierung.wartungsmodus_text ?? 'Dieser Onlinedienst wird gerade gewartet. Bitte versuchen Sie es später erneut.', {}, { 'retry-after': '3600' });
    }
    const formular = findFormular(aktivierung.onlinedienst_id, eingabe.formularVersion);
    if (!formular) {
      throw new HttpProblem(422, 'Formular unbekannt', `No form ${aktivierung.onlinedienst_id}${eingabe.formularVersion ? `@${eingabe.formularVersion}` : ''}`, { invalidParams: [{ name: 'formularVersion', reason: 'unbekannt' }] });
    }
    const daten = formular.schema.safeParse(eingabe.daten);
    if (!daten.success) {
      const problem = badRequest(invalidParams(daten.error), 'body');
      const params = (problem.extra.invalidParams as { name: string; reason: string }[]).map((p) => ({ ...p, name: `daten.${p.name}` }));
      throw new HttpProblem(400, 'Ungültige Eingabe', `Fehler in: ${params.map((p) => p.name).join(', ')}`, { where: 'body', invalidParams: params });
    }

    const payloadHash = sha256(canonical({
      aktivierungId: aktivierung.id, formularVersion: formular.version, daten: daten.data, antragsteller: eingabe.antragsteller,
      test: eingabe.test, anlagen: anlagen.map((a) => [a.fileName, a.sha256]),
    }));
    const keyHeader = c.req.header('idempotency-key');
    if (keyHeader !== undefined && !/^[\x21-\x7e]{1,200}$/.test(keyHeader)) {
      throw new HttpProblem(400, 'Ungültige Eingabe', 'Idempotency-Key: 1–200 visible ASCII characters', { invalidParams: [{ name: 'Idempotency-Key', reason: 'ungültig' }] });
    }
    // Without a key, the content is the key: a double click sends the same bytes.
    const key = `${user.id}\u0000${keyHeader ?? payloadHash}`;
    const vn = vorgangsnummerFor(aktivierung.id, key);

    // One statement when there are no attachments (the common case): the insert is atomic by itself.
    const insertAntrag = (db: typeof deps.db) =>
      db
        .insertInto('antrag')
        .values({
          vorgangsnummer: vn, aktivierung_id: aktivierung.id, onlinedienst_id: aktivierung.onlinedienst_id, mandant_id: aktivierung.mandant_id,
          formular_version: formular.version, payload_hash: payloadHash, form_data: JSON.stringify(daten.data),
          antragsteller: JSON.stringify(eingabe.antragsteller), test: eingabe.test, bearbeitung_status: null, eingegangen_am: new Date(),
          personendaten_geloescht_am: null,
        })
        .onConflict((oc) => oc.column('vorgangsnummer').doNothing())
        .returning('eingegangen_am')
        .executeTakeFirst();
    const inserted = anlagen.length === 0
      ? await insertAntrag(deps.db)
      : await deps.db.transaction().execute(async (trx) => {
          const row = await insertAntrag(trx);
          if (!row) return undefined;
          for (const a of anlagen) {
            await trx.insertInto('antrag_datei').values({
              id: `${vn}:${a.id}`, vorgangsnummer: vn, art: 'anlage', file_name: a.fileName, media_type: a.mediaType,
              size: a.content.length, sha256: a.sha256, content: a.content, metadata: '{}',
            }).execute();
          }
          return row;
        });
    const neu = inserted !== undefined;
    let eingegangenAm: string;
    if (inserted) {
      eingegangenAm = inserted.eingegangen_am!.toISOString();
    } else {
      const existing = await deps.db.selectFrom('antrag').select(['payload_hash', 'eingegangen_am']).where('vorgangsnummer', '=', vn).executeTakeFirstOrThrow();
      if (existing.payload_hash !== payloadHash) {
        throw new HttpProblem(409, 'Konflikt', 'This Idempotency-Key was already used for a different submission', { vorgangsnummer: vn });
      }
      eingegangenAm = existing.eingegangen_am!.toISOString();
    }

    const input: AntragInput = {
      vorgangsnummer: vn, aktivierungId: aktivierung.id, onlinedienstId: aktivierung.onlinedienst_id, mandantId: aktivierung.mandant_id,
      test: eingabe.test, eingegangenAm, zustellungMaxIntervall: deps.deliveryMaxRetryInterval,
    };
    // Durable once the server has recorded the start: no worker needs to be up for a citizen to submit. A retry
    // (or a concurrent duplicate) joins the same run; one that comes after the run ended finds it closed.
    try {
      await deps.temporal.workflow.start('antragWorkflow', {
        workflowId: antragWorkflowId(vn),
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: VorgangsnummerKey, value: vn },
          { key: MandantIdKey, value: aktivierung.mandant_id },
          { key: OnlinedienstIdKey, value: aktivierung.onlinedienst_id },
          { key: AntragStatusKey, value: 'eingegangen' },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const token = statusToken(deps.authSecret, vn);
    return c.json(
      { vorgangsnummer: vn, eingegangenAm, statusToken: token, statusUrl: `${deps.publicBaseUrl}/status/${token}`, wiederholt: !neu },
      neu ? 201 : 200,
      { location: `/api/antraege/${vn}` },
    );
  });

  const listQuery = z.object({
    mandant: z.string().optional(),
    status: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  });
  registry.add({
    method: 'get', path: '/api/antraege', tag: 'Anträge', roles: [...behoerde],
    summary: 'Lists the Anträge of the caller\'s Mandanten (newest first)', query: listQuery,
    response: { status: 200, description: 'Anträge' },
  });
  app.get('/', requireRole(...behoerde), async (c) => {
    const user = currentUser(c);
    const q = queryParams(c, listQuery);
    if (q.mandant) assertMandantAccess(user, q.mandant);
    let query = deps.db.selectFrom('antrag')
      .select(['vorgangsnummer', 'aktivierung_id', 'onlinedienst_id', 'mandant_id', 'status', 'zustell_status', 'bearbeitung_status', 'eingegangen_am', 'test'])
      .orderBy('created_at', 'desc').limit(q.limit);
    if (q.mandant) query = query.where('mandant_id', '=', q.mandant);
    else if (!user.mandanten.includes('*')) query = query.where('mandant_id', 'in', user.mandanten.length ? user.mandanten : ['-']);
    if (q.status) query = query.where('status', '=', q.status);
    return c.json({ items: await query.execute() });
  });

  registry.add({
    method: 'get', path: '/api/antraege/{vorgangsnummer}', tag: 'Anträge', roles: [...behoerde],
    summary: 'One Antrag for the authority: data, files, timeline, payment, delivery', response: { status: 200, description: 'the Antrag' }, errors: [404],
  });
  app.get('/:vn', requireRole(...behoerde), async (c) => {
    const antrag = await ladeFuerBehoerde(deps, c.req.param('vn'), currentUser(c));
    const [dateien, ereignisse, zahlung, zustellung] = await Promise.all([
      deps.db.selectFrom('antrag_datei').select(['id', 'art', 'file_name', 'media_type', 'size', 'sha256', 'metadata', 'created_at']).where('vorgangsnummer', '=', antrag.vorgangsnummer).orderBy('id').execute(),
      timeline(deps, antrag.vorgangsnummer),
      deps.db.selectFrom('zahlung').select(['kassenzeichen', 'betrag_cent', 'bezahlt_cent', 'status', 'gebucht_am']).where('vorgangsnummer', '=', antrag.vorgangsnummer).executeTakeFirst(),
      deps.db.selectFrom('zustellung').select(['modus', 'endpunkt', 'versuche', 'letzter_fehler', 'wartet_seit', 'zugestellt_am', 'transfer_geloescht_am']).where('vorgangsnummer', '=', antrag.vorgangsnummer).executeTakeFirst(),
    ]);
    return c.json({ ...antrag, dateien, ereignisse, zahlung: zahlung ?? null, zustellung: zustellung ?? null, temporalUiUrl: workflowUiUrl(deps, antragWorkflowId(antrag.vorgangsnummer)) });
  });

  app.get('/:vn/dateien/:id', requireRole(...behoerde), async (c) => {
    const antrag = await ladeFuerBehoerde(deps, c.req.param('vn'), currentUser(c));
    return datei(deps, antrag.vorgangsnummer, c.req.param('id'));
  });

  const meldung = z.discriminatedUnion('status', [
    z.object({ status: z.literal('in-bearbeitung') }),
    z.object({ status: z.literal('nachforderung'), text: z.string().trim().min(3).max(5000), frist: z.iso.datetime({ offset: true }) }),
    z.object({ status: z.literal('abgeschlossen') }),
  ]);
  registry.add({
    method: 'post', path: '/api/antraege/{vorgangsnummer}/bearbeitung', tag: 'Anträge', roles: ['sachbearbeitung'],
    summary: 'Reports the processing status (in Bearbeitung, Nachforderung with text and deadline, abgeschlossen)',
    body: meldung, response: { status: 200, description: 'the Antrag\'s state' }, errors: [404, 409],
  });
  app.post('/:vn/bearbeitung', requireRole('sachbearbeitung'), async (c) => {
    const user = currentUser(c);
    const antrag = await ladeFuerBehoerde(deps, c.req.param('vn'), user);
    const body = await jsonBody(c, meldung);
    const sicht = await update(deps, antrag.vorgangsnummer, () =>
      deps.temporal.workflow.getHandle(antragWorkflowId(antrag.vorgangsnummer)).executeUpdate(bearbeitungUpdate, {
        args: [{ ...body, actor: user.id }],
        updateId: c.req.header('idempotency-key'),
      }),
    );
    return c.json(sicht);
  });

  const bescheid = z.object({
    dateiname: z.string().min(1).max(200),
    inhaltBase64: z.base64().refine((b) => Buffer.from(b, 'base64').subarray(0, 5).toString('latin1') === '%PDF-', 'must be a PDF'),
    metadaten: z.object({ aktenzeichen: z.string().min(1).max(100), art: z.enum(['bewilligung', 'ablehnung', 'teilbewilligung', 'sonstiges']), datum: z.iso.date() }),
  });
  registry.add({
    method: 'post', path: '/api/antraege/{vorgangsnummer}/bescheid', tag: 'Anträge', roles: ['sachbearbeitung'],
    summary: 'Delivers the Bescheid (PDF + metadata) to the citizen; the Widerspruch period starts on delivery',
    body: bescheid, response: { status: 200, description: 'the Antrag\'s state with the Bescheid' }, errors: [404, 409],
  });
  app.post('/:vn/bescheid', requireRole('sachbearbeitung'), async (c) => {
    const user = currentUser(c);
    const antrag = await ladeFuerBehoerde(deps, c.req.param('vn'), user);
    const body = await jsonBody(c, bescheid);
    const content = Buffer.from(body.inhaltBase64, 'base64');
    const hash = createHash('sha256').update(content).digest('hex');
    const dateiId = `${antrag.vorgangsnummer}:bescheid-${hash.slice(0, 12)}`;
    await deps.db.insertInto('antrag_datei').values({
      id: dateiId, vorgangsnummer: antrag.vorgangsnummer, art: 'bescheid', file_name: `Bescheid-${antrag.vorgangsnummer}.pdf`,
      media_type: 'application/pdf', size: content.length, sha256: hash, content, metadata: JSON.stringify({ ...body.metadaten, dateiname: body.dateiname }),
    }).onConflict((oc) => oc.column('id').doNothing()).execute();
    const sicht = await update(deps, antrag.vorgangsnummer, () =>
      deps.temporal.workflow.getHandle(antragWorkflowId(antrag.vorgangsnummer)).executeUpdate(bescheidUpdate, {
        args: [{ dateiId, actor: user.id }],
        updateId: `bescheid-${hash.slice(0, 12)}`,
      }),
    );
    return c.json(sicht);
  });
  return app;
}

async function ladeFuerBehoerde(deps: ApiDeps, vn: string, user: ReturnType<typeof currentUser>) {
  if (!VORGANGSNUMMER.test(vn)) throw new HttpProblem(404, 'Nicht gefunden', `Antrag ${vn} not found`);
  const antrag = await deps.db.selectFrom('antrag').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst();
  // Another Mandant's Antrag is "not found": its existence is not the caller's business.
  if (!antrag || !canAccessMandant(user, antrag.mandant_id)) throw new HttpProblem(404, 'Nicht gefunden', `Antrag ${vn} not found`);
  return antrag;
}

export async function timeline(deps: ApiDeps, vn: string) {
  return deps.db.selectFrom('antrag_ereignis').select(['at', 'spur', 'status', 'text', 'details']).where('vorgangsnummer', '=', vn).orderBy('id').execute();
}

export async function datei(deps: ApiDeps, vn: string, id: string, arten?: string[]) {
  let q = deps.db.selectFrom('antrag_datei').selectAll().where('vorgangsnummer', '=', vn).where('id', '=', `${vn}:${id}`);
  if (arten) q = q.where('art', 'in', arten as never);
  const row = await q.executeTakeFirst();
  if (!row) throw new HttpProblem(404, 'Nicht gefunden', `File ${id} not found`);
  if (!row.content) throw new HttpProblem(404, 'Nicht gefunden', `File ${id} was deleted after the retention period`);
  return new Response(new Uint8Array(row.content), {
    headers: {
      'content-type': row.media_type,
      'content-disposition': `attachment; filename="${row.file_name.replace(/[^\w.\- ]/g, '_')}"`,
      'x-content-type-options': 'nosniff',
    },
  });
}

/** Runs a workflow update; a refused update (validator) becomes 409 with the workflow's reason. */
export async function update<T>(deps: ApiDeps, vn: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      throw new HttpProblem(409, 'Nicht möglich', (err.cause as Error | undefined)?.message ?? err.message, { vorgangsnummer: vn });
    }
    if (err instanceof WorkflowNotFoundError) throw new HttpProblem(409, 'Nicht möglich', `Antrag ${vn} is no longer running`);
    throw err;
  }
}

export const wartungsmodusBody = z.object({
  aktiv: z.boolean(),
  art: z.enum(['refuse', 'hold']).default('refuse'),
  text: z.string().max(1000).nullable().default(null),
});

/** Switches Wartungsmodus; switching it off releases every Antrag held for this activation. */
export async function setzeWartungsmodus(deps: ApiDeps, aktivierungId: string, body: z.infer<typeof wartungsmodusBody>, actor: string) {
  const before = await deps.db.selectFrom('aktivierung').select(['wartungsmodus', 'mandant_id']).where('id', '=', aktivierungId).executeTakeFirstOrThrow();
  await deps.db.updateTable('aktivierung')
    .set({ wartungsmodus: body.aktiv, wartungsmodus_art: body.art, wartungsmodus_text: body.text, updated_at: sql`now()` })
    .where('id', '=', aktivierungId).execute();
  const freigegeben = before.wartungsmodus && !body.aktiv ? await releaseHeldAntraege(deps.db, deps.temporal, aktivierungId) : 0;
  return { aktivierungId, ...body, freigegeben, actor, mandantId: before.mandant_id };
}
