// npm run record:histories [name …] — runs the scenarios of test/histories/scenarios.ts on a real stack (an
// in-memory Temporal dev server, embedded PostgreSQL, the loopback SMTP server, a worker and the API) and writes
// each recorded run to test/histories/<name>.json. test/replay.test.ts replays them against the current code.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LifecycleApiSettings } from '../api/lifecycle-api';
import { loadConfigOrExit } from '../runtime/config';
import { scenarios, type ScenarioContext } from '../test/histories/scenarios';
import { startStack, until } from './stack';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/histories');
const config = loadConfigOrExit();
const only = process.argv.slice(2);
const selected = only.length === 0 ? scenarios : scenarios.filter((s) => only.includes(s.name));
if (selected.length === 0) {
  console.error(`no scenario named ${only.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const settings: LifecycleApiSettings = {};
const stack = await startStack(config, { lifecycle: settings });
const { client, db, taskQueue, base, tokens } = stack;

let counter = 0;
const ctx: ScenarioContext = {
  client, db, taskQueue, settings, awbEmail: 'awb@sid.example',
  async api(method, p, user, body, expect) {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300 && res.status !== expect) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  },
  until: (fn, what, ms = 30_000) => until(fn, what, ms),
  unique: (prefix) => `${prefix}-${process.pid.toString(36)}-${(++counter).toString(36)}`,
};

let failed = false;
try {
  for (const scenario of selected) {
    const started = performance.now();
    const recorded = await scenario.run(ctx);
    const handle = client.workflow.getHandle(recorded.workflowId, recorded.runId);
    const history = await handle.fetchHistory();
    const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    if (type !== scenario.workflowType) throw new Error(`${scenario.name}: recorded a ${type}, expected ${scenario.workflowType}`);
    fs.writeFileSync(path.join(out, `${scenario.name}.json`), `${JSON.stringify(history)}\n`);
    console.log(`recorded ${scenario.name}: ${history.events?.length} events of ${type} (${Math.round(performance.now() - started)} ms)`);
  }
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await stack.stop();
}
process.exit(failed ? 1 : 0);
