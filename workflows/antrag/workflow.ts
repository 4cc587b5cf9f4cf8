// One citizen's Antrag, from "eingegangen" to the Bescheid and the deletion of its personal data. Whatever is
// down in between (ePayBL, the Fachverfahren, mail, this worker), the workflow waits and carries on; every
// side effect is an idempotent activity, so nothing is paid, mailed or delivered twice.
// Date here is the SDK's deterministic workflow clock (replayed from history), not the machine's.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { AktivierungsKonfiguration } from '../../activities/antrag';
import { ANTRAG_ENDE_TEXTE } from '../../domain/antrag/notices';
import type { AntragPhase } from '../../domain/antrag/phases';
import { dauerMs } from '../../domain/dauer';
import {
  antragQuery,
  wartungBeendetSignal,
  zahlungPruefenSignal,
  type AntragInput,
  type AntragSicht,
} from '../../messages/antrag';
import { AntragStatusKey } from '../../messages/search-attributes';
import { kurz } from './activities';
import { setBearbeitungHandlers, type AntragLauf } from './bearbeitung';
import { transferAbholungBeobachten } from './abholung';
import { erstatten, erstattungNoetig, type Erstattung } from './erstattung';
import { fitconnectAusgangBeobachten } from './fitconnect';
import { fristenNachZustellungBeobachten } from './fristen';
import { nachzahlungBeobachten, type NachzahlungsBeobachtung } from './nachzahlung';
import { stoerungsfest } from './stoerung';
import { zahlungAbwarten } from './zahlung';

