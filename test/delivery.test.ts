import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { compactDecrypt, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileNameAllocator, safeFileName, safeFolderName } from '../integrations/transfer/filenames';
import {
  FIT_CONNECT_EVENTS,
  FitConnectSender,
  signCallback,
  verifyCallback,
  type FitConnectTarget,
  type SubmissionRef,
} from '../integrations/fitconnect/client';
import { cleanupTransferDir, LEDGER_DIR } from '../integrations/transfer/cleanup';
import { deliverPlain, type PlainAntragJson } from '../integrations/transfer/plain';
import { DeliveryError, type AntragPackage } from '../integrations/transfer/types';
import { deliverXFall, parseXFall, XFALL_NAMESPACE } from '../integrations/transfer/xfall';
import { startFitConnectSimulator, type FitConnectSimulator } from '../simulators/fitconnect/server';

const DAY_MS = 86_400_000;

function pdfBytes(label: string): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from(`%PDF-1.7\n% ${label}\n`), randomBytes(2048), Buffer.from('\n%%EOF\n')]));
}

const allByteValues = new Uint8Array(Array.from({ length: 512 }, (_, i) => i % 256));

const hostileFormData: Record<string, unknown> = {
  antragsteller: {
    name: 'Müller & Söhne <GmbH> "Gänsefüßchen" \'einfach\'',
    bemerkung: 'Zeile 1\r\nZeile 2\rZeile 3\n\tmit Tab  und  Leerzeichen ',
    emoji: '👩‍💻 🇩🇪 😀 €',
    steuerzeichen: 'Glocke\u0007NUL\u0000Escape\u001b Ende',
    cdata: ']]> <![CDATA[ nicht schließen',
    entitaeten: '&amp; &lt; &#x41; &nbsp; &unknown;',
  },
  kinder: [
    { name: 'Anna', alter: 5, geimpft: true },
    { name: 'Ben </feld>', alter: 7.5, geimpft: false },
  ],
  flags: [true, false, null, 'x', 0],
  leer: '',
  zahl: -0.5,
  nichts: null,
  'schlüssel mit <&> "zeichen"': 'wert',
  'steuer\u0001schlüssel': 'auch das',
  verschachtelt: { tief: { tiefer: [[1, 2], []] } },
};

function makePackage(vorgangsnummer: string, overrides: Partial<AntragPackage> = {}): AntragPackage {
  return {
    vorgangsnummer,
    onlinedienstId: 'od-schulanmeldung',
    mandantId: 'mandant-dresden',
    leistungId: '99123456760000',
    submittedAt: '2025-03-01T09:30:00.000Z',
    formData: hostileFormData,
    pdf: pdfBytes(vorgangsnummer),
    attachments: [
      { id: 'a1', fileName: 'Geburtsurkunde.pdf', mediaType: 'application/pdf', content: pdfBytes('urkunde') },
      { id: 'a2', fileName: 'foto.JPG', mediaType: 'image/jpeg', content: new Uint8Array(randomBytes(100_000)) },
      { id: 'a3', fileName: 'bytes.bin', mediaType: 'application/octet-stream', content: allByteValues },
    ],
    ...overrides,
  };
}

async function tempTransferDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'amt24-transfer-'));
}

function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

async function expectDeliveryError(promise: Promise<unknown>, code: string, retryable: boolean): Promise<DeliveryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  expect((err as DeliveryError).code).toBe(code);
  expect((err as DeliveryError).retryable).toBe(retryable);
  return err as DeliveryError;
}

