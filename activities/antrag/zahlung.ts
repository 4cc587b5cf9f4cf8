// Fee payment through ePayBL. The Kassenzeichen is created once: our transaction number (the Vorgangsnummer)
// finds it again after a timed-out call; the one-time customer of the attempt is named deterministically, so a
// lost reply to anlegenKunde is recovered by the next try. Paid is learnt by polling lesenKassenzeichenInfo; the back-link only
// makes us look sooner. Refunds have no API: a person gets a task, and we watch for the storno to appear.
import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import type { ActivityDeps } from '../deps';
import { mustExist, required } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { sendNotificationOnce } from '../mail';
import { euro } from '../../domain/anzeige';
import { classifyEpayblError } from '../../integrations/epaybl/errors';
import { einmalKundenNr } from '../../integrations/epaybl/kunde';
import { createBacklink } from '../../integrations/epaybl/soap-client';
import {
  EPAYBL_CODES,
  EpayblError,
  sameCode,
  type EpayblPaymentConfig,
  type KassenzeichenInfo,
  type KassenzeichenState,
} from '../../integrations/epaybl/types';
import { appendEreignis, setAntragStatus } from '../../db/stores/antrag-ereignis';
import { findAntrag, findZahlung } from '../../db/stores/antrag';
import {
  getZahlungserinnerung,
  insertZahlung,
  markZahlungGebucht,
  markZahlungStorniert,
  markZahlungTeilbezahlt,
} from '../../db/stores/zahlung';
import { statusUrl } from './eingang';
import { abfrageStoerung, type AbfrageStoerungStand } from './zahlung-stoerung';

// istOk=false is final unless its code is one of the temporary ones (external-systems.md): a final one is raised with
// a type of its own (integrations/epaybl/errors.ts), which the workflow's retry policy does not retry, so the Antrag
// waits on a Störung for the person who can fix it (domain/antrag/stoerung.ts). The failure itself stays retryable:
// runs from before Störungen existed keep retrying as they did instead of failing. Every failure is logged with its
// code and the ePayment id the operator asks for.
function asFailure(deps: ActivityDeps, vorgangsnummer: string, err: unknown): never {
  if (!(err instanceof EpayblError)) throw err;
  const f = logged(deps, vorgangsnummer, err, 'ePayBL call failed; retried');
  throw ApplicationFailure.create({
    message: f.message,
    type: f.type,
    nonRetryable: false,
    details: [f.details],
    cause: err,
  });
}

function logged(deps: ActivityDeps, vorgangsnummer: string, err: EpayblError, temporary: string) {
  const f = classifyEpayblError(err);
  deps.log[f.final ? 'error' : 'warn'](
    { vorgangsnummer, type: f.type, ...f.details },
    f.final ? 'ePayBL refused the call: final, a person has to act' : temporary,
  );
  return f;
}

