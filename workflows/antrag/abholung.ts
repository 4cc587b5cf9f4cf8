// Watching a Vorgang in the Transferverzeichnis until the authority fetches it: a timer, then one idempotent look
// (an activity), again and again until the pickup or the deletion. Not fetched after `frist.transferErinnerung`:
// the Mandant is reminded once; `frist.transferWarnung` before the deletion the Mandant and the AWB are warned. The
// deletion itself (workflow.ts, at `frist.transferLoeschen`) tells fetched from unfetched data. Histories recorded
// before this existed took none of these steps: the patch keeps them replaying.
import { patched, sleep } from '@temporalio/workflow';
import type { AktivierungsKonfiguration } from '../../activities/antrag';
import { dauerMs } from '../../domain/dauer';
import type { AntragSicht } from '../../messages/antrag';
import { kurz } from './activities';

export const TRANSFER_ABHOLUNG_PATCH = 'transfer-abholung';

/** Runs beside the processing until the pickup or the deletion; undefined for FIT-Connect and old histories. */
export function transferAbholungBeobachten(
  vn: string,
  k: AktivierungsKonfiguration,
  sicht: AntragSicht,
  zugestelltAm: number,
  loeschAm: number,
): Promise<void> | undefined {
  if (k.zustellung.modus === 'fitconnect' || !patched(TRANSFER_ABHOLUNG_PATCH)) return undefined;
  const f = k.fristen;
  const abfrageMs = Math.max(1, dauerMs(f.transferAbfrage ?? '1h'));
  const warnungAm = loeschAm - dauerMs(f.transferWarnung ?? '14d');
  const erinnerungAm = zugestelltAm + dauerMs(f.transferErinnerung ?? '7d');
  const zustellung = k.zustellung;
  const loeschAmIso = new Date(loeschAm).toISOString();
  const z = sicht.zustellung;
  // A reminder after the warning says nothing the warning does not.
  const erinnerungOffen = () => !z.erinnert && !z.gewarnt && erinnerungAm < warnungAm;
  return (async () => {
    while (Date.now() < loeschAm) {
      const { abgeholtAm } = await kurz.transferAbholungPruefen({ vorgangsnummer: vn, zustellung });
      if (abgeholtAm) {
        z.abgeholtAm = abgeholtAm;
        return;
      }
      const jetzt = Date.now();
      if (!z.gewarnt && jetzt >= warnungAm) {
        await kurz.transferLoeschWarnung({ vorgangsnummer: vn, zustellung, loeschAm: loeschAmIso });
        z.gewarnt = true;
      } else if (erinnerungOffen() && jetzt >= erinnerungAm) {
        await kurz.transferErinnern({ vorgangsnummer: vn, zustellung, loeschAm: loeschAmIso });
        z.erinnert = true;
      }
      const faellig = [jetzt + abfrageMs];
      if (erinnerungOffen()) faellig.push(erinnerungAm);
      if (!z.gewarnt) faellig.push(warnungAm);
      const naechste = Math.min(...faellig);
      // From here the deletion looks itself: it records a late pickup or the loss of unfetched data.
      if (naechste >= loeschAm) return;
      await sleep(Math.max(1, naechste - Date.now()));
    }
  })();
}