describe('safe file names', () => {
  it('strips paths and parent references', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\Windows\\System32\\evil.PDF')).toBe('evil.pdf');
    expect(safeFileName('/absolute/path/to/scan.png')).toBe('scan.png');
    expect(safeFileName('..')).toBe('datei');
    expect(safeFileName('../')).toBe('datei');
    expect(safeFileName('.htaccess')).toBe('htaccess');
    expect(safeFileName('C:evil.txt')).toBe('C_evil.txt');
  });

  it('defuses reserved Windows device names', () => {
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('con.txt')).toBe('_con.txt');
    expect(safeFileName('LPT1.pdf')).toBe('_LPT1.pdf');
    expect(safeFileName('nul.tar.gz')).toBe('_nul.tar.gz');
    expect(safeFileName('CONSOLE.pdf')).toBe('CONSOLE.pdf');
  });

  it('removes NUL, control and invisible characters', () => {
    expect(safeFileName('scan\u0000.pdf')).toBe('scan.pdf');
    expect(safeFileName('a\u0007b\u001bc\u007f.pdf')).toBe('abc.pdf');
    expect(safeFileName('rechnung\u202Efdp.exe')).toBe('rechnungfdp.exe');
    expect(safeFileName('zero\u200bwidth.pdf')).toBe('zerowidth.pdf');
    expect(safeFileName('a<b>c:d"e|f?g*h.pdf')).toBe('a_b_c_d_e_f_g_h.pdf');
    expect(safeFileName('  spaces   inside .pdf  ')).toBe('spaces inside.pdf');
  });

  it('limits the length, keeps the extension and never splits a character', () => {
    const long = safeFileName(`${'x'.repeat(300)}.pdf`);
    expect(long).toHaveLength(120);
    expect(long.endsWith('.pdf')).toBe(true);
    const umlauts = safeFileName(`${'ä'.repeat(300)}.pdf`, { maxLength: 250 });
    expect(Buffer.byteLength(umlauts)).toBeLessThanOrEqual(255);
    expect(umlauts.endsWith('.pdf')).toBe(true);
    const emoji = safeFileName(`${'😀'.repeat(200)}.jpg`);
    expect(emoji.endsWith('.jpg')).toBe(true);
    expect(Buffer.from(emoji, 'utf8').toString('utf8')).toBe(emoji);
    expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(emoji)).toBe(false);
  });

  it('keeps only sane extensions, or takes one from the media type', () => {
    expect(safeFileName('Report.PDF')).toBe('Report.pdf');
    expect(safeFileName('weird.p d f')).toBe('weird.p d f');
    expect(safeFileName('noext', { mediaType: 'application/pdf' })).toBe('noext.pdf');
    expect(safeFileName('', { mediaType: 'image/png', fallback: 'anlage' })).toBe('anlage.png');
    expect(safeFileName(undefined)).toBe('datei');
  });

  it('dedupes within one Vorgang, ignoring case', () => {
    const names = new FileNameAllocator(['antrag.pdf']);
    expect(names.allocate('scan.pdf')).toBe('scan.pdf');
    expect(names.allocate('Scan.PDF')).toBe('Scan (2).pdf');
    expect(names.allocate('../scan.pdf')).toBe('scan (3).pdf');
    expect(names.allocate('antrag.pdf')).toBe('antrag (2).pdf');
    expect(names.allocate(`${'y'.repeat(300)}.pdf`)).toHaveLength(120);
    expect(names.allocate(`${'y'.repeat(300)}.pdf`)).toBe(`${'y'.repeat(112)} (2).pdf`);
  });

  it('derives folder names from Vorgangsnummern without collisions', () => {
    expect(safeFolderName('AMT24-2025-000123')).toBe('AMT24-2025-000123');
    const a = safeFolderName('../A/B');
    const b = safeFolderName('../A_B');
    expect(a).toMatch(/^A_B-[0-9a-f]{10}$/);
    expect(b).toMatch(/^A_B-[0-9a-f]{10}$/);
    expect(a).not.toBe(b);
    expect(safeFolderName('CON')).toMatch(/^_CON-[0-9a-f]{10}$/);
    expect(safeFolderName('..')).toMatch(/^vorgang-[0-9a-f]{10}$/);
  });
});

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

    const ledger = JSON.parse(await readFile(join(dir, LEDGER_DIR, 'AMT24-2025-000001'), 'utf8')) as Record<string, string>;
    expect(ledger).toMatchObject({ vorgangsnummer: 'AMT24-2025-000001', mode: 'transfer-plain', entry: 'AMT24-2025-000001' });
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
    expect(json.documents.find((d) => d.id === 'p')).toMatchObject({ file: 'passwd.txt', originalFileName: '../../etc/passwd' });
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
    expect(tempContents).toEqual(['Geburtsurkunde.pdf', 'antrag.json', 'antrag.pdf', 'antrag.xml', 'bytes.bin', 'foto.jpg']);
    expect(seenDuringWrite.filter((name) => !name.startsWith('.'))).toEqual([]);
    const afterCrash = await readdir(dir);
    expect(afterCrash).toHaveLength(1);
    expect(afterCrash[0]).toMatch(/^\.tmp-AMT24-2025-000002-[0-9a-f]{8}$/);

    const retry = await deliverPlain(dir, pkg);
    expect(retry.alreadyDelivered).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['.delivered', 'AMT24-2025-000002']);
    expect(new Uint8Array(await readFile(join(dir, 'AMT24-2025-000002', 'antrag.pdf')))).toEqual(pkg.pdf);
    expect(new Uint8Array(await readFile(join(dir, 'AMT24-2025-000002', 'foto.jpg')))).toEqual(pkg.attachments[1]!.content);
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
    const ledger = JSON.parse(await readFile(join(dir, LEDGER_DIR, 'AMT24-2025-000004'), 'utf8')) as { vorgangsnummer: string };
    expect(ledger.vorgangsnummer).toBe('AMT24-2025-000004');
  });

  it('reports an unavailable Transferverzeichnis as retryable', async () => {
    const base = await tempTransferDir();
    await expectDeliveryError(deliverPlain(join(base, 'not-mounted'), makePackage('V-1')), 'transfer-dir-unavailable', true);
    await writeFile(join(base, 'a-file'), 'x');
    await expectDeliveryError(deliverPlain(join(base, 'a-file'), makePackage('V-1')), 'transfer-dir-unavailable', true);
    await expectDeliveryError(deliverXFall(join(base, 'not-mounted'), makePackage('V-1')), 'transfer-dir-unavailable', true);
  });

  it('refuses a folder name that belongs to another Vorgang', async () => {
    const dir = await tempTransferDir();
    await mkdir(join(dir, LEDGER_DIR));
    await writeFile(
      join(dir, LEDGER_DIR, 'V-9'),
      JSON.stringify({ vorgangsnummer: 'someone else', mode: 'transfer-plain', entry: 'V-9', deliveredAt: 'x', submittedAt: 'y' }),
    );
    await expectDeliveryError(deliverPlain(dir, makePackage('V-9')), 'name-collision', false);
  });
});

