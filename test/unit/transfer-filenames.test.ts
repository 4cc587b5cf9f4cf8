import { describe, expect, it } from 'vitest';
import { FileNameAllocator, safeFileName, safeFolderName } from '../../integrations/transfer/filenames';

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
