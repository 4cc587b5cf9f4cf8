// Where an Antrag stands, in the workflow's words: its phase (also the search attribute AntragStatus) and the states
// of payment, delivery and processing that its query shows. The PostgreSQL projection keeps its own status column.
export const ANTRAG_PHASES = [
  'angenommen',
  'eingegangen',
  'wartet-wartung',
  'zahlung-offen',
  'zustellung',
  'zugestellt',
  'in-bearbeitung',
  'nachforderung',
  'abgeschlossen',
  'abgebrochen',
  'nicht-zustellbar',
] as const;
export type AntragPhase = (typeof ANTRAG_PHASES)[number];

export type ZahlungStatus = 'offen' | 'bezahlt' | 'nicht-bezahlt' | 'erstattung-angefordert' | 'erstattet';
export type ZustellungStatus = 'ausstehend' | 'laeuft' | 'zugestellt' | 'abgelehnt';
/** What the authority reports about its processing. */
export type BearbeitungStatus = 'in-bearbeitung' | 'nachforderung' | 'abgeschlossen';
