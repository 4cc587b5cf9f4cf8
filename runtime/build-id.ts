// The worker's build id, so the Temporal Web UI and the task queue's pollers show which code ran a task: BUILD_ID when
// the deployment sets it (the image has no .git), else the package version with the git commit when there is one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function resolveBuildId(configured: string | undefined, root: string): string {
  if (configured) return configured;
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const git = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8', timeout: 5000 });
  const sha = git.status === 0 ? git.stdout.trim() : '';
  return sha ? `${version}+${sha}` : version;
}
