// A setup file of the integration project: after every test file, "the money adds up" over the Anträge of that
// file's stacks (test/harness/geld.ts). Its afterAll is registered before the file's own hooks, so it runs after
// them: stacks the file closed were checked in close(), the ones it left open are checked here. One line per file.
import path from 'node:path';
import { afterAll } from 'vitest';
import { geldErgebnisse } from './harness/geld';

// vitest wants the (unused) context destructured before it hands over the file's suite.
// eslint-disable-next-line no-empty-pattern
afterAll(async ({}, suite) => {
  const file = path.relative(process.cwd(), suite.file.filepath);
  const results = await geldErgebnisse();
  const sum = (k: 'checked' | 'inFlight' | 'unasked') => results.reduce((n, r) => n + r[k], 0);
  const violations = results.flatMap((r) => r.violations.map((v) => `${r.name}: ${v}`));
  const errors = results.flatMap((r) => (r.error ? [`${r.name}: ${r.error}`] : []));
  const parts = results.length
    ? [`checked ${sum('checked')}`, `in flight ${sum('inFlight')}`]
    : ['no stack with the ePayBL simulator'];
  if (sum('unasked')) parts.push(`not asked ${sum('unasked')} (no worker)`);
  if (errors.length) parts.push(`not checked: ${errors.join('; ')}`);
  if (violations.length) parts.push(`${violations.length} VIOLATION(S)`);
  console.log(`[money] ${file}: ${parts.join(', ')}`);
  if (violations.length) {
    throw new Error(`The money does not add up in ${file}:\n${violations.map((v) => `  ${v}`).join('\n')}`);
  }
});
