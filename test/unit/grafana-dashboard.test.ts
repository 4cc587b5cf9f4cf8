// The provisioned Grafana dashboard asks only for amt24_ series the API's /metrics really has, through the one
// provisioned datasource: a renamed metric fails here instead of leaving an empty panel in production.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../api/metrics';
import { createLogger } from '../../runtime/logger';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Array<{ expr: string }>;
}

const dashboard = JSON.parse(fs.readFileSync('deploy/grafana/dashboards/amt24.json', 'utf8')) as { panels: Panel[] };
const datasources = fs.readFileSync('deploy/grafana/provisioning/datasources/prometheus.yml', 'utf8');

describe('Grafana dashboard', () => {
  it('uses the provisioned datasource and only metrics the API exports', () => {
    // The registry is built without touching the database (it is read at scrape time only).
    const { registry } = createMetrics({ db: undefined as never, log: createLogger('test', 'silent') });
    const exported = new Set(registry.getMetricsAsArray().map((m) => m.name));
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(10);
    const used = new Set<string>();
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe('prometheus');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) {
        for (const name of t.expr.match(/\bamt24_\w+/g) ?? []) used.add(name.replace(/_(bucket|count|sum)$/, ''));
      }
    }
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    // Every domain figure the AWB watches has a panel.
    for (const name of [
      'amt24_antraege',
      'amt24_zustellungen_waiting',
      'amt24_zustellungen_waiting_since_timestamp_seconds',
      'amt24_endpunkt_down_since_timestamp_seconds',
      'amt24_zahlungen_open',
      'amt24_zahlungen_overdue',
      'amt24_stoerungen_open',
      'amt24_rollout_tickets',
      'amt24_release_rechecks',
      'amt24_http_requests_total',
      'amt24_http_request_duration_seconds',
    ]) {
      expect(used, name).toContain(name);
    }
    expect(datasources).toContain('uid: prometheus');
  });
});
