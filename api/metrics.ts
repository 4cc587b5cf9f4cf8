// GET /metrics in Prometheus' text format: requests per route pattern (Hono's routePath, never the raw path: paths
// carry status tokens and Vorgangsnummern) and status, their latency, and the domain figures the AWB watches, read
// from PostgreSQL at scrape time. One registry per app, so several apps in one process (tests) stay apart.
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Kysely } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/schema';
import { readDomainFigures } from '../db/stores/metrics';
import type { Logger } from '../runtime/logger';

export interface MetricsOptions {
  db: Kysely<Database>;
  log: Logger;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

export function createMetrics(opts: MetricsOptions) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'amt24_api_' });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'amt24_http_requests_total',
    help: 'HTTP requests answered, per route pattern and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'amt24_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, per route pattern and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const gauges = domainGauges(registry);

  const middleware: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    await next();
    // The last matched route is the handler's pattern; paths nothing matched share the middleware's '*'.
    const labels = { method: c.req.method, route: routePath(c, -1), status: String(c.res.status) };
    requests.inc(labels);
    duration.observe(labels, (performance.now() - started) / 1000);
  };

  async function handler(c: Context) {
    if (opts.token && !bearerMatches(c.req.header('authorization'), opts.token)) {
      return c.text('Unauthorized\n', 401, { 'www-authenticate': 'Bearer realm="metrics"' });
    }
    try {
      gauges.set(await readDomainFigures(opts.db));
      gauges.up.set(1);
    } catch (err) {
      // The request figures stay useful when the database is away; the gap shows as amt24_domain_up 0.
      opts.log.warn({ err: (err as Error).message }, 'metrics: domain figures unavailable');
      gauges.up.set(0);
    }
    return c.text(await registry.metrics(), 200, { 'content-type': registry.contentType });
  }

  return { registry, middleware, handler };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function domainGauges(registry: Registry) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const g = {
    up: gauge('amt24_domain_up', '1 when the domain figures below could be read from PostgreSQL at this scrape'),
    antraege: gauge('amt24_antraege', 'Anträge per status', ['status']),
    zustellungenWaiting: gauge(
      'amt24_zustellungen_waiting',
      'Deliveries waiting for their Fachverfahren endpoint after a failed attempt',
      ['endpunkt', 'modus'],
    ),
    zustellungenWaitingSince: gauge(
      'amt24_zustellungen_waiting_since_timestamp_seconds',
      'Since when the oldest waiting delivery of the endpoint waits (Unix time)',
      ['endpunkt', 'modus'],
    ),
    endpunktDownSince: gauge(
      'amt24_endpunkt_down_since_timestamp_seconds',
      'Fachverfahren endpoints that are down, since when (Unix time)',
      ['endpunkt'],
    ),
    endpunkteDown: gauge('amt24_endpunkte_down', 'Fachverfahren endpoints that are down'),
    zahlungenOpen: gauge('amt24_zahlungen_open', 'Open ePayBL claims of unfinished Anträge, per status', ['status']),
    zahlungenOverdue: gauge('amt24_zahlungen_overdue', 'Open claims past their reminder deadline'),
    stoerungenOpen: gauge('amt24_stoerungen_open', 'Reported Störungen of Onlinedienste not yet resolved'),
    stoerungenOpenSince: gauge(
      'amt24_stoerungen_open_since_timestamp_seconds',
      'Since when the oldest open Störung is open (Unix time)',
    ),
    aufgabenOpen: gauge('amt24_aufgaben_open', 'Open tasks for people (e.g. refunds), per kind', ['art']),
    rolloutTickets: gauge('amt24_rollout_tickets', 'Unconfirmed rollout tickets per status and SLA state', [
      'status',
      'sla_state',
    ]),
    releaseRechecks: gauge('amt24_release_rechecks', 'Re-checks of running release campaigns per category', [
      'version',
      'category',
    ]),
  };
  const seconds = (d: Date) => d.getTime() / 1000;
  return {
    up: g.up,
    set(f: Awaited<ReturnType<typeof readDomainFigures>>) {
      // Reset first: a status, endpoint or campaign that is gone must not keep its last value.
      for (const [key, metric] of Object.entries(g)) if (key !== 'up') metric.reset();
      for (const a of f.antraege) g.antraege.set({ status: a.status }, a.n);
      for (const z of f.zustellungenWaiting) {
        g.zustellungenWaiting.set({ endpunkt: z.endpunkt, modus: z.modus }, z.n);
        g.zustellungenWaitingSince.set({ endpunkt: z.endpunkt, modus: z.modus }, seconds(z.since));
      }
      for (const e of f.endpunkteDown) g.endpunktDownSince.set({ endpunkt: e.endpunkt }, seconds(e.since));
      g.endpunkteDown.set(f.endpunkteDown.length);
      for (const z of f.zahlungenOpen) g.zahlungenOpen.set({ status: z.status }, z.n);
      g.zahlungenOverdue.set(f.zahlungenOverdue);
      g.stoerungenOpen.set(f.stoerungenOpen.n);
      if (f.stoerungenOpen.since) g.stoerungenOpenSince.set(seconds(f.stoerungenOpen.since));
      for (const a of f.aufgabenOpen) g.aufgabenOpen.set({ art: a.art }, a.n);
      for (const t of f.rolloutTickets) g.rolloutTickets.set({ status: t.status, sla_state: t.slaState }, t.n);
      for (const r of f.releaseRechecks) g.releaseRechecks.set({ version: r.version, category: r.category }, r.n);
    },
  };
}
