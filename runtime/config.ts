// The one place that reads the environment. Every other module receives a Config.
import path from 'node:path';
import os from 'node:os';
import { z } from 'zod';
import { telemetryConfig, telemetryEnv } from './telemetry-config';
import { resolveTemporalConnection, TemporalConnectionError, type TemporalConnection } from './temporal-connection';

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((value) => protocols.some((p) => value.startsWith(`${p}:`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    })
    .optional();

const DEV_AUTH_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

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

    API_HOST: z.string().min(1).default('127.0.0.1'),
    API_PORT: port.default(3000),
    PUBLIC_BASE_URL: z.string().url().optional(),
    AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    TEMPORAL_UI_URL: z.string().url().optional(),
    PARAMETER_KEY: z.string().min(32, 'must be at least 32 characters (base64 of 32 random bytes)').optional(),
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
    AWB_EMAIL: z.email().default('awb@sid.sachsen.de'),
    ENDPOINT_ALERT_AFTER: z
      .string()
      .regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 30m, 4h, 2d')
      .default('4h'),
    DELIVERY_MAX_RETRY_INTERVAL: z
      .string()
      .regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 30m, 4h, 2d')
      .default('1h'),
    PATH: z.string().optional(),
    /** Set by `npm start` for its detached supervisor process; not for users. */
    AMT24_SUPERVISOR: z.enum(['1']).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.AUTH_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_SECRET'], message: 'is required when NODE_ENV=production' });
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
    },
    supervisor: env.AMT24_SUPERVISOR === '1',
    transferDir: path.join(dataDir, 'transfer'),
    parameterKey: env.PARAMETER_KEY ?? 'dev-only-parameter-key-change-me-0123456789',
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
    },
    awbEmail: env.AWB_EMAIL,
    endpointAlertAfter: env.ENDPOINT_ALERT_AFTER,
    deliveryMaxRetryInterval: env.DELIVERY_MAX_RETRY_INTERVAL,
    auth: { secret: env.AUTH_SECRET ?? DEV_AUTH_SECRET, isDevSecret: !env.AUTH_SECRET },
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
