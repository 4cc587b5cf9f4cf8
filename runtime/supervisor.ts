// Keeps a child process running for `npm start`: restarts it when it exits, waiting longer after each crash in a
// row (exponential back-off), and gives up with the reason — the last error line it printed — when it keeps
// crashing, instead of restarting it every few seconds for ever.
import { spawn, type ChildProcess } from 'node:child_process';

export interface SuperviseOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Called once, when the child has crashed `maxCrashes` times in a row. */
  onGiveUp: (reason: string) => void;
  /** Wait before the first restart; doubled after each further crash in a row (default 1 s). */
  initialDelayMs?: number;
  /** Longest wait between restarts (default 30 s). */
  maxDelayMs?: number;
  /** Crashes in a row after which it gives up (default 5). */
  maxCrashes?: number;
  /** A child that ran this long before it exited starts a new count (default 60 s). */
  stableAfterMs?: number;
}

export interface Supervised {
  readonly child: ChildProcess | undefined;
  /** Stops supervising and ends the child: the signal, then SIGKILL after forceAfterMs. */
  stop(signal?: NodeJS.Signals, forceAfterMs?: number): Promise<void>;
}

export function supervise(opts: SuperviseOptions): Supervised {
  const initialDelayMs = opts.initialDelayMs ?? 1000;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const maxCrashes = opts.maxCrashes ?? 5;
  const stableAfterMs = opts.stableAfterMs ?? 60_000;
  let child: ChildProcess | undefined;
  let crashes = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const run = () => {
    const started = Date.now();
    let stderrTail = '';
    const current = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    child = current;
    // Its error output still reaches the terminal; the tail is kept to say why it ended.
    current.stderr!.on('data', (d: Buffer) => {
      process.stderr.write(d);
      stderrTail = (stderrTail + d.toString()).slice(-4000);
    });
    current.once('error', (err) => {
      stderrTail += `\n${err.message}`;
    });
    current.once('close', (code, signal) => {
      child = undefined;
      if (stopped) return;
      crashes = Date.now() - started >= stableAfterMs ? 1 : crashes + 1;
      const exit = signal ?? `exit code ${code}`;
      if (crashes >= maxCrashes) {
        stopped = true;
        opts.onGiveUp(
          `${opts.name} keeps crashing (${crashes} times in a row, last ${exit}): ${lastError(stderrTail)}; gave up restarting it`,
        );
        return;
      }
      const delay = Math.min(initialDelayMs * 2 ** (crashes - 1), maxDelayMs);
      opts.log(`${opts.name} exited (${exit}); restarting in ${formatMs(delay)} (crash ${crashes} of ${maxCrashes})`);
      timer = setTimeout(() => !stopped && run(), delay);
    });
  };
  run();

  return {
    get child() {
      return child;
    },
    async stop(signal = 'SIGTERM', forceAfterMs = 15_000) {
      stopped = true;
      clearTimeout(timer);
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => current.kill('SIGKILL'), forceAfterMs);
        current.once('close', () => {
          clearTimeout(kill);
          resolve();
        });
        current.kill(signal);
      });
    },
  };
}

/** The line that says why: the last error message printed, not the stack frames or Node's version footer. */
export function lastError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^at\s/.test(l) && !/^Node\.js v\d/.test(l) && !/^\^+$/.test(l));
  const error = lines.filter((l) => /error|cannot|could not|EADDRINUSE|EACCES|refused|FATAL/i.test(l)).at(-1);
  return (error ?? lines.at(-1) ?? 'no output').replace(/\.$/, '');
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}
