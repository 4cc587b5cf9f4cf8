// The citizen's view of their own Antrag, reached with the token from the receipt (no account needed):
// technical delivery and processing kept apart. And the return from ePayBL's pay page.
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { findAntrag, findZahlung, insertDatei, listDokumente, listEreignisse } from '../../db/stores/antrag';
import { antragWorkflowId } from '../../domain/vorgangsnummer';
import { verifyBacklink } from '../../integrations/epaybl/soap-client';
import { nachforderungAntwortUpdate, zahlungPruefenSignal } from '../../messages/antrag';
import { statusToken, verifyStatusToken } from '../../runtime/tokens';
import type { ApiDeps } from '../deps';
import { downloadDatei } from '../downloads';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router } from '../route';
import { buergerStatusSchema, nachforderungAntwortSchema } from '../schemas/antrag';
import { update } from '../workflow-calls';

const tokenParams = z.object({ token: z.string().openapi({ description: 'the status token from the receipt' }) });
const CITIZEN_FILES = ['antrag-pdf', 'bescheid'] as const;

export const statusRoute = apiRoute({
  method: 'get',
  path: '/{token}',
  tag: 'Bürger',
  roles: 'public',
  summary:
    "The citizen's own Antrag by the token from the receipt: timeline (technisch / bearbeitung), payment, Bescheid",
  request: { params: tokenParams },
  responses: { 200: json(buergerStatusSchema, 'status') },
  problems: [404],
});

export const dokumentRoute = apiRoute({
  method: 'get',
  path: '/{token}/dateien/{id}',
  tag: 'Bürger',
  roles: 'public',
  summary: 'Downloads one of the documents the status lists (receipt PDF, Bescheid)',
  request: { params: tokenParams.extend({ id: z.string().openapi({ description: 'dokumente[].id of the status' }) }) },
  responses: {
    200: {
      description: 'the PDF, as an attachment',
      headers: z.object({ 'content-disposition': z.string() }),
      content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
    },
  },
  problems: [404],
});

const antwort = z.object({
  text: z.string().trim().min(1).max(10_000),
  anlagen: z
    .array(z.object({ dateiname: z.string().max(500), inhaltBase64: z.base64() }))
    .max(5)
    .default([]),
});

export const nachforderungRoute = apiRoute({
  method: 'post',
  path: '/{token}/nachforderung',
  tag: 'Bürger',
  roles: 'public',
  summary: 'The citizen answers an open Nachforderung (text, optional PDF attachments)',
  request: { params: tokenParams, body: jsonBody(antwort) },
  responses: { 200: json(nachforderungAntwortSchema, 'accepted') },
  problems: [404, 409],
});

export const rueckkehrRoute = apiRoute({
  method: 'get',
  path: '/rueckkehr',
  tag: 'Bürger',
  roles: 'public',
  summary: "Back-link from ePayBL's pay page. Not proof of payment: it only makes the workflow ask ePayBL now.",
  request: {
    // Signed by us when the Kassenzeichen was created (integrations/epaybl/backlink.ts); the pay page adds nothing.
    query: z.object({
      vorgangsnummer: z.string(),
      epResult: z.enum(['success', 'abort']),
      kassenzeichen: z.string(),
      transaktion: z.string(),
      betragCent: z.string(),
      sig: z.string(),
    }),
  },
  responses: {
    303: {
      description: "redirect to the citizen's status page",
      headers: z.object({ location: z.string() }),
    },
  },
});

function vorgangAusToken(deps: ApiDeps, token: string): string {
  const vn = verifyStatusToken(deps.keys.status, token);
  if (!vn) throw new HttpProblem(404, 'Nicht gefunden', 'Unknown status token');
  return vn;
}

