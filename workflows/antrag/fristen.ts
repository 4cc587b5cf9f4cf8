// The deadlines after delivery, watched beside the processing: the authority's first answer is due within
// `frist.behoerdeAntwort` (Saxon working days) or it is reminded; an open Nachforderung reminds the citizen
// `frist.nachforderungErinnerung` before its deadline, and tells the authority when the deadline passed unanswered.
// The loop sleeps until the next deadline or until the processing changes (an Update arrived). Histories recorded
// before this existed took none of these steps: the patch keeps them replaying.
import { condition, patched } from '@temporalio/workflow';
import type { AktivierungsKonfiguration } from '../../activities/antrag';
import { dauerMs } from '../../domain/dauer';
import { behoerdeAntwortBis, nachforderungErinnerungAm } from '../../domain/antrag/fristen';
import { kurz } from './activities';
import type { AntragLauf } from './bearbeitung';

export const FRISTEN_NACH_ZUSTELLUNG_PATCH = 'fristen-nach-zustellung';

export interface FristenNachZustellung {
  /** The processing is over: stop watching and wait for the step in progress. */
  beenden(): Promise<void>;
}

export function fristenNachZustellungBeobachten(
  lauf: AntragLauf,
  k: AktivierungsKonfiguration,
  zugestelltAm: number,
): FristenNachZustellung | undefined {
  if (!patched(FRISTEN_NACH_ZUSTELLUNG_PATCH)) return undefined;
  const { vn, sicht } = lauf;
  const antwortBis = behoerdeAntwortBis(zugestelltAm, k.fristen.behoerdeAntwort ?? '10at');
  const vorlaufMs = dauerMs(k.fristen.nachforderungErinnerung ?? '3d');
  let ende = false;
  /** The open Nachforderung as first seen here, and when: a reminder never comes before the request itself. */
  let gesehen: { n: object; am: number } | undefined;
  const stand = () => {
    const b = sicht.bearbeitung;
    return [b.status, b.nachforderung, b.nachforderung?.beantwortet, sicht.bescheid] as const;
  };

  const schleife = (async () => {
    while (!ende) {
      const vorher = stand();
      const jetzt = Date.now();
      const b = sicht.bearbeitung;
      if (b.status === 'abgeschlossen' || sicht.bescheid) return;
      const faellig: number[] = [];

      if (!b.status && !b.behoerdeErinnert) {
        if (jetzt >= antwortBis) {
          await kurz.behoerdeErinnern({ vorgangsnummer: vn, faelligAm: new Date(antwortBis).toISOString() });
          b.behoerdeErinnert = true;
        } else faellig.push(antwortBis);
      }

      const n = b.nachforderung && !b.nachforderung.beantwortet ? b.nachforderung : undefined;
      if (n && gesehen?.n !== n) gesehen = { n, am: jetzt };
      if (n && !n.abgelaufen) {
        const fristAm = Date.parse(n.frist);
        const erinnerungAm = nachforderungErinnerungAm(gesehen!.am, n.frist, vorlaufMs);
        if (jetzt >= fristAm) {
          await kurz.nachforderungFristAbgelaufen({ vorgangsnummer: vn, frist: n.frist });
          n.abgelaufen = true;
        } else {
          if (!n.erinnert && erinnerungAm !== undefined) {
            if (jetzt >= erinnerungAm) {
              await kurz.nachforderungErinnern({ vorgangsnummer: vn, frist: n.frist });
              n.erinnert = true;
            } else faellig.push(erinnerungAm);
          }
          faellig.push(fristAm);
        }
      }

      const geaendert = () => ende || stand().some((v, i) => v !== vorher[i]);
      if (faellig.length === 0) await condition(geaendert);
      else await condition(geaendert, Math.max(1, Math.min(...faellig) - Date.now()));
    }
  })();

  return {
    async beenden() {
      ende = true;
      await schleife;
    },
  };
}
