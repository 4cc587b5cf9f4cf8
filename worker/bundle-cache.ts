// A restarted worker should take work again within seconds, and webpack takes 3–10 s (more on a busy machine) to
// bundle the workflows. The bundle is therefore kept on disk under the hash of everything that goes into it: the
// sources the workflow code can import, the preloaded modules' list, the locked dependency versions and the
// bundle options. Any change to them gives a new hash and a fresh bundle, so a stale bundle is never run.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What the bundle is built from (workflows import only these floors, and activity types, which are erased). */
const INPUTS = ['workflows', 'messages', 'domain', 'worker/preload.ts', 'worker/tracing.ts', 'package-lock.json'];

async function files(entry: string): Promise<string[]> {
  const full = path.join(ROOT, entry);
  const stat = await fs.stat(full).catch(() => undefined);
  if (!stat) return [];
  if (!stat.isDirectory()) return [entry];
  const names = (await fs.readdir(full)).sort();
  return (await Promise.all(names.map((n) => files(path.join(entry, n))))).flat();
}

export async function bundleKey(options: unknown): Promise<string> {
  const hash = crypto.createHash('sha256').update(JSON.stringify(options));
  for (const file of (await Promise.all(INPUTS.map(files))).flat()) {
    hash.update(`\0${file}\0`).update(await fs.readFile(path.join(ROOT, file)));
  }
  return hash.digest('hex').slice(0, 32);
}

/** The bundle for `options` from `dir`, or built with `build` and stored there (the newest only). */
export async function cachedBundle(
  dir: string,
  options: unknown,
  build: () => Promise<{ code: string }>,
): Promise<{ code: string }> {
  const key = await bundleKey(options);
  const file = path.join(dir, `workflows-${key}.js`);
  const code = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (code) return { code };
  const bundle = await build();
  try {
    await fs.mkdir(dir, { recursive: true });
    // Written under a temporary name and renamed: a worker starting beside this one never reads half a bundle.
    const temp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temp, bundle.code);
    await fs.rename(temp, file);
    for (const old of await fs.readdir(dir)) {
      if (old.startsWith('workflows-') && old !== path.basename(file) && !old.endsWith('.tmp'))
        await fs.rm(path.join(dir, old), { force: true });
    }
  } catch {
    // A read-only disk costs the next start its bundling time, nothing else.
  }
  return bundle;
}
