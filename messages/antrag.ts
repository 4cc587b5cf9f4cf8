// Messages of the Antrag workflow, shared by the workflow and its callers (API, tests).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AntragPhase, BearbeitungStatus, ZahlungStatus, ZustellungStatus } from '../domain/antrag/phases';

export interface AntragInput {
  vorgangsnummer: string;
  aktivierungId: string;
  onlinedienstId: string;
  mandantId: string;
  test: boolean;
  /** Receipt time, fixed by the API in the same transaction that stored the Antrag. */
  eingegangenAm?: string;
  /** Upper bound of the back-off between delivery attempts (e.g. "1h"); attempts themselves are unlimited. */
  zustellungMaxIntervall?: string;
  /** How long a temporary failure may last before it becomes a Störung (e.g. "4h"). */
  stoerungNach?: string;
  /**
   * How long one look of a long wait (the payment poll) polls before the workflow sleeps on a timer between looks
   * instead (e.g. "10m"); absent: ten minutes.
   */
  warteFenster?: string;
}

export type { AntragPhase } from '../domain/antrag/phases';

/** What a query shows about one Antrag: identifiers and states, never personal data. */
export interface AntragSicht {
  vorgangsnummer: string;
  phase: AntragPhase;
  test: boolean;
  eingegangenAm?: string;
  zahlung?: {
    kassenzeichen: string;
    status: ZahlungStatus;
    erinnert: boolean;
    /** Money to pay back (partial payment, storno after payment, overpayment) and whether it is back. */
    erstattung?: { anlass: string; betragCent: number; erstattet: boolean };
    /**
     * The booked Kassenzeichen is looked at again for money beyond the fee (`beobachtet` until the retention ends):
     * how many looks so far, how many refunds they opened.
     */
    nachzahlung?: { beobachtet: boolean; geprueft: number; erstattungen: number };
  };
  /**
   * `angenommen`: the authority accepted it (FIT-Connect). Transferverzeichnis: `abgeholtAm` once the authority took
   * it; `erinnert`/`gewarnt` when the Mandant was reminded / warned of the deletion; `ungeholtGeloescht` when the
   * deletion removed data nobody fetched.
   */
  zustellung: {
    status: ZustellungStatus;
    zugestelltAm?: string;
    fehler?: string;
    angenommen?: boolean;
    abgeholtAm?: string;
    erinnert?: boolean;
    gewarnt?: boolean;
    ungeholtGeloescht?: boolean;
  };
  bearbeitung: {
    status?: BearbeitungStatus;
    /** `erinnert`: the citizen was reminded; `abgelaufen`: the deadline passed unanswered and the authority was told. */
    nachforderung?: { frist: string; beantwortet: boolean; erinnert?: boolean; abgelaufen?: boolean };
    /** the authority was reminded that it has not answered */
    behoerdeErinnert?: boolean;
  };
  /** `perPost`: it could not go out electronically; a person sends it (task "per Post versenden"). */
  bescheid?: { dateiId: string; zugestelltAm: string; widerspruchBis: string; perPost?: boolean };
  personendatenGeloescht: boolean;
  /** The Störung a step waits on (what failed, since when); absent while none. */
  stoerung?: { schritt: string; art: string; typ: string; seit: string };
}

export interface Bearbeitungsmeldung {
  status: BearbeitungStatus;
  actor: string;
  /** The authority's request (Nachforderung): shown to the citizen in the mail, not kept in history longer than the run. */
  text?: string;
  /** ISO instant: deadline of a Nachforderung. */
  frist?: string;
}

export const bearbeitungUpdate = defineUpdate<AntragSicht, [Bearbeitungsmeldung]>('bearbeitung');
export const nachforderungAntwortUpdate = defineUpdate<AntragSicht, [{ actor: string }]>('nachforderungAntwort');
export const bescheidUpdate = defineUpdate<AntragSicht, [{ dateiId: string; actor: string }]>('bescheid');
/** The citizen came back from the pay page: look at ePayBL now (the back-link itself proves nothing). */
export const zahlungPruefenSignal = defineSignal('zahlungPruefen');
/** FIT-Connect called back: the case's event log has news, read it now instead of at the next poll. */
export const fitconnectNeuigkeitenSignal = defineSignal('fitconnectNeuigkeiten');
/** The Mandant switched Wartungsmodus off: held Anträge go on. */
export const wartungBeendetSignal = defineSignal('wartungBeendet');
export const antragQuery = defineQuery<AntragSicht>('antrag');
