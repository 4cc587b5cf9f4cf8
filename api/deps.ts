import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { AnnahmeLimits } from '../db/stores/annahme';
import type { Keys } from '../runtime/keys';
import type { Logger } from '../runtime/logger';
import type { LifecycleApiSettings } from './lifecycle-api';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface ApiDeps {
  db: Kysely<Database>;
  temporal: Client;
  /** The codec of `temporal`'s data converter, for the Web UI's codec endpoint (/codec); without it that answers 503. */
  payloadCodec?: PayloadCodec;
  log: Logger;
  /** Signing keys per purpose (bearer tokens, CSRF, status links, back-links), derived from AUTH_SECRET. */
  keys: Keys;
  namespace: string;
  taskQueue: string;
  publicBaseUrl: string;
  /** Base URL of the Temporal Web UI, for links from API answers (absent for a remote cluster). */
  temporalUiUrl?: string;
  readiness: ReadinessCheck[];
  /** Days a draft of a form ("Zwischenspeichern") is kept after its last save (ENTWURF_TAGE; default 30). */
  entwurfTage?: number;
  /** Upper bound of the back-off between delivery attempts, passed to new Antrag workflows (e.g. "1h"). */
  deliveryMaxRetryInterval?: string;
  /** How long a temporary failure of an Antrag's step may last before it is a Störung, passed to new Anträge. */
  stoerungNach?: string;
  /** How long one look of an Antrag's payment poll runs before its workflow sleeps on a timer, passed to new Anträge. */
  warteFenster?: string;
  /**
   * Submissions per second for all and for one Mandant (ANTRAG_LIMIT_*), counted in PostgreSQL so the limits hold
   * across API processes; past one a submission gets 429 with Retry-After. Absent: no limit.
   */
  annahmeLimits?: AnnahmeLimits;
  version: string;
  /** Largest request body of a route that declares no larger one (API_MAX_BODY_BYTES; default 1 MiB). */
  maxBodyBytes?: number;
  /** Encrypts protected Prozessparameter (AES-256-GCM); without it the parameter endpoints answer 503. */
  parameterKey?: Buffer;
  /** Durations passed to new lifecycle workflows and release campaigns (tests run them short). */
  lifecycle?: LifecycleApiSettings;
  /** Web view of the loopback mail server (development): the UI lists its /api/messages. */
  mailViewUrl?: string;
  /** The web UI's sign-in offers the demo users (development only; never in production). */
  uiDemoSignIn?: boolean;
  /** When set, GET /metrics wants `Authorization: Bearer <metricsToken>` (METRICS_TOKEN). */
  metricsToken?: string;
  /**
   * Secrets of FIT-Connect's callbacks to us (FITCONNECT_CALLBACK_SECRET, newest first while one is rotated);
   * without one, the callback route refuses every callback (401) and only polling learns the authority's answer.
   */
  fitconnectCallbackSecrets?: string[];
  /** OpenTelemetry is on (OTEL_EXPORTER_OTLP_ENDPOINT): every request gets a server span. */
  tracing?: boolean;
}

export function workflowUiUrl(deps: ApiDeps, workflowId: string): string | undefined {
  if (!deps.temporalUiUrl) return undefined;
  return `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
