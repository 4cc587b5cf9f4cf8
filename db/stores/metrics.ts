// The figures the AWB watches, read at scrape time by the API's /metrics: small grouped counts over indexed columns
// or small tables, one round trip each. Nothing personal: statuses, endpoint names, Mandant-free counts.
import { sql, type Kysely } from 'kysely';
import { domainNow } from '../../domain/clock';
import { FINAL_ANTRAG_STATUSES } from '../../domain/antrag/status';
import { recheckCategory, type RecheckCategory } from '../../domain/release/campaign';
import type { Database } from '../schema';

export interface DomainFigures {
  antraege: Array<{ status: string; n: number }>;
  /** deliveries that failed at least once and wait for their endpoint */
  zustellungenWaiting: Array<{ endpunkt: string; modus: string; n: number; since: Date }>;
  endpunkteDown: Array<{ endpunkt: string; since: Date }>;
  /** open claims of unfinished Anträge, per status (offen, teilbezahlt, storno-angefordert) */
  zahlungenOpen: Array<{ status: string; n: number }>;
  /** open claims whose reminder has gone out (past frist.zahlungErinnerung) */
  zahlungenOverdue: number;
  stoerungenOpen: { n: number; since: Date | null };
  aufgabenOpen: Array<{ art: string; n: number }>;
  rolloutTickets: Array<{ status: string; slaState: string; n: number }>;
  releaseRechecks: Array<{ version: string; category: RecheckCategory; n: number }>;
}

const OPEN_ZAHLUNG = ['offen', 'teilbezahlt', 'storno-angefordert'];

export async function readDomainFigures(db: Kysely<Database>, now = Date.now()): Promise<DomainFigures> {
  const [antraege, waiting, down, zahlungen, overdue, stoerungen, aufgaben, tickets, rechecks] = await Promise.all([
    db
      .selectFrom('antrag')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('zustellung')
      .innerJoin('antrag', 'antrag.vorgangsnummer', 'zustellung.vorgangsnummer')
      .select([
        'zustellung.endpunkt',
        'zustellung.modus',
        sql<number>`count(*)::int`.as('n'),
        sql<Date>`min(zustellung.wartet_seit)`.as('since'),
      ])
      .where('zustellung.zugestellt_am', 'is', null)
      .where('zustellung.wartet_seit', 'is not', null)
      .where('antrag.status', 'not in', [...FINAL_ANTRAG_STATUSES])
      .groupBy(['zustellung.endpunkt', 'zustellung.modus'])
      .execute(),
    db.selectFrom('endpunkt_status').select(['endpunkt', 'down_since']).where('down_since', 'is not', null).execute(),
    db
      .selectFrom('zahlung')
      .innerJoin('antrag', 'antrag.vorgangsnummer', 'zahlung.vorgangsnummer')
      .select(['zahlung.status', sql<number>`count(*)::int`.as('n')])
      .where('zahlung.status', 'in', OPEN_ZAHLUNG)
      .where('antrag.status', 'not in', [...FINAL_ANTRAG_STATUSES])
      .groupBy('zahlung.status')
      .execute(),
    db
      .selectFrom('zahlung')
      .innerJoin('antrag', 'antrag.vorgangsnummer', 'zahlung.vorgangsnummer')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('zahlung.status', 'in', ['offen', 'teilbezahlt'])
      .where('antrag.status', 'not in', [...FINAL_ANTRAG_STATUSES])
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('antrag_ereignis')
            .select('antrag_ereignis.id')
            .whereRef('antrag_ereignis.vorgangsnummer', '=', 'zahlung.vorgangsnummer')
            .where('antrag_ereignis.status', '=', 'zahlungserinnerung'),
        ),
      )
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('lifecycle_task')
      .select([sql<number>`count(*)::int`.as('n'), sql<Date | null>`min(opened_at)`.as('since')])
      .where('status', '=', 'offen')
      .where('template_id', '=', 'stoerung')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('aufgabe')
      .select(['art', sql<number>`count(*)::int`.as('n')])
      .where('status', '=', 'offen')
      .groupBy('art')
      .execute(),
    db
      .selectFrom('rollout_ticket')
      .select(['status', 'sla_state', sql<number>`count(*)::int`.as('n')])
      .where('status', '<>', 'confirmed')
      .groupBy(['status', 'sla_state'])
      .execute(),
    readOpenCampaigns(db, now),
  ]);
  return {
    antraege,
    zustellungenWaiting: waiting,
    endpunkteDown: down.map((d) => ({ endpunkt: d.endpunkt, since: d.down_since! })),
    zahlungenOpen: zahlungen,
    zahlungenOverdue: overdue.n,
    stoerungenOpen: stoerungen,
    aufgabenOpen: aufgaben,
    rolloutTickets: tickets.map((t) => ({ status: t.status, slaState: t.sla_state, n: t.n })),
    releaseRechecks: rechecks,
  };
}

/** Campaigns still running, with their re-checks per category as GET /api/releases/{version} counts them. */
async function readOpenCampaigns(db: Kysely<Database>, now: number): Promise<DomainFigures['releaseRechecks']> {
  const campaigns = await db
    .selectFrom('release_campaign')
    .select(['version', 'clock'])
    .where('status', '<>', 'abgeschlossen')
    .execute();
  const out: DomainFigures['releaseRechecks'] = [];
  for (const c of campaigns) {
    const campaignNow = domainNow(c.clock, now);
    const rows = await db
      .selectFrom('release_recheck')
      .select([
        'result',
        sql<boolean>`due_at <= ${new Date(campaignNow)}`.as('due'),
        sql<number>`count(*)::int`.as('n'),
      ])
      .where('version', '=', c.version)
      .where('not_applicable', 'is', null)
      .groupBy(['result', sql`due_at <= ${new Date(campaignNow)}`])
      .execute();
    const counts = new Map<RecheckCategory, number>();
    for (const r of rows) {
      const category = recheckCategory({ result: r.result, dueAt: r.due ? campaignNow : campaignNow + 1 }, campaignNow);
      counts.set(category, (counts.get(category) ?? 0) + r.n);
    }
    for (const [category, n] of counts) out.push({ version: c.version, category, n });
  }
  return out;
}
