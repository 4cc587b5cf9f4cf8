// Waiting for what the workflows do in the background: a condition, a mail on the loopback SMTP server.
import { inject } from 'vitest';
import type { StoredMail } from '../../runtime/mail-server';

export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/** Messages the loopback SMTP server received, read over its HTTP view like a person would. */
export async function mails(): Promise<StoredMail[]> {
  const res = await fetch(`${inject('mailViewUrl')}/api/messages`);
  return (await res.json()) as StoredMail[];
}

export async function waitForMail(predicate: (m: StoredMail) => boolean, timeoutMs = 15_000): Promise<StoredMail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = (await mails()).find(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('expected mail did not arrive');
}

export async function mailsTo(address: string): Promise<StoredMail[]> {
  return (await mails()).filter((m) => m.envelopeTo.includes(address));
}

export async function waitForMailTo(address: string, subject: RegExp, ms = 20_000): Promise<StoredMail> {
  return eventually(
    async () => (await mailsTo(address)).find((m) => subject.test(m.subject)),
    ms,
    `mail to ${address} matching ${subject}`,
  );
}
