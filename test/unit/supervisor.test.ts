// `npm start`'s supervisor: a child that keeps crashing is restarted with growing waits and then given up, with
// the reason it printed; a child that is stopped is not restarted.
import { describe, expect, it } from 'vitest';
import { lastError, supervise } from '../../runtime/supervisor';

describe('supervise', () => {
  it('backs off exponentially and gives up with the reason when a child keeps crashing', async () => {
    const lines: string[] = [];
    const reason = await new Promise<string>((resolve) => {
      supervise({
        name: 'api',
        command: process.execPath,
        args: [
          '-e',
          "console.error('Error: listen EADDRINUSE: address already in use 127.0.0.1:3000'); process.exit(3)",
        ],
        log: (line) => lines.push(line),
        onGiveUp: resolve,
        initialDelayMs: 10,
        maxCrashes: 4,
      });
    });
    expect(lines).toEqual([
      'api exited (exit code 3); restarting in 10 ms (crash 1 of 4)',
      'api exited (exit code 3); restarting in 20 ms (crash 2 of 4)',
      'api exited (exit code 3); restarting in 40 ms (crash 3 of 4)',
    ]);
    expect(reason).toBe(
      'api keeps crashing (4 times in a row, last exit code 3): ' +
        'Error: listen EADDRINUSE: address already in use 127.0.0.1:3000; gave up restarting it',
    );
  });

  it('caps the wait between restarts', async () => {
    const lines: string[] = [];
    await new Promise<string>((resolve) =>
      supervise({
        name: 'worker',
        command: process.execPath,
        args: ['-e', 'process.exit(1)'],
        log: (line) => lines.push(line),
        onGiveUp: resolve,
        initialDelayMs: 10,
        maxDelayMs: 25,
        maxCrashes: 4,
      }),
    );
    expect(lines.map((l) => /restarting in (\d+ ms)/.exec(l)?.[1])).toEqual(['10 ms', '20 ms', '25 ms']);
  });

  it('does not restart a child it was asked to stop', async () => {
    const lines: string[] = [];
    let gaveUp = false;
    const supervised = supervise({
      name: 'worker',
      command: process.execPath,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      log: (line) => lines.push(line),
      onGiveUp: () => (gaveUp = true),
    });
    const child = supervised.child!;
    await supervised.stop('SIGTERM');
    expect(child.signalCode).toBe('SIGTERM');
    expect(supervised.child).toBeUndefined();
    expect(lines).toEqual([]);
    expect(gaveUp).toBe(false);
  });

  it('finds the error line among stack frames and the Node footer', () => {
    const output = [
      'node:events:502',
      '      throw er; // Unhandled error event',
      '      ^',
      '',
      'Error: spawn /x/initdb EACCES',
      '    at ChildProcess._handle.onexit (node:internal/child_process:285:19)',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    expect(lastError(output)).toBe('Error: spawn /x/initdb EACCES');
    expect(lastError('')).toBe('no output');
  });
});
