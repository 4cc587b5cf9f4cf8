// One citizen's Antrag, from "eingegangen" to the Bescheid and the deletion of its personal data. Whatever is
// down in between (ePayBL, the Fachverfahren, mail, this worker), the workflow waits and carries on; every
// side effect is an idempotent activity, so nothing is paid, mailed or delivered twice.
// Date here is the SDK's deterministic workflow clock (replayed from history), not the machine's.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AktivierungsKonfiguration, ZahlungsErgebnis } from '../activities/antrag';
import { bearbeitungRefusal, bescheidRefusal, nachforderungAntwortRefusal } from '../domain/antrag/bearbeitung';
import { ANTRAG_ENDE_TEXTE } from '../domain/antrag/notices';
import type { AntragPhase } from '../domain/antrag/phases';
import { dauerMs } from '../domain/dauer';
import {
  antragQuery,
  bearbeitungUpdate,
  bescheidUpdate,
  nachforderungAntwortUpdate,
  wartungBeendetSignal,
  zahlungPruefenSignal,
  type AntragInput,
  type AntragSicht,
  type Bearbeitungsmeldung,
} from '../messages/antrag';
import { AntragStatusKey } from '../messages/search-attributes';

const kurz = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

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
  let bearbeitungNr = 0;
  const phase = (p: AntragPhase) => {
    sicht.phase = p;
    upsertSearchAttributes([{ key: AntragStatusKey, value: p }]);
  };

  setHandler(antragQuery, () => sicht);
  setHandler(zahlungPruefenSignal, () => void (zahlungPruefen = true));
  setHandler(wartungBeendetSignal, () => void (wartungBeendet = true));

  // The receipt time was fixed by the API when it stored the Antrag; the run's start is the fallback.
  sicht.eingegangenAm = input.eingegangenAm ?? workflowInfo().runStartTime.toISOString();

  setHandler(
    bearbeitungUpdate,
    async (meldung: Bearbeitungsmeldung) => {
      bearbeitungNr += 1;
      if (meldung.status === 'nachforderung')
        sicht.bearbeitung.nachforderung = { frist: meldung.frist!, beantwortet: false };
      sicht.bearbeitung.status = meldung.status;
      await kurz.bearbeitungsstand({
        vorgangsnummer: vn,
        nr: bearbeitungNr,
        status: meldung.status,
        actor: meldung.actor,
        text: meldung.text,
        frist: meldung.frist,
      });
      phase(meldung.status);
      return sicht;
    },
    {
      validator: (meldung: Bearbeitungsmeldung) => refuseIf(bearbeitungRefusal(sicht, meldung, Date.now())),
    },
  );
  setHandler(
    nachforderungAntwortUpdate,
    async ({ actor }) => {
      sicht.bearbeitung.nachforderung!.beantwortet = true;
      bearbeitungNr += 1;
      await kurz.bearbeitungsstand({
        vorgangsnummer: vn,
        nr: bearbeitungNr,
        status: 'nachforderung-beantwortet',
        actor,
      });
      sicht.bearbeitung.status = 'in-bearbeitung';
      phase('in-bearbeitung');
      return sicht;
    },
    {
      validator: (_antwort: { actor: string }) => refuseIf(nachforderungAntwortRefusal(sicht)),
    },
  );
  const geladen: { konfiguration?: AktivierungsKonfiguration } = {};
  setHandler(
    bescheidUpdate,
    async ({ dateiId, actor }) => {
      const widerspruchsfristMs = dauerMs(geladen.konfiguration?.fristen.widerspruch ?? '30d');
      const { zugestelltAm, widerspruchBis } = await kurz.bescheidZustellen({
        vorgangsnummer: vn,
        dateiId,
        widerspruchsfristMs,
        actor,
      });
      sicht.bescheid = { dateiId, zugestelltAm, widerspruchBis };
      sicht.bearbeitung.status = 'abgeschlossen';
      phase('abgeschlossen');
      return sicht;
    },
    {
      validator: (_bescheid: { dateiId: string; actor: string }) => refuseIf(bescheidRefusal(sicht)),
    },
  );

  const eingang = Date.parse(sicht.eingegangenAm!);
  const erg = await kurz.antragEingang({ vorgangsnummer: vn, eingegangenAm: sicht.eingegangenAm! });
  geladen.konfiguration = erg.konfiguration;
  const k = erg.konfiguration;
  sicht.phase = 'eingegangen';

  // Wartungsmodus "accept and hold": processed when the Mandant switches maintenance off.
  if (k.wartung.aktiv && k.wartung.art === 'hold' && !input.test) {
    phase('wartet-wartung');
    for (;;) {
      await condition(() => wartungBeendet, dauerMs(k.fristen.wartungPruefen));
      wartungBeendet = false;
      const wartung = await kurz.wartungsmodus({ aktivierungId: input.aktivierungId });
      if (!wartung.aktiv) break;
    }
  }

  let bezahlt = false;
  if (k.gebuehr) {
    const { kassenzeichen } = await kurz.zahlungAnlegen({ vorgangsnummer: vn, gebuehr: k.gebuehr });
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
      );
    let ergebnis = erinnerungAm < abbruchAm ? await abwarten(erinnerungAm, 'bezahlt') : undefined;
    if (!ergebnis || ergebnis.ergebnis === 'frist') {
      if (erinnerungAm < abbruchAm) {
        await kurz.zahlungErinnern({ vorgangsnummer: vn, abbruchAm: new Date(abbruchAm).toISOString() });
        sicht.zahlung.erinnert = true;
      }
      ergebnis = await abwarten(abbruchAm, 'bezahlt');
    }
    if (ergebnis.ergebnis !== 'bezahlt') {
      // Nobody pays for an Antrag that is never delivered: an unpaid Antrag is cancelled, not delivered.
      sicht.zahlung.status = 'nicht-bezahlt';
      await kurz.antragBeenden({
        vorgangsnummer: vn,
        grund: 'nicht-bezahlt',
        text: ANTRAG_ENDE_TEXTE[ergebnis.ergebnis === 'storniert' ? 'storniert' : 'nicht-bezahlt'],
      });
      phase('abgebrochen');
      await aufbewahrenUndLoeschen(vn, k, sicht);
      return sicht;
    }
    sicht.zahlung.status = 'bezahlt';
    bezahlt = true;
  }

  phase('zustellung');
  sicht.zustellung.status = 'laeuft';
  const zustellung = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    // An outage delays, never loses: no attempt limit (the default when maximumAttempts is unset), back-off up
    // to the configured interval.
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: input.zustellungMaxIntervall ?? '1 hour',
      nonRetryableErrorTypes: ['ZustellungAbgelehnt', 'KeineDaten'],
    },
  });
  try {
    const z = await zustellung.zustellen({ vorgangsnummer: vn, zustellung: k.zustellung });
    sicht.zustellung = { status: 'zugestellt', zugestelltAm: z.zugestelltAm };
    phase('zugestellt');
  } catch (err) {
    if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)) throw err;
    // Permanently refused: never delivered. Paid money goes back through a person; we watch for the storno.
    sicht.zustellung = { status: 'abgelehnt', fehler: err.cause.message };
    if (bezahlt && sicht.zahlung) {
      await kurz.stornoAnfordern({ vorgangsnummer: vn, grund: err.cause.message });
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
      );
      await kurz.stornoErfasst({ vorgangsnummer: vn });
      sicht.zahlung.status = 'erstattet';
    }
    await kurz.antragBeenden({ vorgangsnummer: vn, grund: 'abgelehnt', text: ANTRAG_ENDE_TEXTE['nicht-zustellbar'] });
    phase('nicht-zustellbar');
    await aufbewahrenUndLoeschen(vn, k, sicht);
    return sicht;
  }

  // The Transferverzeichnis is cleared N days after submission, whether or not the authority answers.
  const transferGeloescht = (async () => {
    await sleep(Math.max(0, eingang + dauerMs(k.fristen.transferLoeschen) - Date.now()));
    await kurz.transferLoeschen({ vorgangsnummer: vn, zustellung: k.zustellung });
  })();

  // Processing at the authority: driven by updates; the run waits for the end or gives up waiting eventually.
  await condition(() => sicht.bearbeitung.status === 'abgeschlossen', dauerMs(k.fristen.bescheidWartezeit));
  await transferGeloescht;
  await aufbewahrenUndLoeschen(vn, k, sicht);
  return sicht;
}

