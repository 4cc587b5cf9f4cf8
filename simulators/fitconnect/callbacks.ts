// Callbacks the service sends: "go and look" notices, HMAC-signed, retried until the receiver answers 200 (so
// receivers must expect duplicates).
import { signCallbackBody } from './jose';
import type { CallbackDelivery } from './types';

export interface CallbackTarget {
  url: string;
  secret: string;
}

export class Callbacks {
  /** Every attempt, in order, with its outcome once known. */
  readonly deliveries: CallbackDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly retryDelaysMs: readonly number[],
  ) {}

  /** `onAnswered` runs once, when the receiver has answered 200. */
  send(target: CallbackTarget, payload: Record<string, unknown>, onAnswered?: () => unknown, attempt = 1): void {
    if (this.closed) return;
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(this.now() / 1000);
    const record: CallbackDelivery = {
      url: target.url,
      type: String(payload.type),
      body,
      attempt,
      at: new Date(this.now()).toISOString(),
    };
    this.deliveries.push(record);
    const retry = () => {
      const delay = this.retryDelaysMs[Math.min(attempt, this.retryDelaysMs.length) - 1];
      if (delay === undefined || this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(target, payload, onAnswered, attempt + 1);
      }, delay);
      timer.unref();
      this.timers.add(timer);
    };
    fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'callback-timestamp': String(timestamp),
        'callback-authentication': signCallbackBody(target.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    }).then(
      async (res) => {
        record.status = res.status;
        await res.body?.cancel();
        // Only 200 counts as answered, not any 2xx.
        if (res.status !== 200) retry();
        else void Promise.resolve(onAnswered?.()).catch(() => undefined);
      },
      (err: unknown) => {
        record.error = err instanceof Error ? err.message : String(err);
        retry();
      },
    );
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
