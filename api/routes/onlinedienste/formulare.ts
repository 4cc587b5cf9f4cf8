// The Prozessmodellierer's form+process definitions (docs/formular-format.md): versions created, listed, shown and,
// while uncertified, replaced; validated; certified automatically (the evidence bound to the content hash);
// deployed to the Entwicklungssystem; and which version runs where. Findings name their JSON pointer in the
// definition. Production is reached only through the AWB's rollout ticket, never from here.
import { appendAudit } from '../../../db/stores/audit';
import {
  deployStage,
  findVersion,
  insertVersion,
  insertZertifizierung,
  listStages,
  listVersionen,
  listZertifizierungen,
  updateEntwurf,
  type FormularVersion,
} from '../../../db/stores/formular';
import type { Befund } from '../../../domain/formular/befund';
import { pruefeDefinition } from '../../../domain/formular/definition';
import { zertifiziere } from '../../../domain/formular/zertifizierung';
import { currentUser, type Role } from '../../auth';
import type { ApiDeps } from '../../deps';
import { HttpProblem } from '../../problem';
import { apiRoute, json, jsonBody, router } from '../../route';
import {
  bereitstellungBody,
  definitionBody,
  stageListSchema,
  validierungSchema,
  versionDetailSchema,
  versionListSchema,
  versionParams,
  zertifizierungSchema,
} from '../../schemas/formular';
import { idParams } from './access';

const MODELLIERER: Role[] = ['prozessmodellierer'];
const LESER: Role[] = ['prozessmodellierer', 'prozesseigner', 'zertifizierer', 'awb', 'projektleitung', 'testteam'];

export const listVersionenRoute = apiRoute({
  method: 'get',
  path: '/{id}/formulare',
  tag: 'Formulare',
  roles: LESER,
  summary: 'Versions of the form+process definition, oldest first, and the stage each version runs on',
  request: { params: idParams },
  responses: { 200: json(versionListSchema, 'versions and stages') },
  problems: [404],
});

export const createVersionRoute = apiRoute({
  method: 'post',
  path: '/{id}/formulare',
  tag: 'Formulare',
  roles: MODELLIERER,
  summary:
    'Stores a new version (the next number). The same content as the latest version returns that version (200). ' +
    'An invalid definition: 400, invalidParams named by JSON pointer (/abschnitte/0/felder/2/typ).',
  request: { params: idParams, body: jsonBody(definitionBody, 'a definition in the format amt24-formular/1') },
  responses: { 201: json(versionDetailSchema, 'created'), 200: json(versionDetailSchema, 'unchanged: the latest') },
  problems: [404],
});

export const showVersionRoute = apiRoute({
  method: 'get',
  path: '/{id}/formulare/{version}',
  tag: 'Formulare',
  roles: LESER,
  summary: 'One version: its definition, content hash, certification evidence and stages',
  request: { params: versionParams },
  responses: { 200: json(versionDetailSchema, 'the version') },
  problems: [404],
});

export const replaceVersionRoute = apiRoute({
  method: 'put',
  path: '/{id}/formulare/{version}',
  tag: 'Formulare',
  roles: MODELLIERER,
  summary: 'Replaces the content of an uncertified version (409 once certified: a certified version is immutable)',
  request: { params: versionParams, body: jsonBody(definitionBody) },
  responses: { 200: json(versionDetailSchema, 'the version with its new content hash') },
  problems: [404, 409],
});

export const validateRoute = apiRoute({
  method: 'post',
  path: '/{id}/formulare/validierung',
  tag: 'Formulare',
  roles: MODELLIERER,
  summary:
    'Checks a definition without storing it: the format, then (if that holds) the certification rules. Findings ' +
    'carry the JSON pointer.',
  request: { params: idParams, body: jsonBody(definitionBody) },
  responses: { 200: json(validierungSchema, 'findings (none: valid and certifiable)') },
  problems: [404],
});

