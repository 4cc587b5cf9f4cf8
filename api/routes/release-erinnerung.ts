// The AWB's "remind every late one now" on a release (issue 11: bulk actions run as a workflow with progress): POST
// starts releaseErinnerungWorkflow under the caller's action key and answers 202 at once; the same key again is the
// same action (200 with its progress, nobody mailed twice); GET reads the progress.
import { z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { appendAudit } from '../../db/stores/audit';
import { getCampaignRow } from '../../db/stores/release-erinnerung';
import { domainNow } from '../../domain/clock';
import {
  releaseErinnerungQuery,
  releaseErinnerungWorkflowId,
  type ReleaseErinnerungFortschritt,
  type ReleaseErinnerungInput,
} from '../../messages/release';
import { currentUser } from '../auth';
import { workflowUiUrl, type ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, type router } from '../route';
import { erinnernBody, erinnerungSchema } from '../schemas/release';

const AWB = ['awb'] as const;
const AKTION_ID = /^[A-Za-z0-9-]{1,40}$/;
const versionParams = z.object({ version: z.string() });

export const erinnernRoute = apiRoute({
  method: 'post',
  path: '/{version}/erinnern',
  tag: 'Releases',
  roles: AWB,
  summary:
    'Reminds every late re-check of the release once, now, as a bulk action (202; progress at …/erinnerungen/{aktionId}); the same aktionId again answers 200 with its progress',
  request: { params: versionParams, body: jsonBody(erinnernBody) },
  responses: {
    200: json(erinnerungSchema, 'this action ran or runs already: its progress'),
    202: json(erinnerungSchema, 'the bulk action started'),
  },
  problems: [404, 409],
});

export const erinnerungRoute = apiRoute({
  method: 'get',
  path: '/{version}/erinnerungen/{aktionId}',
  tag: 'Releases',
  roles: AWB,
  summary: "Progress of a bulk reminder of a release's late re-checks",
  request: {
    params: z.object({
      version: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'Keine Release-Version.'),
      aktionId: z.string().regex(AKTION_ID, 'Buchstaben, Ziffern und - (höchstens 40 Zeichen).'),
    }),
  },
  responses: { 200: json(erinnerungSchema, 'progress') },
  problems: [404],
});

export function registerReleaseErinnerung(app: ReturnType<typeof router>, deps: ApiDeps) {
  const view = (workflowId: string, p: ReleaseErinnerungFortschritt) => ({
    ...p,
    workflowId,
    temporalUiUrl: workflowUiUrl(deps, workflowId),
  });

  const progress = async (version: string, aktionId: string) => {
    const workflowId = releaseErinnerungWorkflowId(version, aktionId);
    try {
      return view(workflowId, await deps.temporal.workflow.getHandle(workflowId).query(releaseErinnerungQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new HttpProblem(404, 'Nicht gefunden', `Keine Erinnerungsaktion ${aktionId} zu Release ${version}.`);
      throw err;
    }
  };

  app.openapi(erinnernRoute, async (c) => {
    const user = currentUser(c);
    const { version } = c.req.valid('param');
    const aktionId =
      c.req.valid('json').aktionId ??
      c
        .get('requestId')
        .replace(/[^A-Za-z0-9-]/g, '')
        .slice(0, 40);
    const row = await getCampaignRow(deps.db, version);
    if (!row) throw new HttpProblem(404, 'Nicht gefunden', `Release ${version} not found`);
    if (row.status === 'abgeschlossen' || row.status === 'planung') {
      // An action asked for again after the campaign closed is still the action it was.
      const earlier = await progress(version, aktionId).catch((err: unknown) => {
        if (err instanceof HttpProblem && err.status === 404) return undefined;
        throw err;
      });
      if (earlier) return c.json(earlier, 200);
      throw new HttpProblem(
        409,
        'Nicht möglich',
        row.status === 'abgeschlossen'
          ? `Die Prüfkampagne zu Release ${version} ist abgeschlossen.`
          : `Die Prüfkampagne zu Release ${version} wird noch geplant.`,
      );
    }
    const workflowId = releaseErinnerungWorkflowId(version, aktionId);
    const stichtag = domainNow(row.clock, Date.now());
    const batch = deps.lifecycle?.campaign?.erinnerungBatch;
    const input: ReleaseErinnerungInput = {
      version,
      aktionId,
      actor: user.id,
      stichtag,
      ...(batch ? { batchGroesse: batch } : {}),
    };
    try {
      await deps.temporal.workflow.start('releaseErinnerungWorkflow', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return c.json(await progress(version, aktionId), 200);
      throw err;
    }
    await appendAudit(deps.db, {
      actor: user.id,
      action: 'release.erinnern',
      subjectType: 'release',
      subjectId: version,
      details: { aktionId, workflowId, stichtag },
      idempotencyKey: `release-erinnern:${workflowId}`,
    });
    const started: ReleaseErinnerungFortschritt = {
      version,
      aktionId,
      actor: user.id,
      stichtag,
      gesamt: 0,
      erinnert: 0,
      ohnePostfach: 0,
      fertig: false,
    };
    return c.json(view(workflowId, started), 202);
  });

  app.openapi(erinnerungRoute, async (c) => {
    const { version, aktionId } = c.req.valid('param');
    return c.json(await progress(version, aktionId), 200);
  });
}