describe('Transferverzeichnis, xFall container', () => {
  it('writes one namespaced XML that parses back to the same data and bytes', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000010', {
      attachments: [
        ...makePackage('x').attachments,
        { id: 'a4', fileName: '../../etc/passwd', mediaType: 'text/plain', content: new Uint8Array(Buffer.from('root:x:0:0')) },
        { id: 'a5', fileName: 'foto.jpg', mediaType: 'image/jpeg', content: new Uint8Array(randomBytes(10)) },
      ],
    });
    const result = await deliverXFall(dir, pkg, { now: () => new Date('2025-03-02T08:00:00.000Z') });
    expect(result).toEqual({
      mode: 'transfer-xfall',
      reference: 'AMT24-2025-000010.xml',
      deliveredAt: '2025-03-02T08:00:00.000Z',
      alreadyDelivered: false,
    });
    expect((await readdir(dir)).sort()).toEqual(['.delivered', 'AMT24-2025-000010.xml']);
    const xml = await readFile(join(dir, 'AMT24-2025-000010.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain(`xmlns:xfall="${XFALL_NAMESPACE}"`);
    // eslint-disable-next-line no-control-regex -- no raw control character may reach the XML
    expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml)).toBe(false);
    expect(xml).not.toContain('\r');

    const parsed = parseXFall(xml);
    expect(parsed.kopf).toEqual({
      vorgangsnummer: 'AMT24-2025-000010',
      onlinedienstId: 'od-schulanmeldung',
      mandantId: 'mandant-dresden',
      leistungId: '99123456760000',
      eingangszeitpunkt: '2025-03-01T09:30:00.000Z',
      erstelltAm: '2025-03-02T08:00:00.000Z',
    });
    expect(parsed.formData).toEqual(hostileFormData);
    const antragsteller = parsed.formData.antragsteller as Record<string, string>;
    expect(antragsteller.bemerkung).toBe('Zeile 1\r\nZeile 2\rZeile 3\n\tmit Tab  und  Leerzeichen ');
    expect(antragsteller.steuerzeichen).toBe('Glocke\u0007NUL\u0000Escape\u001b Ende');
    expect(parsed.dokumente.map((d) => [d.id, d.rolle, d.dateiname, d.mediaType])).toEqual([
      ['antrag', 'antrag', 'antrag.pdf', 'application/pdf'],
      ['a1', 'anlage', 'Geburtsurkunde.pdf', 'application/pdf'],
      ['a2', 'anlage', 'foto.jpg', 'image/jpeg'],
      ['a3', 'anlage', 'bytes.bin', 'application/octet-stream'],
      ['a4', 'anlage', 'passwd.txt', 'text/plain'],
      ['a5', 'anlage', 'foto (2).jpg', 'image/jpeg'],
    ]);
    expect(parsed.dokumente[0]!.content).toEqual(pkg.pdf);
    pkg.attachments.forEach((attachment, i) => {
      expect(parsed.dokumente[i + 1]!.content).toEqual(attachment.content);
      expect(parsed.dokumente[i + 1]!.sha256).toBe(sha256(attachment.content));
    });
    expect(parsed.dokumente[4]!.originalDateiname).toBe('../../etc/passwd');

    // Matched by namespace, not by prefix.
    const otherPrefix = xml.replaceAll('xfall:', 'x:').replace('xmlns:xfall=', 'xmlns:x=');
    expect(parseXFall(otherPrefix).formData).toEqual(hostileFormData);
    // A corrupted document is noticed.
    const corrupted = xml.replace(/(<xfall:dokument id="a1"[^>]*>)(.)/, (_, open: string, first: string) => `${open}${first === 'A' ? 'B' : 'A'}`);
    expect(() => parseXFall(corrupted)).toThrow(/a1/);
  });

  it('is atomic and idempotent', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000011');
    let visible: string[] = [];
    await expectDeliveryError(
      deliverXFall(dir, pkg, {
        hooks: {
          beforeCommit: async () => {
            visible = (await readdir(dir)).filter((name) => !name.startsWith('.'));
            throw new Error('power cut');
          },
        },
      }),
      'transfer-dir-unavailable',
      true,
    );
    expect(visible).toEqual([]);
    expect((await readdir(dir)).filter((name) => !name.startsWith('.tmp-'))).toEqual([]);

    const first = await deliverXFall(dir, pkg);
    expect(first.alreadyDelivered).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['.delivered', 'AMT24-2025-000011.xml']);
    const path = join(dir, 'AMT24-2025-000011.xml');
    const before = await stat(path);
    const content = await readFile(path, 'utf8');

    const second = await deliverXFall(dir, { ...pkg, formData: { anders: true } });
    expect(second).toEqual({ ...first, alreadyDelivered: true });
    expect((await stat(path)).ino).toBe(before.ino);
    expect(await readFile(path, 'utf8')).toBe(content);

    await rm(path);
    expect((await deliverXFall(dir, pkg)).alreadyDelivered).toBe(true);
    expect(existsSync(path)).toBe(false);
  });
});

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