/** Whether a refused anlegenKunde may be an earlier try's customer: anything but a temporary, blocked or config. */
function mayBeEarlierCustomer(err: unknown): boolean {
  return (
    err instanceof EpayblError &&
    err.result !== undefined &&
    !err.retryable &&
    !sameCode(err.code, EPAYBL_CODES.CUSTOMER_BLOCKED) &&
    !sameCode(err.code, EPAYBL_CODES.CONFIGURATION_ERROR)
  );
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
  // Our own ePayBL key signs the back-links and makes the one-time customer numbers tamper-evident.
  const key = required(deps, 'linkKeys').backlink[0]!;
  // One Kassenzeichen per Antrag, so one payment attempt; its customer is the same on every retry of it.
  const kundenNr = einmalKundenNr(key, vn, 1);
  const kunde = { mandantNr: g.mandantNr, bewirtschafterNr: g.bewirtschafterNr };
  try {
    let kz = await epaybl.lesenTransaktion({ mandantNr: g.mandantNr, eShopTransaktionsNr: transaktionsnummer });
    // A Kassenzeichen stored by an earlier try keeps the customer it was created for (the pay page checks it).
    let zahlerNr = kz
      ? (await epaybl.lesenKassenzeichenInfo({ mandantNr: g.mandantNr, kassenzeichen: kz.kassenzeichen }))
          .eShopKundenNr || kundenNr
      : kundenNr;
    if (!kz) {
      zahlerNr = kundenNr;
      await epaybl.anlegenKunde({ ...kunde, kunde: { eShopKundenNr: kundenNr } }).catch((err: unknown) => {
        // The reply to an earlier try may have been lost after ePayBL stored the customer: then this refusal is
        // harmless, and anlegenKassenzeichen tells (-0199 when the customer really does not exist).
        if (!mayBeEarlierCustomer(err)) throw err;
        const e = err as EpayblError;
        deps.log.info(
          { vorgangsnummer: vn, code: e.code, ePaymentId: e.result?.ePaymentId },
          'ePayBL refused the customer; trying the Kassenzeichen with the customer of an earlier try',
        );
      });
      kz = await epaybl.anlegenKassenzeichen({
        config: { ...g, buchungstext: buchungstext(g.buchungstext) },
        eShopKundenNr: kundenNr,
        eShopTransaktionsNr: transaktionsnummer,
      });
      deps.log.info(
        { vorgangsnummer: vn, kassenzeichen: kz.kassenzeichen, ePaymentId: kz.result.ePaymentId },
        'ePayBL: Kassenzeichen created',
      );
      // Deleting the one-time customer fails while the Kassenzeichen is open (-0119); real clients ignore that.
      await epaybl.loeschenKunde({ ...kunde, eShopKundenNr: kundenNr }).catch(() => {});
    }
    const base = `${required(deps, 'publicBaseUrl')}/api/zahlung/rueckkehr?vorgangsnummer=${encodeURIComponent(vn)}`;
    const data = { kassenzeichen: kz.kassenzeichen, eShopTransaktionsNr: transaktionsnummer, betragCent: g.betragCent };
    const paypageUrl = epaybl.paypageUrl({
      mandantNr: g.mandantNr,
      eShopKundenNr: zahlerNr,
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
    asFailure(deps, vn, err);
  }
}

/** Consecutive failed reads of one Kassenzeichen before it is reported on the technical lane (polling goes on). */
export const MAX_ABFRAGEFEHLER = 20;

/**
 * What a poll waits for: the fee paid (or the claim cancelled), the storno of a refund, every cent of a cancelled
 * claim paid back ("erstattet": cancelled and nothing kept), or an overpayment paid back ("ausgeglichen": saldo 0).
 */
export type ZahlungsZiel = 'bezahlt' | 'storniert' | 'erstattet' | 'ausgeglichen';

export type ZahlungsErgebnis = {
  ergebnis: 'bezahlt' | 'storniert' | 'frist' | 'erstattet' | 'ausgeglichen';
  state?: KassenzeichenState;
  saldoCent?: number;
  /** Money received and not paid back (absent in results recorded before refunds were watched). */
  paidCent?: number;
};

/** What one look of a poll hands to the next: the read failures so far, the Störung reported, the last good reading. */
export interface ZahlungsAbfrageStand extends AbfrageStoerungStand {
  fehlerInFolge: number;
  zuletzt?: { state: KassenzeichenState; saldoCent: number; paidCent: number };
}

/** A look that ran out its window with the claim still open: the workflow sleeps, then looks again with `stand`. */
export type ZahlungOffen = { ergebnis: 'offen'; stand: ZahlungsAbfrageStand };

/**
 * Polls until the claim is settled (paid, overpaid, cancelled) or `bis` is reached. One long activity with
 * heartbeats instead of a timer loop in the workflow: one Temporal action while the citizen pays within `fensterMs`.
 * Past that window the look ends `offen` and hands its `stand` to the workflow, which sleeps on a timer and looks
 * again: a claim left open for days holds no activity slot and no worker memory (runs from before the window pass
 * none and poll to `bis`).
 * ePayBL errors are ridden out here (counted per Kassenzeichen): a final one, or a temporary one lasting past
 * `stoerungNach`, is reported as a Störung while the poll goes on (zahlung-stoerung.ts), and resolved by the next
 * good read. The heartbeat keeps the worker's liveness visible.
 */
export async function zahlungAbwarten(
  deps: ActivityDeps,
  input: {
    vorgangsnummer: string;
    mandantNr: string;
    kassenzeichen: string;
    bis: string;
    abfrageMs: number;
    ziel?: ZahlungsZiel;
    /** STOERUNG_AFTER: a temporary read failure lasting this long is a Störung (the poll goes on) */
    stoerungNach?: string;
    /** how long this look polls before it ends `offen` (absent: to `bis`) */
    fensterMs?: number;
    /** what the look before this one handed on */
    stand?: ZahlungsAbfrageStand;
  },
): Promise<ZahlungsErgebnis | ZahlungOffen> {
  const epaybl = required(deps, 'epaybl');
  const ctx = Context.current();
  const bis = Date.parse(input.bis);
  const ziel = input.ziel ?? 'bezahlt';
  const vn = input.vorgangsnummer;
  // The fee we asked for: a claim of another amount is never booked as paid (a person has to look).
  const erwartetCent = (await findZahlung(deps.db, vn))?.betrag_cent;
  // Per Kassenzeichen, as clients that poll for days do: a broken one must not poll for ever unnoticed.
  // A retry of this look starts from its heartbeat, a new look from what the one before handed on.
  const beat =
    (ctx.info.heartbeatDetails as (Partial<ZahlungsAbfrageStand> & { state?: string }) | undefined) ?? input.stand;
  let fehlerInFolge = beat?.fehlerInFolge ?? 0;
  const stoerung = abfrageStoerung(deps, vn, input.stoerungNach, beat);
  // The last good reading, for the deadline's answer (carried over from earlier looks).
  let zuletzt: ZahlungsAbfrageStand['zuletzt'] = beat?.zuletzt ?? input.stand?.zuletzt;
  const fensterEnde = input.fensterMs !== undefined ? Date.now() + input.fensterMs : Infinity;
  const weiter = (): ZahlungsAbfrageStand => ({
    fehlerInFolge,
    ...stoerung.stand(),
    ...(zuletzt ? { zuletzt } : {}),
  });
  for (;;) {
    let info: KassenzeichenInfo | undefined;
    try {
      info = await epaybl.lesenKassenzeichenInfo({ mandantNr: input.mandantNr, kassenzeichen: input.kassenzeichen });
      fehlerInFolge = 0;
    } catch (err) {
      const e = err instanceof EpayblError ? err : undefined;
      fehlerInFolge++;
      // A final answer (-0611, an unknown Kassenzeichen, a reply about another one) does not change by polling on,
      // but the money may still come: the poll goes on, and a person hears of it through the Störung.
      const neu = await stoerung.fehler(err);
      if (e && !e.retryable) {
        if (neu) logged(deps, vn, e, '');
      } else {
        deps.log.warn(
          {
            vorgangsnummer: vn,
            code: e?.code,
            ePaymentId: e?.result?.ePaymentId,
            fehlerInFolge,
            err: (err as Error).message,
          },
          'ePayBL read failed; polling on',
        );
      }
      if (fehlerInFolge === MAX_ABFRAGEFEHLER) {
        deps.log.error(
          { vorgangsnummer: vn, kassenzeichen: input.kassenzeichen, code: e?.code },
          'ePayBL: Kassenzeichen unreadable',
        );
        await appendEreignis(deps.db, {
          vorgangsnummer: vn,
          spur: 'technisch',
          status: 'zahlung-abfrage-gestoert',
          key: `${vn}:zahlung-abfrage-gestoert:${input.kassenzeichen}`,
          text: `ePayBL beantwortet die Abfrage des Kassenzeichens seit ${MAX_ABFRAGEFEHLER} Versuchen nicht (${e?.code ?? 'Fehler'}).`,
          details: { kassenzeichen: input.kassenzeichen, code: e?.code ?? null },
        });
      }
    }
    if (info) await stoerung.gelesen();
    ctx.heartbeat({ state: info?.state ?? 'unbekannt', ...weiter() });
    if (info && erwartetCent !== undefined && info.totalCent !== erwartetCent) {
      deps.log.error(
        { vorgangsnummer: vn, kassenzeichen: info.kassenzeichen, erwartetCent, totalCent: info.totalCent },
        'ePayBL: claim amount differs from the fee; not booked',
      );
      await appendEreignis(deps.db, {
        vorgangsnummer: vn,
        spur: 'technisch',
        status: 'zahlung-betrag-abweichend',
        key: `${vn}:zahlung-betrag-abweichend:${info.totalCent}`,
        text: `Die Forderung in ePayBL (${euro(info.totalCent)}) weicht von der Gebühr (${euro(erwartetCent)}) ab; nicht gebucht.`,
        details: { kassenzeichen: info.kassenzeichen, erwartetCent, totalCent: info.totalCent },
      });
      info = undefined;
    }
    if (info) zuletzt = { state: info.state, saldoCent: info.saldoCent, paidCent: info.paidCent };
    const stand = info && { state: info.state, saldoCent: info.saldoCent, paidCent: info.paidCent };
    if (info && stand && (ziel === 'erstattet' || ziel === 'ausgeglichen')) {
      // Refunds: the money must be back, not only the claim cancelled.
      if (ziel === 'erstattet' && info.state === 'storniert') return { ergebnis: 'erstattet', ...stand };
      if (ziel === 'ausgeglichen' && info.saldoCent >= 0) return { ergebnis: 'ausgeglichen', ...stand };
    } else if (info && stand) {
      if (info.storniert) {
        await markZahlungStorniert(deps.db, vn);
        // The refund of a paid fee: a cancelled claim is not yet the money back, which stays visible on it until
        // the Kasse has paid it out (external-systems.md); only then is the refund done.
        if (ziel !== 'storniert' || info.paidCent <= 0) return { ergebnis: 'storniert', ...stand };
      } else if (ziel === 'bezahlt' && (info.state === 'bezahlt' || info.state === 'ueberbezahlt')) {
        await zahlungGebucht(deps, vn, info);
        return { ergebnis: 'bezahlt', ...stand };
      }
      if (info.state === 'teilbezahlt') {
        await markZahlungTeilbezahlt(deps.db, vn, info.paidCent);
      }
    }
    const rest = bis - Date.now();
    if (rest <= 0) {
      return { ergebnis: 'frist', state: zuletzt?.state, saldoCent: zuletzt?.saldoCent, paidCent: zuletzt?.paidCent };
    }
    if (Date.now() >= fensterEnde) return { ergebnis: 'offen', stand: weiter() };
    await sleep(Math.min(input.abfrageMs, rest, Math.max(0, fensterEnde - Date.now()))); // rejects when the workflow cancels us (back-link: look now)
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
