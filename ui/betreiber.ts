// Who runs this service and how to reach them: the one place the Impressum, the Datenschutzerklärung and the
// Erklärung zur Barrierefreiheit take their contact data from. Operations checks these before going live.
export const BETREIBER = {
  name: 'Staatsbetrieb Sächsische Informatik Dienste (SID)',
  strasse: 'Riesaer Straße 7',
  ort: '01129 Dresden',
  traeger: 'Staatsbetrieb des Freistaates Sachsen im Geschäftsbereich der Sächsischen Staatskanzlei',
  aufsicht: 'Sächsische Staatskanzlei, Archivstraße 1, 01097 Dresden',
  email: 'servicedesk@sid.sachsen.de',
  datenschutzEmail: 'datenschutz@sid.sachsen.de',
  barrierefreiheitEmail: 'barrierefreiheit@sid.sachsen.de',
  /** How long operations keeps the request logs (the Datenschutzerklärung promises it). */
  protokollTage: 30,
} as const;

/** The footer's links, on every page; the public pages (status, start, sign-in) must offer them (BITV 2.0 § 7). */
export const RECHTLICHES = [
  { href: '/barrierefreiheit', label: 'Erklärung zur Barrierefreiheit' },
  { href: '/impressum', label: 'Impressum' },
  { href: '/datenschutz', label: 'Datenschutz' },
] as const;
