// npm run record:histories [-- --suffix=-v2] [name …] — runs the scenarios of test/histories/scenarios.ts on a
// real stack (an in-memory Temporal dev server, embedded PostgreSQL, the loopback SMTP server, a worker and the API)
// and writes each recorded run to test/histories/<name><suffix>.json. test/replay.test.ts replays every file there
// against the current code. A recorded history is the proof that runs of that code keep replaying: it is never
// overwritten (the script refuses); record the new code beside it under a new suffix.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LifecycleApiSettings } from '../api/lifecycle-api';
import { loadConfigOrExit } from '../runtime/config';
import { scenarios, type ScenarioContext } from '../test/histories/scenarios';
import { startStack, until } from './stack';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/histories');
const config = loadConfigOrExit();
const args = process.argv.slice(2);
const suffix = args.find((a) => a.startsWith('--suffix='))?.slice('--suffix='.length) ?? '';
const only = args.filter((a) => !a.startsWith('--'));
const selected = only.length === 0 ? scenarios : scenarios.filter((s) => only.includes(s.name));
if (selected.length === 0) {
  console.error(`no scenario named ${only.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const fileOf = (name: string) => path.join(out, `${name}${suffix}.json`);
const existing = selected.filter((s) => fs.existsSync(fileOf(s.name)));
if (existing.length > 0) {
  console.error(
    `would overwrite ${existing.map((s) => path.basename(fileOf(s.name))).join(', ')}: choose another --suffix`,
  );
  process.exit(2);
}

const settings: LifecycleApiSettings = {};
const stack = await startStack(config, { lifecycle: settings });
const { client, db, taskQueue, base, tokens } = stack;

let counter = 0;
const ctx: ScenarioContext = {
  client,
  db,
  taskQueue,
  settings,
  awbEmail: 'awb@sid.example',
  async api(method, p, user, body, expect) {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: {
        ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
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
    if (type !== scenario.workflowType)
      throw new Error(`${scenario.name}: recorded a ${type}, expected ${scenario.workflowType}`);
    fs.writeFileSync(fileOf(scenario.name), `${JSON.stringify(history)}\n`);
    const ms = Math.round(performance.now() - started);
    console.log(
      `recorded ${path.basename(fileOf(scenario.name))}: ${history.events?.length} events of ${type} (${ms} ms)`,
    );
  }
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await stack.stop();
}
process.exit(failed ? 1 : 0);
