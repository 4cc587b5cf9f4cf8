// The one description of every table; Kysely types every query against it. The lifecycle projections and the form
// definitions are described beside it (schema-lifecycle.ts, schema-formular.ts).
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  EntwurfTable,
  FormularDefinitionTable,
  FormularStageTable,
  FormularZertifizierungTable,
} from './schema-formular';
import type {
  LifecycleTable,
  LifecycleTaskTable,
  ReleaseCampaignTable,
  ReleaseRecheckTable,
  RolloutTicketTable,
} from './schema-lifecycle';
import type { BehebbarDurch, StoerungArt } from '../domain/antrag/stoerung';

// Insert may omit (database default now()); select gives a Date.
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type Json<T> = ColumnType<T, T | string, T | string>;

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
  /** Where Anträge addressed to this OE by an answer are delivered (migration 0021); null: not set up */
  zustell_verzeichnis: Generated<string | null>;
  fitconnect_destination_id: Generated<string | null>;
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
  /** how the person did it (migration 0019); null for system-closed tasks */
  erledigt_notiz: string | null;
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
  annahme_zaehler: AnnahmeZaehlerTable;
}

export type Mandant = Selectable<MandantTable>;
export type NewMandant = Insertable<MandantTable>;
export type MandantUpdate = Updateable<MandantTable>;
export type Aktivierung = Selectable<AktivierungTable>;
export type AuditEntry = Selectable<AuditLogTable>;

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

export type * from './schema-lifecycle';
export type * from './schema-formular';

// Admission limits (migration 0022): the current second's count of accepted submissions per scope.
export interface AnnahmeZaehlerTable {
  /** `*` (all Anträge) or `mandant:<id>` */
  scope: string;
  /** whole seconds since the epoch by the database's clock; pg returns bigint as a string */
  sekunde: string;
  anzahl: number;
  updated_at: Generated<Date>;
}
