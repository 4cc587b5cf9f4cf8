// Störungen: which Anträge are stuck on which cause. Recording and resolving lock the cause's row, so the episode
// count (one mail per episode) stays right however many Anträge hit the same cause at once.
import { sql, type Kysely } from 'kysely';
import type { BehebbarDurch, StoerungArt } from '../../domain/antrag/stoerung';
import type { Database } from '../schema';

export interface StoerungMeldung {
  vorgangsnummer: string;
  ursacheId: string;
  ursacheKey: string;
  art: StoerungArt;
  schritt: string;
  fehlerTyp: string;
  was: string;
  details: string;
  mandantId: string;
  onlinedienstId: string;
  aktivierungId: string;
  behebbarDurch: BehebbarDurch;
}

/**
 * Records the Antrag as stuck on the cause; `folge` is the cause's episode (a new one when none was open), and
 * `eroeffnet` says this Antrag opened it — its report (and every retry of it) sends the episode's one mail.
 */
export async function meldeStoerung(
  db: Kysely<Database>,
  m: StoerungMeldung,
): Promise<{ folge: number; eroeffnet: boolean }> {
  return db.transaction().execute(async (trx) => {
    const ursache = await trx
      .insertInto('stoerung_ursache')
      .values({ id: m.ursacheId, ursache_key: m.ursacheKey })
      .onConflict((oc) => oc.column('id').doUpdateSet({ ursache_key: m.ursacheKey }))
      .returning(['folge', 'offen', 'eroeffnet_von'])
      .executeTakeFirstOrThrow();
    let folge = ursache.folge;
    let eroeffnetVon = ursache.eroeffnet_von;
    if (!ursache.offen) {
      folge += 1;
      eroeffnetVon = m.vorgangsnummer;
      await trx
        .updateTable('stoerung_ursache')
        .set({ offen: true, folge, eroeffnet_von: eroeffnetVon })
        .where('id', '=', m.ursacheId)
        .execute();
    }
    await trx
      .insertInto('stoerung')
      .values({
        vorgangsnummer: m.vorgangsnummer,
        ursache_id: m.ursacheId,
        ursache_key: m.ursacheKey,
        art: m.art,
        schritt: m.schritt,
        fehler_typ: m.fehlerTyp,
        was: m.was,
        details: m.details,
        mandant_id: m.mandantId,
        onlinedienst_id: m.onlinedienstId,
        aktivierung_id: m.aktivierungId,
        behebbar_durch: m.behebbarDurch,
        status: 'offen',
      })
      .onConflict((oc) =>
        oc.columns(['vorgangsnummer', 'ursache_id']).doUpdateSet({
          status: 'offen',
          details: m.details,
          zuletzt: sql`now()`,
          meldungen: sql`stoerung.meldungen + 1`,
          behoben_am: null,
          // Stuck again on the same cause after a retry: still stuck since the first time.
          seit: sql`case when stoerung.status = 'offen' then stoerung.seit else now() end`,
        }),
      )
      .execute();
    return { folge, eroeffnet: eroeffnetVon === m.vorgangsnummer };
  });
}

/**
 * The Antrag's step went through: its open Störungen (of `schritt` only, when named) are resolved, and a cause nobody
 * is stuck on any more closes.
 */
export async function behebeStoerungen(
  db: Kysely<Database>,
  vorgangsnummer: string,
  schritt?: string,
): Promise<{ ursache_id: string; meldungen: number }[]> {
  return db.transaction().execute(async (trx) => {
    let update = trx
      .updateTable('stoerung')
      .set({ status: 'behoben', behoben_am: sql`now()` })
      .where('vorgangsnummer', '=', vorgangsnummer)
      .where('status', '=', 'offen');
    if (schritt !== undefined) update = update.where('schritt', '=', schritt);
    const rows = await update.returning(['ursache_id', 'meldungen']).execute();
    for (const id of [...new Set(rows.map((r) => r.ursache_id))].sort()) {
      await trx.selectFrom('stoerung_ursache').select('id').where('id', '=', id).forUpdate().execute();
      const offen = await trx
        .selectFrom('stoerung')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('ursache_id', '=', id)
        .where('status', '=', 'offen')
        .executeTakeFirstOrThrow();
      if (offen.n === 0) await trx.updateTable('stoerung_ursache').set({ offen: false }).where('id', '=', id).execute();
    }
    return rows;
  });
}

/** Open Störungen grouped by cause; `mandanten` narrows to those Mandanten's Anträge ('*' or absent: all). */
export async function listStoerungen(db: Kysely<Database>, mandanten?: readonly string[], ursacheId?: string) {
  let q = db
    .selectFrom('stoerung')
    .select([
      'ursache_id',
      'ursache_key',
      sql<StoerungArt>`min(art)`.as('art'),
      sql<string>`min(schritt)`.as('schritt'),
      sql<string>`min(fehler_typ)`.as('fehler_typ'),
      sql<string>`min(was)`.as('was'),
      sql<string>`(array_agg(details order by zuletzt desc))[1]`.as('details'),
      sql<BehebbarDurch>`min(behebbar_durch)`.as('behebbar_durch'),
      sql<Date>`min(seit)`.as('seit'),
      sql<Date>`max(zuletzt)`.as('zuletzt'),
      sql<number>`count(*)::int`.as('antraege'),
      sql<string[]>`array_agg(distinct mandant_id order by mandant_id)`.as('mandanten'),
      sql<string[]>`array_agg(distinct onlinedienst_id order by onlinedienst_id)`.as('onlinedienste'),
      sql<string[]>`array_agg(distinct aktivierung_id order by aktivierung_id)`.as('aktivierungen'),
    ])
    .where('status', '=', 'offen')
    .groupBy(['ursache_id', 'ursache_key'])
    .orderBy(sql`min(seit)`);
  if (mandanten && !mandanten.includes('*')) q = q.where('mandant_id', 'in', mandanten.length ? [...mandanten] : ['']);
  if (ursacheId !== undefined) q = q.where('ursache_id', '=', ursacheId);
  return q.execute();
}

/** The Anträge stuck on a cause, in Vorgangsnummer order after `nach` (a bulk action pages through them). */
export async function listStoerungAntraege(
  db: Kysely<Database>,
  ursacheId: string,
  opts: { mandantId?: string; nach?: string; limit: number },
) {
  let q = db
    .selectFrom('stoerung')
    .select(['vorgangsnummer', 'mandant_id', 'seit', 'meldungen'])
    .where('ursache_id', '=', ursacheId)
    .where('status', '=', 'offen')
    .orderBy('vorgangsnummer')
    .limit(opts.limit);
  if (opts.mandantId !== undefined) q = q.where('mandant_id', '=', opts.mandantId);
  if (opts.nach !== undefined) q = q.where('vorgangsnummer', '>', opts.nach);
  return q.execute();
}

export async function findOffeneStoerung(db: Kysely<Database>, ursacheId: string, vorgangsnummer: string) {
  return db
    .selectFrom('stoerung')
    .select(['vorgangsnummer', 'mandant_id'])
    .where('ursache_id', '=', ursacheId)
    .where('vorgangsnummer', '=', vorgangsnummer)
    .where('status', '=', 'offen')
    .executeTakeFirst();
}
