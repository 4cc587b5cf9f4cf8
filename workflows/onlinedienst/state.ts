// The state of one lifecycle run: what the run carries (and hands on at continue-as-new), its mutex, alarm and mail
// pump, and the few things every command does — record a change (audit log, projection, search attributes) and
// queue notices. The commands, the gate, the Abschaltung and the timers are functions over this object.
import { patched, upsertSearchAttributes, workflowInfo, type WorkflowInfo } from '@temporalio/workflow';
import type {
  AuditRecord,
  LifecycleSnapshot,
  ReleaseCheckRow,
  TaskRow,
} from '../../activities/onlinedienst/projection';
import { domainNow, resolveClock, type DomainClock } from '../../domain/clock';
import type { AbschaltungEntscheidung } from '../../domain/onlinedienst/events';
import type { Notice, NoticeContext } from '../../domain/onlinedienst/notices';
import { union, type Actor, type LifecycleContext } from '../../domain/onlinedienst/task-catalog';
import type { CompletedTask, OpenTask } from '../../domain/onlinedienst/tasks';
import type { Instant } from '../../domain/working-days';
import type {
  CarriedLifecycle,
  LifecycleInput,
  LifecycleSettings,
  ReleaseCheckState,
} from '../../messages/onlinedienst';
import {
  LifecyclePhaseKey,
  MandantIdKey,
  OnlinedienstIdKey,
  ProzesseignerKey,
  ReleaseCheckStateKey,
} from '../../messages/search-attributes';
import { acts, local } from '../shared/activities';
import { Alarm, MailPump, Mutex } from '../shared/entity';
import { initialState, PROJEKTLEITUNG_FREIGABE_PATCH } from './start';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const SYSTEM = 'system';

export interface RecordExtra {
  opened: OpenTask[];
  completed: CompletedTask[];
  cancelled: OpenTask[];
  reminded: Array<{ task: OpenTask; count: number }>;
  releaseChecks: ReleaseCheckRow[];
  prozess: { name: string; version: string };
  formular: { name: string; version: string };
}

export const taskRow = (t: OpenTask): TaskRow => ({
  taskId: t.id,
  templateId: t.templateId,
  entry: t.entry,
  attempt: t.attempt,
  phase: t.phase,
  role: t.role,
  ...(t.mandant !== undefined ? { mandantId: t.mandant } : {}),
  title: t.title,
  blocking: t.blocking,
  openedAt: t.openedAt,
  dueAt: t.dueAt,
});
const taskKey = (t: OpenTask) => ({ taskId: t.id, entry: t.entry, attempt: t.attempt });
export const reminderKey = (t: OpenTask) => `${t.id}#${t.entry}#${t.attempt}`;

export class LifecycleRun {
  readonly info: WorkflowInfo = workflowInfo();
  readonly workflowId = this.info.workflowId;
  readonly odId: string;
  readonly settings: LifecycleSettings;
  readonly reminderInterval: number;
  readonly maxReminders: number;
  readonly gateRecheckInterval: number;
  readonly drainInterval: number;
  readonly clock: DomainClock;
  /** everything the next run needs: travels with continue-as-new */
  readonly wf: CarriedLifecycle;
  readonly mutex = new Mutex();
  readonly alarm: Alarm;
  readonly pump: MailPump;
  readonly notices: NoticeContext;
  /** a phase boundary was crossed: the run continues as new (and sends no new mail batch before) */
  phaseChangedInRun = false;
  /** recorded changes in this run; the main loop recomputes its wake-up time when it moves */
  changes = 0;
  /** the decision of the shutdown Update, for the Abschaltung it starts */
  shutdownDecision: AbschaltungEntscheidung | null = null;
  private saPhase: string | undefined;
  private saRelease: string | undefined;

  constructor(readonly input: LifecycleInput) {
    this.odId = input.onlinedienstId;
    this.settings = input.settings ?? {};
    this.reminderInterval = this.settings.reminderIntervalMs ?? DAY;
    this.maxReminders = this.settings.maxReminders ?? 10;
    this.gateRecheckInterval = this.settings.gateRecheckIntervalMs ?? DAY;
    this.drainInterval = this.settings.drainPollIntervalMs ?? HOUR;
    this.clock = input.carried?.clock ?? resolveClock(this.settings.clock, Date.now());
    // A new lifecycle (not one carried over, not a Bestand import in Betrieb) goes through the Projektleitung's
    // Freigabe; the marker keeps lifecycles started before it on their recorded path.
    this.wf =
      input.carried ??
      initialState(input, this.clock, this.now(), !input.bestand && patched(PROJEKTLEITUNG_FREIGABE_PATCH));
    this.alarm = new Alarm(this.clock);
    this.pump = new MailPump(
      () => this.wf.outbox,
      (notices) => acts.notifyLifecycle({ onlinedienstId: this.odId, notices }),
      () => this.phaseChangedInRun,
    );
    this.notices = { workflowId: this.workflowId, onlinedienstId: this.odId, name: input.name };
    this.saPhase = this.info.typedSearchAttributes.get(LifecyclePhaseKey);
    this.saRelease = this.info.typedSearchAttributes.get(ReleaseCheckStateKey);
  }

