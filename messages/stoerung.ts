// Messages around Störungen: the Antrag's "try again" signal, and the bulk action that sends it to every Antrag stuck
// on one cause (a workflow of its own, so thousands of Anträge never hang on one HTTP request).
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** The cause is fixed (or someone wants another try): run the failed step again. */
export const stoerungWiederholenSignal = defineSignal('stoerungWiederholen');

export const stoerungAktionWorkflowId = (ursacheId: string, requestId: string) =>
  `stoerung-aktion-${ursacheId}-${requestId}`;

export interface StoerungAktionInput {
  ursacheId: string;
  /** Only this Mandant's Anträge (a Mandant-Admin's bulk retry); absent: all of the cause's. */
  mandantId?: string;
  actor: string;
  /** Signals per activity; the progress query moves on after each batch. */
  batchGroesse?: number;
}

export interface StoerungAktionFortschritt {
  ursacheId: string;
  mandantId: string | null;
  actor: string;
  /** Anträge stuck on the cause when the action started */
  gesamt: number;
  signalisiert: number;
  /** Anträge whose workflow had ended meanwhile */
  nichtGefunden: number;
  fertig: boolean;
}

export const stoerungAktionQuery = defineQuery<StoerungAktionFortschritt>('stoerungAktion');
