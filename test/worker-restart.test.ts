// A worker process killed mid-flight: the running workflow resumes on a new worker process.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { echoStateQuery, proceedSignal } from '../workflows/echo';
import { createTestDatabase, eventually, temporalClient, uniqueId } from './helpers';

const { db, url } = await createTestDatabase('restart');
const { client, connection } = await temporalClient();
const taskQueue = uniqueId('tq-restart');
const children: ChildProcess[] = [];

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/worker.ts'], {
    env: {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: url,
      SMTP_URL: inject('smtpUrl'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await connection.close();
  await db.destroy();
});

describe('worker restart', () => {
  it('resumes a running workflow after the worker process is killed', async () => {
    const first = startWorkerProcess();
    const workflowId = uniqueId('echo-restart');
    const handle = await client.workflow.start('echoWorkflow', {
      workflowId,
      taskQueue,
      args: [{ message: 'übersteht den Absturz', requestedBy: 'tester', waitForSignal: true }],
    });
    // A query needs a live worker: this proves the first worker has the workflow in hand.
    await eventually(async () => (await handle.query(echoStateQuery)) === 'waiting', 60_000, 'first worker picked up the workflow');

    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await handle.signal(proceedSignal); // accepted by the server while no worker runs

    startWorkerProcess();
    const result = await handle.result();
    expect(result.message).toBe('übersteht den Absturz');
    const audit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', workflowId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.action).toBe('echo');
  }, 120_000);
});