  now(): Instant {
    return domainNow(this.clock, Date.now());
  }

  ctx(): LifecycleContext {
    return this.wf.lc.context;
  }

  allMandanten(): string[] {
    return union(this.ctx().mandanten, this.ctx().aktivierteMandanten ?? []);
  }

  /** An actor for all Mandanten ('*') acts for those of this Onlinedienst. */
  normaliseActor(actor: Actor): Actor {
    return actor.mandanten.includes('*') ? { ...actor, mandanten: this.allMandanten() } : actor;
  }

  finished(): boolean {
    return this.wf.lc.ended && (this.wf.abschaltung === null || this.wf.abschaltung.drained);
  }

  /** Phase boundaries are natural cut points: the new run starts with a short history and the full state. */
  shouldContinueAsNew(): boolean {
    return this.phaseChangedInRun || workflowInfo().continueAsNewSuggested;
  }

  releaseCheckState(): ReleaseCheckState | null {
    const entries = Object.values(this.wf.releaseChecks).sort(
      (a, b) => a.openedAt - b.openedAt || (a.version < b.version ? -1 : 1),
    );
    return entries.at(-1)?.state ?? null;
  }

  queue(...notices: Notice[]): void {
    this.wf.outbox.push(...notices);
  }

  /** One change: audit entries, the projection and the search attributes, under the next change number. */
  async record(audit: AuditRecord[], extra: Partial<RecordExtra> = {}): Promise<void> {
    this.wf.seq += 1;
    this.changes += 1;
    await local.recordLifecycle({
      workflowId: this.workflowId,
      onlinedienstId: this.odId,
      seq: this.wf.seq,
      audit,
      snapshot: this.snapshot(),
      opened: (extra.opened ?? []).map(taskRow),
      completed: (extra.completed ?? []).map((c) => ({
        ...taskKey(c),
        completedBy: c.completedBy,
        completedAt: c.completedAt,
        late: c.late,
      })),
      cancelled: (extra.cancelled ?? []).map(taskKey),
      reminded: (extra.reminded ?? []).map((r) => ({ ...taskKey(r.task), count: r.count })),
      releaseChecks: extra.releaseChecks ?? [],
      ...(extra.prozess ? { prozess: extra.prozess } : {}),
      ...(extra.formular ? { formular: extra.formular } : {}),
    });
    this.syncSearchAttributes();
  }

  syncSearchAttributes(): void {
    const updates = [];
    if (this.saPhase !== this.wf.lc.phase) updates.push({ key: LifecyclePhaseKey, value: this.wf.lc.phase });
    const release = this.releaseCheckState();
    if (release !== null && this.saRelease !== release) updates.push({ key: ReleaseCheckStateKey, value: release });
    if (this.info.typedSearchAttributes.get(OnlinedienstIdKey) === undefined) {
      updates.push(
        { key: OnlinedienstIdKey, value: this.odId },
        { key: MandantIdKey, value: this.input.mandantId },
        { key: ProzesseignerKey, value: this.input.prozesseigner },
      );
    }
    if (updates.length === 0) return;
    upsertSearchAttributes(updates);
    this.saPhase = this.wf.lc.phase;
    if (release !== null) this.saRelease = release;
  }

  private snapshot(): LifecycleSnapshot {
    const c = this.ctx();
    return {
      name: this.input.name,
      mandantId: this.input.mandantId,
      prozesseigner: this.input.prozesseigner,
      phase: this.wf.lc.phase,
      entry: this.wf.lc.entry,
      recertification: c.recertification === true,
      featureTags: c.featureTags ?? [],
      mandanten: this.allMandanten(),
      gate: this.wf.gate.last as unknown as Record<string, unknown> | null,
      releaseCheckState: this.releaseCheckState(),
      clock: this.clock,
      endedAt: this.wf.lc.endedAt,
    };
  }

  /** What the next run carries: reminder bookkeeping of tasks that are no longer open is not needed there. */
  carried(): CarriedLifecycle {
    const open = new Set(this.wf.lc.openTasks.map(reminderKey));
    return {
      ...this.wf,
      reminders: Object.fromEntries(Object.entries(this.wf.reminders).filter(([k]) => open.has(k))),
    };
  }
}
