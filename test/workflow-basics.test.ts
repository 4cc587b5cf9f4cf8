// A real workflow — the Onlinedienst lifecycle, started the way the API starts it — on the real dev server with a
// real worker, PostgreSQL and SMTP server: it records, mails, waits for commands, answers queries while waiting,
// and its business id admits one run only. Plus the mail outbox's once-per-key guarantee.
import { afterAll, describe, expect, it } from 'vitest';
import { sendNotificationOnce } from '../activities/mail';
import { REAL_TIME } from '../domain/clock';
import { registerOnlinedienst } from '../db/stores/onlinedienst';
import {
  completeTaskUpdate,
  lifecycleStateQuery,
  lifecycleWorkflowId,
  type LifecycleInput,
} from '../messages/onlinedienst';
import { uniqueId } from './harness/servers';
import { startStack } from './harness/stack';
import { eventually, mails, waitForMail } from './harness/wait';

// A database without the demo data, a worker, no API: the workflow is started the way the API starts it.
const s = await startStack({ name: 'basics', seed: false, api: false });
const { db, client, mailer, taskQueue } = s;
afterAll(() => s.close());

const PE = { id: 'pe-smk', roles: ['prozesseigner' as const], mandanten: ['*'] };

/** Registers an Onlinedienst with a mailbox of its own and starts its lifecycle, as POST /api/onlinedienste does. */
async function startLifecycle(name: string) {
  const id = uniqueId('od');
  const workflowId = lifecycleWorkflowId(id);
  const mailbox = `${id}@example.org`;
  await registerOnlinedienst(db, {
    id,
    workflowId,
    name,
    mandantId: 'leipzig',
    prozesseigner: PE.id,
    kontakte: { prozesseigner: mailbox },
    featureTags: [],
    mandanten: [],
    phase: 'klaerung',
    clock: REAL_TIME,
  });
  const input: LifecycleInput = {
    onlinedienstId: id,
    name,
    mandantId: 'leipzig',
    prozesseigner: PE.id,
    startedBy: 'tester',
  };
  const handle = await client.workflow.start('onlinedienstLifecycleWorkflow', {
    workflowId,
    taskQueue,
    args: [input],
  });
  return { id, workflowId, mailbox, handle };
}

describe('a workflow on real servers', () => {
  it('records its start in the audit log and the projection and mails every opened task once', async () => {
    const name = 'Grüße aus <Sachsen> & mehr';
    const { id, workflowId, mailbox, handle } = await startLifecycle(name);
    const audit = await eventually(
      async () => {
        const rows = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', id).execute();
        return rows.length > 0 && rows;
      },
      15_000,
      'audit entry',
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'tester',
      action: 'onlinedienst.lebenszyklus.gestartet',
      subject_type: 'onlinedienst',
      mandant_id: 'leipzig',
    });
    expect(audit[0]!.details).toMatchObject({ phase: 'klaerung', bestand: false });
    const row = await db
      .selectFrom('lifecycle')
      .selectAll()
      .where('onlinedienst_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name, workflow_id: workflowId, phase: 'klaerung', seq: 1 });

    const view = await handle.query(lifecycleStateQuery);
    expect(view.openTasks).toHaveLength(5);
    const mail = await waitForMail(
      (m) =>
        m.envelopeTo.includes(mailbox) &&
        m.subject === `Neue Aufgabe: Ist-Prozess erstellen und Weiterverarbeitung einplanen – ${name}`,
    );
    expect(mail.text).toContain(`für den Onlinedienst „${name}“ (${id}, Phase „Klärung grundlegender Fragen“)`);
    const outbox = await db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('idempotency_key', '=', `${workflowId}:aufgabe:ist-prozess:1:1`)
      .executeTakeFirstOrThrow();
    expect(mail.messageId).toBe(outbox.message_id);
    // One mail per opened task, none twice.
    await eventually(
      async () => (await mails()).filter((m) => m.envelopeTo.includes(mailbox)).length >= view.openTasks.length,
      15_000,
      'all task mails',
    );
    await new Promise((r) => setTimeout(r, 300));
    const subjects = (await mails())
      .filter((m) => m.envelopeTo.includes(mailbox))
      .map((m) => m.subject)
      .sort();
    expect(subjects).toEqual(view.openTasks.map((t) => `Neue Aufgabe: ${t.title} – ${name}`).sort());
    await handle.terminate('test done');
  });

  it('waits for a command, answers queries while waiting, and applies the command', async () => {
    const { id, handle } = await startLifecycle('Wartet auf Befehle');
    const waiting = await eventually(
      async () => {
        const v = await handle.query(lifecycleStateQuery);
        return v.openTasks.length > 0 && v;
      },
      15_000,
      'workflow waiting with open tasks',
    );
    expect(waiting.phase).toBe('klaerung');
    expect(waiting.completedTasks).toEqual([]);
    const result = await handle.executeUpdate(completeTaskUpdate, {
      args: [
        {
          taskId: 'ist-prozess',
          actor: PE,
          fields: { istProzess: 'BPMN', eAkte: true, bescheidUebermittlung: 'postfach' },
        },
      ],
    });
    expect(result).toMatchObject({ status: 'erledigt', phase: 'klaerung', transitions: [] });
    const after = await handle.query(lifecycleStateQuery);
    expect(after.completedTasks.map((t) => [t.id, t.completedBy])).toEqual([['ist-prozess', 'pe-smk']]);
    expect(after.openTasks.map((t) => t.id)).not.toContain('ist-prozess');
    const task = await db
      .selectFrom('lifecycle_task')
      .selectAll()
      .where('onlinedienst_id', '=', id)
      .where('task_id', '=', 'ist-prozess')
      .executeTakeFirstOrThrow();
    expect(task).toMatchObject({ status: 'erledigt', completed_by: 'pe-smk' });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test done');
  });

  it('refuses a second workflow with the same business id', async () => {
    const { workflowId, handle } = await startLifecycle('Einmal');
    const input: LifecycleInput = {
      onlinedienstId: 'x',
      name: 'Zweimal',
      mandantId: 'leipzig',
      prozesseigner: PE.id,
      startedBy: 'tester',
    };
    await expect(
      client.workflow.start('onlinedienstLifecycleWorkflow', {
        workflowId,
        taskQueue,
        args: [input],
      }),
    ).rejects.toThrow(/already started/i);
    await handle.terminate('test done');
  });

  it('sends a notification once per idempotency key, however often it is retried', async () => {
    const key = uniqueId('notify');
    const to = `${key}@example.org`;
    const first = await sendNotificationOnce(db, mailer, 'amt24.test', {
      idempotencyKey: key,
      to,
      subject: 'Einmal',
      text: 'nur einmal',
    });
    const second = await sendNotificationOnce(db, mailer, 'amt24.test', {
      idempotencyKey: key,
      to,
      subject: 'Einmal',
      text: 'nur einmal',
    });
    expect(first.alreadySent).toBe(false);
    expect(second).toEqual({ messageId: first.messageId, alreadySent: true });
    await waitForMail((m) => m.envelopeTo.includes(to));
    await new Promise((r) => setTimeout(r, 300));
    expect((await mails()).filter((m) => m.envelopeTo.includes(to))).toHaveLength(1);
  });
});
