// Which form+process version an Antrag is validated against, and its compiled validator (cached by content hash).
// Citizens use the version in production; a test Antrag the one on the Entwicklungssystem (else production). A
// submission may name the version it was filled in, if that version runs where the submitter may use it.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { versionAufStage, type FormularVersion } from '../db/stores/formular';
import { kompiliertFuer, type KompiliertesFormular } from '../domain/formular/compiler';

export interface GeladenesFormular {
  row: FormularVersion;
  kompiliert: KompiliertesFormular;
}

export async function formularFuerAntrag(
  db: Kysely<Database>,
  onlinedienstId: string,
  opts: { test: boolean; version?: string },
): Promise<GeladenesFormular | undefined> {
  const stages = opts.test ? (['entwicklung', 'produktion'] as const) : (['produktion'] as const);
  let row: FormularVersion | undefined;
  if (opts.version) {
    for (const stage of stages) {
      const hit = await versionAufStage(db, onlinedienstId, [stage]);
      if (hit?.version === opts.version) row = hit;
      if (row) break;
    }
  } else row = await versionAufStage(db, onlinedienstId, stages);
  if (!row) return undefined;
  return { row, kompiliert: kompiliertFuer(row.content_hash, row.definition) };
}
