// Amt24 releases and their re-check campaigns: POST a release (starts release-<version>), the campaign at a glance
// for the AWB (checked ok, failed with finding, recertifying, late, not started) and the same as CSV.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Hono } from 'hono';
import { z } from 'zod';
import { loadCampaign } from '../../db/stores/release';
import { domainNow, resolveClock } from '../../domain/clock';
import { parseFields } from '../../domain/field-errors';
import { recheckCategory, releaseSchema, renderCampaignCsv, summarizeCampaign, CATEGORY_LABELS, type RecheckCategory } from '../../domain/release/campaign';
import { releaseWorkflowId, type ReleaseCampaignInput } from '../../messages/release';
import { ReleaseCheckStateKey } from '../../messages/search-attributes';
import { currentUser, requireRole, type AuthVariables, type User } from '../auth';
import { workflowUiUrl, type ApiDeps } from '../deps';
import { toInvalidParams } from '../lifecycle-api';
import type { ApiRegistry } from '../openapi';
import { HttpProblem } from '../problem';
import { jsonBody, queryParams } from '../validation';

const CATEGORIES = Object.keys(CATEGORY_LABELS) as [RecheckCategory, ...RecheckCategory[]];
const detailQuery = z.object({ kategorie: z.enum(CATEGORIES).optional() });
const csvQuery = z.object({ trennzeichen: z.enum([',', ';']).default(';') });
const READERS = ['awb', 'projektleitung', 'prozesseigner'] as const;

export function releasesRoutes(deps: ApiDeps, registry: ApiRegistry) {
  const app = new Hono<{ Variables: AuthVariables }>();

  /** The AWB and the Projektleitung see every Onlinedienst; a Prozesseigner only their own. */
  const scope = (user: User) => (user.roles.includes('awb') || user.roles.includes('projektleitung') ? {} : { prozesseigner: user.id });

  async function campaignFor(user: User, version: string) {
    const stored = await loadCampaign(deps.db, version, scope(user));
    if (!stored) throw new HttpProblem(404, 'Nicht gefunden', `Release ${version} not found`);
    return { ...stored, now: domainNow(stored.clock, Date.now()) };
  }

  registry.add({
    method: 'post', path: '/api/releases', tag: 'Releases', roles: ['awb', 'projektleitung'],
    summary: 'Publishes an Amt24 release (version, date, changes with tags, some breaking) and starts its re-check campaign',
    body: releaseSchema(),
    response: { status: 201, description: 'the campaign started' },
    errors: [409],
  });
  app.post('/', requireRole('awb', 'projektleitung'), async (c) => {
    const user = currentUser(c);
    const raw = await jsonBody(c, z.unknown());
    const parsed = parseFields(releaseSchema(), raw);
    if (!parsed.ok) {
      throw new HttpProblem(400, 'Ungültige Eingabe', 'Die Release-Angaben sind unvollständig oder ungültig.', {
        code: 'invalid-release',
        invalidParams: toInvalidParams(parsed.fieldErrors),
      });
    }
    const release = parsed.data;
    if (!/^[A-Za-z0-9._-]{1,40}$/.test(release.version)) {
      throw new HttpProblem(400, 'Ungültige Eingabe', 'version: Buchstaben, Ziffern, . _ - (höchstens 40)', { invalidParams: [{ name: 'version', reason: 'Buchstaben, Ziffern, . _ -' }] });
    }
    const workflowId = releaseWorkflowId(release.version);
    const input: ReleaseCampaignInput = {
      release,
      createdBy: user.id,
      ...(deps.lifecycle?.campaignPolicy ? { policy: deps.lifecycle.campaignPolicy } : {}),
      ...(deps.lifecycle?.campaign ? { settings: { ...deps.lifecycle.campaign, clock: resolveClock(deps.lifecycle.campaign.clock, Date.now()) } } : {}),
    };
    try {
      await deps.temporal.workflow.start('releaseCampaignWorkflow', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [{ key: ReleaseCheckStateKey, value: 'laufend' }],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new HttpProblem(409, 'Konflikt', `Release ${release.version} ist bereits veröffentlicht.`, { code: 'exists' });
      throw err;
    }
    return c.json({ version: release.version, workflowId, temporalUiUrl: workflowUiUrl(deps, workflowId) }, 201);
  });

  registry.add({
    method: 'get', path: '/api/releases', tag: 'Releases', roles: [...READERS],
    summary: 'Release campaigns with their progress',
    response: { status: 200, description: 'campaigns' },
  });
  app.get('/', requireRole(...READERS), async (c) => {
    const rows = await deps.db.selectFrom('release_campaign').selectAll().orderBy('release_date', 'desc').execute();
    return c.json({
      items: rows.map((r) => ({
        version: r.version, releaseDate: r.release_date, status: r.status, total: r.total, signalled: r.signalled, createdBy: r.created_by, finishedAt: r.finished_at,
      })),
    });
  });

  registry.add({
    method: 'get', path: '/api/releases/{version}', tag: 'Releases', roles: [...READERS],
    summary: 'The campaign at a glance: counts per category and every re-check with its category, deadline and finding',
    query: detailQuery,
    response: { status: 200, description: 'the campaign' },
    errors: [404],
  });
  app.get('/:version', requireRole(...READERS), async (c) => {
    const user = currentUser(c);
    const q = queryParams(c, detailQuery);
    const { row, campaign, notApplicable, now } = await campaignFor(user, c.req.param('version'));
    const items = campaign.tasks
      .map((t) => {
        const kategorie = recheckCategory(t, now);
        return { ...t, kategorie, kategorieText: CATEGORY_LABELS[kategorie] };
      })
      .filter((t) => q.kategorie === undefined || t.kategorie === q.kategorie);
    return c.json({
      release: campaign.release,
      status: row.status,
      workflowId: row.workflow_id,
      now,
      summary: summarizeCampaign(campaign, now),
      notApplicable,
      items,
      temporalUiUrl: workflowUiUrl(deps, row.workflow_id),
    });
  });

  registry.add({
    method: 'get', path: '/api/releases/{version}/pruefungen.csv', tag: 'Releases', roles: [...READERS],
    summary: 'The campaign as CSV (semicolon for German spreadsheets by default; trennzeichen=, for RFC 4180)',
    query: csvQuery,
    response: { status: 200, description: 'CSV', contentType: 'text/csv' },
    errors: [404],
  });
  app.get('/:version/pruefungen.csv', requireRole(...READERS), async (c) => {
    const user = currentUser(c);
    const q = queryParams(c, csvQuery);
    const version = c.req.param('version');
    const { campaign, now } = await campaignFor(user, version);
    return c.body(renderCampaignCsv(campaign, now, { delimiter: q.trennzeichen }), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="release-${version.replace(/[^A-Za-z0-9._-]/g, '_')}-pruefungen.csv"`,
    });
  });
  return app;
}
