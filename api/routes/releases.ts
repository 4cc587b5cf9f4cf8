// Amt24 releases and their re-check campaigns: POST a release (starts release-<version>), the campaign at a glance
// for the AWB (checked ok, failed with finding, recertifying, late, not started), the same as CSV, and the AWB's
// bulk reminder of the late ones (release-erinnerung.ts).
import { z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { listCampaigns, loadCampaign } from '../../db/stores/release-campaign';
import { domainNow, resolveClock } from '../../domain/clock';
import {
  CATEGORY_LABELS,
  recheckCategory,
  releaseSchema,
  renderCampaignCsv,
  summarizeCampaign,
  type RecheckCategory,
} from '../../domain/release/campaign';
import { releaseWorkflowId, type ReleaseCampaignInput } from '../../messages/release';
import { ReleaseCheckStateKey } from '../../messages/search-attributes';
import { currentUser, type User } from '../auth';
import { workflowUiUrl, type ApiDeps } from '../deps';
import { csvDownload } from '../downloads';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router } from '../route';
import { campaignSchema, releaseListSchema, releaseStartedSchema } from '../schemas/release';
import { registerReleaseErinnerung } from './release-erinnerung';

const CATEGORIES = Object.keys(CATEGORY_LABELS) as [RecheckCategory, ...RecheckCategory[]];
const READERS = ['awb', 'projektleitung', 'prozesseigner'] as const;
const versionParams = z.object({ version: z.string() });

/** The campaign's release; the version also names the workflow, so it is kept to a safe alphabet. */
const releaseBody = releaseSchema().extend({
  version: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,40}$/, 'Buchstaben, Ziffern, . _ - (höchstens 40 Zeichen).'),
});

export const publishRoute = apiRoute({
  method: 'post',
  path: '/',
  tag: 'Releases',
  roles: ['awb', 'projektleitung'],
  summary:
    'Publishes an Amt24 release (version, date, changes with tags, some breaking) and starts its re-check campaign',
  request: { body: jsonBody(releaseBody) },
  responses: { 201: json(releaseStartedSchema, 'the campaign started') },
  problems: [409],
});

export const listRoute = apiRoute({
  method: 'get',
  path: '/',
  tag: 'Releases',
  roles: READERS,
  summary: 'Release campaigns with their progress',
  responses: { 200: json(releaseListSchema, 'campaigns, newest release first') },
});

export const campaignRoute = apiRoute({
  method: 'get',
  path: '/{version}',
  tag: 'Releases',
  roles: READERS,
  summary: 'The campaign at a glance: counts per category and every re-check with its category, deadline and finding',
  request: { params: versionParams, query: z.object({ kategorie: z.enum(CATEGORIES).optional() }) },
  responses: { 200: json(campaignSchema, 'the campaign') },
  problems: [404],
});

export const csvRoute = apiRoute({
  method: 'get',
  path: '/{version}/pruefungen.csv',
  tag: 'Releases',
  roles: READERS,
  summary: 'The campaign as CSV (semicolon for German spreadsheets by default; trennzeichen=, for RFC 4180)',
  request: { params: versionParams, query: z.object({ trennzeichen: z.enum([',', ';']).default(';') }) },
  responses: {
    200: {
      description: 'CSV download (UTF-8 with BOM), one line per re-check',
      headers: z.object({ 'content-disposition': z.string() }),
      content: { 'text/csv': { schema: z.string() } },
    },
  },
  problems: [404],
});

export function releasesRoutes(deps: ApiDeps) {
  const app = router();

  /** The AWB and the Projektleitung see every Onlinedienst; a Prozesseigner only their own. */
  const scope = (user: User) =>
    user.roles.includes('awb') || user.roles.includes('projektleitung') ? {} : { prozesseigner: user.id };

  async function campaignFor(user: User, version: string) {
    const stored = await loadCampaign(deps.db, version, scope(user));
    if (!stored) throw new HttpProblem(404, 'Nicht gefunden', `Release ${version} not found`);
    return { ...stored, now: domainNow(stored.clock, Date.now()) };
  }

  app.openapi(publishRoute, async (c) => {
    const user = currentUser(c);
    const release = c.req.valid('json');
    const workflowId = releaseWorkflowId(release.version);
    const campaign = deps.lifecycle?.campaign;
    const input: ReleaseCampaignInput = {
      release,
      createdBy: user.id,
      ...(deps.lifecycle?.campaignPolicy ? { policy: deps.lifecycle.campaignPolicy } : {}),
      ...(campaign ? { settings: { ...campaign, clock: resolveClock(campaign.clock, Date.now()) } } : {}),
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
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new HttpProblem(409, 'Konflikt', `Release ${release.version} ist bereits veröffentlicht.`, {
          code: 'exists',
        });
      }
      throw err;
    }
    return c.json({ version: release.version, workflowId, temporalUiUrl: workflowUiUrl(deps, workflowId) }, 201);
  });

  app.openapi(listRoute, async (c) => {
    const rows = await listCampaigns(deps.db);
    const items = rows.map((r) => ({
      version: r.version,
      releaseDate: r.release_date,
      status: r.status,
      total: r.total,
      signalled: r.signalled,
      createdBy: r.created_by,
      finishedAt: r.finished_at,
    }));
    return c.json({ items }, 200);
  });

  app.openapi(campaignRoute, async (c) => {
    const { version } = c.req.valid('param');
    const { kategorie } = c.req.valid('query');
    const { row, campaign, notApplicable, now } = await campaignFor(currentUser(c), version);
    const items = campaign.tasks
      .map((t) => {
        const category = recheckCategory(t, now);
        return { ...t, kategorie: category, kategorieText: CATEGORY_LABELS[category] };
      })
      .filter((t) => kategorie === undefined || t.kategorie === kategorie);
    return c.json(
      {
        release: campaign.release,
        status: row.status,
        workflowId: row.workflow_id,
        now,
        summary: summarizeCampaign(campaign, now),
        notApplicable,
        items,
        temporalUiUrl: workflowUiUrl(deps, row.workflow_id),
      },
      200,
    );
  });

  app.openapi(csvRoute, async (c) => {
    const { version } = c.req.valid('param');
    const { trennzeichen } = c.req.valid('query');
    const { campaign, now } = await campaignFor(currentUser(c), version);
    return csvDownload(
      `release-${version}-pruefungen.csv`,
      renderCampaignCsv(campaign, now, { delimiter: trennzeichen }),
    );
  });
  registerReleaseErinnerung(app, deps);
  return app;
}