// --- FIT-Connect ---------------------------------------------------------------------------------------------

const SCHEMA_URI = 'https://schema.amt24.sachsen.de/schulanmeldung/1.0.0/schema.json';
const SERVICE = 'urn:de:fim:leika:leistung:99123456760000';
const services = [{ identifier: SERVICE, submissionSchemas: [{ schemaUri: SCHEMA_URI, mimeType: 'application/json' }] }];

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

async function startCallbackReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/fit-connect`;
  return {
    url,
    received,
    async waitFor(predicate: (r: Received) => boolean): Promise<Received> {
      for (let i = 0; i < 100; i++) {
        const hit = received.find(predicate);
        if (hit) return hit;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('callback not received');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('FIT-Connect', () => {
  let sim: FitConnectSimulator;
  let destinationId: string;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
  const destinationSecret = 'destination-callback-secret';
  const senderSecret = 'sender-callback-secret';
  let tokenRequests = 0;

  const newSender = (overrides: Partial<ConstructorParameters<typeof FitConnectSender>[0]> = {}) =>
    new FitConnectSender({
      tokenUrl: sim.tokenUrl,
      submissionApiUrl: sim.submissionApiUrl,
      clientId: sim.sender.clientId,
      clientSecret: sim.sender.clientSecret,
      requestTimeoutMs: 5_000,
      fetch: (input, init) => {
        if (String(input) === sim.tokenUrl) tokenRequests++;
        return fetch(input, init);
      },
      ...overrides,
    });
  const target = (): FitConnectTarget => ({
    destinationId,
    schemaUri: SCHEMA_URI,
    serviceIdentifier: SERVICE,
    serviceName: 'Schulanmeldung',
    replyChannel: { eMail: { address: 'antragsteller@example.org' } },
    paymentInformation: { transactionReference: 'KZ-4711', paymentMethod: 'GIROPAY', status: 'BOOKED', grossAmount: 25 },
    callback: { url: receiver.url, secret: senderSecret },
  });

  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    sim = await startFitConnectSimulator({ maintenanceIntervalMs: 0, callbackRetryDelaysMs: [100] });
    const destination = await sim.createDestination({ services, callback: { url: receiver.url, secret: destinationSecret } });
    destinationId = destination.destinationId;
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
    await receiver?.close();
  });

  it('delivers end to end: the authority decrypts the same data, hashes match, it accepts, the log verifies', async () => {
    const pkg = makePackage('AMT24-2025-000100');
    tokenRequests = 0;
    const sender = newSender();
    const result = await sender.deliver(pkg, target());
    expect(result.mode).toBe('fitconnect');
    expect(result.alreadyDelivered).toBe(false);
    expect(result.reference).toBe(result.submissionId);
    expect(result.destinationId).toBe(destinationId);
    expect(sim.submissionStatus(result.submissionId)).toBe('submitted');

    // The authority, as a subscriber over HTTP: token, list, fetch, decrypt, check hashes.
    const tokenRes = await fetch(sim.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.subscriber.clientId,
        client_secret: sim.subscriber.clientSecret,
      }).toString(),
    });
    const { access_token: subscriberToken } = (await tokenRes.json()) as { access_token: string };
    const authz = { authorization: `Bearer ${subscriberToken}` };
    const list = (await (await fetch(`${sim.url}/v1/submissions?destinationId=${destinationId}`, { headers: authz })).json()) as {
      submissions: { submissionId: string; caseId: string }[];
    };
    expect(list.submissions).toContainEqual({ destinationId, submissionId: result.submissionId, caseId: result.caseId });
    const submission = (await (await fetch(`${sim.url}/v1/submissions/${result.submissionId}`, { headers: authz })).json()) as {
      encryptedMetadata: string;
      encryptedData: string;
      attachments: string[];
    };
    const keys = sim.destinationKeys(destinationId);
    const decrypt = async (jwe: string) => (await compactDecrypt(jwe, keys.decryptionKey)).plaintext;
    const metadata = JSON.parse(new TextDecoder().decode(await decrypt(submission.encryptedMetadata))) as {
      contentStructure: {
        data: { hash: { type: string; content: string }; submissionSchema: { schemaUri: string } };
        attachments: { attachmentId: string; filename: string; purpose: string; hash: { content: string } }[];
      };
      additionalReferenceInfo: { senderReference: string };
      paymentInformation: { transactionReference: string };
      replyChannel: { eMail: { address: string } };
    };
    const data = await decrypt(submission.encryptedData);
    expect(JSON.parse(new TextDecoder().decode(data))).toEqual(hostileFormData);
    expect(createHash('sha512').update(data).digest('hex')).toBe(metadata.contentStructure.data.hash.content);
    expect(metadata.contentStructure.data.submissionSchema.schemaUri).toBe(SCHEMA_URI);
    expect(metadata.additionalReferenceInfo.senderReference).toBe('AMT24-2025-000100');
    expect(metadata.paymentInformation.transactionReference).toBe('KZ-4711');
    expect(metadata.replyChannel.eMail.address).toBe('antragsteller@example.org');
    expect(metadata.contentStructure.attachments.map((a) => [a.filename, a.purpose])).toEqual([
      ['antrag.pdf', 'form'],
      ['Geburtsurkunde.pdf', 'attachment'],
      ['foto.jpg', 'attachment'],
      ['bytes.bin', 'attachment'],
    ]);
    expect(submission.attachments.sort()).toEqual(metadata.contentStructure.attachments.map((a) => a.attachmentId).sort());
    const expectedContent = [pkg.pdf, ...pkg.attachments.map((a) => a.content)];
    for (const [i, entry] of metadata.contentStructure.attachments.entries()) {
      const res = await fetch(`${sim.url}/v1/submissions/${result.submissionId}/attachments/${entry.attachmentId}`, { headers: authz });
      expect(res.headers.get('content-type')).toBe('application/jose');
      const plain = await decrypt(await res.text());
      expect(createHash('sha512').update(plain).digest('hex')).toBe(entry.hash.content);
      expect(plain).toEqual(expectedContent[i]);
    }
    const viaControl = await sim.decryptSubmission(result.submissionId);
    expect(JSON.parse(viaControl.data)).toEqual(hostileFormData);

    // The authority accepts with an event signed by its own key.
    const accept = await new SignJWT({
      sub: `submission:${result.submissionId}`,
      txn: `case:${result.caseId}`,
      events: { [FIT_CONNECT_EVENTS.accept]: {} },
    })
      .setProtectedHeader({ alg: 'PS512', typ: 'secevent+jwt', kid: keys.signingKid })
      .setIssuer(destinationId)
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .sign(keys.signingKey);
    const posted = await fetch(`${sim.url}/v1/cases/${result.caseId}/events`, {
      method: 'POST',
      headers: { ...authz, 'content-type': 'application/jose' },
      body: accept,
    });
    expect(posted.status).toBe(204);
    expect(sim.submissionStatus(result.submissionId)).toBe('accepted');

    const status = await sender.getStatus(result);
    expect(status.status).toBe('accepted');
    expect(status.events.map((e) => e.name)).toEqual(['create-submission', 'submit-submission', 'accept-submission']);
    expect(status.events.map((e) => e.issuer)).toEqual([sim.submissionApiUrl, sim.submissionApiUrl, destinationId]);
    const submitEvent = status.events[1]!;
    expect(Object.keys(submitEvent.authenticationTags?.attachments as object).sort()).toEqual(submission.attachments.sort());
    expect(tokenRequests).toBe(1); // the token is reused for every call

    // A token signed by someone else is refused.
    const { privateKey: forgerKey } = await generateKeyPair('PS512', { modulusLength: 2048 });
    const forged = await new SignJWT({
      sub: `submission:${result.submissionId}`,
      txn: `case:${result.caseId}`,
      events: { [FIT_CONNECT_EVENTS.accept]: {} },
    })
      .setProtectedHeader({ alg: 'PS512', typ: 'secevent+jwt', kid: keys.signingKid })
      .setIssuer(destinationId)
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .sign(forgerKey);
    await expectDeliveryError(sender.verifyEventToken(forged, { caseId: result.caseId, destinationId }), 'protocol-error', false);
    const wrongCase = sender.verifyEventToken(sim.eventLog(result.caseId)[0]!, { caseId: crypto.randomUUID() });
    await expectDeliveryError(wrongCase, 'protocol-error', false);

    // Callbacks: the destination heard of the new submission, the sender of the new events; both verify.
    const announced = await receiver.waitFor((r) => r.body.includes('new-submissions') && r.body.includes(result.submissionId));
    expect(
      verifyCallback({
        body: announced.body,
        timestamp: announced.headers['callback-timestamp'] as string,
        authentication: announced.headers['callback-authentication'] as string,
        secret: destinationSecret,
      }),
    ).toEqual({ valid: true });
    const newEvents = await receiver.waitFor((r) => r.body.includes('new-events') && r.body.includes(result.submissionId));
    expect(
      verifyCallback({
        body: newEvents.body,
        timestamp: newEvents.headers['callback-timestamp'] as string,
        authentication: newEvents.headers['callback-authentication'] as string,
        secret: senderSecret,
      }),
    ).toEqual({ valid: true });
  });

  it('reports a rejection with its problems', async () => {
    const sender = newSender();
    const result = await sender.deliver(makePackage('AMT24-2025-000101'), target());
    await sim.rejectSubmission(result.submissionId, [
      { type: 'https://schema.fitko.de/fit-connect/events/problems/invalid-data', title: 'Fachdaten ungültig', detail: 'PLZ fehlt' },
    ]);
    const status = await sender.getStatus(result);
    expect(status.status).toBe('rejected');
    expect(status.problems).toEqual([
      { type: 'https://schema.fitko.de/fit-connect/events/problems/invalid-data', title: 'Fachdaten ungültig', detail: 'PLZ fehlt' },
    ]);
    expect(status.events.at(-1)!.issuer).toBe(destinationId);
  });

  it('refuses an inactive destination without retrying', async () => {
    const inactive = await sim.createDestination({ services, status: 'inactive' });
    const sender = newSender();
    await expectDeliveryError(
      sender.deliver(makePackage('AMT24-2025-000102'), { ...target(), destinationId: inactive.destinationId }),
      'destination-inactive',
      false,
    );
    expect(sim.listSubmissions(inactive.destinationId)).toEqual([]);

    // Switched off between lookup and creation: the service refuses, the client says why.
    sim.setDestinationStatus(inactive.destinationId, 'active');
    const prepared = await sender.prepare(makePackage('AMT24-2025-000103'), { ...target(), destinationId: inactive.destinationId });
    sim.setDestinationStatus(inactive.destinationId, 'inactive');
    await expectDeliveryError(sender.createSubmission(prepared), 'destination-inactive', false);
    expect(sim.listSubmissions(inactive.destinationId)).toEqual([]);

    await expectDeliveryError(
      sender.deliver(makePackage('AMT24-2025-000104'), { ...target(), schemaUri: 'https://example.org/other.json' }),
      'not-accepted',
      false,
    );
  }, 60_000);

  it('treats an outage as retryable and delivers once the service is back', async () => {
    const sender = newSender({ requestTimeoutMs: 300 });
    const pkg = makePackage('AMT24-2025-000105');
    await sim.setOutage('refused');
    await expectDeliveryError(sender.deliver(pkg, target()), 'endpoint-unavailable', true);
    await sim.setOutage('unavailable');
    const unavailable = await expectDeliveryError(sender.deliver(pkg, target()), 'endpoint-unavailable', true);
    expect(unavailable.status).toBe(503);
    await sim.setOutage('none');
    sim.setLatency(1_000);
    await expectDeliveryError(sender.deliver(pkg, target()), 'endpoint-unavailable', true);
    sim.setLatency(0);
    const before = sim.listSubmissions(destinationId).length;
    const result = await sender.deliver(pkg, target());
    expect(sim.submissionStatus(result.submissionId)).toBe('submitted');
    expect(sim.listSubmissions(destinationId)).toHaveLength(before + 1);
    const decrypted = await sim.decryptSubmission(result.submissionId);
    expect(Object.values(decrypted.attachments)).toHaveLength(4);
  });

  it('resumes after a crash between create and submit, uploading only what is missing', async () => {
    const pkg = makePackage('AMT24-2025-000106');
    const crashed = newSender();
    const prepared = await crashed.prepare(pkg, target());
    const ref = await crashed.createSubmission(prepared);
    const firstId = prepared.attachments[0]!.attachmentId;
    await crashed.uploadAttachments(prepared, ref, [firstId]);
    expect(sim.submissionStatus(ref.submissionId)).toBe('incomplete');

    const restarted = newSender();
    const result = await restarted.resume(pkg, target(), ref);
    expect(result).toMatchObject({ alreadyDelivered: false, submissionId: ref.submissionId, caseId: ref.caseId });
    expect(sim.submissionStatus(ref.submissionId)).toBe('submitted');
    const counts = sim.uploadCounts(ref.submissionId);
    expect(Object.keys(counts)).toHaveLength(4);
    expect(Object.values(counts)).toEqual([1, 1, 1, 1]);
    const decrypted = await sim.decryptSubmission(ref.submissionId);
    expect(decrypted.attachments[firstId]).toEqual(pkg.pdf);
    expect(JSON.parse(decrypted.data)).toEqual(hostileFormData);

    const again = await restarted.resume(pkg, target(), ref);
    expect(again.alreadyDelivered).toBe(true);
    expect(sim.uploadCounts(ref.submissionId)).toEqual(counts);
    expect(sim.eventLog(ref.caseId)).toHaveLength(2);
  });

  it('continues from a persisted ref when the activity died right after creation', async () => {
    const pkg = makePackage('AMT24-2025-000107');
    let persisted: SubmissionRef | undefined;
    await expect(
      newSender().deliver(pkg, target(), {
        onCreated: (ref) => {
          persisted = ref;
          throw new Error('worker killed after persisting');
        },
      }),
    ).rejects.toThrow('worker killed');
    expect(sim.submissionStatus(persisted!.submissionId)).toBe('incomplete');
    const result = await newSender().deliverOrResume(pkg, target(), { existing: persisted! });
    expect(result.submissionId).toBe(persisted!.submissionId);
    expect(sim.submissionStatus(persisted!.submissionId)).toBe('submitted');
    expect(Object.values(sim.uploadCounts(persisted!.submissionId))).toEqual([1, 1, 1, 1]);
  });

  it('rejects what nobody picks up after 14 days, reminding after 3', async () => {
    const sender = newSender();
    const result = await sender.deliver(makePackage('AMT24-2025-000108'), target());
    await sim.runMaintenance(Date.now() + 3 * DAY_MS + 1_000);
    expect(sim.reminders.map((r) => r.submissionId)).toContain(result.submissionId);
    expect(sim.submissionStatus(result.submissionId)).toBe('submitted');
    await sim.runMaintenance(Date.now() + 14 * DAY_MS + 1_000);
    const status = await sender.getStatus(result);
    expect(status.status).toBe('rejected');
    expect(status.events.at(-1)!.issuer).toBe(sim.submissionApiUrl);
    expect(status.problems[0]!.title).toBe('Submission not picked up');
  });

  it('fails without retrying on bad credentials or a weak destination key', async () => {
    await expectDeliveryError(
      newSender({ clientSecret: 'wrong' }).deliver(makePackage('AMT24-2025-000109'), target()),
      'auth-failed',
      false,
    );
    const weak = await startFitConnectSimulator({ keyBits: 2048, maintenanceIntervalMs: 0 });
    try {
      const destination = await weak.createDestination({ services });
      const sender = new FitConnectSender({
        tokenUrl: weak.tokenUrl,
        submissionApiUrl: weak.submissionApiUrl,
        clientId: weak.sender.clientId,
        clientSecret: weak.sender.clientSecret,
      });
      await expectDeliveryError(
        sender.deliver(makePackage('AMT24-2025-000110'), { ...target(), destinationId: destination.destinationId }),
        'key-invalid',
        false,
      );
      expect(weak.listSubmissions()).toEqual([]);
    } finally {
      await weak.close();
    }
  });

  it('verifies callback HMACs: valid, tampered, wrong secret, too old, missing', () => {
    const body = JSON.stringify({ type: 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions', submissionIds: ['x'] });
    const now = Date.UTC(2025, 2, 1, 12, 0, 0);
    const timestamp = String(Math.floor(now / 1000));
    const authentication = signCallback('s3cret', timestamp, body);
    expect(authentication).toMatch(/^[0-9a-f]{128}$/);
    expect(verifyCallback({ body, timestamp, authentication, secret: 's3cret', now })).toEqual({ valid: true });
    expect(verifyCallback({ body, timestamp, authentication, secret: 's3cret', now: now + 4 * 60_000 })).toEqual({ valid: true });
    expect(verifyCallback({ body: `${body} `, timestamp, authentication, secret: 's3cret', now })).toEqual({
      valid: false,
      reason: 'bad-hmac',
    });
    expect(verifyCallback({ body, timestamp, authentication, secret: 'other', now })).toEqual({ valid: false, reason: 'bad-hmac' });
    expect(verifyCallback({ body, timestamp: String(Number(timestamp) + 1), authentication, secret: 's3cret', now })).toEqual({
      valid: false,
      reason: 'bad-hmac',
    });
    expect(verifyCallback({ body, timestamp, authentication, secret: 's3cret', now: now + 5 * 60_000 + 1_000 })).toEqual({
      valid: false,
      reason: 'too-old',
    });
    expect(verifyCallback({ body, timestamp, authentication, secret: 's3cret', now: now - 10 * 60_000 })).toEqual({
      valid: false,
      reason: 'in-future',
    });
    expect(verifyCallback({ body, timestamp: undefined, authentication, secret: 's3cret', now })).toEqual({
      valid: false,
      reason: 'missing-headers',
    });
    expect(verifyCallback({ body, timestamp: '12ab', authentication, secret: 's3cret', now })).toEqual({
      valid: false,
      reason: 'malformed-timestamp',
    });
  });
});
