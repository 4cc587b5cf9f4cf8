// The workflow cache a worker gets when WORKER_MAX_CACHED_WORKFLOWS is not set, and the warning at start when a heap
// capped for a small RSS (README "Worker memory") leaves it at the SDK's minimum.
import { describe, expect, it } from 'vitest';
import { cacheWarnung, sdkDefaultCache } from '../../worker/worker';

describe('worker cache default', () => {
  it("follows the SDK's formula: 600 workflows per GiB of heap above 200 MiB, at least 10", () => {
    expect(sdkDefaultCache(4144)).toBe(2310); // Node's default limit on this machine's 24 GiB: (4144 − 200) × 600 / 1024
    expect(sdkDefaultCache(2248)).toBe(1200);
    expect(sdkDefaultCache(296)).toBe(56);
    expect(sdkDefaultCache(102)).toBe(10); // --max-old-space-size=96 --max-semi-space-size=2
    expect(sdkDefaultCache(0)).toBe(10);
  });

  it('warns when a capped heap leaves fewer than 100 cached workflows, names the variable and the SDK figure', () => {
    const warnung = cacheWarnung(undefined, 102);
    expect(warnung).toContain('WORKER_MAX_CACHED_WORKFLOWS');
    expect(warnung).toContain('heap limit of 102 MiB');
    expect(warnung).toContain('only 10 workflows');
    expect(cacheWarnung(undefined, 370)).toContain('only 99 workflows');
  });

  it('stays silent when the cache is set, however small the heap, or when the heap gives 100 or more', () => {
    expect(cacheWarnung(100, 102)).toBeUndefined();
    expect(cacheWarnung(10, 102)).toBeUndefined(); // chosen on purpose
    expect(cacheWarnung(undefined, 4144)).toBeUndefined();
    expect(cacheWarnung(undefined, 371)).toBeUndefined(); // the SDK's 100
  });
});
