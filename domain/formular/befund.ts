// A finding about a definition: where (JSON pointer into the definition), which rule, and what is wrong (German).
export interface Befund {
  /** JSON pointer, e.g. `/abschnitte/0/felder/2/bedingung`. */
  pfad: string;
  /** The rule that found it, e.g. `bedingung-zyklus`, `label`, `gebuehr-epaybl`. */
  regel: string;
  meldung: string;
}

/** A JSON pointer from a zod issue path (RFC 6901 escaping). */
export function zeiger(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
