// The state of one rollout ticket run: the ticket and its SLA bookkeeping (carried through continue-as-new), its
// mutex, alarm and mail pump, and what every command does — record the change, answer the query, tell the lifecycle.
import { ApplicationFailure, getExternalWorkflowHandle, log, workflowInfo } from '@temporalio/workflow';
import type { AuditRecord } from '../../activities/onlinedienst/projection';
import { domainNow, resolveClock, type DomainClock } from '../../domain/clock';
import type { TicketNoticeContext } from '../../domain/rollout/notices';
import type { SlaClock, SlaPolicy } from '../../domain/rollout/sla';
import { requestRollout, rolloutSla } from '../../domain/rollout/ticket';
import type { Instant } from '../../domain/working-days';
import {
  rolloutTransferredSignal,
  type CarriedRollout,
  type RolloutTicketInput,
  type RolloutView,
} from '../../messages/rollout';
import { acts, local } from '../shared/activities';
import { Alarm, MailPump, Mutex } from '../shared/entity';

export const DEFAULT_ROLLOUT_SLA: SlaPolicy = { target: { amount: 5, unit: 'working-days' }, warnAtRatio: 0.8 };
const DAY = 86_400_000;

export class RolloutRun {
  readonly workflowId = workflowInfo().workflowId;
  readonly policy: SlaPolicy;
  readonly reminderInterval: number;
  readonly maxReminders: number;
  readonly clock: DomainClock;
  /** everything the next run needs: travels with continue-as-new */
  readonly st: CarriedRollout;
  readonly odId: string;
  readonly mutex = new Mutex();
  readonly alarm: Alarm;
  readonly pump: MailPump;

  constructor(readonly input: RolloutTicketInput) {
    const settings = input.settings ?? {};
    this.policy = settings.sla ?? DEFAULT_ROLLOUT_SLA;
    this.reminderInterval = settings.reminderIntervalMs ?? DAY;
    this.maxReminders = settings.maxReminders ?? 10;
    this.clock = input.carried?.clock ?? resolveClock(settings.clock, Date.now());
    if (input.carried) {
      this.st = input.carried;
    } else {
      const requested = requestRollout(input.request, input.requestedBy, this.now());
      if (!requested.ok) {
        throw ApplicationFailure.nonRetryable(requested.error.message, 'RolloutRequestInvalid', requested.error);
      }
      this.st = {
        ticket: requested.ticket,
        seq: 0,
        clock: this.clock,
        warned: false,
        escalated: false,
        parentTold: false,
        reminders: {},
        outbox: [],
      };
    }
    this.odId = this.st.ticket.onlinedienstId ?? '';
    this.alarm = new Alarm(this.clock);
    this.pump = new MailPump(
      () => this.st.outbox,
      (notices) => acts.notifyRollout({ onlinedienstId: this.odId, notices }),
    );
  }

  now(): Instant {
    return domainNow(this.clock, Date.now());
  }

  sla(): SlaClock {
    return rolloutSla(this.st.ticket, this.policy, this.now());
  }

  confirmed(): boolean {
    return this.st.ticket.status === 'confirmed';
  }

  /** The ticket as it stands now, for its notices. */
  notices(): TicketNoticeContext {
    return {
      workflowId: this.workflowId,
      ticket: this.st.ticket,
      onlinedienstName: this.input.onlinedienstName,
      policy: this.policy,
    };
  }

  view(): RolloutView {
    const { st } = this;
    return {
      workflowId: this.workflowId,
      ticket: st.ticket,
      sla: this.sla(),
      now: this.now(),
      clock: this.clock,
      warned: st.warned,
      escalated: st.escalated,
    };
  }

  /** One change: audit entries and the projection with the SLA clock, under the next change number. */
  async record(audit: AuditRecord[]): Promise<void> {
    const { st } = this;
    st.seq += 1;
    const clockNow = this.sla();
    const t = st.ticket;
    await local.recordRolloutTicket({
      workflowId: this.workflowId,
      seq: st.seq,
      audit,
      ticket: {
        onlinedienstId: this.odId,
        ticketId: t.ticketId,
        mandantId: t.mandantId,
        prozess: t.prozess,
        formular: t.formular,
        zertifizierungsReferenz: t.zertifizierungsReferenz,
        status: t.status,
        assignee: t.assignee,
        requestedBy: t.requestedBy,
        requestedAt: t.requestedAt,
      },
      sla: { state: clockNow.state, elapsedMs: clockNow.elapsedMs, breachAt: clockNow.breachAt },
    });
  }

  /** Tells the lifecycle once that the process is on the Produktivsystem (it completes its task with that). */
  async tellParent(): Promise<void> {
    const { st, input } = this;
    if (!input.parentWorkflowId || st.parentTold || st.ticket.produktivVersion === null) return;
    st.parentTold = true;
    try {
      await getExternalWorkflowHandle(input.parentWorkflowId).signal(rolloutTransferredSignal, {
        ticketWorkflowId: this.workflowId,
        ticketId: st.ticket.ticketId,
        produktivVersion: st.ticket.produktivVersion,
        by: st.ticket.assignee ?? 'awb',
      });
    } catch (err) {
      log.warn('lifecycle workflow not reachable', { error: (err as Error).message });
    }
  }
}
