// OpenTelemetry traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: then a tracer provider exports over OTLP/HTTP
// (protobuf) and the Temporal SDK's interceptors (API client, worker, workflow bundle) record spans through it.
// Unset, no SDK starts and no interceptor is installed: nothing changes for anyone.
import { Resource } from '@opentelemetry/resources';
import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';

export interface Tracing {
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** flushes what is buffered and stops exporting */
  shutdown(): Promise<void>;
}

export function startTracing(opts: {
  endpoint: string | undefined;
  serviceName: string;
  serviceVersion: string;
}): Tracing | undefined {
  if (!opts.endpoint) return undefined;
  const resource = new Resource({ 'service.name': opts.serviceName, 'service.version': opts.serviceVersion });
  const exporter = new OTLPTraceExporter({ url: `${opts.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const spanProcessor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Global: the SDK's interceptors take their tracer from @opentelemetry/api.
  provider.register();
  return { resource, spanProcessor, shutdown: () => provider.shutdown() };
}

/** For a Client: starts, signals, updates and queries become spans whose context travels in the headers. */
export function tracingClientInterceptors(tracing: Tracing | undefined): ClientInterceptors | undefined {
  return tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}
