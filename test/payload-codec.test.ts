// Personal and case data stay out of Temporal: an Antrag's history, read as the Temporal server stores it (a client
// without our codec), holds neither the Nachforderung text nor the citizen's name and e-mail nor the actor's id; the
// codec endpoint gives them back to the AWB, and to nobody else.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import { loadConfig } from '../runtime/config';
import { findOrBuildTemporalCli } from '../runtime/temporal-cli';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import type { ServedApp } from './harness/stack';
import { payloadCodec, uniqueId } from './harness/servers';

const UI = 'http://localhost:8233';

let h: AntragStack;
let app: ServedApp;
beforeAll(async () => {
  h = await antragStack();
  // The Temporal Web UI's origin as `npm start` configures it: the codec endpoint answers its CORS requests.
  app = await h.serveApp({ temporalUiUrl: UI });
}, 120_000);
afterAll(() => h?.close());

type JsonPayload = { metadata?: Record<string, string>; data?: string };

/**
 * Every payload in a history's protobuf JSON but the search attributes (which no codec encodes: the server indexes
 * them), in the form the Web UI posts to the codec endpoint.
 */
function payloadsIn(json: unknown): JsonPayload[] {
  const found: JsonPayload[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && 'encoding' in (o.metadata as object)) {
      found.push({ metadata: o.metadata as Record<string, string>, data: (o.data as string | undefined) ?? '' });
      return;
    }
    // Search attributes are indexed in clear by design; a patch marker's details ({id, deprecated}) are written by
    // the SDK's core, not through the codec, and hold nothing but the patch's name.
    if (o.markerName === 'core_patch') return;
    for (const [k, v] of Object.entries(o)) if (k !== 'searchAttributes') walk(v);
  };
  walk(json);
  return found;
}

const historyJson = (history: temporal.api.history.v1.IHistory) =>
  temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), { bytes: String });

