// The Antrag's fee as ePayBL's Kassenzeichen is mirrored here (one row per Antrag), and the person task a refund
// needs (ePayBL has no API for it). Written by activities/antrag/zahlung.ts; the API reads it with findZahlung.
import { sql, type Kysely } from 'kysely';
import type { Antragsteller, Database } from '../schema';
import { insertAufgabe } from './aufgabe';

export interface NewZahlung {
  vorgangsnummer: string;
  kassenzeichen: string;
  transaktionsnummer: string;
  betragCent: number;
  paypageUrl: string;
}

/** Records the Kassenzeichen as open; a second call for the Antrag keeps the first. */
export async function insertZahlung(db: Kysely<Database>, z: NewZahlung): Promise<void> {
  await db
    .insertInto('zahlung')
    .values({
      vorgangsnummer: z.vorgangsnummer,
      kassenzeichen: z.kassenzeichen,
      transaktionsnummer: z.transaktionsnummer,
      betrag_cent: z.betragCent,
      status: 'offen',
      paypage_url: z.paypageUrl,
      zahlverfahren: null,
      gebucht_am: null,
    })
    .onConflict((oc) => oc.column('vorgangsnummer').doNothing())
    .execute();
}

/** Paid or overpaid: the booking instant is the first one seen. */
export async function markZahlungGebucht(
  db: Kysely<Database>,
  vorgangsnummer: string,
  info: { state: string; paidCent: number; zahlverfahren: string | null },
): Promise<void> {
  await db
    .updateTable('zahlung')
    .set({
      status: info.state,
      bezahlt_cent: info.paidCent,
      zahlverfahren: info.zahlverfahren,
      gebucht_am: sql`coalesce(gebucht_am, now())`,
      updated_at: sql`now()`,
    })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .execute();
}

/** A part payment is recorded only while the claim is still open. */
export async function markZahlungTeilbezahlt(
  db: Kysely<Database>,
  vorgangsnummer: string,
  paidCent: number,
): Promise<void> {
  await db
    .updateTable('zahlung')
    .set({ status: 'teilbezahlt', bezahlt_cent: paidCent, updated_at: sql`now()` })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .where('status', '=', 'offen')
    .execute();
}

export async function markZahlungStorniert(db: Kysely<Database>, vorgangsnummer: string): Promise<void> {
  await db
    .updateTable('zahlung')
    .set({ status: 'storniert', updated_at: sql`now()` })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .execute();
}

/** Only a paid claim waits for a refund. */
export async function markStornoAngefordert(db: Kysely<Database>, vorgangsnummer: string): Promise<void> {
  await db
    .updateTable('zahlung')
    .set({ status: 'storno-angefordert', updated_at: sql`now()` })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .where('status', 'in', ['bezahlt', 'ueberbezahlt'])
    .execute();
}

/** What the payment reminder says (throws when the Antrag has no Zahlung). */
export async function getZahlungserinnerung(
  db: Kysely<Database>,
  vorgangsnummer: string,
): Promise<{ antragsteller: Antragsteller | null; paypage_url: string; betrag_cent: number; kassenzeichen: string }> {
  return db
    .selectFrom('antrag')
    .innerJoin('zahlung', 'zahlung.vorgangsnummer', 'antrag.vorgangsnummer')
    .select(['antrag.antragsteller', 'zahlung.paypage_url', 'zahlung.betrag_cent', 'zahlung.kassenzeichen'])
    .where('antrag.vorgangsnummer', '=', vorgangsnummer)
    .executeTakeFirstOrThrow();
}

/** What the refund task names (throws when the Antrag has no Zahlung). */
export async function getZahlungForStorno(
  db: Kysely<Database>,
  vorgangsnummer: string,
): Promise<{ mandant_id: string; kassenzeichen: string; bezahlt_cent: number }> {
  return db
    .selectFrom('antrag')
    .innerJoin('zahlung', 'zahlung.vorgangsnummer', 'antrag.vorgangsnummer')
    .select(['antrag.mandant_id', 'zahlung.kassenzeichen', 'zahlung.bezahlt_cent'])
    .where('antrag.vorgangsnummer', '=', vorgangsnummer)
    .executeTakeFirstOrThrow();
}

const stornoAufgabeId = (vorgangsnummer: string) => `${vorgangsnummer}:storno`;
/** One refund task per Antrag and cause (Teilzahlung, Storno nach Zahlung, Überzahlung). */
export const erstattungAufgabeId = (vorgangsnummer: string, anlass: string) => `${vorgangsnummer}:erstattung:${anlass}`;

/** The Mandant's refund task, once per Antrag (and per cause, when `aufgabeId` names it). */
export async function insertStornoAufgabe(
  db: Kysely<Database>,
  a: { vorgangsnummer: string; mandantId: string; titel: string; beschreibung: string; aufgabeId?: string },
): Promise<void> {
  await insertAufgabe(db, {
    id: a.aufgabeId ?? stornoAufgabeId(a.vorgangsnummer),
    art: a.aufgabeId ? 'erstattung' : 'storno',
    rolle: 'mandant-admin',
    mandantId: a.mandantId,
    betreffTyp: 'antrag',
    betreffId: a.vorgangsnummer,
    titel: a.titel,
    beschreibung: a.beschreibung,
  });
}

/** ePayBL shows the storno: the open refund task is done. */
export async function closeStornoAufgabe(
  db: Kysely<Database>,
  vorgangsnummer: string,
  aufgabeId = stornoAufgabeId(vorgangsnummer),
): Promise<void> {
  await db
    .updateTable('aufgabe')
    .set({ status: 'erledigt', erledigt_von: 'epaybl', erledigt_am: sql`now()` })
    .where('id', '=', aufgabeId)
    .where('status', '=', 'offen')
    .execute();
}
