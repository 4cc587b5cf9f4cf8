// Recorded histories of the Antrag workflow replay against the current code: a change that would break
// Anträge already running (nondeterminism) fails here. Record new ones with `npm run record:antrag-histories`.
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../runtime/config';
import { dataConverter, EncryptionCodec } from '../runtime/payload-codec';

const dir = path.join(import.meta.dirname, 'histories', 'antrag');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

// Through the production codec: clear payloads (recorded before encryption) pass through it; later recordings are
// encrypted with the development key the recorder runs on (no PAYLOAD_KEYS).
const converter = dataConverter(new EncryptionCodec(loadConfig({}).payloadKeys));

describe('Antrag workflow replay', () => {
  it('has recorded histories for the main paths', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'abgelehnt-storno.json',
        'bezahlt-zugestellt-nachforderung-bescheid.json',
        'nicht-bezahlt.json',
        'wartung-gehalten-ohne-gebuehr.json',
        'transfer-ungeholt-geloescht-transfer.json',
        'transfer-abgeholt-nachforderung-post-transfer.json',
        'nachzahlung-erstattet-geldnach.json',
        // patch zahlung-fenster: the poll's window ran out twice, the workflow slept on a timer between looks
        'nicht-bezahlt-fenster.json',
        'bezahlt-zugestellt-nachforderung-bescheid-fenster.json',
        // patch fitconnect-fenster: three looks at the event log, sleeps between them
        'fitconnect-spaet-angenommen-fenster.json',
      ]),
    );
  });

  for (const file of files) {
    it(`replays ${file}`, async () => {
      // The files hold the proto's JSON form (as fetchHistory() gives it); fromObject reads it back.
      const history = temporal.api.history.v1.History.fromObject(
        JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')),
      );
      expect(history.events[0]!.workflowExecutionStartedEventAttributes!.workflowType!.name).toBe('antragWorkflow');
      expect(history.events.length).toBeGreaterThan(20);
      // Throws DeterminismViolationError when the current code would take another path than the recording.
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: converter },
        history,
        `replay-${file}`,
      );
    }, 60_000);
  }
});
