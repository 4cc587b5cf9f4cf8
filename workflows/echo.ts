// The smallest real workflow: proves API → Temporal → worker → PostgreSQL (and mail) end to end.
import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { recordEcho, sendNotification } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface EchoInput {
  message: string;
  requestedBy: string;
  /** Mail the echo to this address (optional). */
  notify?: string;
  /** Wait for the `proceed` signal before recording (lets tests stop a worker mid-flight). */
  waitForSignal?: boolean;
}

export interface EchoResult {
  message: string;
  auditId: string;
  mailMessageId?: string;
}

export const proceedSignal = defineSignal('proceed');
export const echoStateQuery = defineQuery<'waiting' | 'recording' | 'done'>('state');

export async function echoWorkflow(input: EchoInput): Promise<EchoResult> {
  let state: 'waiting' | 'recording' | 'done' = input.waitForSignal ? 'waiting' : 'recording';
  let proceed = !input.waitForSignal;
  setHandler(proceedSignal, () => {
    proceed = true;
  });
  setHandler(echoStateQuery, () => state);
  await condition(() => proceed);
  state = 'recording';
  const { auditId } = await recordEcho({ message: input.message, requestedBy: input.requestedBy });
  let mailMessageId: string | undefined;
  if (input.notify) {
    const sent = await sendNotification({
      to: input.notify,
      subject: `Echo: ${input.message.slice(0, 60)}`,
      text: `Die Orchestrierung hat Ihre Nachricht verarbeitet:\n\n${input.message}\n`,
    });
    mailMessageId = sent.messageId;
  }
  state = 'done';
  return { message: input.message, auditId, mailMessageId };
}