describe('payloads in Temporal', () => {
  it('keep the Nachforderung, the citizen and the actor out of the history; the AWB reads them through /codec', async () => {
    const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
    const email = `${uniqueId('anna')}@example.org`;
    const submitted = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken({ bemerkung: `Hinterhof ${uniqueId('bemerkung')}` }),
      antragsteller: antragsteller(email),
    });
    expect(submitted.status).toBe(201);
    const vn: string = submitted.body.vorgangsnummer;
    await h.zugestellt(vn);
    await h.waitFor('workflow saw the delivery', async () => (await h.sicht(vn)).phase === 'zugestellt');

    const text = `Bitte Meldebescheinigung nachreichen (${uniqueId('nf')}).`;
    const frist = new Date(Date.now() + 14 * 86_400_000).toISOString();
    const nf = await h.api('POST', `/api/antraege/${vn}/bearbeitung`, {
      user: 'sb-leipzig',
      body: { status: 'nachforderung', text, frist },
    });
    expect(nf.status).toBe(200);
    // The API reads the workflow through the same codec: the query answers in clear.
    expect((await h.sicht(vn)).bearbeitung.nachforderung).toMatchObject({ beantwortet: false });

    // The history as the server holds it.
    const raw = new Client({ connection: h.connection, namespace: inject('temporalNamespace') });
    const history = await raw.workflow.getHandle(antragWorkflowId(vn)).fetchHistory();
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    const asJson = JSON.stringify(history);
    expect(history.events!.length).toBeGreaterThan(10);
    for (const secret of [text, 'Meldebescheinigung', email, 'Anna Bürger', 'Hinterhof', 'sb-leipzig']) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
      expect(asJson, secret).not.toContain(secret);
    }
    const payloads = payloadsIn(historyJson(history));
    expect(payloads.length).toBeGreaterThan(5);
    const encodings = new Set(payloads.map((p) => Buffer.from(p.metadata!.encoding!, 'base64').toString()));
    expect([...encodings]).toEqual(['binary/encrypted']);

    // An encrypted history replays through the codec, as recordings made from now on will; without it, it cannot.
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history),
    ).rejects.toThrow();
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: { payloadCodecs: [payloadCodec] } },
      history,
    );

    // The search attributes the codec cannot encrypt name the Antrag, never the person.
    const described = await h.handle(vn).describe();
    const attributes = JSON.stringify(described.typedSearchAttributes);
    expect(attributes).toContain(vn);
    for (const secret of [email, 'Anna Bürger', text, 'sb-leipzig']) expect(attributes).not.toContain(secret);

    // The Web UI posts the payloads with the AWB's token: back they come in clear.
    const headers = { 'x-namespace': inject('temporalNamespace'), origin: UI };
    const decoded = await app.api('POST', '/codec/decode', { user: 'awb-sid', headers, body: { payloads } });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI);
    const clear = (decoded.body.payloads as JsonPayload[]).map((p) => Buffer.from(p.data!, 'base64').toString());
    expect(decoded.body.payloads).toHaveLength(payloads.length);
    expect(clear.some((c) => c.includes(text))).toBe(true);
    // (The citizen's name and e-mail were never in the history: the workflow carries the Vorgangsnummer only.)
    expect(clear.some((c) => c.includes('sb-leipzig'))).toBe(true);
    expect(clear.some((c) => c.includes(email))).toBe(false);
    expect(
      (decoded.body.payloads as JsonPayload[]).every(
        (p) => Buffer.from(p.metadata!.encoding!, 'base64').toString() !== 'binary/encrypted',
      ),
    ).toBe(true);

    // Encode and decode again: what the UI sends as input goes in encrypted.
    const one = decoded.body.payloads.slice(0, 1);
    const encoded = await app.api('POST', '/codec/encode', { user: 'awb-sid', headers, body: { payloads: one } });
    expect(encoded.status).toBe(200);
    expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    const back = await app.api('POST', '/codec/decode', { user: 'awb-sid', headers, body: encoded.body });
    expect(back.body.payloads).toEqual(one);

    // The Temporal CLI speaks the same protocol: `temporal workflow show` with the codec endpoint and the AWB's token.
    const config = loadConfig();
    const cli = await findOrBuildTemporalCli({
      cliPath: config.temporal.cliPath,
      cacheDir: config.temporal.cacheDir,
      envPath: config.temporal.searchPath,
    });
    const shown = await promisify(execFile)(cli.path, [
      ...['workflow', 'show', '--workflow-id', antragWorkflowId(vn), '--output', 'json'],
      ...['--address', inject('temporalAddress'), '--namespace', inject('temporalNamespace')],
      ...['--codec-endpoint', `${app.base}/codec`, '--codec-auth', `Bearer ${await h.token('awb-sid')}`],
    ]);
    const shownClear = payloadsIn(JSON.parse(shown.stdout)).map((p) => Buffer.from(p.data!, 'base64').toString());
    expect(shownClear.some((c) => c.includes(text))).toBe(true);

    // Nobody else: the Sachbearbeitung that wrote the text, no token, another namespace.
    const sb = await app.api('POST', '/codec/decode', { user: 'sb-leipzig', headers, body: { payloads } });
    expect(sb.status).toBe(403);
    expect(sb.text).not.toContain(text);
    const anonymous = await app.api('POST', '/codec/decode', { headers, body: { payloads } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(UI);
    const forged = await app.api('POST', '/codec/decode', { token: 'x.y.z', headers, body: { payloads } });
    expect(forged.status).toBe(401);
    const otherNamespace = await app.api('POST', '/codec/decode', {
      user: 'awb-sid',
      headers: { ...headers, 'x-namespace': 'elsewhere' },
      body: { payloads },
    });
    expect(otherNamespace.status).toBe(400);
    expect(otherNamespace.body.invalidParams[0].name).toBe('x-namespace');
    // The CLI sends the header empty when no --namespace is given: that is this namespace.
    const unnamed = await app.api('POST', '/codec/decode', {
      user: 'awb-sid',
      headers: { 'x-namespace': '' },
      body: { payloads: payloads.slice(0, 1) },
    });
    expect(unnamed.status).toBe(200);
  }, 120_000);

  it("answers the Web UI's CORS preflight for its origin only", async () => {
    const preflight = (origin: string) =>
      app.api('OPTIONS', '/codec/decode', {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const ui = await preflight(UI);
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ui.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
