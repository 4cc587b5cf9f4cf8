// Who closes which person task. A task whose end the orchestration can see for itself (a refund: ePayBL shows the
// money back) is closed by the workflow, never by a click — a person's "done" there would hide money still owed.
// A task whose end no system sees (a letter put in the post) can only be closed by the person who did it.

/** The kinds a person closes; every other kind is closed by the system. */
export const PERSON_ERLEDIGT: ReadonlySet<string> = new Set(['post-versand']);

/** Why a person may not close a task of this kind (German, for the 409). */
export function systemErledigtGrund(art: string): string {
  if (art === 'storno' || art === 'erstattung')
    return 'Diese Erstattungsaufgabe schließt die Orchestrierung selbst, sobald ePayBL die Rückzahlung zeigt.';
  return `Aufgaben der Art „${art}“ schließt die Orchestrierung selbst.`;
}

export const personErledigbar = (art: string): boolean => PERSON_ERLEDIGT.has(art);
