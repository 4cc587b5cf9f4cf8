// The one description of every table; Kysely types every query against it.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { BehebbarDurch, StoerungArt } from '../domain/antrag/stoerung';
import type { Befund } from '../domain/formular/befund';
import type { Definition } from '../domain/formular/format';
import type { PhaseId, Role } from '../domain/onlinedienst/phases';
import type { RecheckClassification, RecheckResult } from '../domain/release/campaign';
import type { SlaState } from '../domain/rollout/sla';
import type { RolloutTicketStatus } from '../domain/rollout/ticket';

// Insert may omit (database default now()); select gives a Date.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, T | string, T | string>;

export interface DatenschutzbeauftragteR {
  name: string;
  email: string;
  telefon?: string;
}

export interface MandantTable {
  id: string;
  name: string;
  impressum: string | null;
  datenschutzerklaerung_url: string | null;
  datenschutzbeauftragte_r: Json<DatenschutzbeauftragteR | null>;
  logo_url: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrganisationseinheitTable {
  id: string;
  mandant_id: string;
  name: string;
  /** The Behördenkonto set as communication channel of this OE; null when none is set. */
  behoerdenkonto_id: string | null;
  email: string | null;
  telefon: string | null;
  /** shown to citizens as zuständige Stelle (migration 0014) */
  veroeffentlicht: Generated<boolean>;
  created_at: Timestamp;
}

export interface BehoerdenkontoTable {
  id: string;
  mandant_id: string;
  bezeichnung: string;
  postfach_handle: string;
  created_at: Timestamp;
}

export interface LeistungTable {
  /** LeiKa-Schlüssel */
  id: string;
  name: string;
  beschreibung: string | null;
}

export interface LeistungOeTable {
  leistung_id: string;
  oe_id: string;
}

export interface OnlinedienstTable {
  id: string;
  name: string;
  prozess_name: string;
  prozess_version: string;
  formular_name: string;
  formular_version: string;
  prozesseigner: string;
  /** Feature tags (e.g. payment, xfall, fitconnect, form:upload) for release-impact matching. */
  features: Json<string[]>;
  created_at: Timestamp;
}

export interface OnlinedienstLeistungTable {
  onlinedienst_id: string;
  leistung_id: string;
}

export type WartungsmodusArt = 'refuse' | 'hold';

export interface AktivierungTable {
  id: string;
  onlinedienst_id: string;
  mandant_id: string;
  /** zuständige Stelle */
  oe_id: string;
  leistung_id: string;
  status: 'entwurf' | 'aktiv' | 'deaktiviert';
  wartungsmodus: Generated<boolean>;
  wartungsmodus_art: Generated<WartungsmodusArt>;
  wartungsmodus_text: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProzessparameterTable {
  aktivierung_id: string;
  key: string;
  /** Plain value; null for protected parameters. */
  value: string | null;
  /** AES-256-GCM ciphertext (iv | tag | data) of protected parameters. */
  value_encrypted: Buffer | null;
  protected: boolean;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  mandant_id: string | null;
  details: Json<Record<string, unknown>>;
  /** Lets an activity retry without writing the same entry twice. */
  idempotency_key: string | null;
}

export interface MailOutboxTable {
  idempotency_key: string;
  message_id: string;
  recipient: string;
  subject: string;
  status: 'sending' | 'sent';
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface Antragsteller {
  name: string;
  email: string;
  /** BundID / Mein Unternehmenskonto Postfach handle, when the citizen signed in with one. */
  postfachHandle?: string;
}

export interface AntragTable {
  vorgangsnummer: string;
  aktivierung_id: string;
  onlinedienst_id: string;
  mandant_id: string;
  formular_version: string;
  payload_hash: string;
  /** null once retention deleted the personal data */
  form_data: Json<Record<string, unknown> | null>;
  antragsteller: Json<Antragsteller | null>;
  test: Generated<boolean>;
  status: Generated<string>;
  zustell_status: Generated<string>;
  bearbeitung_status: string | null;
  eingegangen_am: Date | null;
  personendaten_geloescht_am: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type DateiArt = 'anlage' | 'antrag-pdf' | 'bescheid' | 'nachreichung';

export interface AntragDateiTable {
  id: string;
  vorgangsnummer: string;
  art: DateiArt;
  file_name: string;
  media_type: string;
  size: number;
  sha256: string;
  content: Buffer | null;
  metadata: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface AntragEreignisTable {
  id: Generated<string>;
  vorgangsnummer: string;
  at: Timestamp;
  spur: 'technisch' | 'bearbeitung';
  status: string;
  text: string;
  details: Json<Record<string, unknown>>;
  idempotency_key: string;
}

export interface ZahlungTable {
  vorgangsnummer: string;
  kassenzeichen: string;
  transaktionsnummer: string;
  betrag_cent: number;
  bezahlt_cent: Generated<number>;
  status: string;
  paypage_url: string;
  zahlverfahren: string | null;
  gebucht_am: Date | null;
  updated_at: Timestamp;
}

export interface ZustellungTable {
  vorgangsnummer: string;
  modus: string;
  endpunkt: string;
  referenz: string | null;
  versuche: Generated<number>;
  letzter_fehler: string | null;
  wartet_seit: Date | null;
  zugestellt_am: Date | null;
  transfer_geloescht_am: Date | null;
  /** the authority took the Vorgang out of the Transferverzeichnis (first seen then) */
  abgeholt_am: Date | null;
}

/** A FIT-Connect callback answered 200: its retries are duplicates (migration 0010). */
export interface FitconnectCallbackTable {
  id: string;
  submission_ids: Json<string[]>;
  received_at: Timestamp;
}

export interface EndpunktStatusTable {
  endpunkt: string;
  down_since: Date | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  last_success_at: Date | null;
  alert_sent_for: Date | null;
}

export interface AufgabeTable {
  id: string;
  art: string;
  rolle: string;
  mandant_id: string | null;
  betreff_typ: string;
  betreff_id: string;
  titel: string;
  beschreibung: string;
  faellig_am: Date | null;
  status: Generated<'offen' | 'erledigt'>;
  erledigt_von: string | null;
  erledigt_am: Date | null;
  created_at: Timestamp;
}

export interface Database {
  antrag: AntragTable;
  antrag_datei: AntragDateiTable;
  antrag_ereignis: AntragEreignisTable;
  zahlung: ZahlungTable;
  zustellung: ZustellungTable;
  fitconnect_callback: FitconnectCallbackTable;
  endpunkt_status: EndpunktStatusTable;
  aufgabe: AufgabeTable;
  mail_outbox: MailOutboxTable;
  mandant: MandantTable;
  organisationseinheit: OrganisationseinheitTable;
  behoerdenkonto: BehoerdenkontoTable;
  leistung: LeistungTable;
  leistung_oe: LeistungOeTable;
  onlinedienst: OnlinedienstTable;
  onlinedienst_leistung: OnlinedienstLeistungTable;
  aktivierung: AktivierungTable;
  prozessparameter: ProzessparameterTable;
  audit_log: AuditLogTable;
  lifecycle: LifecycleTable;
  lifecycle_task: LifecycleTaskTable;
  rollout_ticket: RolloutTicketTable;
  release_campaign: ReleaseCampaignTable;
  release_recheck: ReleaseRecheckTable;
  stoerung_ursache: StoerungUrsacheTable;
  stoerung: StoerungTable;
  formular_definition: FormularDefinitionTable;
  formular_zertifizierung: FormularZertifizierungTable;
  formular_stage: FormularStageTable;
  entwurf: EntwurfTable;
}

export type Mandant = Selectable<MandantTable>;
export type NewMandant = Insertable<MandantTable>;
export type MandantUpdate = Updateable<MandantTable>;
export type Aktivierung = Selectable<AktivierungTable>;
export type AuditEntry = Selectable<AuditLogTable>;

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

// Störungen (migration 0011): Anträge stuck on a cause, written by the Antrag's activities.
export interface StoerungUrsacheTable {
  id: string;
  ursache_key: string;
  folge: Generated<number>;
  offen: Generated<boolean>;
  eroeffnet_von: string | null;
  created_at: Timestamp;
}

export interface StoerungTable {
  vorgangsnummer: string;
  ursache_id: string;
  ursache_key: string;
  art: StoerungArt;
  schritt: string;
  fehler_typ: string;
  was: string;
  details: string;
  mandant_id: string;
  onlinedienst_id: string;
  aktivierung_id: string;
  behebbar_durch: BehebbarDurch;
  status: 'offen' | 'behoben';
  seit: Timestamp;
  zuletzt: Timestamp;
  meldungen: Generated<number>;
  behoben_am: Date | null;
}

// Form+process definitions (migration 0013): versions, certification evidence, stages.
export type Stage = 'entwicklung' | 'produktion';

export interface FormularDefinitionTable {
  onlinedienst_id: string;
  version: string;
  definition: Json<Definition>;
  content_hash: string;
  zertifiziert_hash: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FormularZertifizierungTable {
  id: Generated<number>;
  onlinedienst_id: string;
  version: string;
  content_hash: string;
  regelwerk: string;
  bestanden: boolean;
  befunde: Json<Befund[]>;
  geprueft_von: string;
  geprueft_am: Timestamp;
}

export interface FormularStageTable {
  onlinedienst_id: string;
  stage: Stage;
  version: string;
  content_hash: string;
  deployed_by: string;
  deployed_at: Timestamp;
}

/** A citizen's draft (migration 0017): found by the hash of its token, readable only with the token. */
export interface EntwurfTable {
  id: string;
  onlinedienst_id: string;
  aktivierung_id: string | null;
  formular_version: string;
  vorschau: Generated<boolean>;
  owner: string;
  inhalt_encrypted: Buffer;
  bytes: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  gueltig_bis: Timestamp;
}
