// The embedded PostgreSQL's processes: initdb once, then the server as a child process (as the postgres user
// when we are root), its readiness read from its own output, and its stop.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from './startup-error';

export const USER = 'amt24';
export const PASSWORD = 'amt24';

export interface Binaries {
  initdb: string;
  postgres: string;
}

/** The user and groups the server runs as (root only). */
export interface Ids {
  uid: number;
  gid: number;
  groups: number[];
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

export async function initdb(bin: string, databaseDir: string, ids: Ids | undefined) {
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

export function runPostgres(
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

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT'); // PostgreSQL's fast shutdown
  });
}
