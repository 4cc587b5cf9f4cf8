// Starting an Onlinedienst's lifecycle: the projection row first (with the role mailboxes, which never travel
// through workflow history), then the workflow onlinedienst-<id>, in Klärung — or in Betrieb for an Onlinedienst
// already in production.
import { z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { mandantExists } from '../../../db/stores/mandant';
import { registerOnlinedienst } from '../../../db/stores/onlinedienst';
import { resolveClock } from '../../../domain/clock';
import { prozessRef } from '../../../domain/onlinedienst/task-catalog';
import { lifecycleWorkflowId, type LifecycleInput } from '../../../messages/onlinedienst';
import {
  LifecyclePhaseKey,
  MandantIdKey,
  OnlinedienstIdKey,
  ProzesseignerKey,
} from '../../../messages/search-attributes';
import { currentUser } from '../../auth';
import { workflowUiUrl, type ApiDeps } from '../../deps';
import { HttpProblem } from '../../problem';
import { apiRoute, json, jsonBody, router } from '../../route';
import { lifecycleStartedSchema } from '../../schemas/onlinedienst';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,59}$/, 'Kleinbuchstaben, Ziffern und -, 2–60 Zeichen.');
/** Paths below /api/onlinedienste that an id would shadow. */
const RESERVED = new Set(['aufgaben']);

const createBody = z.strictObject({
  id: slug.refine((id) => !RESERVED.has(id), 'Reserviert.'),
  name: z.string().trim().min(2).max(200),
  /** the Mandant that owns the Onlinedienst */
  mandantId: slug,
  /** user id of the Prozesseigner; default: the caller */
  prozesseigner: z.string().min(1).optional(),
  kontakte: z.strictObject({
    prozesseigner: z.email(),
    prozessmodellierer: z.email().optional(),
    zertifizierer: z.email().optional(),
    testteam: z.email().optional(),
    redaktion: z.email().optional(),
    projektleitung: z.email().optional(),
    awb: z.email().optional(),
  }),
  featureTags: z.array(z.string().trim().min(1)).default([]),
  mandanten: z.array(slug).default([]),
  leistungId: z.string().min(1).optional(),
  /** built with the Blaupause-Assistent: the automatic certification completes its Zertifizierung */
  blaupause: z.boolean().default(false),
  /** an Onlinedienst already in production (Projektleitung only): its lifecycle starts in Betrieb */
  bestand: z
    .strictObject({
      prozess: prozessRef(),
      formular: prozessRef(),
      zertifizierungsReferenz: z.string().min(1),
      aktivierteMandanten: z.array(slug).min(1),
    })
    .optional(),
});

export const startRoute = apiRoute({
  method: 'post',
  path: '/',
  tag: 'Onlinedienste',
  roles: ['prozesseigner', 'projektleitung'],
  summary:
    'Creates an Onlinedienst and starts its lifecycle workflow (onlinedienst-<id>) in Klärung, or in Betrieb for one already in production',
  request: { body: jsonBody(createBody) },
  responses: { 201: json(lifecycleStartedSchema, 'the started lifecycle') },
  problems: [409],
});

export function startRoutes(deps: ApiDeps) {
  const app = router();

  app.openapi(startRoute, async (c) => {
    const user = currentUser(c);
    const body = c.req.valid('json');
    if (body.bestand && !user.roles.includes('projektleitung')) {
      throw new HttpProblem(403, 'Keine Berechtigung', 'Bestehende Onlinedienste übernimmt die Projektleitung Amt24.');
    }
    if (body.blaupause && body.bestand) {
      throw new HttpProblem(400, 'Ungültige Eingabe', 'Ein Bestand in Betrieb ist keine Blaupause.', {
        invalidParams: [{ name: 'blaupause', reason: 'nicht zusammen mit bestand' }],
      });
    }
    if (!(await mandantExists(deps.db, body.mandantId))) {
      throw new HttpProblem(400, 'Ungültige Eingabe', `Mandant ${body.mandantId} ist nicht angelegt.`, {
        invalidParams: [{ name: 'mandantId', reason: 'unbekannter Mandant' }],
      });
    }
    const prozesseigner = body.prozesseigner ?? user.id;
    const workflowId = lifecycleWorkflowId(body.id);
    // Resolved once here, so the workflow and the projection share the same clock.
    const configured = deps.lifecycle?.lifecycle;
    const clock = resolveClock(configured?.clock, Date.now());
    const phase = body.bestand ? ('betrieb' as const) : ('klaerung' as const);
    const kontakte = Object.fromEntries(
      Object.entries(body.kontakte).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const input: LifecycleInput = {
      onlinedienstId: body.id,
      name: body.name,
      mandantId: body.mandantId,
      prozesseigner,
      startedBy: user.id,
      mandanten: body.mandanten,
      featureTags: body.featureTags,
      ...(body.leistungId ? { leistungId: body.leistungId } : {}),
      ...(body.bestand ? { bestand: body.bestand } : {}),
      ...(body.blaupause ? { blaupause: true } : {}),
      ...(configured ? { settings: { ...configured, clock } } : {}),
    };
    await deps.db.transaction().execute(async (trx) => {
      const fresh = await registerOnlinedienst(trx, {
        id: body.id,
        workflowId,
        name: body.name,
        mandantId: body.mandantId,
        prozesseigner,
        kontakte,
        featureTags: body.featureTags,
        mandanten: [...body.mandanten, ...(body.bestand?.aktivierteMandanten ?? [])],
        phase,
        ...(body.bestand ? { prozess: body.bestand.prozess, formular: body.bestand.formular } : {}),
        clock,
      });
      if (!fresh)
        throw new HttpProblem(409, 'Konflikt', `Onlinedienst ${body.id} hat bereits einen Lebenszyklus.`, {
          code: 'exists',
        });
      try {
        await deps.temporal.workflow.start('onlinedienstLifecycleWorkflow', {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [input],
          // Business id: one lifecycle per Onlinedienst, ever.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: OnlinedienstIdKey, value: body.id },
            { key: MandantIdKey, value: body.mandantId },
            { key: ProzesseignerKey, value: prozesseigner },
            { key: LifecyclePhaseKey, value: phase },
          ],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          throw new HttpProblem(409, 'Konflikt', `Workflow ${workflowId} existiert bereits.`, { code: 'exists' });
        }
        throw err;
      }
    });
    return c.json({ onlinedienstId: body.id, workflowId, phase, temporalUiUrl: workflowUiUrl(deps, workflowId) }, 201);
  });

  return app;
}
