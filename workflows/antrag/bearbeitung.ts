// The authority's side of an Antrag once it is delivered (Updates, refused by their validators with the texts of
// domain/antrag/bearbeitung.ts): processing reports, the citizen's answer to a Nachforderung, the Bescheid.
import { setHandler } from '@temporalio/workflow';
import type { AktivierungsKonfiguration } from '../../activities/antrag';
import { bearbeitungRefusal, bescheidRefusal, nachforderungAntwortRefusal } from '../../domain/antrag/bearbeitung';
import type { AntragPhase } from '../../domain/antrag/phases';
import { dauerMs } from '../../domain/dauer';
import {
  bearbeitungUpdate,
  bescheidUpdate,
  nachforderungAntwortUpdate,
  type AntragSicht,
  type Bearbeitungsmeldung,
} from '../../messages/antrag';
import { kurz } from './activities';

/** What the handlers share with the main line of the workflow. */
export interface AntragLauf {
  vn: string;
  sicht: AntragSicht;
  phase(p: AntragPhase): void;
  /** the activation's configuration, once loaded at receipt */
  konfiguration?: AktivierungsKonfiguration;
}

/** An Update's validator refuses with the check's text (the API answers 409 with it). */
function refuseIf(refusal: string | null): void {
  if (refusal !== null) throw new Error(refusal);
}

export function setBearbeitungHandlers(lauf: AntragLauf): void {
  const { vn, sicht, phase } = lauf;
  let bearbeitungNr = 0;
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
  setHandler(
    bescheidUpdate,
    async ({ dateiId, actor }) => {
      const widerspruchsfristMs = dauerMs(lauf.konfiguration?.fristen.widerspruch ?? '30d');
      const { zugestelltAm, widerspruchBis, perPost } = await kurz.bescheidZustellen({
        vorgangsnummer: vn,
        dateiId,
        widerspruchsfristMs,
        actor,
      });
      sicht.bescheid = { dateiId, zugestelltAm, widerspruchBis, ...(perPost ? { perPost } : {}) };
      sicht.bearbeitung.status = 'abgeschlossen';
      phase('abgeschlossen');
      return sicht;
    },
    {
      validator: (_bescheid: { dateiId: string; actor: string }) => refuseIf(bescheidRefusal(sicht)),
    },
  );
}
