/** Antrag statuses after which nothing is open any more. */
export const FINAL_ANTRAG_STATUSES = [
  'bescheid-zugestellt',
  'abgeschlossen',
  'abgebrochen',
  'nicht-zustellbar',
  'zurueckgezogen',
  'uebergeben',
] as const;
