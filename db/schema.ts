// The one description of every table; Kysely types every query against it.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

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

export interface Database {
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
}

export type Mandant = Selectable<MandantTable>;
export type NewMandant = Insertable<MandantTable>;
export type MandantUpdate = Updateable<MandantTable>;
export type Aktivierung = Selectable<AktivierungTable>;
export type AuditEntry = Selectable<AuditLogTable>;