/** An Update's validator refuses with the check's text (the API answers 409 with it). */
function refuseIf(refusal: string | null): void {
  if (refusal !== null) throw new Error(refusal);
}

/** Keeps the data for the retention period, then deletes the personal data; waits for running handlers. */
async function aufbewahrenUndLoeschen(vn: string, k: AktivierungsKonfiguration, sicht: AntragSicht): Promise<void> {
  await sleep(dauerMs(k.fristen.aufbewahrung));
  await condition(allHandlersFinished);
  await kurz.personendatenLoeschen({ vorgangsnummer: vn });
  sicht.personendatenGeloescht = true;
}

/**
 * Waits for ePayBL to report the claim settled, up to `bis`. One long-polling activity is one Temporal action;
 * when the citizen returns from the pay page, the running poll is cancelled and a new one looks at once.
 */
async function zahlungAbwarten(
  vorgangsnummer: string,
  mandantNr: string,
  kassenzeichen: string,
  bis: number,
  abfrageMs: number,
  ziel: 'bezahlt' | 'storniert',
  takeWake: () => boolean,
  wakeRequested: () => boolean,
): Promise<ZahlungsErgebnis> {
  for (;;) {
    const restMs = Math.max(0, bis - Date.now());
    const acts = proxyActivities<Activities>({
      startToCloseTimeout: restMs + 10 * 60_000,
      // A dead worker is noticed after three missed polls (at least 10 s), and another one takes over.
      heartbeatTimeout: Math.max(3 * abfrageMs, 10_000),
      retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
    });
    takeWake();
    const scope = new CancellationScope();
    const outcome = await scope
      .run(async () => {
        const poll = acts.zahlungAbwarten({
          vorgangsnummer,
          mandantNr,
          kassenzeichen,
          bis: new Date(bis).toISOString(),
          abfrageMs,
          ziel,
        });
        poll.catch(() => undefined); // observed below or deliberately abandoned on a wake-up
        const woken = condition(wakeRequested).then(() => 'woken' as const);
        const first = await Promise.race([poll, woken]);
        if (first === 'woken') scope.cancel();
        return first;
      })
      .catch((err: unknown) => {
        if (isCancellation(err)) return 'woken' as const;
        throw err;
      });
    if (outcome !== 'woken') return outcome;
    if (workflowInfo().historyLength > 5000) return { ergebnis: 'frist' }; // a storm of back-links must not grow history without end
  }
}