export async function antragWorkflow(input: AntragInput): Promise<AntragSicht> {
  const vn = input.vorgangsnummer;
  const sicht: AntragSicht = {
    vorgangsnummer: vn,
    phase: 'angenommen',
    test: input.test,
    zustellung: { status: 'ausstehend' },
    bearbeitung: {},
    personendatenGeloescht: false,
  };
  let zahlungPruefen = false;
  let wartungBeendet = false;
  const phase = (p: AntragPhase) => {
    sicht.phase = p;
    upsertSearchAttributes([{ key: AntragStatusKey, value: p }]);
  };

  setHandler(antragQuery, () => sicht);
  setHandler(zahlungPruefenSignal, () => void (zahlungPruefen = true));
  setHandler(wartungBeendetSignal, () => void (wartungBeendet = true));

  // The receipt time was fixed by the API when it stored the Antrag; the run's start is the fallback.
  sicht.eingegangenAm = input.eingegangenAm ?? workflowInfo().runStartTime.toISOString();

  const lauf: AntragLauf = { vn, sicht, phase };
  setBearbeitungHandlers(lauf);
  // Receipt, the Wartungsmodus check and the Kassenzeichen wait on a Störung instead of retrying for ever.
  const schritt = stoerungsfest(vn, sicht, input.stoerungNach);

  const eingang = Date.parse(sicht.eingegangenAm!);
  const erg = await schritt('eingang', (a) =>
    a.antragEingang({ vorgangsnummer: vn, eingegangenAm: sicht.eingegangenAm! }),
  );
  lauf.konfiguration = erg.konfiguration;
  const k = erg.konfiguration;
  sicht.phase = 'eingegangen';

  // Wartungsmodus "accept and hold": processed when the Mandant switches maintenance off.
  if (k.wartung.aktiv && k.wartung.art === 'hold' && !input.test) {
    phase('wartet-wartung');
    for (;;) {
      await condition(() => wartungBeendet, dauerMs(k.fristen.wartungPruefen));
      wartungBeendet = false;
      const wartung = await schritt('wartung', (a) => a.wartungsmodus({ aktivierungId: input.aktivierungId }));
      if (!wartung.aktiv) break;
    }
  }

  let bezahlt = false;
  let ueberzahlung: Promise<boolean> | undefined; // an overpayment's refund runs beside delivery and processing
  let nachzahlung: NachzahlungsBeobachtung | undefined; // money after the booking, looked for until the retention ends
  if (k.gebuehr) {
    const { kassenzeichen } = await schritt('zahlung', (a) =>
      a.zahlungAnlegen({ vorgangsnummer: vn, gebuehr: k.gebuehr! }),
    );
    sicht.zahlung = { kassenzeichen, status: 'offen', erinnert: false };
    phase('zahlung-offen');
    const erinnerungAm = eingang + dauerMs(k.fristen.zahlungErinnerung);
    const abbruchAm = eingang + dauerMs(k.fristen.zahlungAbbruch);
    const abwarten = (bis: number, ziel: 'bezahlt' | 'storniert') =>
      zahlungAbwarten(
        vn,
        k.gebuehr!.mandantNr,
        kassenzeichen,
        bis,
        dauerMs(k.fristen.zahlungAbfrage),
        ziel,
        () => {
          const jetzt = zahlungPruefen;
          zahlungPruefen = false;
          return jetzt;
        },
        () => zahlungPruefen,
        input.stoerungNach,
        input.warteFenster,
      );
    let ergebnis = erinnerungAm < abbruchAm ? await abwarten(erinnerungAm, 'bezahlt') : undefined;
    if (!ergebnis || ergebnis.ergebnis === 'frist') {
      if (erinnerungAm < abbruchAm) {
        await kurz.zahlungErinnern({ vorgangsnummer: vn, abbruchAm: new Date(abbruchAm).toISOString() });
        sicht.zahlung.erinnert = true;
      }
      ergebnis = await abwarten(abbruchAm, 'bezahlt');
    }
    const erstattung = (anlass: Erstattung['anlass'], betragCent: number): Erstattung => ({
      vorgangsnummer: vn,
      mandantNr: k.gebuehr!.mandantNr,
      kassenzeichen,
      anlass,
      betragCent,
      bis: Date.now() + dauerMs(k.fristen.aufbewahrung),
      abfrageMs: dauerMs(k.fristen.zahlungAbfrage),
      ...(input.stoerungNach ? { stoerungNach: input.stoerungNach } : {}),
      ...(input.warteFenster ? { warteFenster: input.warteFenster } : {}),
    });
    if (ergebnis.ergebnis !== 'bezahlt') {
      // Nobody pays for an Antrag that is never delivered: an unpaid Antrag is cancelled, not delivered.
      sicht.zahlung.status = 'nicht-bezahlt';
      await kurz.antragBeenden({
        vorgangsnummer: vn,
        grund: 'nicht-bezahlt',
        text: ANTRAG_ENDE_TEXTE[ergebnis.ergebnis === 'storniert' ? 'storniert' : 'nicht-bezahlt'],
      });
      phase('abgebrochen');
      // What came in anyway (a partial payment, money on a claim cancelled afterwards) goes back, through a person.
      if (erstattungNoetig(ergebnis.paidCent)) {
        const anlass = ergebnis.ergebnis === 'storniert' ? 'storno-nach-zahlung' : 'teilzahlung';
        await erstatten(erstattung(anlass, ergebnis.paidCent), sicht);
      }
      await aufbewahrenUndLoeschen(vn, k, sicht);
      return sicht;
    }
    if (ergebnis.state === 'ueberbezahlt' && erstattungNoetig(-(ergebnis.saldoCent ?? 0))) {
      ueberzahlung = erstatten(erstattung('ueberzahlung', -ergebnis.saldoCent!), sicht);
    }
    sicht.zahlung.status = 'bezahlt';
    bezahlt = true;
    nachzahlung = nachzahlungBeobachten({
      vorgangsnummer: vn,
      mandantNr: k.gebuehr.mandantNr,
      kassenzeichen,
      k,
      sicht,
      erstattung: (betragCent, nummer) => ({ ...erstattung('nachzahlung', betragCent), nummer }),
      ...(ueberzahlung ? { offen: { betragCent: -ergebnis.saldoCent!, zurueck: ueberzahlung } } : {}),
    });
  }

  phase('zustellung');
  sicht.zustellung.status = 'laeuft';
  const zustellung = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    // The activity beats while it runs (activities/heartbeat.ts): a delivery in flight on a killed worker is
    // retried elsewhere after 10 s instead of at the end of the 5 minutes. Idempotent: a retry finds it delivered.
    heartbeatTimeout: '10 seconds',
    // An outage delays, never loses: no attempt limit (the default when maximumAttempts is unset), back-off up
    // to the configured interval.
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: input.zustellungMaxIntervall ?? '1 hour',
      nonRetryableErrorTypes: ['ZustellungAbgelehnt', 'KeineDaten'],
    },
  });
  /** Never delivered, or refused by the authority: paid money goes back through a person; we watch for the storno. */
  // `zuerstMelden`: the citizen hears at once (a rejection); an undeliverable Antrag keeps its recorded order.
  const nichtZustellbar = async (grund: string, text: string, zuerstMelden = false): Promise<AntragSicht> => {
    sicht.zustellung = { status: 'abgelehnt', fehler: grund };
    const melden = async () => {
      await kurz.antragBeenden({ vorgangsnummer: vn, grund: 'abgelehnt', text });
      phase('nicht-zustellbar');
    };
    if (zuerstMelden) await melden();
    // The storno gives back all the money on the claim: no more looks for money beyond the fee.
    if (nachzahlung) await nachzahlung.beenden(false);
    if (bezahlt && sicht.zahlung) {
      await kurz.stornoAnfordern({ vorgangsnummer: vn, grund });
      sicht.zahlung.status = 'erstattung-angefordert';
      const fern = Date.now() + dauerMs(k.fristen.aufbewahrung);
      await zahlungAbwarten(
        vn,
        k.gebuehr!.mandantNr,
        sicht.zahlung.kassenzeichen,
        fern,
        dauerMs(k.fristen.zahlungAbfrage),
        'storniert',
        () => false,
        () => false,
        input.stoerungNach,
        input.warteFenster,
      );
      await kurz.stornoErfasst({ vorgangsnummer: vn });
      sicht.zahlung.status = 'erstattet';
    }
    if (!zuerstMelden) await melden();
    await ueberzahlung;
    if (nachzahlung) await nachzahlung.erstattungen();
    await aufbewahrenUndLoeschen(vn, k, sicht);
    return sicht;
  };
  try {
    const z = await zustellung.zustellen({ vorgangsnummer: vn, zustellung: k.zustellung });
    sicht.zustellung = { status: 'zugestellt', zugestelltAm: z.zugestelltAm };
    phase('zugestellt');
  } catch (err) {
    if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)) throw err;
    return nichtZustellbar(err.cause.message, ANTRAG_ENDE_TEXTE['nicht-zustellbar']);
  }

  // FIT-Connect: the authority accepts or rejects (or the service rejects after 14 days unpicked), read from the
  // signed event log with back-off while the processing below goes on.
  const ausgang =
    k.zustellung.modus === 'fitconnect' ? fitconnectAusgangBeobachten(vn, k, sicht, input.warteFenster) : undefined;

  // The Transferverzeichnis is cleared N days after submission, whether or not the authority answers; until then
  // the pickup is watched (abholung.ts), and the deletion says whether it removed data nobody fetched.
  const loeschAm = eingang + dauerMs(k.fristen.transferLoeschen);
  const zugestelltAm = Date.parse(sicht.zustellung.zugestelltAm ?? '') || Date.now();
  const abholung = transferAbholungBeobachten(vn, k, sicht, zugestelltAm, loeschAm);
  const transferGeloescht = (async () => {
    await sleep(Math.max(0, loeschAm - Date.now()));
    const geloescht = await kurz.transferLoeschen({ vorgangsnummer: vn, zustellung: k.zustellung });
    if (geloescht.ungeholt) sicht.zustellung.ungeholtGeloescht = true;
    if (geloescht.abgeholtAm) sicht.zustellung.abgeholtAm ??= geloescht.abgeholtAm;
  })();
  // Reminders before a Nachforderung's deadline, the notice when it passed, the authority's reminder (fristen.ts).
  const fristen = fristenNachZustellungBeobachten(lauf, k, zugestelltAm);

  // Processing at the authority: driven by updates; the run waits for the end or gives up waiting eventually.
  await condition(
    () => sicht.bearbeitung.status === 'abgeschlossen' || ausgang?.abgelehnt() !== undefined,
    dauerMs(k.fristen.bescheidWartezeit),
  );
  await fristen?.beenden();
  const abgelehnt = ausgang?.abgelehnt();
  if (abgelehnt !== undefined) return nichtZustellbar(abgelehnt, ANTRAG_ENDE_TEXTE['von-behoerde-abgelehnt'], true);
  await ausgang?.beenden();
  await abholung;
  await transferGeloescht;
  await ueberzahlung;
  await aufbewahrenUndLoeschen(vn, k, sicht, nachzahlung);
  return sicht;
}

/**
 * Keeps the data for the retention period, then deletes the personal data; waits for running handlers. A booked
 * fee's Kassenzeichen is looked at once more first; a refund that look opens is watched after the deletion (the
 * Kasse pays back from ePayBL's records, not from ours).
 */
async function aufbewahrenUndLoeschen(
  vn: string,
  k: AktivierungsKonfiguration,
  sicht: AntragSicht,
  nachzahlung?: NachzahlungsBeobachtung,
): Promise<void> {
  await sleep(dauerMs(k.fristen.aufbewahrung));
  if (nachzahlung) await nachzahlung.beenden(true);
  await condition(allHandlersFinished);
  await kurz.personendatenLoeschen({ vorgangsnummer: vn });
  sicht.personendatenGeloescht = true;
  if (nachzahlung) await nachzahlung.erstattungen();
}