export function statusRoutes(deps: ApiDeps) {
  const app = router();

  app.openapi(statusRoute, async (c) => {
    const vn = vorgangAusToken(deps, c.req.valid('param').token);
    const antrag = await findAntrag(deps.db, vn);
    if (!antrag) throw new HttpProblem(404, 'Nicht gefunden', 'Unknown status token');
    const [ereignisse, zahlung, dokumente] = await Promise.all([
      listEreignisse(deps.db, vn),
      findZahlung(deps.db, vn),
      listDokumente(deps.db, vn),
    ]);
    const nachforderung = [...ereignisse]
      .reverse()
      .find((e) => e.status === 'nachforderung' || e.status === 'nachforderung-beantwortet');
    const offen = zahlung?.status === 'offen' || zahlung?.status === 'teilbezahlt';
    return c.json(
      {
        vorgangsnummer: vn,
        eingegangenAm: antrag.eingegangen_am,
        test: antrag.test,
        technisch: { status: antrag.zustell_status, ereignisse: ereignisse.filter((e) => e.spur === 'technisch') },
        bearbeitung: {
          status: antrag.bearbeitung_status,
          ereignisse: ereignisse.filter((e) => e.spur === 'bearbeitung'),
        },
        nachforderungOffen:
          nachforderung?.status === 'nachforderung'
            ? { frist: (nachforderung.details as { frist?: string }).frist }
            : null,
        zahlung: zahlung
          ? {
              kassenzeichen: zahlung.kassenzeichen,
              betragCent: zahlung.betrag_cent,
              status: zahlung.status,
              bezahlen: offen ? zahlung.paypage_url : null,
            }
          : null,
        dokumente: dokumente.map((d) => ({
          id: d.id.slice(d.id.lastIndexOf(':') + 1),
          art: d.art,
          dateiname: d.file_name,
          metadaten: d.metadata,
        })),
        personendatenGeloescht: antrag.personendaten_geloescht_am !== null,
      },
      200,
    );
  });

  app.openapi(dokumentRoute, async (c) => {
    const { token, id } = c.req.valid('param');
    return downloadDatei(deps.db, vorgangAusToken(deps, token), id, CITIZEN_FILES);
  });

  app.openapi(nachforderungRoute, async (c) => {
    const vn = vorgangAusToken(deps, c.req.valid('param').token);
    const body = c.req.valid('json');
    const files = [{ name: 'antwort.txt', type: 'text/plain; charset=utf-8', content: Buffer.from(body.text, 'utf8') }];
    for (const [i, a] of body.anlagen.entries()) {
      const content = Buffer.from(a.inhaltBase64, 'base64');
      if (content.subarray(0, 5).toString('latin1') !== '%PDF-') {
        throw new HttpProblem(415, 'Dateityp nicht erlaubt', `anlagen[${i}]: only PDF`, {
          invalidParams: [{ name: `anlagen[${i}]`, reason: 'nur PDF' }],
        });
      }
      files.push({ name: `nachreichung-${i + 1}.pdf`, type: 'application/pdf', content });
    }
    const hash = createHash('sha256').update(body.text).update(String(body.anlagen.length)).digest('hex').slice(0, 12);
    for (const [i, f] of files.entries()) {
      await insertDatei(deps.db, {
        id: `${vn}:nachreichung-${hash}-${i}`,
        vorgangsnummer: vn,
        art: 'nachreichung',
        fileName: f.name,
        mediaType: f.type,
        content: f.content,
        sha256: createHash('sha256').update(f.content).digest('hex'),
      });
    }
    const sicht = await update(
      `Antrag ${vn}`,
      () =>
        deps.temporal.workflow.getHandle(antragWorkflowId(vn)).executeUpdate(nachforderungAntwortUpdate, {
          args: [{ actor: 'antragsteller' }],
          updateId: `nachreichung-${hash}`,
        }),
      { vorgangsnummer: vn },
    );
    return c.json({ vorgangsnummer: vn, phase: sicht.phase }, 200);
  });

  return app;
}

export function zahlungRoutes(deps: ApiDeps) {
  const app = router();
  app.openapi(rueckkehrRoute, async (c) => {
    const data = verifyBacklink(c.req.url, deps.keys.backlink);
    const vn = data?.params.vorgangsnummer;
    if (!data || !vn) throw new HttpProblem(400, 'Ungültiger Rücksprung', 'Back-link signature invalid');
    await deps.temporal.workflow
      .getHandle(antragWorkflowId(vn))
      .signal(zahlungPruefenSignal)
      .catch(() => undefined);
    return c.redirect(`/status/${statusToken(deps.keys.status, vn)}?zahlung=${data.result}`, 303);
  });
  return app;
}
