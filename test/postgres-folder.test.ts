// The embedded PostgreSQL starts from a folder only its owner may enter (root's home, a `mktemp -d` folder). As
// root the server runs as the user `postgres`, who may not enter such a folder: its binaries and its data then live
// in /var/tmp/amt24-0, and a link at the requested place says where. A server that cannot start says so in one
// sentence naming what to change.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../runtime/postgres';
import { StartupError } from '../runtime/startup-error';
import { freePort } from './harness/ports';

const asRoot = process.getuid?.() === 0;
const closed: string[] = [];
function closedFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amt24-closed-')); // mode 700, like root's home
  closed.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of closed) fs.rmSync(dir, { recursive: true, force: true });
});

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL from a closed folder', () => {
  it('starts, keeps its data across a restart, and drops it once the folder is gone', async () => {
    const folder = closedFolder();
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    const dataDir = path.join(folder, '.data', 'postgres');
    const port = await freePort();

    const first = await startPostgres({ dataDir, port, database: 'closed_folder' });
    await query(first.url, `create table merk (wert text); insert into merk values ('vor dem Neustart')`);
    await first.stop();

    let relocated: string | undefined;
    if (asRoot) {
      // The start output names where the data went and why.
      expect(first.origin).toContain(`linked from ${dataDir}, as user postgres may not enter ${folder}`);
      expect(first.origin).toMatch(/runs as user postgres from \/var\/tmp\/amt24-0\/postgres-/);
      expect(fs.lstatSync(dataDir).isSymbolicLink()).toBe(true);
      relocated = fs.readlinkSync(dataDir);
      expect(relocated).toMatch(/^\/var\/tmp\/amt24-0\/data-[0-9a-f]{16}$/);
      expect(first.origin).toContain(`data ${relocated}`);
      expect(fs.statSync(relocated).uid).not.toBe(0);
    } else {
      expect(first.origin).toBe(`embedded PostgreSQL (data ${dataDir})`);
      expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    }

    const second = await startPostgres({ dataDir, port, database: 'closed_folder' });
    expect(second.origin).toBe(first.origin);
    expect(await query(second.url, 'select wert from merk')).toEqual([{ wert: 'vor dem Neustart' }]);
    await second.stop();

    fs.rmSync(folder, { recursive: true, force: true });
    const other = await startPostgres({
      dataDir: path.join(closedFolder(), 'postgres'),
      port: await freePort(),
      temporary: true,
    });
    expect(await query(other.url, 'select 1 as eins')).toEqual([{ eins: 1 }]);
    await other.stop();
    // The data whose link went with its folder is gone; so is the temporary server's.
    if (relocated) expect(fs.existsSync(relocated)).toBe(false);
    expect(fs.existsSync(path.join(closed.at(-1)!, 'postgres'))).toBe(false);
  }, 120_000);

  it('says in one sentence what to change when its port is taken', async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const failed = await startPostgres({
        dataDir: path.join(closedFolder(), 'postgres'),
        port,
        temporary: true,
      }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failed).toBeInstanceOf(StartupError);
      // A temporary server that could not start leaves nothing behind.
      expect(fs.existsSync(path.join(closed.at(-1)!, 'postgres'))).toBe(false);
      expect((failed as Error).message).toBe(
        `The embedded PostgreSQL cannot listen on port ${port}: it is in use; ` +
          'set POSTGRES_PORT to a free port, or DATABASE_URL to a running server.',
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 120_000);
});
