import type { ColumnType, Generated } from 'kysely';
import type { PhaseId, Role } from '../domain/onlinedienst/phases';
import type { RecheckClassification, RecheckResult } from '../domain/release/campaign';
import type { SlaState } from '../domain/rollout/sla';
import type { RolloutTicketStatus } from '../domain/rollout/ticket';
import type { Json, Timestamp } from './schema';

// Onlinedienst lifecycle projections (migration 0003), written by the lifecycle activities.
type JsonDefault<T> = ColumnType<T, T | string | undefined, T | string>;

export interface DomainClockJson {
  scale: number;
  originReal: number;
  originVirtual: number;
}

export interface LifecycleTable {
  onlinedienst_id: string;
  workflow_id: string;
  name: string;
  /** the Mandant that owns the Onlinedienst (Träger) */
  mandant_id: string;
  prozesseigner: string;
  kontakte: JsonDefault<Record<string, string>>;
  feature_tags: JsonDefault<string[]>;
  /** planned and activated Mandanten */
  mandanten: JsonDefault<string[]>;
  phase: PhaseId;
  phase_entry: Generated<number>;
  recertification: Generated<boolean>;
  gate: Json<Record<string, unknown> | null>;
  release_check_state: string | null;
  clock: JsonDefault<DomainClockJson>;
  seq: Generated<number>;
  started_at: Timestamp;
  ended_at: Date | null;
  updated_at: Timestamp;
}

export interface LifecycleTaskTable {
  onlinedienst_id: string;
  task_id: string;
  entry: number;
  attempt: number;
  template_id: string;
  phase: PhaseId;
  role: Role;
  mandant_id: string | null;
  title: string;
  blocking: boolean;
  opened_at: Date;
  due_at: Date;
  status: 'offen' | 'erledigt' | 'entfallen';
  completed_by: string | null;
  completed_at: Date | null;
  late: boolean | null;
  reminders: Generated<number>;
}

export interface RolloutTicketTable {
  workflow_id: string;
  onlinedienst_id: string;
  ticket_id: string;
  mandant_id: string;
  prozess: Json<{ name: string; version: string }>;
  formular: Json<{ name: string; version: string }>;
  zertifizierungs_referenz: string;
  status: RolloutTicketStatus;
  assignee: string | null;
  requested_by: string;
  requested_at: Date;
  sla_state: SlaState;
  /** bigint: read as a string */
  sla_elapsed_ms: ColumnType<string, number | string, number | string>;
  sla_breach_at: Date | null;
  seq: number;
  updated_at: Timestamp;
}

export interface ReleaseCampaignTable {
  version: string;
  workflow_id: string;
  release_date: string;
  changes: Json<Array<{ id: string; title: string; tags: string[]; breaking: boolean; description?: string }>>;
  policy: Json<Record<string, unknown>>;
  clock: Json<DomainClockJson>;
  created_by: string;
  created_at: Date;
  status: 'planung' | 'verteilung' | 'laufend' | 'abgeschlossen';
  total: Generated<number>;
  signalled: Generated<number>;
  finished_at: Date | null;
}

export interface ReleaseRecheckTable {
  version: string;
  onlinedienst_id: string;
  name: string;
  prozesseigner: string | null;
  classification: RecheckClassification;
  matching_change_ids: Json<string[]>;
  breaking_change_ids: Json<string[]>;
  due_at: Date;
  signalled_at: Date | null;
  opened_at: Date | null;
  not_applicable: string | null;
  result: RecheckResult | null;
  finding: string | null;
  reported_at: Date | null;
  reported_by: string | null;
  reminders: Generated<number>;
  last_reminder_at: Date | null;
}
