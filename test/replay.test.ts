// Every recorded history under test/histories (recorded by `npm run record:histories` and the Antrag recorder)
// replays against the current workflow bundle. A nondeterministic change to running workflows fails here.
import fs from 'node:fs';
import path from 'node:path';
import proto from '@temporalio/proto';
import { Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../runtime/config';
import { dataConverter, EncryptionCodec } from '../runtime/payload-codec';

const root = path.resolve('test/histories');
const quiet = () => {};
Runtime.install({ logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error } });

// The Antrag histories in histories/antrag/ are replayed by replay-antrag.test.ts.
const files = fs
  .readdirSync(root)
  .filter((f) => f.endsWith('.json'))
  .map((f) => path.join(root, f))
  .sort();
// Through the production codec: the histories recorded before encryption hold clear payloads, which it passes
// through; those recorded since are encrypted with the development key the recorders run on (no PAYLOAD_KEYS).
const converter = dataConverter(new EncryptionCodec(loadConfig({}).payloadKeys));
const results = new Map<string, Error | undefined>();
const types = new Map<string, string>();

beforeAll(async () => {
  const histories = files.map((file) => {
    // JSON.stringify(await handle.fetchHistory()) writes protobuf JSON (enum names, int64 as strings); fromObject
    // reads it back into a History.
    const history = proto.temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(file, 'utf8')));
    const started = history.events[0]?.workflowExecutionStartedEventAttributes;
    types.set(file, started?.workflowType?.name ?? '?');
    return { history, workflowId: path.relative(root, file) };
  });
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: converter },
    histories,
  )) {
    results.set(path.join(root, result.workflowId), result.error);
  }
}, 120_000);

describe('replay of recorded histories', () => {
  it('has histories for every lifecycle workflow type', () => {
    for (const type of ['onlinedienstLifecycleWorkflow', 'rolloutTicketWorkflow', 'releaseCampaignWorkflow']) {
      expect([...types.values()]).toContain(type);
    }
  });

  it.each(files.map((f) => [path.relative(root, f)]))('replays %s deterministically', (name) => {
    const file = path.join(root, name);
    expect(results.has(file)).toBe(true);
    const error = results.get(file);
    expect(error, error ? `${error.name}: ${error.message}` : undefined).toBeUndefined();
  });
});
