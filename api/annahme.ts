// Admission of submissions: past the global or the Mandant's limit per second the API answers 429 with
// Retry-After, before anything is stored. A retry of an Antrag already stored is never refused: its answer (200)
// is what the citizen is waiting for, and it takes nothing new.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { findSubmission } from '../db/stores/antrag';
import { nimmAn, type AnnahmeLimits } from '../db/stores/annahme';
import { HttpProblem } from './problem';

const TEXT = {
  global:
    'Gerade gehen mehr Anträge ein, als wir annehmen können. Ihr Antrag wurde nicht gespeichert. ' +
    'Bitte senden Sie ihn in einigen Sekunden erneut.',
  mandant:
    'Bei dieser Behörde gehen gerade mehr Anträge ein, als wir annehmen können. Ihr Antrag wurde nicht ' +
    'gespeichert. Bitte senden Sie ihn in einigen Sekunden erneut.',
};

/** Throws 429 when this second's limit is reached, unless `vorgangsnummer` is already stored (a retry). */
export async function pruefeAnnahme(
  db: Kysely<Database>,
  limits: AnnahmeLimits | undefined,
  mandantId: string,
  vorgangsnummer: string,
): Promise<void> {
  if (!limits) return;
  const annahme = await nimmAn(db, mandantId, limits);
  if (annahme.ok || (await findSubmission(db, vorgangsnummer))) return;
  // The counts are per second: the next one starts within a second.
  throw new HttpProblem(
    429,
    'Zu viele Anträge',
    TEXT[annahme.grenze],
    { grenze: annahme.grenze },
    { 'retry-after': '1' },
  );
}
