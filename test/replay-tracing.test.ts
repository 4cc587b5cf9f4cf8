// Tracing must not change what a workflow does: every recorded history replays against the bundle with the
// OpenTelemetry workflow interceptors in it (the bundle a worker builds when OTEL_EXPORTER_OTLP_ENDPOINT is set).
import fs from 'node:fs';
import path from 'node:path';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import proto from '@temporalio/proto';
import { Runtime, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../runtime/config';
import { dataConverter, EncryptionCodec } from '../runtime/payload-codec';
import { bundleWorkflows } from '../worker/worker';

const quiet = () => {};
Runtime.install({ logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error } });

const roots = [path.resolve('test/histories'), path.resolve('test/histories/antrag')];
const files = roots.flatMap((dir) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(dir, f)),
);

describe('replay with tracing on', () => {
  it('replays every recorded history with the OpenTelemetry workflow interceptors bundled', async () => {
    const bundle = await bundleWorkflows({ tracing: true });
    expect(bundle.code).toContain('OpenTelemetryInboundInterceptor');
    const exporter = makeWorkflowExporter(new SimpleSpanProcessor(new InMemorySpanExporter()), new Resource({}));
    const histories = files.map((file) => ({
      workflowId: path.basename(file),
      history: proto.temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(file, 'utf8'))),
    }));
    expect(histories.length).toBeGreaterThan(10);
    const failures: string[] = [];
    // Through the production codec, as replay.test.ts: the newer recordings hold encrypted payloads.
    const converter = dataConverter(new EncryptionCodec(loadConfig({}).payloadKeys));
    const options = { workflowBundle: bundle, sinks: { exporter }, dataConverter: converter };
    for await (const result of Worker.runReplayHistories(options, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 240_000);
});
