// The delivery of an Antrag to its Fachverfahren (one zustellung row per Antrag) and the health of each endpoint
// across Anträge (endpunkt_status), as activities/antrag/zustellung.ts writes them.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, EndpunktStatusTable } from '../schema';

/** Only so much of an endpoint's error text is kept. */
const MAX_FEHLER = 500;

/** Starts the delivery record; a retry keeps the first one (and its FIT-Connect reference). */
export async function insertZustellung(
  db: Kysely<Database>,
  z: { vorgangsnummer: string; modus: string; endpunkt: string },
): Promise<void> {
  await db
    .insertInto('zustellung')
    .values({
      vorgangsnummer: z.vorgangsnummer,
      modus: z.modus,
      endpunkt: z.endpunkt,
      referenz: null,
      letzter_fehler: null,
      wartet_seit: null,
      zugestellt_am: null,
      transfer_geloescht_am: null,
    })
    .onConflict((oc) => oc.column('vorgangsnummer').doNothing())
    .execute();
}

export async function incrementZustellversuche(db: Kysely<Database>, vorgangsnummer: string): Promise<void> {
  await db
    .updateTable('zustellung')
    .set({ versuche: sql`versuche + 1` })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .execute();
}

/** The submission's reference, stored before the upload so that a crash resumes it. */
/**
 * Records the submission an attempt created, only if the reference is still the one that attempt read: two
 * overlapping attempts (a retry started while a slow first one still runs) cannot both claim the delivery.
 */
export async function replaceZustellReferenz(
  db: Kysely<Database>,
  vorgangsnummer: string,
  gelesen: string | null,
  referenz: string,
): Promise<boolean> {
  const result = await db
    .updateTable('zustellung')
    .set({ referenz })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .where(sql<boolean>`referenz is not distinct from ${gelesen}`)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Delivered: the Antrag stops waiting and its endpoint is up again, in one transaction. */
export async function markZustellungDelivered(
  db: Kysely<Database>,
  d: { vorgangsnummer: string; endpunkt: string; referenz: string; zugestelltAm: Date },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('zustellung')
      .set({ referenz: d.referenz, zugestellt_am: d.zugestelltAm, letzter_fehler: null, wartet_seit: null })
      .where('vorgangsnummer', '=', d.vorgangsnummer)
      .execute();
    await trx
      .insertInto('endpunkt_status')
      .values({
        endpunkt: d.endpunkt,
        down_since: null,
        last_error: null,
        last_attempt_at: new Date(),
        last_success_at: new Date(),
        alert_sent_for: null,
      })
      .onConflict((oc) =>
        oc.column('endpunkt').doUpdateSet({
          down_since: null,
          last_error: null,
          last_attempt_at: sql`now()`,
          last_success_at: sql`now()`,
        }),
      )
      .execute();
  });
}

/** The Antrag waits for its endpoint; it has waited since its first failed attempt. */
export async function markZustellungWaiting(
  db: Kysely<Database>,
  vorgangsnummer: string,
  fehler: string,
): Promise<void> {
  await db
    .updateTable('zustellung')
    .set({ letzter_fehler: fehler.slice(0, MAX_FEHLER), wartet_seit: sql`coalesce(wartet_seit, now())` })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .execute();
}

/** The endpoint failed; it has been down since the first failure of this outage. Returns its status row. */
export async function recordEndpunktDown(
  db: Kysely<Database>,
  endpunkt: string,
  fehler: string,
): Promise<Selectable<EndpunktStatusTable>> {
  return db
    .insertInto('endpunkt_status')
    .values({
      endpunkt,
      down_since: new Date(),
      last_error: fehler.slice(0, MAX_FEHLER),
      last_attempt_at: new Date(),
      last_success_at: null,
      alert_sent_for: null,
    })
    .onConflict((oc) =>
      oc.column('endpunkt').doUpdateSet({
        down_since: sql`coalesce(endpunkt_status.down_since, now())`,
        last_error: fehler.slice(0, MAX_FEHLER),
        last_attempt_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** How many Anträge wait for the endpoint (a bigint count: a string). */
export async function countWartende(db: Kysely<Database>, endpunkt: string): Promise<string> {
  const row = await db
    .selectFrom('zustellung')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('endpunkt', '=', endpunkt)
    .where('zugestellt_am', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** The AWB was alerted for the outage that began at downSince. */
export async function markEndpunktAlerted(db: Kysely<Database>, endpunkt: string, downSince: Date): Promise<void> {
  await db.updateTable('endpunkt_status').set({ alert_sent_for: downSince }).where('endpunkt', '=', endpunkt).execute();
}

/** The Vorgang left the Transferverzeichnis; the first deletion instant stays. */
export async function markTransferGeloescht(db: Kysely<Database>, vorgangsnummer: string): Promise<void> {
  await db
    .updateTable('zustellung')
    .set({ transfer_geloescht_am: sql`coalesce(transfer_geloescht_am, now())` })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .execute();
}

/** The authority fetched the Vorgang; the first sighting stays. Returns the stored instant. */
export async function markZustellungAbgeholt(
  db: Kysely<Database>,
  vorgangsnummer: string,
  at: Date,
): Promise<Date | undefined> {
  const row = await db
    .updateTable('zustellung')
    .set({ abgeholt_am: sql`coalesce(abgeholt_am, ${at})` })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .returning('abgeholt_am')
    .executeTakeFirst();
  return row?.abgeholt_am ?? undefined;
}
