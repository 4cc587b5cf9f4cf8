// Fee payment through ePayBL. The Kassenzeichen is created once: our transaction number (the Vorgangsnummer)
// finds it again after a timed-out call. Paid is learnt by polling lesenKassenzeichenInfo; the back-link only
// makes us look sooner. Refunds have no API: a person gets a task, and we watch for the storno to appear.
import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import type { ActivityDeps } from '../deps';
import { mustExist, required } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { sendNotificationOnce } from '../mail';
import { createBacklink } from '../../integrations/epaybl/soap-client';
import {
  EpayblError,
  type EpayblPaymentConfig,
  type KassenzeichenInfo,
  type KassenzeichenState,
} from '../../integrations/epaybl/types';
import { appendEreignis, setAntragStatus } from '../../db/stores/antrag-ereignis';
import { findAntrag, findZahlung } from '../../db/stores/antrag';
import {
  closeStornoAufgabe,
  getZahlungForStorno,
  getZahlungserinnerung,
  insertStornoAufgabe,
  insertZahlung,
  markStornoAngefordert,
  markZahlungGebucht,
  markZahlungStorniert,
  markZahlungTeilbezahlt,
} from '../../db/stores/zahlung';
import { statusUrl } from './eingang';

// An Antrag the portal confirmed must not fail because of ePayBL: even a configuration error at the operator
// (-0611) gets fixed. So every ePayBL error is retried (back-off capped by the workflow) and logged with its code.
function asFailure(err: unknown): never {
  if (err instanceof EpayblError) {
    throw ApplicationFailure.retryable(`ePayBL ${err.code}: ${err.message}`, 'EpayblFehler', {
      code: err.code,
      retryable: err.retryable,
    });
  }
  throw err;
}

// ePayBL's Buchungstext allows a restricted character set; < > " are refused.
function buchungstext(text: string): string {
  return text.replace(/[<>"]/g, ' ').slice(0, 120);
}

export async function zahlungAnlegen(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; gebuehr: EpayblPaymentConfig },
): Promise<{ kassenzeichen: string; paypageUrl: string }> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const existing = await findZahlung(db, vn);
  if (existing) return { kassenzeichen: existing.kassenzeichen, paypageUrl: existing.paypage_url };

  const epaybl = required(deps, 'epaybl');
  const g = input.gebuehr;
  const transaktionsnummer = vn; // ≤ 30 characters, unique per Antrag
  try {
    let kz = await epaybl.lesenTransaktion({ mandantNr: g.mandantNr, eShopTransaktionsNr: transaktionsnummer });
    if (!kz) {
      await epaybl.anlegenKunde({
        mandantNr: g.mandantNr,
        bewirtschafterNr: g.bewirtschafterNr,
        kunde: { eShopKundenNr: vn },
      });
      kz = await epaybl.anlegenKassenzeichen({
        config: { ...g, buchungstext: buchungstext(g.buchungstext) },
        eShopKundenNr: vn,
        eShopTransaktionsNr: transaktionsnummer,
      });
      // Deleting the one-time customer fails while the Kassenzeichen is open (-0119); real clients ignore that.
      await epaybl
        .loeschenKunde({ mandantNr: g.mandantNr, bewirtschafterNr: g.bewirtschafterNr, eShopKundenNr: vn })
        .catch(() => {});
    }
    const key = required(deps, 'linkKeys').backlink[0]!;
    const base = `${required(deps, 'publicBaseUrl')}/api/zahlung/rueckkehr?vorgangsnummer=${encodeURIComponent(vn)}`;
    const data = { kassenzeichen: kz.kassenzeichen, eShopTransaktionsNr: transaktionsnummer, betragCent: g.betragCent };
    const paypageUrl = epaybl.paypageUrl({
      mandantNr: g.mandantNr,
      eShopKundenNr: vn,
      kassenzeichen: kz.kassenzeichen,
      backlinkSuccess: createBacklink(base, key, { ...data, result: 'success' }),
      backlinkAbort: createBacklink(base, key, { ...data, result: 'abort' }),
    });
    await insertZahlung(db, {
      vorgangsnummer: vn,
      kassenzeichen: kz.kassenzeichen,
      transaktionsnummer,
      betragCent: g.betragCent,
      paypageUrl,
    });
    const stored = mustExist(await findZahlung(db, vn), `Zahlung ${vn}`);
    await setAntragStatus(db, vn, { status: 'wartet-auf-zahlung' });
    await appendEreignis(db, {
      vorgangsnummer: vn,
      spur: 'technisch',
      status: 'zahlung-offen',
      key: `${vn}:zahlung-offen`,
      text: `Gebühr von ${euro(g.betragCent)} ist zu zahlen.`,
      details: { kassenzeichen: stored.kassenzeichen, betragCent: g.betragCent },
    });
    const antrag = mustExist(await findAntrag(db, vn), `Antrag ${vn}`);
    if (antrag.antragsteller) {
      await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
        idempotencyKey: `${vn}:zahlungsaufforderung`,
        to: antrag.antragsteller.email,
        subject: `Gebühr zu Ihrem Antrag ${vn}`,
        text:
          `Guten Tag ${antrag.antragsteller.name},\n\nfür Ihren Antrag ${vn} ist eine Gebühr von ${euro(g.betragCent)} zu zahlen ` +
          `(Kassenzeichen ${stored.kassenzeichen}).\n\nZur Bezahlung:\n${stored.paypage_url}\n\n` +
          `Stand Ihres Antrags: ${statusUrl(deps, vn)}\n\nIhr Amt24-Serviceportal Sachsen\n`,
      });
    }
    return { kassenzeichen: stored.kassenzeichen, paypageUrl: stored.paypage_url };
  } catch (err) {
    asFailure(err);
  }
}

