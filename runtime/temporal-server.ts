// Resolves the Temporal server: an existing one (TEMPORAL_ADDRESS) or a dev server we start from the CLI binary.
import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { allSearchAttributes } from '../messages/search-attributes';
import { findOrBuildTemporalCli } from './temporal-cli';

/**
 * Fairness of the task queues (server 1.29: `matching.enableFairness`, which implies the priority matcher): tasks
 * are dispatched per fairness key in proportion, so a Mandant's burst (the key is the Mandant; api/routes/antraege)
 * does not queue every other Mandant's Anträge behind it. A cluster needs the same dynamic config.
 */
export const DEV_SERVER_DYNAMIC_CONFIG = ['matching.enableFairness=true'];

export interface TemporalServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  /** Where the server came from, for the start banner. */
  origin: string;
  stop(): Promise<void>;
}

export interface StartTemporalOptions {
  address?: string;
  namespace: string;
  cliPath?: string;
  cacheDir: string;
  /** Dev server state file; omit for an in-memory server (tests). */
  dbFilename?: string;
  /** 0 or undefined: pick a free port. */
  port?: number;
  uiPort?: number;
  ui?: boolean;
  envPath?: string;
  log?: (line: string) => void;
  /** Task queue fairness (default on); `npm run bench:burst -- --no-fairness` measures without it. */
  fairness?: boolean;
}

export async function startTemporal(opts: StartTemporalOptions): Promise<TemporalServer> {
  if (opts.address) {
    return { address: opts.address, namespace: opts.namespace, origin: 'TEMPORAL_ADDRESS', stop: async () => {} };
  }
  const cli = await findOrBuildTemporalCli({
    cliPath: opts.cliPath,
    cacheDir: opts.cacheDir,
    envPath: opts.envPath,
    log: opts.log,
  });
  if (opts.dbFilename) fs.mkdirSync(path.dirname(opts.dbFilename), { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      ip: '127.0.0.1',
      port: opts.port || undefined,
      namespace: opts.namespace,
      dbFilename: opts.dbFilename,
      ui: opts.ui ?? false,
      uiPort: opts.ui ? opts.uiPort : undefined,
      searchAttributes: allSearchAttributes,
      log: { format: 'json', level: 'error' },
      extraArgs: (opts.fairness === false ? [] : DEV_SERVER_DYNAMIC_CONFIG).flatMap((value) => [
        '--dynamic-config-value',
        value,
      ]),
    },
  });
  return {
    address: env.address,
    namespace: opts.namespace,
    uiUrl: opts.ui && opts.uiPort ? `http://localhost:${opts.uiPort}` : undefined,
    origin: `dev server (${cli.source}: ${cli.path})`,
    stop: () => env.teardown(),
  };
}
