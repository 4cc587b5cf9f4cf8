// The one place that reads the environment. Every other module receives a Config.
import path from 'node:path';
import os from 'node:os';
import { z } from 'zod';
import { telemetryConfig, telemetryEnv } from './telemetry-config';
import { resolveTemporalConnection, TemporalConnectionError, type TemporalConnection } from './temporal-connection';

const port = z.coerce.number().int().min(0).max(65535);
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 30m, 4h, 2d');
const count = z.coerce.number().int().min(1, 'must be a whole number of at least 1');
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((value) => protocols.some((p) => value.startsWith(`${p}:`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    })
    .optional();

const DEV_AUTH_SECRET = 'dev-only-secret-change-me-0123456789abcdef';
const DEV_PARAMETER_KEY = 'dev-only-parameter-key-change-me-0123456789';

/** AUTH_SECRET: one master or a comma-separated list, newest first (rotation: `new,old`, later `new`). */
const secretList = (value: string) => value.split(',').map((s) => s.trim());

/** PAYLOAD_KEYS: `id:base64key,…`, each key 32 bytes; the first encrypts Temporal payloads, all decrypt. */
const DEV_PAYLOAD_KEYS = 'dev:ZGV2LW9ubHktcGF5bG9hZC1rZXktY2hhbmdlLW1lISE=';
const payloadKeys = z.string().transform((value, ctx) => {
  const keys = value.split(',').map((entry) => {
    const [id = '', material = ''] = entry.trim().split(/:(.*)/s);
    return { id, key: Buffer.from(material, 'base64'), material };
  });
  for (const k of keys) {
    const problem = !/^[\w.-]{1,64}$/.test(k.id)
      ? `"${k.id}" is no key id (letters, digits, . _ -)`
      : !/^[A-Za-z0-9+/]+={0,2}$/.test(k.material) || k.key.length !== 32
        ? `key ${k.id} must be base64 of 32 random bytes`
        : keys.filter((o) => o.id === k.id).length > 1
          ? `key id ${k.id} appears twice`
          : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; expected "id:base64key,oldId:base64key"` });
  }
  return keys.map(({ id, key }) => ({ id, key }));
});

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    DATA_DIR: z.string().min(1).default('.data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^\s:/]+:\d+$/, 'must be host:port, e.g. localhost:7233')
      .optional(),
    // No default here: a profile's namespace must win over it (temporal-connection.ts).
    TEMPORAL_NAMESPACE: z.string().min(1).optional(),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('amt24'),
    TEMPORAL_CLI_PATH: z.string().min(1).optional(),
    TEMPORAL_CACHE_DIR: z.string().min(1).optional(),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    ...telemetryEnv,

    DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
    POSTGRES_PORT: port.default(54329),

    SMTP_URL: optionalUrl(['smtp', 'smtps']),
    SMTP_PORT: port.default(2525),
    MAIL_VIEW_PORT: port.default(8025),
    MAIL_FROM: z.string().min(3).default('Amt24 <noreply@amt24.sachsen.de>'),

    RESTART_LIMIT: z.coerce.number().int().min(1).default(5),
    WORKER_HEALTH_PORT: port.optional(),
    WORKER_HEALTH_HOST: z.string().min(1).optional(),
    // Worker tuning (README "Scaling out"); unset: the Temporal SDK's defaults.
    WORKER_MAX_CACHED_WORKFLOWS: count.optional(),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: count.optional(),
    WORKER_MAX_CONCURRENT_ACTIVITIES: count.optional(),
    WORKER_MAX_CONCURRENT_WAITS: count.optional(),
    WORKER_WORKFLOW_POLLERS: count.optional(),
    WORKER_ACTIVITY_POLLERS: count.optional(),
    API_HOST: z.string().min(1).default('127.0.0.1'),
    API_PORT: port.default(3000),
    API_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024, 'must be at least 1024 (bytes)')
      .default(1024 * 1024),
    PUBLIC_BASE_URL: z.string().url().optional(),
    AUTH_SECRET: z
      .string()
      .refine((value) => secretList(value).every((s) => s.length >= 32), {
        message: 'must be at least 32 characters (each of a comma-separated list, newest first)',
      })
      .optional(),
    TEMPORAL_UI_URL: z.string().url().optional(),
    PARAMETER_KEY: z.string().min(32, 'must be at least 32 characters (base64 of 32 random bytes)').optional(),
    PAYLOAD_KEYS: payloadKeys.optional(),
    EPAYBL_URL: z.string().url().optional(),
    EPAYBL_PAYPAGE_URL: z.string().url().optional(),
    EPAYBL_CLIENT_CERT: z.string().optional(),
    EPAYBL_CLIENT_KEY: z.string().optional(),
    EPAYBL_CA: z.string().optional(),
    EPAYBL_SIM_PORT: port.default(8091),
    FITCONNECT_TOKEN_URL: z.string().url().optional(),
    FITCONNECT_SUBMISSION_URL: z.string().url().optional(),
    FITCONNECT_CLIENT_ID: z.string().optional(),
    FITCONNECT_CLIENT_SECRET: z.string().optional(),
    FITCONNECT_SIM_PORT: port.default(8092),
    FITCONNECT_API_PREFIX: z
      .string()
      .regex(/^\/v\d+$/, 'must be the Submission API version prefix, /v1 or /v2')
      .default('/v1'),
    FITCONNECT_CALLBACK_SECRET: z
      .string()
      .refine((value) => secretList(value).every((s) => s.length >= 32), {
        message: 'must be at least 32 characters (each of a comma-separated list, newest first)',
      })
      .optional(),
    AWB_EMAIL: z.email().default('awb@sid.sachsen.de'),
    ENDPOINT_ALERT_AFTER: duration.default('4h'),
    STOERUNG_AFTER: duration.default('4h'),
    WARTE_FENSTER: duration.default('10m'),
    DELIVERY_MAX_RETRY_INTERVAL: duration.default('1h'),
    // Admission of submissions (api/annahme.ts): far above normal load; a burst past them gets 429.
    ANTRAG_LIMIT_GLOBAL_PRO_S: count.default(500),
    ANTRAG_LIMIT_MANDANT_PRO_S: count.default(200),
    ENTWURF_TAGE: z.coerce
      .number()
      .int()
      .min(1, 'must be at least 1 (days)')
      .max(365, 'must be at most 365 (days)')
      .default(30),
    /** One-click sign-in as any demo user in the web UI: `npm start` and docker-compose.yml set it, nothing else. */
    DEMO_LOGIN: z.enum(['0', '1'], 'must be 1 (demo sign-in on) or 0').optional(),
    PATH: z.string().optional(),
    /** Set by `npm start` for its detached supervisor process; not for users. */
    AMT24_SUPERVISOR: z.enum(['1']).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    for (const variable of ['AUTH_SECRET', 'PARAMETER_KEY'] as const) {
      if (!env[variable])
        ctx.addIssue({ code: 'custom', path: [variable], message: 'is required when NODE_ENV=production' });
    }
    if (env.NODE_ENV === 'production' && !env.PAYLOAD_KEYS) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_KEYS'], message: 'is required when NODE_ENV=production' });
    }
  });

export type Config = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}\n` +
        'Fix the environment variable(s) named above (see README, "Configuration").',
    );
    this.name = 'ConfigError';
  }
}

function toConfig(env: z.infer<typeof schema>, cwd: string, connection: TemporalConnection) {
  const dataDir = path.resolve(cwd, env.DATA_DIR);
  return {
    env: env.NODE_ENV,
    dataDir,
    logLevel: env.LOG_LEVEL,
    temporal: {
      /** TEMPORAL_ADDRESS or the profile's address; unset: the dev server */
      address: connection.address,
      namespace: connection.namespace ?? 'default',
      /** TLS, API key, gRPC metadata (runtime/temporal-connection.ts) */
      connection,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      cliPath: env.TEMPORAL_CLI_PATH,
      /** Searched for `temporal` and `go`. */
      searchPath: env.PATH,
      cacheDir: env.TEMPORAL_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'amt24'),
      port: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      uiUrl: env.TEMPORAL_UI_URL ?? (connection.address ? undefined : `http://localhost:${env.TEMPORAL_UI_PORT}`),
    },
    telemetry: telemetryConfig(env),
    database: { url: env.DATABASE_URL, embeddedPort: env.POSTGRES_PORT },
    mail: { url: env.SMTP_URL, embeddedPort: env.SMTP_PORT, viewPort: env.MAIL_VIEW_PORT, from: env.MAIL_FROM },
    api: {
      host: env.API_HOST,
      port: env.API_PORT,
      publicBaseUrl: env.PUBLIC_BASE_URL ?? `http://localhost:${env.API_PORT}`,
      maxBodyBytes: env.API_MAX_BODY_BYTES,
    },
    /** The worker's health endpoint (off unless WORKER_HEALTH_PORT is set; `npm start` sets it). */
    worker: {
      healthPort: env.WORKER_HEALTH_PORT,
      healthHost: env.WORKER_HEALTH_HOST ?? env.API_HOST,
      tuning: {
        maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
        maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
        maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
        maxConcurrentWaits: env.WORKER_MAX_CONCURRENT_WAITS,
        maxConcurrentWorkflowTaskPolls: env.WORKER_WORKFLOW_POLLERS,
        maxConcurrentActivityTaskPolls: env.WORKER_ACTIVITY_POLLERS,
      },
    },
    supervisor: env.AMT24_SUPERVISOR === '1',
    /** `npm start` gives up on a child that crashed this many times in a row. */
    restartLimit: env.RESTART_LIMIT,
    transferDir: path.join(dataDir, 'transfer'),
    parameterKey: env.PARAMETER_KEY ?? DEV_PARAMETER_KEY,
    /** Encrypt Temporal payloads (runtime/payload-codec.ts): the first key encrypts, all decrypt. */
    payloadKeys: env.PAYLOAD_KEYS ?? payloadKeys.parse(DEV_PAYLOAD_KEYS),
    isDevPayloadKey: !env.PAYLOAD_KEYS,
    epaybl: {
      url: env.EPAYBL_URL,
      paypageUrl: env.EPAYBL_PAYPAGE_URL,
      clientCert: env.EPAYBL_CLIENT_CERT,
      clientKey: env.EPAYBL_CLIENT_KEY,
      ca: env.EPAYBL_CA,
      simulatorPort: env.EPAYBL_SIM_PORT,
    },
    fitconnect: {
      tokenUrl: env.FITCONNECT_TOKEN_URL,
      submissionUrl: env.FITCONNECT_SUBMISSION_URL,
      clientId: env.FITCONNECT_CLIENT_ID,
      clientSecret: env.FITCONNECT_CLIENT_SECRET,
      simulatorPort: env.FITCONNECT_SIM_PORT,
      apiPrefix: env.FITCONNECT_API_PREFIX,
      /** Secrets of the callbacks to `/api/fitconnect/callback`, newest first; none: polling only. */
      callbackSecrets: env.FITCONNECT_CALLBACK_SECRET ? secretList(env.FITCONNECT_CALLBACK_SECRET) : [],
    },
    awbEmail: env.AWB_EMAIL,
    endpointAlertAfter: env.ENDPOINT_ALERT_AFTER,
    deliveryMaxRetryInterval: env.DELIVERY_MAX_RETRY_INTERVAL,
    stoerungAfter: env.STOERUNG_AFTER,
    warteFenster: env.WARTE_FENSTER,
    /** Submissions per second, counted in PostgreSQL across every API process; past one: 429 with Retry-After. */
    antragLimits: {
      globalProSekunde: env.ANTRAG_LIMIT_GLOBAL_PRO_S,
      mandantProSekunde: env.ANTRAG_LIMIT_MANDANT_PRO_S,
    },
    /** Days a citizen's draft of a form is kept after its last save. */
    entwurfTage: env.ENTWURF_TAGE,
    auth: {
      /** Masters of every signing key, newest first (runtime/keys.ts derives one key per purpose from each). */
      secrets: secretList(env.AUTH_SECRET ?? DEV_AUTH_SECRET),
      isDevSecret: !env.AUTH_SECRET,
      /** 'on' only with DEMO_LOGIN=1; `npm start` turns 'unset' into on for its children. */
      demoLogin: env.DEMO_LOGIN === '1' ? 'on' : env.DEMO_LOGIN === '0' ? 'off' : 'unset',
    },
  };
}

/** Validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '?'), message: issue.message })),
    );
  }
  return toConfig(parsed.data, cwd, temporalConnection(cleaned));
}

function temporalConnection(env: Record<string, string | undefined>): TemporalConnection {
  try {
    return resolveTemporalConnection(env);
  } catch (err) {
    if (err instanceof TemporalConnectionError)
      throw new ConfigError([{ variable: err.variable, message: err.message }]);
    throw err;
  }
}

/** The environment for child processes started by `npm start`: ours plus the resolved endpoints. */
export function childProcessEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/** For entry points: print the problem and exit instead of a stack trace. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