export const certifyRoute = apiRoute({
  method: 'post',
  path: '/{id}/formulare/{version}/zertifizierung',
  tag: 'Formulare',
  roles: MODELLIERER,
  summary:
    'Runs the automatic certification on a version and stores the result as evidence bound to its content hash. ' +
    'Passed: 200, the version is certified and immutable. Failed: 422 with the findings, invalidParams named by JSON pointer.',
  request: { params: versionParams },
  responses: { 200: json(zertifizierungSchema, 'passed') },
  problems: [404, 422],
});

export const deployRoute = apiRoute({
  method: 'post',
  path: '/{id}/formulare/{version}/bereitstellung',
  tag: 'Formulare',
  roles: MODELLIERER,
  summary:
    'Deploys a version to the Entwicklungssystem (test Anträge use it). Production only through the rollout ticket.',
  request: { params: versionParams, body: jsonBody(bereitstellungBody) },
  responses: { 200: json(stageListSchema, 'the stages after the deployment') },
  problems: [404, 409],
});

export const stagesRoute = apiRoute({
  method: 'get',
  path: '/{id}/stages',
  tag: 'Formulare',
  roles: LESER,
  summary: 'Which version runs where: entwicklung and produktion',
  request: { params: idParams },
  responses: { 200: json(stageListSchema, 'the stages') },
  problems: [404],
});

const invalid = (befunde: Befund[]) => befunde.map((b) => ({ name: b.pfad || '/', reason: b.meldung, regel: b.regel }));

function refused(befunde: Befund[]): HttpProblem {
  return new HttpProblem(400, 'Ungültige Definition', `Fehler in: ${befunde.map((b) => b.pfad || '/').join(', ')}`, {
    where: 'body',
    invalidParams: invalid(befunde),
  });
}

