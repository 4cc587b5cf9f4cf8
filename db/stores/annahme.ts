// Counts accepted submissions per second in PostgreSQL, so every API process behind the load balancer draws on the
// same budget. One statement takes a place in the Mandant's count and, only if that is granted, in the global one:
// a Mandant past its own limit never uses up the others' share of the global limit.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

export const GLOBAL_SCOPE = '*';
export const mandantScope = (mandantId: string) => `mandant:${mandantId}`;

export interface AnnahmeLimits {
  /** submissions per second for all Mandanten together */
  globalProSekunde: number;
  /** submissions per second for one Mandant */
  mandantProSekunde: number;
}

export type Annahme = { ok: true } | { ok: false; grenze: 'global' | 'mandant' };

/**
 * A later second starts a count at 1; a statement that read its clock before another's later second landed counts
 * into that later second (GREATEST), so a count is never reset backwards. Returns the second each count took a
 * place in, null where it was full.
 */
function zaehle(db: Kysely<Database>, mandantId: string, limits: AnnahmeLimits) {
  return sql<{ mandant: string | null; global: string | null }>`
    WITH jetzt AS (SELECT floor(extract(epoch FROM now()))::bigint AS s),
    m AS (
      INSERT INTO annahme_zaehler AS z (scope, sekunde, anzahl, updated_at)
      SELECT ${mandantScope(mandantId)}, s, 1, now() FROM jetzt
      ON CONFLICT (scope) DO UPDATE SET
        anzahl = CASE WHEN excluded.sekunde > z.sekunde THEN 1 ELSE z.anzahl + 1 END,
        sekunde = GREATEST(z.sekunde, excluded.sekunde),
        updated_at = now()
      WHERE excluded.sekunde > z.sekunde OR z.anzahl < ${limits.mandantProSekunde}
      RETURNING z.sekunde
    ),
    g AS (
      INSERT INTO annahme_zaehler AS z (scope, sekunde, anzahl, updated_at)
      SELECT ${GLOBAL_SCOPE}, s, 1, now() FROM jetzt, m
      ON CONFLICT (scope) DO UPDATE SET
        anzahl = CASE WHEN excluded.sekunde > z.sekunde THEN 1 ELSE z.anzahl + 1 END,
        sekunde = GREATEST(z.sekunde, excluded.sekunde),
        updated_at = now()
      WHERE excluded.sekunde > z.sekunde OR z.anzahl < ${limits.globalProSekunde}
      RETURNING z.sekunde
    )
    SELECT (SELECT sekunde FROM m) AS mandant, (SELECT sekunde FROM g) AS global
  `.execute(db);
}

/** Takes one place in this second's counts of the Mandant and of everyone, or says which limit is reached. */
export async function nimmAn(db: Kysely<Database>, mandantId: string, limits: AnnahmeLimits): Promise<Annahme> {
  // Every submission updates the one global row, whose lock is held until commit: not waiting for the WAL flush
  // there (a count lost in a crash costs nothing), the row is free again after one round trip.
  const result = await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    return zaehle(trx, mandantId, limits);
  });
  const { mandant, global } = result.rows[0] ?? { mandant: null, global: null };
  if (mandant === null) return { ok: false, grenze: 'mandant' };
  if (global === null) {
    // The Mandant's place was taken but everyone's count is full: give it back, the submission is not accepted.
    await db
      .updateTable('annahme_zaehler')
      .set((eb) => ({ anzahl: eb('anzahl', '-', 1) }))
      .where('scope', '=', mandantScope(mandantId))
      .where('sekunde', '=', mandant)
      .where('anzahl', '>', 0)
      .execute();
    return { ok: false, grenze: 'global' };
  }
  return { ok: true };
}
