// The environment for metrics, traces and the worker's build id; config.ts merges this shape into its schema.
import { z } from 'zod';

export const telemetryEnv = {
  /** Prometheus endpoint of the worker's Temporal SDK metrics; 0 turns it off. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** When set, the API's /metrics wants `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** OTLP/HTTP collector (e.g. http://otel-collector:4318); unset: no tracing at all. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .url()
    .refine((v) => /^https?:/.test(v), { message: 'must start with http:// or https://' })
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** The worker's build id; default: package version + git commit. */
  BUILD_ID: z
    .string()
    .regex(/^[\w.+-]{1,255}$/, 'letters, digits and . + - _ only')
    .optional(),
};

type TelemetryEnv = z.output<z.ZodObject<typeof telemetryEnv>>;

export function telemetryConfig(env: TelemetryEnv) {
  return {
    workerMetrics: env.WORKER_METRICS_PORT
      ? { host: env.WORKER_METRICS_HOST, port: env.WORKER_METRICS_PORT }
      : undefined,
    metricsToken: env.METRICS_TOKEN,
    /** traces go to `${endpoint}/v1/traces` (OTLP over HTTP with protobuf, the spec's default) */
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: env.OTEL_SERVICE_NAME,
    buildId: env.BUILD_ID,
  };
}

export type TelemetryConfig = ReturnType<typeof telemetryConfig>;
