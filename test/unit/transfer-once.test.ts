// A Vorgang reaches the authority once, wherever the delivering process dies (integrations/transfer/publish.ts):
// killed right after the rename, with the authority's poller taking the entry before the retry, the retry used to
// find neither ledger nor entry and deliver again (seen in test/many-processes.test.ts).
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupTransferDir, LEDGER_DIR, readLedger, writeLedger } from '../../integrations/transfer/cleanup';
import { deliverPlain } from '../../integrations/transfer/plain';
import type { AntragPackage, DeliveryResult, TransferHooks } from '../../integrations/transfer/types';
import { deliverXFall } from '../../integrations/transfer/xfall';
import { expectDeliveryError, makePackage, tempTransferDir } from './package-fixtures';

const modes = [
  { mode: 'transfer-plain', entry: (vn: string) => vn, deliver: deliverPlain },
  { mode: 'transfer-xfall', entry: (vn: string) => `${vn}.xml`, deliver: deliverXFall },
] as const satisfies readonly {
  mode: string;
  entry: (vn: string) => string;
  deliver: (dir: string, pkg: AntragPackage, o?: { hooks?: TransferHooks }) => Promise<DeliveryResult>;
}[];

const killed = () => {
  throw new Error('worker killed');
};
const visible = async (dir: string) => (await readdir(dir)).filter((name) => !name.startsWith('.'));
const temps = async (dir: string) => (await readdir(dir)).filter((name) => name.startsWith('.tmp-'));

describe.each(modes)('Transferverzeichnis, $mode, once', ({ mode, entry, deliver }) => {
  it('does not deliver again when killed after the rename and picked up before the retry', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000101');
    await expectDeliveryError(deliver(dir, pkg, { hooks: { afterPublish: killed } }), 'transfer-dir-unavailable', true);
    expect(await visible(dir)).toEqual([entry(pkg.vorgangsnummer)]);
    await rm(join(dir, entry(pkg.vorgangsnummer)), { recursive: true }); // the authority's poller

    const retry = await deliver(dir, pkg);
    expect(retry).toMatchObject({ mode, reference: entry(pkg.vorgangsnummer), alreadyDelivered: true });
    expect(await visible(dir)).toEqual([]);
    expect(await temps(dir)).toEqual([]);
    const ledger = await readLedger(dir, pkg.vorgangsnummer);
    expect(ledger).toMatchObject({ vorgangsnummer: pkg.vorgangsnummer, entry: entry(pkg.vorgangsnummer), mode });
    expect(ledger?.pending).toBeUndefined();
    expect(ledger?.deliveredAt).toBe(retry.deliveredAt);
  });

  it('settles the claim when killed after the rename with the entry still there', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000102');
    await expectDeliveryError(deliver(dir, pkg, { hooks: { afterPublish: killed } }), 'transfer-dir-unavailable', true);
    const path = join(dir, entry(pkg.vorgangsnummer));
    const before = await readdir(dir, { recursive: true });

    expect((await deliver(dir, pkg)).alreadyDelivered).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(await readdir(dir, { recursive: true })).toEqual(before);
    expect((await readLedger(dir, pkg.vorgangsnummer))?.pending).toBeUndefined();
  });

  it('publishes the claimed temporary when killed between the claim and the rename', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000103');
    let claimedTemp = '';
    // Dies with the temporary complete; the claim naming it is written as the next step would have.
    await expectDeliveryError(
      deliver(dir, pkg, {
        hooks: {
          beforeCommit: (temp) => {
            claimedTemp = temp;
            killed();
          },
        },
      }),
      'transfer-dir-unavailable',
      true,
    );
    const pending = claimedTemp.slice(dir.length + 1);
    await writeLedger(dir, pkg.vorgangsnummer, {
      vorgangsnummer: pkg.vorgangsnummer,
      mode,
      entry: entry(pkg.vorgangsnummer),
      deliveredAt: '2025-03-01T10:00:00.000Z',
      submittedAt: pkg.submittedAt,
      pending,
    });
    // The daily cleanup, two days later, keeps a claimed temporary (the retry publishes it) and its claim.
    const day = (n: number) => new Date(Date.parse(pkg.submittedAt) + n * 86_400_000);
    await utimes(claimedTemp, day(1), day(1));
    expect((await cleanupTransferDir(dir, { now: day(3) })).deleted).toEqual([]);

    const retry = await deliver(dir, pkg);
    expect(retry).toEqual({
      mode,
      reference: entry(pkg.vorgangsnummer),
      deliveredAt: '2025-03-01T10:00:00.000Z',
      alreadyDelivered: false,
    });
    expect(await visible(dir)).toEqual([entry(pkg.vorgangsnummer)]);
    expect(await temps(dir)).toEqual([]);
    expect((await readLedger(dir, pkg.vorgangsnummer))?.pending).toBeUndefined();
  });

  it('publishes once when three attempts run at the same time', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000104');
    const settled = await Promise.allSettled([deliver(dir, pkg), deliver(dir, pkg), deliver(dir, pkg)]);
    // The claim's holder clears the others' temporaries: one still building fails retryably, and its retry finds
    // the delivery done.
    const results: DeliveryResult[] = [];
    for (const s of settled) {
      if (s.status === 'fulfilled') results.push(s.value);
      else {
        expect(s.reason).toMatchObject({ code: 'transfer-dir-unavailable', retryable: true });
        const retry = await deliver(dir, pkg);
        expect(retry.alreadyDelivered).toBe(true);
        results.push(retry);
      }
    }
    expect(results.filter((r) => !r.alreadyDelivered)).toHaveLength(1);
    expect(new Set(results.map((r) => r.deliveredAt)).size).toBe(1);
    expect(await visible(dir)).toEqual([entry(pkg.vorgangsnummer)]);
    expect(await temps(dir)).toEqual([]);
    expect((await readdir(join(dir, LEDGER_DIR))).filter((n) => !n.startsWith('.'))).toEqual([pkg.vorgangsnummer]);
    if (mode === 'transfer-plain') {
      expect(JSON.parse(await readFile(join(dir, entry(pkg.vorgangsnummer), 'antrag.json'), 'utf8'))).toMatchObject({
        vorgangsnummer: pkg.vorgangsnummer,
      });
    }
  });
});
