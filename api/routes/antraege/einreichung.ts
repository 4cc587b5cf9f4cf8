// A citizen submits an Antrag. The answer comes only once the Antrag is stored and its workflow durably started;
// a retry (same Idempotency-Key, or without one the same content) returns the same Antrag.
import { z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { findSubmission, insertAntrag } from '../../../db/stores/antrag';
import { antragWorkflowId } from '../../../domain/vorgangsnummer';
import type { AntragInput } from '../../../messages/antrag';
import {
  AntragStatusKey,
  MandantIdKey,
  OnlinedienstIdKey,
  VorgangsnummerKey,
} from '../../../messages/search-attributes';
import { statusToken, vorgangsnummerFor } from '../../../runtime/tokens';
import { pruefeAnnahme } from '../../annahme';
import { antragEingabe, antragMultipart, canonical, dateienAus, pruefeAnlagen, sha256 } from '../../antrag-eingabe';
import { currentUser } from '../../auth';
import { zielFuerAntrag } from '../../formular';
import type { ApiDeps } from '../../deps';
import { badRequest, HttpProblem, toInvalidParams } from '../../problem';
import { apiRoute, openapiEitherBody, router } from '../../route';
import { quittungSchema } from '../../schemas/antrag';

const quittung = (description: string) => ({
  description,
  headers: z.object({ location: z.string().openapi({ description: '/api/antraege/<Vorgangsnummer>' }) }),
  content: { 'application/json': { schema: quittungSchema } },
});

export const einreichenRoute = apiRoute({
  method: 'post',
  path: '/',
  tag: 'Anträge',
  roles: ['buerger', 'prozesseigner'],
  summary:
    'Submits an Antrag (JSON, or multipart/form-data with part "antrag" and files "anlage"). Answers only once the ' +
    'Antrag is stored and its workflow durably started. Header Idempotency-Key makes retries return the same Antrag.',
  request: {
    headers: z.object({
      'Idempotency-Key': z
        .string()
        .regex(/^[\x21-\x7e]{1,200}$/, '1–200 sichtbare ASCII-Zeichen.')
        .optional()
        .openapi({ description: 'the same key returns the same Antrag; without one, the same content does' }),
    }),
    body: {
      required: true,
      content: {
        'application/json': { schema: antragEingabe },
        'multipart/form-data': { schema: antragMultipart },
      },
    },
  },
  responses: {
    201: quittung('eingegangen'),
    200: quittung('a retry: the Antrag stored before'),
  },
  // Attachments are checked one by one; this only stops a request too large to read at all.
  maxBodyBytes: 32 * 1024 * 1024,
  problems: [404, 409, 413, 422, 429, 503],
});

export function einreichungRoutes(deps: ApiDeps) {
  const app = router();

  openapiEitherBody(app, einreichenRoute, async (c) => {
    const user = currentUser(c);
    const multipart = (c.req.header('content-type') ?? '').startsWith('multipart/form-data');
    // With two media types the library types each target as either schema's output; each holds its own.
    const form = multipart ? (c.req.valid('form') as z.output<typeof antragMultipart>) : undefined;
    const eingabe = form ? form.antrag : (c.req.valid('json') as z.output<typeof antragEingabe>);
    const dateien = await dateienAus(eingabe, ([] as File[]).concat(form?.anlage ?? []));
    const anlagen = pruefeAnlagen(dateien);
    if (eingabe.test && !user.roles.includes('prozesseigner')) {
      throw new HttpProblem(403, 'Keine Berechtigung', 'Only a Prozesseigner submits test Anträge');
    }
    const ziel = await zielFuerAntrag(deps.db, eingabe.aktivierungId, {
      test: eingabe.test,
      version: eingabe.formularVersion,
    });
    if (!ziel) {
      throw new HttpProblem(404, 'Nicht gefunden', `Aktivierung ${eingabe.aktivierungId} not found`, {
        invalidParams: [{ name: 'aktivierungId', reason: 'unbekannt' }],
      });
    }
    const { aktivierung, formular } = ziel;
    if (aktivierung.status !== 'aktiv' && !eingabe.test) {
      throw new HttpProblem(
        409,
        'Nicht aktiviert',
        `Onlinedienst ${aktivierung.onlinedienst_id} is not active for ${aktivierung.mandant_id}`,
      );
    }
    if (aktivierung.wartungsmodus && aktivierung.wartungsmodus_art === 'refuse' && !eingabe.test) {
      const text =
        aktivierung.wartungsmodus_text ??
        'Dieser Onlinedienst wird gerade gewartet. Bitte versuchen Sie es später erneut.';
      throw new HttpProblem(503, 'Wartungsmodus', text, {}, { 'retry-after': '3600' });
    }
    if (!formular) {
      const name = `${aktivierung.onlinedienst_id}${eingabe.formularVersion ? `@${eingabe.formularVersion}` : ''}`;
      throw new HttpProblem(422, 'Formular unbekannt', `No form ${name}`, {
        invalidParams: [{ name: 'formularVersion', reason: 'unbekannt' }],
      });
    }
    // A datei field names an attachment by the name it was uploaded with or the name it is stored under.
    const anlageInfos = dateien.flatMap((d, i) => [
      { name: d.name, mediaType: anlagen[i]!.mediaType, size: anlagen[i]!.content.length },
      { name: anlagen[i]!.fileName, mediaType: anlagen[i]!.mediaType, size: anlagen[i]!.content.length },
    ]);
    const daten = formular.kompiliert.validiere(eingabe.daten, { anlagen: anlageInfos });
    if (!daten.ok) {
      throw badRequest(
        toInvalidParams(daten.fieldErrors, '').map((p) => ({ ...p, name: p.name ? `daten.${p.name}` : 'daten' })),
        'body',
      );
    }

    const payloadHash = sha256(
      canonical({
        aktivierungId: aktivierung.id,
        formularVersion: formular.version,
        daten: daten.data,
        antragsteller: eingabe.antragsteller,
        test: eingabe.test,
        anlagen: anlagen.map((a) => [a.fileName, a.sha256]),
      }),
    );
    const keyHeader = c.req.valid('header')['Idempotency-Key'];
    // Without a key, the content is the key: a double click sends the same bytes.
    const vn = vorgangsnummerFor(aktivierung.id, `${user.id}\u0000${keyHeader ?? payloadHash}`);

    await pruefeAnnahme(deps.db, deps.annahmeLimits, aktivierung.mandant_id, vn);
    const inserted = await insertAntrag(
      deps.db,
      {
        vorgangsnummer: vn,
        aktivierungId: aktivierung.id,
        onlinedienstId: aktivierung.onlinedienst_id,
        mandantId: aktivierung.mandant_id,
        formularVersion: formular.version,
        payloadHash,
        daten: daten.data as Record<string, unknown>,
        antragsteller: eingabe.antragsteller,
        test: eingabe.test,
      },
      anlagen.map((a) => ({ ...a, id: `${vn}:${a.id}`, vorgangsnummer: vn, art: 'anlage' as const })),
    );
    let eingegangenAm: string;
    if (inserted) {
      eingegangenAm = inserted.eingegangenAm.toISOString();
    } else {
      const existing = await findSubmission(deps.db, vn);
      if (!existing || existing.payloadHash !== payloadHash) {
        throw new HttpProblem(409, 'Konflikt', 'This Idempotency-Key was already used for a different submission', {
          vorgangsnummer: vn,
        });
      }
      eingegangenAm = existing.eingegangenAm.toISOString();
    }

    const input: AntragInput = {
      vorgangsnummer: vn,
      aktivierungId: aktivierung.id,
      onlinedienstId: aktivierung.onlinedienst_id,
      mandantId: aktivierung.mandant_id,
      test: eingabe.test,
      eingegangenAm,
      zustellungMaxIntervall: deps.deliveryMaxRetryInterval,
      stoerungNach: deps.stoerungNach,
      warteFenster: deps.warteFenster,
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
        // Fairness on the task queue (README "Scaling out"): one Mandant's burst of Anträge takes its share of the
        // workers, not all of them. Its workflow and activity tasks inherit the key on the server.
        priority: { fairnessKey: aktivierung.mandant_id },
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
    const token = statusToken(deps.keys.status, vn);
    const body = {
      vorgangsnummer: vn,
      eingegangenAm,
      statusToken: token,
      statusUrl: `${deps.publicBaseUrl}/status/${token}`,
    };
    const location = { location: `/api/antraege/${vn}` };
    return inserted
      ? c.json({ ...body, wiederholt: false }, 201, location)
      : c.json({ ...body, wiederholt: true }, 200, location);
  });

  return app;
}
