// The pickup signal on a real folder: present → not fetched; removed or moved away → fetched; a share that is not
// there (unmounted) is no pickup but an error the activity retries.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { transferEintragVorhanden } from '../../integrations/transfer/abholung';

describe('transferEintragVorhanden', () => {
  it('tells a waiting Vorgang from one taken away, and refuses to judge an absent share', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abholung-'));
    fs.mkdirSync(path.join(dir, 'L-2026-0001'));
    fs.writeFileSync(path.join(dir, 'L-2026-0002.xml'), '<x/>');
    expect(await transferEintragVorhanden(dir, 'L-2026-0001')).toBe(true);
    expect(await transferEintragVorhanden(dir, 'L-2026-0002.xml')).toBe(true);
    fs.renameSync(path.join(dir, 'L-2026-0001'), path.join(os.tmpdir(), `archiv-${path.basename(dir)}`));
    fs.rmSync(path.join(dir, 'L-2026-0002.xml'));
    expect(await transferEintragVorhanden(dir, 'L-2026-0001')).toBe(false);
    expect(await transferEintragVorhanden(dir, 'L-2026-0002.xml')).toBe(false);
    await expect(transferEintragVorhanden(path.join(dir, 'nicht-gemountet'), 'L-2026-0001')).rejects.toMatchObject({
      code: 'transfer-dir-unavailable',
      retryable: true,
    });
  });
});