export type ZahlungsErgebnis = {
  ergebnis: 'bezahlt' | 'storniert' | 'frist';
  state?: KassenzeichenState;
  saldoCent?: number;
};

/**
 * Polls until the claim is settled (paid, overpaid, cancelled) or `bis` is reached. One long activity with
 * heartbeats instead of a timer loop in the workflow: one Temporal action however long the citizen takes.
 * Transient ePayBL errors are ridden out here; the heartbeat keeps the worker's liveness visible.
 */
export async function zahlungAbwarten(
  deps: ActivityDeps,
  input: {
    vorgangsnummer: string;
    mandantNr: string;
    kassenzeichen: string;
    bis: string;
    abfrageMs: number;
    ziel?: 'bezahlt' | 'storniert';
  },
): Promise<ZahlungsErgebnis> {
  const epaybl = required(deps, 'epaybl');
  const ctx = Context.current();
  const bis = Date.parse(input.bis);
  const ziel = input.ziel ?? 'bezahlt';
  for (;;) {
    let info: KassenzeichenInfo | undefined;
    try {
      info = await epaybl.lesenKassenzeichenInfo({ mandantNr: input.mandantNr, kassenzeichen: input.kassenzeichen });
    } catch (err) {
      const code = err instanceof EpayblError ? err.code : undefined;
      deps.log.warn(
        { vorgangsnummer: input.vorgangsnummer, code, err: (err as Error).message },
        'ePayBL read failed; polling on',
      );
    }
    ctx.heartbeat({ state: info?.state ?? 'unbekannt' });
    if (info) {
      if (ziel === 'bezahlt' && (info.state === 'bezahlt' || info.state === 'ueberbezahlt')) {
        await zahlungGebucht(deps, input.vorgangsnummer, info);
        return { ergebnis: 'bezahlt', state: info.state, saldoCent: info.saldoCent };
      }
      if (info.storniert || info.state === 'storniert') {
        await markZahlungStorniert(deps.db, input.vorgangsnummer);
        return { ergebnis: 'storniert', state: info.state, saldoCent: info.saldoCent };
      }
      if (info.state === 'teilbezahlt') {
        await markZahlungTeilbezahlt(deps.db, input.vorgangsnummer, info.paidCent);
      }
    }
    const rest = bis - Date.now();
    if (rest <= 0) return { ergebnis: 'frist', state: info?.state, saldoCent: info?.saldoCent };
    await sleep(Math.min(input.abfrageMs, rest)); // rejects when the workflow cancels us (back-link: look now)
  }
}

