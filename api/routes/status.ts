// The citizen's view of their own Antrag, reached with the token from the receipt (no account needed):
// technical delivery and processing kept apart. And the return from ePayBL's pay page.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { verifyBacklink } from '../../integrations/epaybl/soap-client';
import { antragWorkflowId } from '../../domain/vorgangsnummer';
import { statusToken, verifyStatusToken } from '../../runtime/tokens';
import { nachforderungAntwortUpdate } from '../../messages/antrag';
import type { ApiDeps } from '../deps';
import type { ApiRegistry } from '../openapi';
import { HttpProblem } from '../problem';
import { jsonBody } from '../validation';
import { datei, timeline, update } from './antraege';

function vorgangAusToken(deps: ApiDeps, token: string): string {
  const vn = verifyStatusToken(deps.authSecret, token);
  if (!vn) throw new HttpProblem(404, 'Nicht gefunden', 'Unknown status token');
  return vn;
}

export function statusRoutes(deps: ApiDeps, registry: ApiRegistry) {
  const app = new Hono();

  registry.add({
    method: 'get', path: '/api/status/{token}', tag: 'Bürger', roles: 'public',
    summary: 'The citizen\'s own Antrag by the token from the receipt: timeline (technisch / bearbeitung), payment, Bescheid',
    response: { status: 200, description: 'status' }, errors: [404],
  });
  app.get('/:token', async (c) => {
    const vn = vorgangAusToken(deps, c.req.param('token'));
    const antrag = await deps.db.selectFrom('antrag')
      .select(['vorgangsnummer', 'onlinedienst_id', 'mandant_id', 'status', 'zustell_status', 'bearbeitung_status', 'eingegangen_am', 'personendaten_geloescht_am', 'test'])
      .where('vorgangsnummer', '=', vn).executeTakeFirst();
    if (!antrag) throw new HttpProblem(404, 'Nicht gefunden', 'Unknown status token');
    const [ereignisse, zahlung, dateien] = await Promise.all([
      timeline(deps, vn),
      deps.db.selectFrom('zahlung').select(['kassenzeichen', 'betrag_cent', 'status', 'paypage_url']).where('vorgangsnummer', '=', vn).executeTakeFirst(),
      deps.db.selectFrom('antrag_datei').select(['id', 'art', 'file_name', 'metadata', 'content']).where('vorgangsnummer', '=', vn).where('art', 'in', ['antrag-pdf', 'bescheid']).execute(),
    ]);
    const nachforderung = [...ereignisse].reverse().find((e) => e.status === 'nachforderung' || e.status === 'nachforderung-beantwortet');
    return c.json({
      vorgangsnummer: vn,
      eingegangenAm: antrag.eingegangen_am,
      test: antrag.test,
      technisch: { status: antrag.zustell_status, ereignisse: ereignisse.filter((e) => e.spur === 'technisch') },
      bearbeitung: { status: antrag.bearbeitung_status, ereignisse: ereignisse.filter((e) => e.spur === 'bearbeitung') },
      nachforderungOffen: nachforderung?.status === 'nachforderung' ? { frist: (nachforderung.details as { frist?: string }).frist } : null,
      zahlung: zahlung
        ? { kassenzeichen: zahlung.kassenzeichen, betragCent: zahlung.betrag_cent, status: zahlung.status, bezahlen: zahlung.status === 'offen' || zahlung.status === 'teilbezahlt' ? zahlung.paypage_url : null }
        : null,
      dokumente: dateien.filter((d) => d.content).map((d) => ({ id: d.id.split(':').pop(), art: d.art, dateiname: d.file_name, metadaten: d.metadata })),
      personendatenGeloescht: antrag.personendaten_geloescht_am !== null,
    });
  });

  app.get('/:token/dateien/:id', async (c) => {
    const vn = vorgangAusToken(deps, c.req.param('token'));
    return datei(deps, vn, c.req.param('id'), ['antrag-pdf', 'bescheid']);
  });

  const antwort = z.object({
    text: z.string().trim().min(1).max(10_000),
    anlagen: z.array(z.object({ dateiname: z.string().max(500), inhaltBase64: z.base64() })).max(5).default([]),
  });
  registry.add({
    method: 'post', path: '/api/status/{token}/nachforderung', tag: 'Bürger', roles: 'public',
    summary: 'The citizen answers an open Nachforderung (text, optional PDF attachments)', body: antwort,
    response: { status: 200, description: 'accepted' }, errors: [404, 409, 415],
  });
  app.post('/:token/nachforderung', async (c) => {
    const vn = vorgangAusToken(deps, c.req.param('token'));
    const body = await jsonBody(c, antwort);
    const files = [{ name: 'antwort.txt', type: 'text/plain; charset=utf-8', content: Buffer.from(body.text, 'utf8') }];
    for (const [i, a] of body.anlagen.entries()) {
      const content = Buffer.from(a.inhaltBase64, 'base64');
      if (content.subarray(0, 5).toString('latin1') !== '%PDF-') {
        throw new HttpProblem(415, 'Dateityp nicht erlaubt', `anlagen[${i}]: only PDF`, { invalidParams: [{ name: `anlagen[${i}]`, reason: 'nur PDF' }] });
      }
      files.push({ name: `nachreichung-${i + 1}.pdf`, type: 'application/pdf', content });
    }
    const hash = createHash('sha256').update(body.text).update(String(body.anlagen.length)).digest('hex').slice(0, 12);
    for (const [i, f] of files.entries()) {
      await deps.db.insertInto('antrag_datei').values({
        id: `${vn}:nachreichung-${hash}-${i}`, vorgangsnummer: vn, art: 'nachreichung', file_name: f.name, media_type: f.type,
        size: f.content.length, sha256: createHash('sha256').update(f.content).digest('hex'), content: f.content, metadata: '{}',
      }).onConflict((oc) => oc.column('id').doNothing()).execute();
    }
    const sicht = await update(deps, vn, () =>
      deps.temporal.workflow.getHandle(antragWorkflowId(vn)).executeUpdate(nachforderungAntwortUpdate, { args: [{ actor: 'antragsteller' }], updateId: `nachreichung-${hash}` }),
    );
    return c.json({ vorgangsnummer: vn, phase: sicht.phase });
  });
  return app;
}

export function zahlungRoutes(deps: ApiDeps, registry: ApiRegistry) {
  const app = new Hono();
  registry.add({
    method: 'get', path: '/api/zahlung/rueckkehr', tag: 'Bürger', roles: 'public',
    summary: 'Back-link from ePayBL\'s pay page. Not proof of payment: it only makes the workflow ask ePayBL now.',
    response: { status: 303, description: 'redirect to the citizen\'s status' }, errors: [400],
  });
  app.get('/rueckkehr', async (c) => {
    const data = verifyBacklink(c.req.url, deps.authSecret);
    const vn = data?.params.vorgangsnummer;
    if (!data || !vn) throw new HttpProblem(400, 'Ungültiger Rücksprung', 'Back-link signature invalid');
    await deps.temporal.workflow.getHandle(antragWorkflowId(vn)).signal('zahlungPruefen').catch(() => undefined);
    return c.redirect(`/status/${statusToken(deps.authSecret, vn)}?zahlung=${data.result}`, 303);
  });
  return app;
}
