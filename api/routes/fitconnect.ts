// FIT-Connect's callbacks to us as the sender: "go and look", nothing more (the state is read from the signed
// event log). Authentic (HMAC over timestamp and body with the secret configured for our destinations), fresh
// (≤ 5 minutes) and not seen before, each one becomes a signal to the Antrag workflows of the submissions it
// names; 200 only once every signal is in its workflow's history, so a callback lost on our side is repeated by
// the service. A repeat byte for byte (same timestamp, same HMAC) is answered 200 and changes nothing; one the
// service signed anew reaches the workflow, whose reads coalesce and record nothing twice. Two different pieces of
// news in the same second with the same body look like one: the polling beside it catches the second.
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { callbackBeantwortet, callbackMerken, vorgaengeDerEinreichungen } from '../../db/stores/fitconnect-callback';
import { antragWorkflowId } from '../../domain/vorgangsnummer';
import { CALLBACK_NEW_EVENTS, verifyCallback, type CallbackVerification } from '../../integrations/fitconnect/client';
import { fitconnectNeuigkeitenSignal } from '../../messages/antrag';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { apiRoute, json, router } from '../route';

const antwortSchema = z
  .object({
    duplikat: z.boolean().openapi({ description: 'this callback was answered before; nothing was done again' }),
    benachrichtigt: z.number().int().openapi({ description: 'Anträge told to read their event log now' }),
  })
  .openapi('FitConnectCallbackAntwort');

const callbackSchema = z.object({
  type: z.string(),
  submissions: z
    .array(z.object({ submissionId: z.string().max(100) }).loose())
    .max(500)
    .default([]),
});

export const callbackRoute = apiRoute({
  method: 'post',
  path: '/callback',
  tag: 'Anträge',
  roles: 'public',
  summary:
    'FIT-Connect callback (NEW_EVENTS): headers callback-timestamp (Unix seconds) and callback-authentication ' +
    '(hex HMAC-SHA512 over timestamp "." body); older than 5 minutes is refused. The Anträge read their event log now.',
  responses: { 200: json(antwortSchema, 'the news is with the Anträge (or was already)') },
  problems: [400, 401, 503],
});

const WARUM: Record<Exclude<CallbackVerification, { valid: true }>['reason'], string> = {
  'missing-headers': 'Die Kopfzeilen callback-timestamp und callback-authentication fehlen.',
  'malformed-timestamp': 'callback-timestamp ist keine Zeit in Unix-Sekunden.',
  'too-old': 'callback-timestamp ist älter als 5 Minuten.',
  'in-future': 'callback-timestamp liegt in der Zukunft.',
  'bad-hmac': 'callback-authentication passt nicht zu Zeitstempel und Inhalt.',
};

export function fitconnectRoutes(deps: ApiDeps) {
  const app = router();
  app.openapi(callbackRoute, async (c) => {
    const secrets = deps.fitconnectCallbackSecrets ?? [];
    // Without a secret no callback can be authentic: refused like a forged one (polling still learns the answer).
    if (secrets.length === 0) {
      throw new HttpProblem(
        401,
        'Rückruf abgewiesen',
        'Für Rückrufe ist kein Geheimnis eingerichtet (FITCONNECT_CALLBACK_SECRET).',
      );
    }
    const body = await c.req.text();
    const timestamp = c.req.header('callback-timestamp');
    const authentication = c.req.header('callback-authentication');
    // Several secrets while one is rotated: the callback counts when one of them signed it.
    const results = secrets.map((secret) => verifyCallback({ body, timestamp, authentication, secret }));
    if (!results.some((r) => r.valid)) {
      // A reason other than a wrong HMAC comes from the secret that did sign it (e.g. too old), or from all.
      const failed = results as Exclude<CallbackVerification, { valid: true }>[];
      const { reason } = failed.find((r) => r.reason !== 'bad-hmac') ?? failed[0]!;
      throw new HttpProblem(reason === 'malformed-timestamp' ? 400 : 401, 'Rückruf abgewiesen', WARUM[reason]);
    }
    const id = createHash('sha256').update(authentication!.toLowerCase()).digest('hex');
    if (await callbackBeantwortet(deps.db, id)) return c.json({ duplikat: true, benachrichtigt: 0 }, 200);

    let parsed: z.infer<typeof callbackSchema>;
    try {
      parsed = callbackSchema.parse(JSON.parse(body));
    } catch {
      throw new HttpProblem(400, 'Ungültige Eingabe', 'Der Inhalt ist kein Rückruf mit type und submissions[].');
    }
    // New submissions are for receivers; as a sender we have nothing to fetch.
    const ids = parsed.type === CALLBACK_NEW_EVENTS ? parsed.submissions.map((s) => s.submissionId) : [];
    const vorgaenge = await vorgaengeDerEinreichungen(deps.db, ids);
    for (const { vorgangsnummer } of vorgaenge) {
      try {
        await deps.temporal.workflow.getHandle(antragWorkflowId(vorgangsnummer)).signal(fitconnectNeuigkeitenSignal);
      } catch (err) {
        // An Antrag whose run is over needs no news; anything else (Temporal away) makes the service try again.
        if (err instanceof WorkflowNotFoundError) continue;
        deps.log.warn({ vorgangsnummer, err: (err as Error).message }, 'FIT-Connect callback not passed on');
        throw new HttpProblem(
          503,
          'Nicht verfügbar',
          'Der Rückruf konnte nicht weitergegeben werden.',
          {},
          {
            'retry-after': '30',
          },
        );
      }
    }
    await callbackMerken(deps.db, id, ids);
    return c.json({ duplikat: false, benachrichtigt: vorgaenge.length }, 200);
  });
  return app;
}