async function zahlungGebucht(deps: ActivityDeps, vn: string, info: KassenzeichenInfo): Promise<void> {
  const { db } = deps;
  // Booked exactly once: the status flip is the guard, the audit key the proof.
  await markZahlungGebucht(db, vn, info);
  const antrag = mustExist(await findAntrag(db, vn), `Antrag ${vn}`);
  await appendAudit(db, {
    actor: 'epaybl',
    action: 'zahlung.gebucht',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: {
      kassenzeichen: info.kassenzeichen,
      bezahltCent: info.paidCent,
      saldoCent: info.saldoCent,
      zahlverfahren: info.zahlverfahren,
    },
    idempotencyKey: `${vn}:zahlung-gebucht`,
  });
  await setAntragStatus(db, vn, { status: 'bezahlt' });
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'bezahlt',
    key: `${vn}:bezahlt`,
    text: info.state === 'ueberbezahlt' ? 'Gebühr bezahlt (Überzahlung wird erstattet).' : 'Gebühr bezahlt.',
  });
}

export async function zahlungErinnern(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; abbruchAm: string },
): Promise<void> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const row = await getZahlungserinnerung(db, vn);
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'zahlungserinnerung',
    key: `${vn}:zahlungserinnerung`,
    text: 'Erinnerung: Die Gebühr ist noch offen.',
  });
  if (!row.antragsteller) return;
  await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
    idempotencyKey: `${vn}:zahlungserinnerung`,
    to: row.antragsteller.email,
    subject: `Erinnerung: Gebühr zu Ihrem Antrag ${vn} ist offen`,
    text:
      `Guten Tag ${row.antragsteller.name},\n\ndie Gebühr von ${euro(row.betrag_cent)} (Kassenzeichen ${row.kassenzeichen}) ist noch nicht bezahlt. ` +
      `Ohne Zahlung bis ${input.abbruchAm} wird der Antrag nicht bearbeitet.\n\nZur Bezahlung:\n${row.paypage_url}\n\nIhr Amt24-Serviceportal Sachsen\n`,
  });
}

export async function stornoAnfordern(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; grund: string },
): Promise<void> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const row = await getZahlungForStorno(db, vn);
  await insertStornoAufgabe(db, {
    vorgangsnummer: vn,
    mandantId: row.mandant_id,
    titel: `Gebühr erstatten: Kassenzeichen ${row.kassenzeichen}`,
    beschreibung:
      `Der Antrag ${vn} kann nicht zugestellt werden (${input.grund}). Bitte die Forderung in ePayBL stornieren und ` +
      `${euro(row.bezahlt_cent)} erstatten. Die Orchestrierung erkennt den Storno selbst und schließt diese Aufgabe.`,
  });
  await markStornoAngefordert(db, vn);
  await appendAudit(db, {
    actor: 'system',
    action: 'zahlung.storno-angefordert',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: row.mandant_id,
    details: { kassenzeichen: row.kassenzeichen, grund: input.grund },
    idempotencyKey: `${vn}:storno-angefordert`,
  });
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'erstattung-angefordert',
    key: `${vn}:erstattung-angefordert`,
    text: 'Die Gebühr wird erstattet.',
  });
  if (deps.awbEmail) {
    await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: `${vn}:storno-aufgabe`,
      to: deps.awbEmail,
      subject: `Erstattung nötig: ${vn}`,
      text: `Für den nicht zustellbaren Antrag ${vn} (Mandant ${row.mandant_id}) muss die Gebühr (Kassenzeichen ${row.kassenzeichen}) erstattet werden.\n`,
    });
  }
}

export async function stornoErfasst(deps: ActivityDeps, input: { vorgangsnummer: string }): Promise<void> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  await closeStornoAufgabe(db, vn);
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'erstattet',
    key: `${vn}:erstattet`,
    text: 'Die Gebühr wurde storniert und wird erstattet.',
  });
}

export function euro(cents: number): string {
  return new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}
