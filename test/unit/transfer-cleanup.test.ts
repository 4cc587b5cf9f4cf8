// Deleting what is older than N days from a Transferverzeichnis (a temporary directory).
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupTransferDir, LEDGER_DIR } from '../../integrations/transfer/cleanup';
import { deliverPlain } from '../../integrations/transfer/plain';
import { deliverXFall } from '../../integrations/transfer/xfall';
import { makePackage, tempTransferDir } from './package-fixtures';

const DAY_MS = 86_400_000;

describe('Transferverzeichnis cleanup', () => {
  it('deletes what is older than N days and reports it', async () => {
    const dir = await tempTransferDir();
    const now = new Date('2025-06-30T00:00:00.000Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
    await deliverPlain(dir, makePackage('OLD-PLAIN', { submittedAt: daysAgo(100) }));
    await deliverXFall(dir, makePackage('OLD-XFALL', { submittedAt: daysAgo(91) }));
    await deliverPlain(dir, makePackage('PICKED-UP', { submittedAt: daysAgo(120) }));
    await rm(join(dir, 'PICKED-UP'), { recursive: true });
    await deliverPlain(dir, makePackage('RECENT', { submittedAt: daysAgo(40) }));
    await mkdir(join(dir, '.tmp-CRASHED-0badc0de'));
    await utimes(join(dir, '.tmp-CRASHED-0badc0de'), new Date(daysAgo(2)), new Date(daysAgo(2)));
    await writeFile(join(dir, 'README.txt'), 'from the authority');
    await utimes(join(dir, 'README.txt'), new Date(daysAgo(200)), new Date(daysAgo(200)));
    await mkdir(join(dir, 'NO-LEDGER'));
    await writeFile(join(dir, 'NO-LEDGER', 'antrag.json'), '{}');
    await utimes(join(dir, 'NO-LEDGER'), new Date(daysAgo(95)), new Date(daysAgo(95)));

    const result = await cleanupTransferDir(dir, { now });
    const deleted = result.deleted.map((e) => [e.name, e.kind, e.vorgangsnummer, e.ageDays]);
    expect(deleted.sort()).toEqual(
      [
        ['.delivered/OLD-PLAIN', 'ledger', 'OLD-PLAIN', 100],
        ['.delivered/OLD-XFALL', 'ledger', 'OLD-XFALL', 91],
        ['.delivered/PICKED-UP', 'ledger', 'PICKED-UP', 120],
        ['.tmp-CRASHED-0badc0de', 'temp', undefined, 2],
        ['NO-LEDGER', 'vorgang-folder', undefined, 95],
        ['OLD-PLAIN', 'vorgang-folder', 'OLD-PLAIN', 100],
        ['OLD-XFALL.xml', 'xfall-file', 'OLD-XFALL', 91],
      ].sort(),
    );
    expect(result.skipped).toEqual(['README.txt']);
    expect(result.failed).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['.delivered', 'README.txt', 'RECENT']);
    expect(await readdir(join(dir, LEDGER_DIR))).toEqual(['RECENT']);

    const shorter = await cleanupTransferDir(dir, { now, olderThanDays: 30 });
    expect(shorter.deleted.map((e) => e.name).sort()).toEqual(['.delivered/RECENT', 'RECENT']);
    expect((await readdir(dir)).sort()).toEqual(['.delivered', 'README.txt']);
  });
});
