// The one-time Temporal CLI build says it is still at work while `go install` compiles. A stand-in `go` on PATH
// finishes only once the build has printed a heartbeat, so the test waits for the line instead of for time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedCliPath, findOrBuildTemporalCli, TEMPORAL_CLI_VERSION } from '../../runtime/temporal-cli';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  delete process.env.AMT24_TEST_HEARTBEAT_SEEN;
});

describe('Temporal CLI build', () => {
  it('prints a heartbeat line while go install runs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amt24-cli-build-'));
    dirs.push(dir);
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const seen = path.join(dir, 'heartbeat-seen');
    process.env.AMT24_TEST_HEARTBEAT_SEEN = seen;
    // Waits for the marker the log callback writes on the first heartbeat, then "installs" a temporal binary.
    fs.writeFileSync(
      path.join(bin, 'go'),
      '#!/bin/sh\n' +
        'while [ ! -f "$AMT24_TEST_HEARTBEAT_SEEN" ]; do sleep 0.05; done\n' +
        'printf \'#!/bin/sh\\necho "temporal version 0.0.0"\\n\' > "$GOBIN/temporal"\n' +
        'chmod +x "$GOBIN/temporal"\n',
      { mode: 0o755 },
    );
    const lines: string[] = [];
    const cacheDir = path.join(dir, 'cache');
    const cli = await findOrBuildTemporalCli({
      cacheDir,
      envPath: bin,
      heartbeatMs: 50,
      log: (line) => {
        lines.push(line);
        if (line.startsWith('still compiling')) fs.writeFileSync(seen, '');
      },
    });
    expect(cli).toEqual({ path: cachedCliPath(cacheDir), source: 'built' });
    const heartbeat = lines.find((l) => l.startsWith('still compiling'));
    expect(heartbeat).toMatch(new RegExp(`^still compiling the Temporal CLI ${TEMPORAL_CLI_VERSION} … \\d+ s$`));
    // The heartbeat stops with the build: the last line reports the finished binary.
    expect(lines.at(-1)).toMatch(/^Temporal CLI built in \d+ s: /);
  });
});
