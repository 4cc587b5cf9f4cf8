// The xFall container written into a Transferverzeichnis (a temporary directory) and parsed back.
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { deliverXFall, parseXFall, XFALL_NAMESPACE } from '../../integrations/transfer/xfall';
import { expectDeliveryError, hostileFormData, makePackage, sha256, tempTransferDir } from './package-fixtures';

describe('Transferverzeichnis, xFall container', () => {
  it('writes one namespaced XML that parses back to the same data and bytes', async () => {
    const dir = await tempTransferDir();
    const pkg = makePackage('AMT24-2025-000010', {
      attachments: [
        ...makePackage('x').attachments,
        {
          id: 'a4',
          fileName: '../../etc/passwd',
          mediaType: 'text/plain',
          content: new Uint8Array(Buffer.from('root:x:0:0')),
        },
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
    const corrupted = xml.replace(
      /(<xfall:dokument id="a1"[^>]*>)(.)/,
      (_, open: string, first: string) => `${open}${first === 'A' ? 'B' : 'A'}`,
    );
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
