// The echo workflow on the real dev server with a real worker, PostgreSQL and SMTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendNotificationOnce } from '../activities/mail';
import { echoStateQuery, proceedSignal } from '../workflows/echo';
import { createTestDatabase, mails, startWorker, temporalClient, testMailer, uniqueId, waitForMail, eventually, type RunningWorker } from './helpers';

const { db } = await createTestDatabase('echo');
const mailer = testMailer();
let worker: RunningWorker;
const { client, connection } = await temporalClient();

beforeAll(async () => {
  worker = await startWorker({ db, mailer });
});
afterAll(async () => {
  await worker.stop();
  await connection.close();
  await db.destroy();
  mailer.close();
});

describe('echo workflow', () => {
  it('records the echo in the audit log and mails it', async () => {
    const workflowId = uniqueId('echo');
    const to = `${workflowId}@example.org`;
    const result = await client.workflow.execute('echoWorkflow', {
      workflowId,
      taskQueue: worker.taskQueue,
      args: [{ message: 'Grüße aus <Sachsen> & mehr', requestedBy: 'tester', notify: to }],
    });
    expect(result.message).toBe('Grüße aus <Sachsen> & mehr');
    const audit = await db.selectFrom('audit_log').selectAll().where('id', '=', result.auditId).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor: 'tester', action: 'echo', subject_type: 'workflow', subject_id: workflowId });
    expect(audit.details).toEqual({ message: 'Grüße aus <Sachsen> & mehr' });
    const mail = await waitForMail((m) => m.envelopeTo.includes(to));
    expect(mail.subject).toBe('Echo: Grüße aus <Sachsen> & mehr');
    expect(mail.text).toContain('Grüße aus <Sachsen> & mehr');
    expect(mail.messageId).toBe(result.mailMessageId);
  });

  it('waits for the signal and answers queries while waiting', async () => {
    const workflowId = uniqueId('echo-wait');
    const handle = await client.workflow.start('echoWorkflow', {
      workflowId,
      taskQueue: worker.taskQueue,
      args: [{ message: 'später', requestedBy: 'tester', waitForSignal: true }],
    });
    expect(await eventually(async () => (await handle.query(echoStateQuery)) === 'waiting' && 'waiting')).toBe('waiting');
    await handle.signal(proceedSignal);
    const result = await handle.result();
    expect(result.message).toBe('später');
    expect(await handle.query(echoStateQuery)).toBe('done');
  });

  it('refuses a second workflow with the same business id', async () => {
    const workflowId = uniqueId('echo-dup');
    await client.workflow.start('echoWorkflow', { workflowId, taskQueue: worker.taskQueue, args: [{ message: 'a', requestedBy: 't', waitForSignal: true }] });
    await expect(
      client.workflow.start('echoWorkflow', { workflowId, taskQueue: worker.taskQueue, args: [{ message: 'b', requestedBy: 't' }] }),
    ).rejects.toThrow(/already started/i);
    await client.workflow.getHandle(workflowId).terminate('test done');
  });

  it('sends a notification once per idempotency key, however often it is retried', async () => {
    const key = uniqueId('notify');
    const to = `${key}@example.org`;
    const first = await sendNotificationOnce(db, mailer, 'amt24.test', { idempotencyKey: key, to, subject: 'Einmal', text: 'nur einmal' });
    const second = await sendNotificationOnce(db, mailer, 'amt24.test', { idempotencyKey: key, to, subject: 'Einmal', text: 'nur einmal' });
    expect(first.alreadySent).toBe(false);
    expect(second).toEqual({ messageId: first.messageId, alreadySent: true });
    await waitForMail((m) => m.envelopeTo.includes(to));
    await new Promise((r) => setTimeout(r, 300));
    expect((await mails()).filter((m) => m.envelopeTo.includes(to))).toHaveLength(1);
  });
});
