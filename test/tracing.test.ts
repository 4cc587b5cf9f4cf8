// With OTEL_EXPORTER_OTLP_ENDPOINT set, the real worker process exports the spans of the Temporal SDK's interceptors
// over OTLP/HTTP: the workflow's spans (its interceptors are in the bundle; the workflow's own RunWorkflow span only
// ends with the workflow, so the test looks at the activity it schedules) and the activity's. A loopback
// receiver stands in for the collector; protobuf keeps span names as plain UTF-8, so the bodies can be searched.
// The same worker reports its build id with its pollers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { temporal } from '@temporalio/proto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTracing } from '../runtime/tracing';
import { lifecycleStateQuery, lifecycleWorkflowId } from '../messages/onlinedienst';
import { startBestand } from './harness/lifecycle';
import { uniqueId } from './harness/servers';
import { startStack } from './harness/stack';
import { eventually } from './harness/wait';

const received: Array<{ path: string; type: string | undefined; body: Buffer }> = [];
const collector = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', type: req.headers['content-type'], body: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

const s = await startStack({ name: 'tracing', worker: false, api: false });
afterAll(async () => {
  await s.close();
  await new Promise((r) => collector.close(r));
});

describe('traces', () => {
  it('the API gives every request a server span named by its route pattern', async () => {
    // This test process plays the API process: tracing on, the app told so.
    const tracing = startTracing({ endpoint, serviceName: 'amt24-api', serviceVersion: 'test' })!;
    const { api } = await s.serveApp({ tracing: true });
    const token = 'a'.repeat(40);
    expect((await api('GET', `/api/status/${token}`)).status).toBeGreaterThanOrEqual(400);
    await tracing.spanProcessor.forceFlush();
    const all = Buffer.concat(received.map((r) => r.body)).toString('latin1');
    expect(all).toContain('GET /api/status/:token');
    expect(all).toContain('amt24-api');
    expect(all).not.toContain(token);
    await tracing.shutdown();
  });

  it('the worker exports workflow and activity spans to the OTLP endpoint', async () => {
    const worker = s.spawnWorkerProcess({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    const id = uniqueId('od-trace');
    const handle = await startBestand(s, id, 'wird verfolgt');
    await eventually(
      async () => (await handle.query(lifecycleStateQuery)).phase === 'betrieb',
      90_000,
      'the worker process runs the workflow',
    );
    const spans = await eventually(
      async () => {
        if (worker.exitCode !== null) return `worker exited with ${worker.exitCode}`;
        const all = Buffer.concat(received.map((r) => r.body)).toString('latin1');
        return all.includes('StartActivity:recordLifecycle') && all.includes('RunActivity:recordLifecycle') && all;
      },
      60_000,
      'workflow and activity spans at the collector',
    );
    expect(spans).not.toMatch(/^worker exited/);
    expect(received.every((r) => r.path === '/v1/traces')).toBe(true);
    expect(received[0]!.type).toBe('application/x-protobuf');
    expect(spans).toContain('amt24-worker');
    expect(spans).toContain('@temporalio/interceptor-workflow');
    expect(spans).toContain(lifecycleWorkflowId(id));
    // The worker's build id (package version + git commit here) is what its pollers report.
    const { pollers } = await s.client.workflowService.describeTaskQueue({
      namespace: inject('temporalNamespace'),
      taskQueue: { name: s.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    const buildIds = pollers.map((p) => p.workerVersionCapabilities?.buildId ?? p.deploymentOptions?.buildId);
    expect(buildIds[0]).toMatch(/^\d+\.\d+\.\d+(\+[0-9a-f]{12})?$/);
    expect(spans).toContain(buildIds[0]);
    await handle.terminate('test over');
  }, 180_000);
});
