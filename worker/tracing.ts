// The Temporal SDK's OpenTelemetry interceptors for the worker: activity spans, workflow spans (the workflow
// interceptors are bundled into the workflow code and hand their spans to the worker through a sink) and the client
// the activities use. Only when runtime/tracing.ts started tracing (OTEL_EXPORTER_OTLP_ENDPOINT).
import { createRequire } from 'node:module';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from '../runtime/tracing';

const require = createRequire(import.meta.url);
/** Goes into the bundle (bundleWorkflowCode's workflowInterceptorModules). */
export const workflowTracingModule =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export function tracingWorkerOptions(tracing: Tracing): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
      workflowModules: [workflowTracingModule],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
