// Which form+process version an Antrag is validated against, and its compiled validator (cached by content hash).
// Citizens use the version in production; a test Antrag the one on the Entwicklungssystem (else production). A
// submission may name the version it was filled in, if that version runs where the submitter may use it.
// The activation and the stages' version numbers and hashes come in one round trip, read fresh for every
// submission (so a change by any API process counts at once); the definition is read only for a hash this process
// has not compiled yet — a hash names exactly one definition, so the compiled form never goes stale.
import type { Kysely } from 'kysely';
import type { Aktivierung, Database } from '../db/schema';
import { findEinreichungsZiel, type StageVersion } from '../db/stores/aktivierung';
import { findVersion } from '../db/stores/formular';
import { kompiliertBekannt, kompiliertFuer, type KompiliertesFormular } from '../domain/formular/compiler';

export interface GeladenesFormular {
  version: string;
  kompiliert: KompiliertesFormular;
}

export interface EinreichungsZiel {
  aktivierung: Aktivierung;
  /** undefined: no form (of the named version) where the submitter may use it */
  formular?: GeladenesFormular;
}

export async function zielFuerAntrag(
  db: Kysely<Database>,
  aktivierungId: string,
  opts: { test: boolean; version?: string },
): Promise<EinreichungsZiel | undefined> {
  const stages = opts.test ? (['entwicklung', 'produktion'] as const) : (['produktion'] as const);
  const ziel = await findEinreichungsZiel(db, aktivierungId, stages);
  if (!ziel) return undefined;
  // Named: the first stage (in order) that runs that very version; else the first stage that runs any.
  const hit: StageVersion | undefined = opts.version
    ? ziel.versionen.find((v) => v.version === opts.version)
    : ziel.versionen[0];
  return { aktivierung: ziel.aktivierung, formular: hit && (await geladen(db, ziel.aktivierung.onlinedienst_id, hit)) };
}

async function geladen(
  db: Kysely<Database>,
  onlinedienstId: string,
  v: StageVersion,
): Promise<GeladenesFormular | undefined> {
  const known = kompiliertBekannt(v.contentHash);
  if (known) return { version: v.version, kompiliert: known };
  const row = await findVersion(db, onlinedienstId, v.version);
  return row && { version: row.version, kompiliert: kompiliertFuer(row.content_hash, row.definition) };
}
