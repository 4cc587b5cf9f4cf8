// What the citizen is told when an Antrag ends without being processed (shown on the status page and mailed).
export type AntragEnde = 'storniert' | 'nicht-bezahlt' | 'nicht-zustellbar' | 'von-behoerde-abgelehnt';

export const ANTRAG_ENDE_TEXTE: Readonly<Record<AntragEnde, string>> = {
  storniert: 'Die Gebührenforderung wurde storniert; der Antrag wird nicht bearbeitet.',
  'nicht-bezahlt': 'Die Gebühr wurde nicht fristgerecht bezahlt; der Antrag wird nicht bearbeitet.',
  'nicht-zustellbar':
    'Ihr Antrag konnte der zuständigen Stelle nicht zugestellt werden. Bitte wenden Sie sich an die Behörde.',
  'von-behoerde-abgelehnt':
    'Die zuständige Stelle hat Ihren Antrag nicht angenommen. Bitte wenden Sie sich an die Behörde; eine bezahlte ' +
    'Gebühr wird erstattet.',
};
