// Finds the Temporal CLI (which embeds the dev server), building the pinned version once when it is missing.
// The SDK's own download cannot reach the internet on our machines, so we bring our own binary.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

export interface CliLocation {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'built';
}

export function cachedCliPath(cacheDir: string): string {
  return path.join(cacheDir, `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface FindCliOptions {
  cliPath?: string;
  cacheDir: string;
  envPath?: string;
  log?: (line: string) => void;
  /** Build with `go install` when nothing is found (default true). */
  build?: boolean;
  /** How often a running build says it is still at work (default 15 s). */
  heartbeatMs?: number;
}

/** TEMPORAL_CLI_PATH, then `temporal` on PATH, then the cached pinned build; builds it when none exists. */
export async function findOrBuildTemporalCli(opts: FindCliOptions): Promise<CliLocation> {
  const log = opts.log ?? ((line: string) => console.error(line));
  if (opts.cliPath) {
    if (!isExecutable(opts.cliPath)) {
      throw new Error(`TEMPORAL_CLI_PATH: ${opts.cliPath} is not an executable file`);
    }
    return { path: opts.cliPath, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal', opts.envPath);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const cached = cachedCliPath(opts.cacheDir);
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  if (opts.build === false) {
    throw new Error(`Temporal CLI not found (TEMPORAL_CLI_PATH, PATH, ${cached})`);
  }
  await buildTemporalCli(cached, log, opts.envPath, opts.heartbeatMs ?? 15_000);
  return { path: cached, source: 'built' };
}

async function buildTemporalCli(
  target: string,
  log: (line: string) => void,
  envPath: string | undefined,
  heartbeatMs: number,
) {
  const go = onPath('go', envPath) ?? ['/usr/local/go/bin/go', '/usr/lib/go/bin/go'].find(isExecutable);
  if (!go) {
    throw new Error(
      'No Temporal CLI found and no Go toolchain to build one. Either install Go (https://go.dev/dl), ' +
        'put a `temporal` binary on PATH, set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to an existing server.',
    );
  }
  const binDir = path.dirname(target);
  fs.mkdirSync(binDir, { recursive: true });
  const started = Date.now();
  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} into ${binDir} with \`go install\`.\n` +
      'This is a one-time step and takes a few minutes; later starts reuse the binary.',
  );
  const lockFile = path.join(binDir, '.building');
  // Two processes (e.g. `npm start` and `npm test`) may race to build: the second waits for the first.
  const lock = tryLock(lockFile);
  if (!lock) {
    log('Another process is building the Temporal CLI; waiting for it.');
    while (fs.existsSync(lockFile) && !isExecutable(target)) await new Promise((r) => setTimeout(r, 2000));
    if (isExecutable(target)) return;
  }
  // `go install` prints nothing while it compiles; without a sign of life the first start looks hung.
  const heartbeat = setInterval(
    () =>
      log(`still compiling the Temporal CLI ${TEMPORAL_CLI_VERSION} … ${Math.round((Date.now() - started) / 1000)} s`),
    heartbeatMs,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
        env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '0', GOFLAGS: '-trimpath' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install exited with ${code}`))));
    });
  } finally {
    clearInterval(heartbeat);
    fs.rmSync(lockFile, { force: true });
  }
  if (!isExecutable(target)) throw new Error(`go install finished but ${target} is missing`);
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
}

function tryLock(file: string): boolean {
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    // A stale lock from a killed build: take it over when its process is gone.
    const pid = Number(fs.readFileSync(file, 'utf8'));
    if (pid && !processAlive(pid)) {
      fs.writeFileSync(file, String(process.pid));
      return true;
    }
    return false;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function cliVersion(cli: string): string {
  const out = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  return (out.stdout || out.stderr).trim();
}
