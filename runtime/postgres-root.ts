// The embedded PostgreSQL as root. PostgreSQL refuses to run as root, so the server runs as the system user
// `postgres` (created when missing), and that user must be able to enter every folder on the way to its binaries
// and its data. A clone in root's home or in a `mktemp -d` folder (both mode 700) is closed to it, so the binaries
// are copied once to a folder of our own that others may enter (/var/tmp/amt24-0/postgres-<version>), and a data
// folder it cannot reach moves there too (/var/tmp/amt24-0/data-<hash>), with a symbolic link at the requested
// place that says where it went. Deleting the link (or the DATA_DIR holding it) drops that data at the next start.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Binaries, Ids } from './postgres-process';
import { StartupError } from './startup-error';

export const OS_USER = 'postgres';

export interface RootSetup {
  bins: Binaries;
  databaseDir: string;
  ids: Ids;
  /** What the start output says about where things went. */
  notes: string[];
}

/** Binaries and data where the postgres user may reach them, owned by it. */
export function prepareAsRoot(bins: Binaries, requestedDir: string, runtimeDirOption: string | undefined): RootSetup {
  const ids = postgresUser();
  const runtimeDir = ownRuntimeDir(runtimeDirOption ?? path.join('/var/tmp', `amt24-${process.getuid?.() ?? 0}`));
  const copied = copiedBinaries(bins, runtimeDir);
  const notes: string[] = [];
  let databaseDir = requestedDir;
  const closed = closedFolder(path.dirname(requestedDir), ids);
  if (closed) {
    databaseDir = relocatedDataDir(requestedDir, runtimeDir);
    notes.push(`linked from ${requestedDir}, as user ${OS_USER} may not enter ${closed}`);
  }
  notes.push(`runs as user ${OS_USER} from ${path.dirname(path.dirname(copied.postgres))}`);
  fs.mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  fs.chownSync(databaseDir, ids.uid, ids.gid);
  return { bins: copied, databaseDir, ids, notes };
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
function copiedBinaries(bins: Binaries, runtimeDir: string): Binaries {
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
