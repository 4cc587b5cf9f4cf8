// How the worker and the API reach Temporal: the SDK's environment configuration (@temporalio/envconfig). A profile
// of a TOML file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), overlaid by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*: the same build runs against the dev server, an mTLS cluster
// or Temporal Cloud. config.ts hands us the environment; nothing here reads process.env.
import fs from 'node:fs';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/client';

export interface TemporalConnection {
  /** host:port; undefined when nothing names a server (`npm start` and the tests then start the dev server) */
  address?: string;
  namespace?: string;
  apiKey?: string;
  /** true: TLS with the system's roots (implied by an API key); an object: client certificate, CA, server name */
  tls?: TLSConfig | boolean;
  metadata?: Record<string, string>;
  /** what configured the connection, for the start output ("TEMPORAL_ADDRESS", "profile prod of …") */
  source: string;
}

/** A connection setting that cannot work, with the variable to change. */
export class TemporalConnectionError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'TemporalConnectionError';
  }
}

const PATH_VARIABLES = [
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
] as const;

/**
 * Resolves the connection from the environment. The profile file is read only when TEMPORAL_CONFIG_FILE or
 * TEMPORAL_PROFILE asks for it: a developer's own ~/.config/temporalio/temporal.toml (written by `temporal config`)
 * must not send `npm start` or `npm test` to a shared cluster.
 */
export function resolveTemporalConnection(env: Record<string, string | undefined>): TemporalConnection {
  const vars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
  const file = vars.TEMPORAL_CONFIG_FILE;
  if (file && !fs.existsSync(file)) throw new TemporalConnectionError('TEMPORAL_CONFIG_FILE', `${file} does not exist`);
  for (const variable of PATH_VARIABLES) {
    const p = vars[variable];
    if (p && !fs.existsSync(p)) throw new TemporalConnectionError(variable, `${p} does not exist`);
  }
  const useFile = Boolean(file || vars.TEMPORAL_PROFILE);
  let resolved;
  try {
    resolved = loadClientConnectConfig({ disableFile: !useFile, overrideEnvVars: vars });
  } catch (err) {
    const message = (err as Error).message;
    const variable = /^Profile '/.test(message) ? 'TEMPORAL_PROFILE' : 'TEMPORAL_CONFIG_FILE';
    throw new TemporalConnectionError(variable, message);
  }
  const { connectionOptions: o, namespace } = resolved;
  if (o.tls && typeof o.tls === 'object' && !o.tls.clientCertPair) {
    // The SDK drops a certificate without its key (or the reverse) silently; the cluster would then refuse us.
    const cert = vars.TEMPORAL_TLS_CLIENT_CERT_PATH ?? vars.TEMPORAL_TLS_CLIENT_CERT_DATA;
    const key = vars.TEMPORAL_TLS_CLIENT_KEY_PATH ?? vars.TEMPORAL_TLS_CLIENT_KEY_DATA;
    if (cert && !key) {
      throw new TemporalConnectionError('TEMPORAL_TLS_CLIENT_KEY_PATH', 'is required with a client certificate');
    }
    if (key && !cert) {
      throw new TemporalConnectionError('TEMPORAL_TLS_CLIENT_CERT_PATH', 'is required with a client key');
    }
  }
  const profile = vars.TEMPORAL_PROFILE ?? 'default';
  return {
    address: o.address,
    namespace,
    apiKey: o.apiKey,
    tls: o.tls ?? undefined,
    metadata: o.metadata && Object.keys(o.metadata).length ? (o.metadata as Record<string, string>) : undefined,
    source: useFile
      ? `profile ${profile} of ${file ?? 'the Temporal config file'}`
      : vars.TEMPORAL_ADDRESS
        ? 'TEMPORAL_ADDRESS'
        : 'dev server',
  };
}

/** Options for Connection (client) and NativeConnection (worker) alike. */
export function connectionOptions(connection: TemporalConnection, address: string) {
  return {
    address,
    ...(connection.tls !== undefined ? { tls: connection.tls } : {}),
    ...(connection.apiKey ? { apiKey: connection.apiKey } : {}),
    ...(connection.metadata ? { metadata: connection.metadata } : {}),
  };
}

/** How the start output names the connection, without the API key. */
export function describeConnection(connection: TemporalConnection, address: string, namespace: string): string {
  const security = connection.apiKey ? 'API key, TLS' : connection.tls ? 'TLS' : 'plaintext';
  return `${address}, namespace ${namespace}, ${security} (${connection.source})`;
}
