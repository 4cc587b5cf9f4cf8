// "The money adds up", checked over every Antrag a test file's stacks created (issue 11, point 5): what ePayBL's
// simulator itself recorded per Kassenzeichen (money in minus money paid back) against where the Antrag ended.
//   kept = the fee when the Antrag was delivered and accepted, 0 otherwise; never two claims for one Antrag.
// An Antrag whose money may still move (payment open, a refund watched, a FIT-Connect answer pending) is skipped and
// counted as in flight; so is money beyond the fee on a delivered Antrag whose booked Kassenzeichen is still looked
// at (a second payment between two looks: the next one opens its refund; test/antrag-nachzahlung.test.ts). stack.ts registers every stack with the simulators and checks it first thing in close();
// test/setup-geld.ts (a setup file of the integration project) checks any stack a file left open, prints one line
// per file and fails the file on any violation.
import type { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { antragWorkflowId } from '../../domain/vorgangsnummer';
import { antragQuery, type AntragSicht } from '../../messages/antrag';

export interface GeldQuellen {
  name: string;
  db: Kysely<Database>;
  client: Client;
  connection: Connection;
  /** The ePayBL simulator's base URL (its control API). */
  epayblUrl: string;
}

export interface GeldErgebnis {
  name: string;
  checked: number;
  inFlight: number;
  /** Anträge whose workflow could not be asked (no worker running at the check). */
  unasked: number;
  violations: string[];
  /** Why nothing could be checked, if so (e.g. the simulator already gone). */
  error?: string;
}

interface SimKassenzeichen {
  kassenzeichen: string;
  eShopTransaktionsNr: string | null;
  hauptforderungenCent: number;
  zahlungseingaengeCent: number;
  stornosCent: number;
}

const CLOSED_WITHOUT_OUTCOME = new Set(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);

type Urteil =
  | { final: false }
  | {
      final: true;
      erwartetCent: number;
      warum: string;
      /** money beyond it is still looked for */ beobachtet?: boolean;
    };

/** Where the Antrag's money must end, if it has ended. */
function urteil(s: AntragSicht, gebuehrCent: number, fitconnect: boolean): Urteil {
  const erstattung = s.zahlung?.erstattung;
  if (erstattung && !erstattung.erstattet) return { final: false };
  if (s.zustellung.status === 'zugestellt') {
    // FIT-Connect: the authority may still refuse it, and then the fee goes back.
    if (fitconnect && !s.zustellung.angenommen) return { final: false };
    if (s.zahlung && s.zahlung.status !== 'bezahlt') return { final: false };
    const beobachtet = s.zahlung?.nachzahlung?.beobachtet === true;
    return { final: true, erwartetCent: gebuehrCent, warum: 'delivered and accepted', beobachtet };
  }
  if (s.phase === 'abgebrochen' || s.phase === 'nicht-zustellbar') {
    // A paid fee on its way back is "bezahlt" until the refund is requested, then "erstattung-angefordert".
    if (s.zahlung && s.zahlung.status !== 'nicht-bezahlt' && s.zahlung.status !== 'erstattet') return { final: false };
    return { final: true, erwartetCent: 0, warum: s.phase };
  }
  return { final: false };
}

async function simKassenzeichen(url: string): Promise<SimKassenzeichen[]> {
  const res = await fetch(`${url}/_sim/kassenzeichen`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET /_sim/kassenzeichen: ${res.status}`);
  return (await res.json()) as SimKassenzeichen[];
}

export async function checkGeld(q: GeldQuellen): Promise<GeldErgebnis> {
  const ergebnis: GeldErgebnis = { name: q.name, checked: 0, inFlight: 0, unasked: 0, violations: [] };
  let sim: SimKassenzeichen[];
  try {
    sim = await simKassenzeichen(q.epayblUrl);
  } catch (err) {
    return { ...ergebnis, error: `ePayBL simulator unreadable: ${(err as Error).message}` };
  }
  const antraege = await q.db
    .selectFrom('antrag as a')
    .leftJoin('zahlung as z', 'z.vorgangsnummer', 'a.vorgangsnummer')
    .leftJoin('zustellung as zu', 'zu.vorgangsnummer', 'a.vorgangsnummer')
    .select(['a.vorgangsnummer', 'z.betrag_cent', 'z.kassenzeichen', 'zu.modus'])
    .execute();
  let workerAnswers = true; // one query without an answer means no worker: do not wait on every other one
  for (const a of antraege) {
    const vn = a.vorgangsnummer;
    const claims = sim.filter((k) => k.eShopTransaktionsNr === vn || k.kassenzeichen === a.kassenzeichen);
    if (claims.length > 1) {
      ergebnis.violations.push(`${vn}: charged twice (${claims.map((k) => k.kassenzeichen).join(', ')})`);
    }
    const keptCent = claims.reduce((sum, k) => sum + k.zahlungseingaengeCent, 0);
    const handle = q.client.workflow.getHandle(antragWorkflowId(vn));
    const status = await handle.describe().then(
      (d) => d.status.name as string,
      () => 'UNKNOWN',
    );
    let u: Urteil;
    if (CLOSED_WITHOUT_OUTCOME.has(status)) {
      // The Antrag is over without delivery: nothing may be kept.
      u = { final: true, erwartetCent: 0, warum: `workflow ${status}` };
    } else if (status === 'UNKNOWN' || !workerAnswers) {
      ergebnis.unasked++;
      continue;
    } else {
      const sicht = await q.connection
        .withDeadline(Date.now() + 5000, () => handle.query(antragQuery))
        .catch(() => undefined);
      if (!sicht) {
        workerAnswers = false;
        ergebnis.unasked++;
        continue;
      }
      u = urteil(sicht, a.betrag_cent ?? 0, a.modus === 'fitconnect');
    }
    if (!u.final || (u.beobachtet && keptCent > u.erwartetCent)) {
      ergebnis.inFlight++;
      continue;
    }
    ergebnis.checked++;
    if (keptCent !== u.erwartetCent) {
      ergebnis.violations.push(
        `${vn}: ${u.warum}, kept ${keptCent} ct, must keep ${u.erwartetCent} ct ` +
          `(claims ${claims.map((k) => `${k.kassenzeichen}: in ${k.zahlungseingaengeCent}, storno ${k.stornosCent}`).join('; ') || 'none'})`,
      );
    }
  }
  return ergebnis;
}

// Per test file (vitest runs each file in a fresh module graph, setup file included).
const open = new Map<GeldQuellen, { checked?: GeldErgebnis }>();

/** Registers a stack's sources; `check()` (from its close()) checks once and keeps the result. */
export function watchGeld(q: GeldQuellen): { check(): Promise<void> } {
  const entry: { checked?: GeldErgebnis } = {};
  open.set(q, entry);
  return {
    async check() {
      if (entry.checked) return;
      entry.checked = await checkGeld(q).catch((err: unknown): GeldErgebnis => ({
        name: q.name,
        checked: 0,
        inFlight: 0,
        unasked: 0,
        violations: [],
        error: (err as Error).message,
      }));
    },
  };
}

/** Every stack of this file checked (those still open now), and forgotten. */
export async function geldErgebnisse(): Promise<GeldErgebnis[]> {
  const results: GeldErgebnis[] = [];
  for (const [q, entry] of open) {
    results.push(entry.checked ?? (await checkGeld(q)));
  }
  open.clear();
  return results;
}
