// A worker process killed mid-flight: the running workflow resumes on a new worker process, takes the signal sent
// while no worker ran, and repeats none of its side effects.
import { afterAll, describe, expect, it } from 'vitest';
import { lifecycleStateQuery, openReleaseCheckSignal } from '../messages/onlinedienst';
import { startBestand } from './harness/lifecycle';
import { uniqueId } from './harness/servers';
import { startStack } from './harness/stack';
import { eventually } from './harness/wait';

// No worker in this process: the test starts the real worker entry point as child processes on the stack's queue.
const s = await startStack({ name: 'restart', seed: false, worker: false, api: false });
const { db } = s;

afterAll(() => s.close()); // kills the worker processes still running

describe('worker restart', () => {
  it('resumes a running workflow after the worker process is killed', async () => {
    const first = s.spawnWorkerProcess();
    const id = uniqueId('od-restart');
    // An Onlinedienst already in production: its lifecycle starts in Betrieb and waits for commands and signals.
    const handle = await startBestand(s, id, 'übersteht den Absturz');
    // A query needs a live worker: this proves the first worker has the workflow in hand.
    await eventually(
      async () => (await handle.query(lifecycleStateQuery)).phase === 'betrieb',
      60_000,
      'first worker picked up the workflow',
    );
    await eventually(
      async () =>
        (await db.selectFrom('lifecycle').select('seq').where('onlinedienst_id', '=', id).executeTakeFirst())?.seq ===
        1,
      15_000,
      'start recorded',
    );
    // The row is written by a local activity inside the first workflow task; only once that task has completed (its
    // marker is in the history) is the start part of the history, so the next worker replays it instead of running
    // the workflow afresh. Killing earlier would test a different thing: a first run that never happened.
    await eventually(
      async () => (await handle.fetchHistory()).events?.some((e) => e.markerRecordedEventAttributes) ?? false,
      15_000,
      'the first workflow task completed',
    );

    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const version = uniqueId('rel');
    const dueAt = Date.now() + 7 * 86_400_000;
    // accepted by the server while no worker runs
    await handle.signal(openReleaseCheckSignal, {
      version,
      releaseDate: '2026-11-16',
      dueAt,
      classification: 'regression-check',
      matchingChangeIds: [],
      breakingChangeIds: [],
    });

    s.spawnWorkerProcess();
    const taskId = `release-pruefung:${version}`;
    const view = await eventually(
      async () => {
        const v = await handle.query(lifecycleStateQuery);
        return v.openTasks.some((t) => t.id === taskId) && v;
      },
      60_000,
      'the new worker took the signal',
    );
    expect(view.name).toBe('übersteht den Absturz');
    expect(view.releaseChecks).toEqual([expect.objectContaining({ version, state: 'offen', dueAt })]);
    const tasks = await db
      .selectFrom('lifecycle_task')
      .select(['task_id', 'status'])
      .where('onlinedienst_id', '=', id)
      .where('template_id', '=', 'release-pruefung')
      .execute();
    expect(tasks).toEqual([{ task_id: taskId, status: 'offen' }]);
    // The projection row follows the workflow's state through the signal's local activity.
    const row = await eventually(
      async () => {
        const r = await db
          .selectFrom('lifecycle')
          .select(['seq', 'release_check_state'])
          .where('onlinedienst_id', '=', id)
          .executeTakeFirstOrThrow();
        return r.seq >= 2 && r;
      },
      15_000,
      'the projection took the release check',
    );
    expect(row).toEqual({ seq: 2, release_check_state: 'offen' });
    // The new worker replayed the start without doing it again.
    const audit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.action).toBe('onlinedienst.lebenszyklus.gestartet');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test done');
  }, 120_000);
});
