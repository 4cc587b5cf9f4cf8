// Plain delivery into a Transferverzeichnis (a temporary directory): no server involved.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { LEDGER_DIR } from '../../integrations/transfer/cleanup';
import { deliverPlain, type PlainAntragJson } from '../../integrations/transfer/plain';
import { deliverXFall, parseXFall } from '../../integrations/transfer/xfall';
import {
  allByteValues,
  expectDeliveryError,
  hostileFormData,
  makePackage,
  pdfBytes,
  sha256,
  tempTransferDir,
} from './package-fixtures';

describe('Transferverzeichnis, plain', () => {
  it('writes one folder with PDF, attachments, JSON and XML', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000001');
    const result = await deliverPlain(dir, pkg, { now: () => new Date('2025-03-01T10:00:00.000Z') });
    expect(result).toEqual({
      mode: 'transfer-plain',
      reference: 'AMT24-2025-000001',
      deliveredAt: '2025-03-01T10:00:00.000Z',
      alreadyDelivered: false,
    });
    expect((await readdir(dir)).sort()).toEqual(['.delivered', 'AMT24-2025-000001']);
    const folder = join(dir, 'AMT24-2025-000001');
    expect((await readdir(folder)).sort()).toEqual(
      ['Geburtsurkunde.pdf', 'antrag.json', 'antrag.pdf', 'antrag.xml', 'bytes.bin', 'foto.jpg'].sort(),
    );
    expect(new Uint8Array(await readFile(join(folder, 'antrag.pdf')))).toEqual(pkg.pdf);
    expect(new Uint8Array(await readFile(join(folder, 'Geburtsurkunde.pdf')))).toEqual(pkg.attachments[0]!.content);
    expect(new Uint8Array(await readFile(join(folder, 'foto.jpg')))).toEqual(pkg.attachments[1]!.content);
    expect(new Uint8Array(await readFile(join(folder, 'bytes.bin')))).toEqual(allByteValues);

    const json = JSON.parse(await readFile(join(folder, 'antrag.json'), 'utf8')) as PlainAntragJson;
    expect(json.vorgangsnummer).toBe('AMT24-2025-000001');
    expect(json.mandantId).toBe('mandant-dresden');
    expect(json.leistungId).toBe('99123456760000');
    expect(json.formData).toEqual(hostileFormData);
    expect(json.documents.map((d) => [d.file, d.size, d.sha256])).toEqual([
      ['antrag.pdf', pkg.pdf.byteLength, sha256(pkg.pdf)],
      ['Geburtsurkunde.pdf', pkg.attachments[0]!.content.byteLength, sha256(pkg.attachments[0]!.content)],
      ['foto.jpg', 100_000, sha256(pkg.attachments[1]!.content)],
      ['bytes.bin', 512, sha256(allByteValues)],
    ]);

    const xml = await readFile(join(folder, 'antrag.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = parseXFall(xml);
    expect(parsed.formData).toEqual(hostileFormData);
    expect(parsed.dokumente.map((d) => [d.dateiname, d.content])).toEqual([
      ['antrag.pdf', undefined],
      ['Geburtsurkunde.pdf', undefined],
      ['foto.jpg', undefined],
      ['bytes.bin', undefined],
    ]);

    const ledger = JSON.parse(await readFile(join(dir, LEDGER_DIR, 'AMT24-2025-000001'), 'utf8')) as Record<
      string,
      string
    >;
    expect(ledger).toMatchObject({
      vorgangsnummer: 'AMT24-2025-000001',
      mode: 'transfer-plain',
      entry: 'AMT24-2025-000001',
    });
  });

  it('keeps hostile attachment names inside the folder', async () => {
    const dir = await tempTransferDir();
    const content = (s: string) => new Uint8Array(Buffer.from(s));
    const pkg = makePackage('../../Vorgang/7', {
      attachments: [
        { id: 'p', fileName: '../../etc/passwd', mediaType: 'text/plain', content: content('passwd') },
        { id: 'c', fileName: 'CON', mediaType: 'application/pdf', content: content('con') },
        { id: 'n', fileName: 'scan\u0000.pdf', mediaType: 'application/pdf', content: content('nul') },
        { id: 'l', fileName: `${'l'.repeat(300)}.pdf`, mediaType: 'application/pdf', content: content('long') },
        { id: 'd1', fileName: 'scan.pdf', mediaType: 'application/pdf', content: content('dup1') },
        { id: 'd2', fileName: 'SCAN.pdf', mediaType: 'application/pdf', content: content('dup2') },
        { id: 'x', fileName: 'antrag.json', mediaType: 'application/json', content: content('{"fake":true}') },
      ],
    });
    const result = await deliverPlain(dir, pkg);
    expect(result.reference).toMatch(/^Vorgang_7-[0-9a-f]{10}$/);
    const top = (await readdir(dir)).sort();
    expect(top).toEqual(['.delivered', result.reference]);
    const folder = join(dir, result.reference);
    const files = (await readdir(folder)).sort();
    expect(files).toEqual(
      [
        'passwd.txt',
        '_CON.pdf',
        'scan.pdf',
        `${'l'.repeat(116)}.pdf`,
        'scan (2).pdf',
        'SCAN (3).pdf',
        'antrag (2).json',
        'antrag.pdf',
        'antrag.json',
        'antrag.xml',
      ].sort(),
    );
    expect(await readFile(join(folder, 'passwd.txt'), 'utf8')).toBe('passwd');
    expect(await readFile(join(folder, 'scan.pdf'), 'utf8')).toBe('nul');
    expect(await readFile(join(folder, 'scan (2).pdf'), 'utf8')).toBe('dup1');
    expect(await readFile(join(folder, 'SCAN (3).pdf'), 'utf8')).toBe('dup2');
    expect(await readFile(join(folder, 'antrag (2).json'), 'utf8')).toBe('{"fake":true}');
    const json = JSON.parse(await readFile(join(folder, 'antrag.json'), 'utf8')) as PlainAntragJson;
    expect(json.vorgangsnummer).toBe('../../Vorgang/7');
    expect(json.documents.find((d) => d.id === 'p')).toMatchObject({
      file: 'passwd.txt',
      originalFileName: '../../etc/passwd',
    });
    expect(existsSync(join(dir, '..', 'etc', 'passwd'))).toBe(false);
  });

  it('never shows a partial folder, and a retry after a crash completes', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000002');
    let seenDuringWrite: string[] = [];
    let tempContents: string[] = [];
    const crash = deliverPlain(dir, pkg, {
      hooks: {
        beforeCommit: async (tempPath) => {
          seenDuringWrite = await readdir(dir);
          tempContents = (await readdir(tempPath)).sort();
          throw new Error('worker killed');
        },
      },
    });
    await expectDeliveryError(crash, 'transfer-dir-unavailable', true);
    // Everything is written and synced, but the authority's poller sees only dot-names.
    expect(tempContents).toEqual([
      'Geburtsurkunde.pdf',
      'antrag.json',
      'antrag.pdf',
      'antrag.xml',
      'bytes.bin',
      'foto.jpg',
    ]);
    expect(seenDuringWrite.filter((name) => !name.startsWith('.'))).toEqual([]);
    const afterCrash = await readdir(dir);
    expect(afterCrash).toHaveLength(1);
    expect(afterCrash[0]).toMatch(/^\.tmp-AMT24-2025-000002-[0-9a-f]{8}$/);

    const retry = await deliverPlain(dir, pkg);
    expect(retry.alreadyDelivered).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['.delivered', 'AMT24-2025-000002']);
    expect(new Uint8Array(await readFile(join(dir, 'AMT24-2025-000002', 'antrag.pdf')))).toEqual(pkg.pdf);
    expect(new Uint8Array(await readFile(join(dir, 'AMT24-2025-000002', 'foto.jpg')))).toEqual(
      pkg.attachments[1]!.content,
    );
  });

  it('is idempotent, also after the authority picked the folder up', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000003');
    const first = await deliverPlain(dir, pkg);
    const pdfPath = join(dir, 'AMT24-2025-000003', 'antrag.pdf');
    const before = await stat(pdfPath);
    const jsonBefore = await readFile(join(dir, 'AMT24-2025-000003', 'antrag.json'), 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 20));

    const second = await deliverPlain(dir, { ...pkg, pdf: pdfBytes('different') });
    expect(second).toEqual({ ...first, alreadyDelivered: true });
    const after = await stat(pdfPath);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(new Uint8Array(await readFile(pdfPath))).toEqual(pkg.pdf);
    expect(await readFile(join(dir, 'AMT24-2025-000003', 'antrag.json'), 'utf8')).toBe(jsonBefore);

    await rm(join(dir, 'AMT24-2025-000003'), { recursive: true });
    const third = await deliverPlain(dir, pkg);
    expect(third).toEqual({ ...first, alreadyDelivered: true });
    expect(existsSync(join(dir, 'AMT24-2025-000003'))).toBe(false);
  });

  it('recognises a folder published by an attempt that died before writing the ledger', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000004');
    await deliverPlain(dir, pkg);
    await rm(join(dir, LEDGER_DIR, 'AMT24-2025-000004'));
    const again = await deliverPlain(dir, pkg);
    expect(again.alreadyDelivered).toBe(true);
    const ledger = JSON.parse(await readFile(join(dir, LEDGER_DIR, 'AMT24-2025-000004'), 'utf8')) as {
      vorgangsnummer: string;
    };
    expect(ledger.vorgangsnummer).toBe('AMT24-2025-000004');
  });

  it('reports an unavailable Transferverzeichnis as retryable', async () => {
    const base = await tempTransferDir();
    await expectDeliveryError(
      deliverPlain(join(base, 'not-mounted'), makePackage('V-1')),
      'transfer-dir-unavailable',
      true,
    );
    await writeFile(join(base, 'a-file'), 'x');
    await expectDeliveryError(deliverPlain(join(base, 'a-file'), makePackage('V-1')), 'transfer-dir-unavailable', true);
    await expectDeliveryError(
      deliverXFall(join(base, 'not-mounted'), makePackage('V-1')),
      'transfer-dir-unavailable',
      true,
    );
  });

  it('refuses a folder name that belongs to another Vorgang', async () => {
    const dir = await tempTransferDir();
    await mkdir(join(dir, LEDGER_DIR));
    await writeFile(
      join(dir, LEDGER_DIR, 'V-9'),
      JSON.stringify({
        vorgangsnummer: 'someone else',
        mode: 'transfer-plain',
        entry: 'V-9',
        deliveredAt: 'x',
        submittedAt: 'y',
      }),
    );
    await expectDeliveryError(deliverPlain(dir, makePackage('V-9')), 'name-collision', false);
  });
});
