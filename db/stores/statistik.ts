// Statistics as SQL aggregates, scoped like everything else: the caller's Mandanten, or every Mandant for the
// cross-Mandant roles.
import { sql, type Kysely } from 'kysely';
import { PHASE_IDS } from '../../domain/onlinedienst/phases';
import type { Database } from '../schema';

export interface StatistikFilter {
  /** the caller's Mandanten; undefined for every Mandant */
  mandanten?: readonly string[];
}

export interface AntraegeZeile {
  leistungId: string;
  leistung: string;
  mandantId: string;
  mandant: string;
  /** YYYY-MM, Berlin time */
  monat: string;
  anzahl: number;
}

/** Anträge per Leistung, Mandant and month of receipt (Berlin time); test Anträge left out. */
export async function antraegeJeLeistungMandantMonat(
  db: Kysely<Database>,
  filter: StatistikFilter,
): Promise<AntraegeZeile[]> {
  const monat = sql<string>`to_char(antrag.eingegangen_am at time zone 'Europe/Berlin', 'YYYY-MM')`;
  let query = db
    .selectFrom('antrag')
    .innerJoin('aktivierung', 'aktivierung.id', 'antrag.aktivierung_id')
    .leftJoin('leistung', 'leistung.id', 'aktivierung.leistung_id')
    .leftJoin('mandant', 'mandant.id', 'antrag.mandant_id')
    .select([
      'aktivierung.leistung_id as leistungId',
      sql<string>`coalesce(leistung.name, aktivierung.leistung_id)`.as('leistung'),
      'antrag.mandant_id as mandantId',
      sql<string>`coalesce(mandant.name, antrag.mandant_id)`.as('mandant'),
      monat.as('monat'),
      sql<number>`count(*)::int`.as('anzahl'),
    ])
    .where('antrag.test', '=', false)
    .where('antrag.eingegangen_am', 'is not', null)
    .groupBy(['aktivierung.leistung_id', 'leistung.name', 'antrag.mandant_id', 'mandant.name', monat])
    .orderBy('monat')
    .orderBy('leistung')
    .orderBy('mandant');
  if (filter.mandanten) query = query.where('antrag.mandant_id', 'in', own(filter.mandanten));
  return query.execute();
}

export interface DurchlaufZeile {
  /** a phase id of domain/onlinedienst/phases.ts, as the audit trail recorded it */
  phase: string;
  /** finished stays in the phase */
  anzahl: number;
  mittelMs: number;
  medianMs: number;
  maxMs: number;
}

/**
 * Lead time per lifecycle phase: every finished stay in a phase, from the lifecycle's audit trail (the start and
 * every phase change carry the phase and the instant). A phase entered twice through a loop counts twice.
 */
export async function durchlaufzeitenJePhase(db: Kysely<Database>, filter: StatistikFilter): Promise<DurchlaufZeile[]> {
  const scope = filter.mandanten
    ? sql`ev.subject_id in (select onlinedienst_id from lifecycle where mandant_id in (${sql.join(own(filter.mandanten))}))`
    : sql`true`;
  const { rows } = await sql<{ phase: string; anzahl: number; mittel_ms: number; median_ms: number; max_ms: number }>`
    with ev as (
      select subject_id, id,
             case when action = 'onlinedienst.lebenszyklus.gestartet' then details->>'phase' else details->>'nach' end as phase,
             coalesce((details->>'am')::timestamptz, at) as t
      from audit_log
      where subject_type = 'onlinedienst' and action in ('onlinedienst.lebenszyklus.gestartet', 'onlinedienst.phase.gewechselt')
    ), stays as (
      select ev.phase, extract(epoch from (lead(ev.t) over (partition by ev.subject_id order by ev.id) - ev.t)) * 1000 as ms
      from ev where ${scope}
    )
    select phase, count(*)::int as anzahl, avg(ms)::float8 as mittel_ms,
           percentile_cont(0.5) within group (order by ms)::float8 as median_ms, max(ms)::float8 as max_ms
    from stays where ms is not null group by phase`.execute(db);
  const order = (p: string) => (PHASE_IDS as readonly string[]).indexOf(p);
  return rows
    .map((r) => ({ phase: r.phase, anzahl: r.anzahl, mittelMs: r.mittel_ms, medianMs: r.median_ms, maxMs: r.max_ms }))
    .sort((a, b) => order(a.phase) - order(b.phase));
}

/** `in ()` is not SQL: no Mandant matches a placeholder nobody has. */
const own = (mandanten: readonly string[]) => (mandanten.length ? [...mandanten] : ['-']);
