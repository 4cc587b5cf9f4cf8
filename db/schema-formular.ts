import type { Generated } from 'kysely';
import type { Befund } from '../domain/formular/befund';
import type { Definition } from '../domain/formular/format';
import type { Json, Timestamp } from './schema';

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
