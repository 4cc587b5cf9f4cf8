// Amounts and moments as German readers see them, in mails and on pages alike. Each Intl formatter is built once:
// a construction costs about half a millisecond, more than the mail around it (the worker's CPU profile).
const euroFormat = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
const datumZeitBerlin = new Intl.DateTimeFormat('de-DE', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/Berlin',
});

/** 3050 → "30,50 €" */
export function euro(cents: number): string {
  return euroFormat.format(cents / 100);
}

/** Date and time of day in Saxony: "03.11.2026, 10:15". */
export function datumZeit(moment: Date): string {
  return datumZeitBerlin.format(moment);
}
