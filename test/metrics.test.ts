// What Prometheus scrapes: the API's /metrics (requests per route pattern, the AWB's domain figures) moves when an
// Antrag comes in, names patterns instead of paths with tokens, answers only with METRICS_TOKEN when one is set; and
// the real worker process serves the Temporal SDK's temporal_* series.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { freePort } from './harness/ports';
import { uniqueId } from './harness/servers';
import { eventually } from './harness/wait';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

async function scrape(base = h.base, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The value of one series (exact name and labels as printed), or 0 when absent. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** The sum of every series of a metric. */
function sum(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((total, l) => total + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('API /metrics', () => {
  it('counts the submitted Antrag in the request series and the domain figures, by route pattern only', async () => {
    const submitted = 'amt24_http_requests_total{method="POST",route="/api/antraege",status="201"}';
    const before = await scrape();
    expect(before.status).toBe(200);
    expect(before.type).toContain('text/plain');
    expect(value(before.text, 'amt24_domain_up')).toBe(1);

    const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('anna')}@example.org`),
    });
    expect(res.status).toBe(201);
    const { vorgangsnummer: vn, statusToken } = res.body as { vorgangsnummer: string; statusToken: string };
    expect((await h.api('GET', `/api/status/${statusToken}`)).status).toBe(200);

    const after = await scrape();
    expect(value(after.text, submitted)).toBe(value(before.text, submitted) + 1);
    expect(sum(after.text, 'amt24_antraege')).toBe(sum(before.text, 'amt24_antraege') + 1);
    expect(
      value(after.text, 'amt24_http_request_duration_seconds_count{method="POST",route="/api/antraege",status="201"}'),
    ).toBe(
      value(
        before.text,
        'amt24_http_request_duration_seconds_count{method="POST",route="/api/antraege",status="201"}',
      ) + 1,
    );
    // The status page's request is counted under its pattern; neither token nor Vorgangsnummer reach a label.
    expect(after.text).toContain('route="/api/status/:token"');
    expect(after.text).not.toContain(statusToken);
    expect(after.text).not.toContain(vn);
  });

  it('shows a delivery waiting for its endpoint, and since when the endpoint is down', async () => {
    const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
    // A missing Transferverzeichnis is an outage of the endpoint.
    fs.rmSync(path.join(h.transferRoot, akt), { recursive: true, force: true });
    const started = Date.now() / 1000;
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('anna')}@example.org`),
    });
    expect(res.status).toBe(201);
    const labels = `{endpunkt="transfer-plain:${akt}",modus="transfer-plain"}`;
    const text = await eventually(
      async () => {
        const { text } = await scrape();
        return value(text, `amt24_zustellungen_waiting${labels}`) === 1 && text;
      },
      30_000,
      'the delivery waits for its endpoint',
    );
    const since = value(text, `amt24_zustellungen_waiting_since_timestamp_seconds${labels}`);
    expect(since).toBeGreaterThanOrEqual(Math.floor(started) - 1);
    expect(
      value(text, `amt24_endpunkt_down_since_timestamp_seconds{endpunkt="transfer-plain:${akt}"}`),
    ).toBeGreaterThan(0);
    expect(value(text, 'amt24_endpunkte_down')).toBeGreaterThanOrEqual(1);
  });

  it('wants the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789';
    const { base } = await h.serveApp({ metricsToken: token });
    const refused = await scrape(base);
    expect(refused.status).toBe(401);
    expect(refused.text).not.toContain('amt24_');
    expect((await scrape(base, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    const ok = await scrape(base, { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/^amt24_antraege\{status="[a-z-]+"\} \d+$/m);
  });
});

describe('worker metrics', () => {
  it('the worker process serves the Temporal SDK metrics in Prometheus format', async () => {
    const port = await freePort();
    const worker = h.spawnWorkerProcess({ WORKER_METRICS_PORT: String(port) });
    // Series appear once the worker polls; until the process is up the port refuses.
    const text = await eventually(
      async () => {
        // A worker that died at start would never answer: stop waiting and say so.
        if (worker.exitCode !== null) return `worker exited with ${worker.exitCode}`;
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        const body = await res.text();
        return res.ok && /^temporal_worker_task_slots_available\{/m.test(body) && body;
      },
      90_000,
      'temporal_ series on the worker metrics port',
    );
    expect(text).not.toMatch(/^worker exited/);
    expect(text).toMatch(new RegExp(`^temporal_\\w+\\{[^}]*task_queue="${h.taskQueue}"`, 'm'));
    expect(worker.exitCode).toBeNull();
  }, 120_000);
});
