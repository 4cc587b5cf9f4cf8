// The machinery of an entity workflow — one long-lived workflow per business object, driven by Updates, signals
// and deadlines — shared by the Onlinedienst lifecycle and the rollout ticket: a mutex for handlers, an alarm for
// the next deadline, the mail outbox pump with its guard before continue-as-new, and the main loop that runs due
// work and sleeps until the next deadline or change.
import { allHandlersFinished, condition, sleep } from '@temporalio/workflow';
import { domainNow, realDelayMs, type DomainClock } from '../../domain/clock';
import type { Notice } from '../../domain/onlinedienst/notices';
import type { Instant } from '../../domain/working-days';

/** One handler at a time: several may wake together; the first to run takes the lock, the others wait again. */
export class Mutex {
  busy = false;

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.busy) await condition(() => !this.busy);
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  /** Nobody holds the lock and no handler is still running. */
  idle(): boolean {
    return !this.busy && allHandlersFinished();
  }
}

/**
 * The wake-up timer for the next deadline. Timers are armed, never cancelled: every command would otherwise cancel
 * the pending timer, which costs a history event and, in the worker, a failure with a stack trace — per
 * Onlinedienst in a release campaign. A timer that fires when nothing is due is a no-op; an earlier deadline arms
 * an additional timer (it replaces the later one as the alarm).
 */
export class Alarm {
  /** set when a timer fires; the main loop clears it */
  rang = false;
  private at: Instant | null = null;

  constructor(private readonly clock: DomainClock) {}

  arm(at: Instant): void {
    const t = domainNow(this.clock, Date.now());
    if (this.at !== null && this.at > t && this.at <= at) return;
    this.at = at;
    void sleep(realDelayMs(this.clock, t, at)).then(
      () => {
        if (this.at === at) this.at = null;
        this.rang = true;
      },
      () => undefined,
    );
  }
}

const BATCH = 25;

/**
 * Sends the outbox in batches through one activity, in order, each notice once per key (the activity dedupes). The
 * outbox is part of the workflow's carried state: what is not sent yet travels with continue-as-new.
 */
export class MailPump {
  private pumping = false;
  private continuing = false;

  constructor(
    private readonly outbox: () => Notice[],
    private readonly send: (batch: Notice[]) => Promise<unknown>,
    /** no new batch while this holds (the lifecycle: after a phase change, since the run is about to end) */
    private readonly held: () => boolean = () => false,
  ) {}

  start(): void {
    void this.run();
  }

  private async run(): Promise<void> {
    for (;;) {
      // No new batch once the run is about to continue as new: the outbox travels with it.
      await condition(() => this.outbox().length > 0 && !this.continuing && !this.held());
      this.pumping = true;
      const batch = this.outbox().slice(0, BATCH);
      await this.send(batch);
      this.outbox().splice(0, batch.length);
      this.pumping = false;
    }
  }

  /**
   * The guard before continue-as-new: no handler running, the mail batch in flight finished (briefly: unsent
   * notices travel in the carried outbox anyway), and again no handler — an Update accepted while the batch
   * finished must complete in this run: a run that continues as new under an accepted Update fails it after its
   * handler may already have committed (the API then sees a 409).
   */
  async settleBeforeContinueAsNew(mutex: Mutex): Promise<void> {
    await condition(() => mutex.idle());
    this.continuing = true;
    if (this.pumping) await condition(() => !this.pumping, 5_000);
    await condition(() => mutex.idle());
  }

  /** Before the workflow returns: every notice sent and every handler done. */
  async drain(): Promise<void> {
    await condition(() => this.outbox().length === 0 && allHandlersFinished());
  }
}

/** What the main loop needs to know of an entity. */
export interface Entity {
  now(): Instant;
  /** the entity reached its end: the loop returns */
  finished(): boolean;
  /** the run should end here and continue as new: the loop returns */
  shouldContinueAsNew(): boolean;
  /** the earliest deadline the entity acts on, or null */
  nextWakeAt(): Instant | null;
  /** acts on every deadline that is due (runs under the mutex) */
  tick(): Promise<void>;
  /** moves with every recorded change: a change wakes the loop to recompute its deadline */
  changes(): number;
}

/** Runs due work and sleeps until the next deadline or change, until the entity is finished or should be cut. */
export async function runEntity(e: Entity, mutex: Mutex, alarm: Alarm): Promise<void> {
  for (;;) {
    if (e.finished() || e.shouldContinueAsNew()) return;
    const seen = e.changes();
    const t = e.now();
    const wake = e.nextWakeAt();
    if (wake !== null && wake <= t) {
      await mutex.exclusive(() => e.tick());
      // Guard against a wake-up time that tick() does not consume: never spin.
      if (e.changes() === seen && e.nextWakeAt() === wake) await sleep(1000);
      continue;
    }
    if (wake !== null) alarm.arm(wake);
    await condition(() => alarm.rang || e.changes() !== seen || e.shouldContinueAsNew() || e.finished());
    alarm.rang = false;
  }
}