export function formulareRoutes(deps: ApiDeps) {
  const app = router();
  const db = deps.db;

  async function onlinedienst(id: string) {
    const row = await db.selectFrom('onlinedienst').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw new HttpProblem(404, 'Nicht gefunden', `Onlinedienst ${id} not found`);
  }
  async function version(id: string, v: string) {
    await onlinedienst(id);
    const row = await findVersion(db, id, v);
    if (!row) throw new HttpProblem(404, 'Nicht gefunden', `Version ${v} of ${id} not found`);
    return row;
  }
  const stages = async (id: string) =>
    (await listStages(db, id)).map((s) => ({
      stage: s.stage,
      version: s.version,
      contentHash: s.content_hash,
      bereitgestelltVon: s.deployed_by,
      bereitgestelltAm: s.deployed_at.toISOString(),
    }));
  const summary = (r: FormularVersion, st: Awaited<ReturnType<typeof stages>>) => ({
    version: r.version,
    contentHash: r.content_hash,
    zertifiziert: r.zertifiziert_hash === r.content_hash,
    titel: r.definition.titel,
    erstelltVon: r.created_by,
    erstelltAm: r.created_at.toISOString(),
    geaendertAm: r.updated_at.toISOString(),
    stages: st.filter((s) => s.version === r.version).map((s) => s.stage),
  });
  async function detail(r: FormularVersion) {
    const evidence = await listZertifizierungen(db, r.onlinedienst_id, r.version);
    return {
      ...summary(r, await stages(r.onlinedienst_id)),
      definition: r.definition,
      zertifizierungen: evidence.map((e) => ({
        id: e.id,
        contentHash: e.content_hash,
        regelwerk: e.regelwerk,
        bestanden: e.bestanden,
        befunde: e.befunde,
        geprueftVon: e.geprueft_von,
        geprueftAm: e.geprueft_am.toISOString(),
      })),
    };
  }
  const audit = (actor: string, action: string, id: string, details: Record<string, unknown>, requestId: string) =>
    appendAudit(db, {
      actor,
      action,
      subjectType: 'onlinedienst',
      subjectId: id,
      details,
      idempotencyKey: `api:${requestId}`,
    });

  app.openapi(listVersionenRoute, async (c) => {
    const { id } = c.req.valid('param');
    await onlinedienst(id);
    const st = await stages(id);
    return c.json({ items: (await listVersionen(db, id)).map((r) => summary(r, st)), stages: st }, 200);
  });

  app.openapi(validateRoute, async (c) => {
    const { id } = c.req.valid('param');
    await onlinedienst(id);
    const p = pruefeDefinition(c.req.valid('json'));
    const befunde = p.ok ? zertifiziere(p.definition).befunde : p.befunde;
    return c.json({ formatGueltig: p.ok, zertifizierbar: p.ok && befunde.length === 0, befunde }, 200);
  });

  app.openapi(createVersionRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    await onlinedienst(id);
    const p = pruefeDefinition(c.req.valid('json'));
    if (!p.ok) throw refused(p.befunde);
    const { row, created } = await insertVersion(db, {
      onlinedienstId: id,
      definition: p.definition,
      createdBy: user.id,
    });
    if (created) {
      await audit(
        user.id,
        'formular.version.angelegt',
        id,
        { version: row.version, contentHash: row.content_hash },
        c.get('requestId'),
      );
    }
    return created ? c.json(await detail(row), 201) : c.json(await detail(row), 200);
  });

  app.openapi(showVersionRoute, async (c) => {
    const { id, version: v } = c.req.valid('param');
    return c.json(await detail(await version(id, v)), 200);
  });

  app.openapi(replaceVersionRoute, async (c) => {
    const user = currentUser(c);
    const { id, version: v } = c.req.valid('param');
    await version(id, v);
    const p = pruefeDefinition(c.req.valid('json'));
    if (!p.ok) throw refused(p.befunde);
    const row = await updateEntwurf(db, id, v, p.definition);
    if (!row) {
      throw new HttpProblem(
        409,
        'Version zertifiziert',
        `Version ${v} ist zertifiziert und unveränderlich; legen Sie eine neue Version an.`,
      );
    }
    await audit(
      user.id,
      'formular.version.geaendert',
      id,
      { version: v, contentHash: row.content_hash },
      c.get('requestId'),
    );
    return c.json(await detail(row), 200);
  });

  app.openapi(certifyRoute, async (c) => {
    const user = currentUser(c);
    const { id, version: v } = c.req.valid('param');
    const row = await version(id, v);
    const ergebnis = zertifiziere(row.definition);
    const evidence = await insertZertifizierung(db, {
      onlinedienstId: id,
      version: v,
      contentHash: row.content_hash,
      ergebnis,
      by: user.id,
    });
    await audit(
      user.id,
      ergebnis.bestanden ? 'formular.zertifizierung.bestanden' : 'formular.zertifizierung.nicht-bestanden',
      id,
      { version: v, contentHash: row.content_hash, regelwerk: ergebnis.regelwerk, befunde: ergebnis.befunde.length },
      c.get('requestId'),
    );
    const body = {
      id: evidence.id,
      version: v,
      contentHash: row.content_hash,
      regelwerk: ergebnis.regelwerk,
      bestanden: ergebnis.bestanden,
      befunde: ergebnis.befunde,
    };
    if (!ergebnis.bestanden) {
      throw new HttpProblem(
        422,
        'Zertifizierung nicht bestanden',
        `Befunde in: ${ergebnis.befunde.map((b) => b.pfad).join(', ')}`,
        { ...body, invalidParams: invalid(ergebnis.befunde) },
      );
    }
    return c.json(body, 200);
  });

  app.openapi(deployRoute, async (c) => {
    const user = currentUser(c);
    const { id, version: v } = c.req.valid('param');
    const { stage } = c.req.valid('json');
    const row = await version(id, v);
    if (stage !== 'entwicklung') {
      throw new HttpProblem(
        409,
        'Nicht erlaubt',
        'Auf das Produktivsystem überträgt nur die Anwendungsbetreuung (Rollout-Ticket).',
        {
          invalidParams: [{ name: 'stage', reason: 'nur entwicklung' }],
        },
      );
    }
    await deployStage(db, { onlinedienstId: id, stage, version: v, contentHash: row.content_hash, by: user.id });
    await audit(
      user.id,
      'formular.bereitgestellt',
      id,
      { version: v, stage, contentHash: row.content_hash },
      c.get('requestId'),
    );
    return c.json({ items: await stages(id) }, 200);
  });

  app.openapi(stagesRoute, async (c) => {
    const { id } = c.req.valid('param');
    await onlinedienst(id);
    return c.json({ items: await stages(id) }, 200);
  });

  return app;
}
