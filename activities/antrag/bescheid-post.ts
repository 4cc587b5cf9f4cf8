// A Bescheid that cannot go out electronically goes by post, through a person: a task "per Post versenden" for the
// Sachbearbeitung with the citizen's address, opened the way refunds open theirs (db/stores/aufgabe.ts, once per
// id). Two causes: the authority says so (a förmliche Zustellung, which no mail can replace), or the mail system
// refuses the citizen's address for good (SMTP 5xx) — a temporary refusal (4xx, no connection) is retried instead.
import type { ActivityDeps } from '../deps';
import type { Antrag } from '../../db/stores/antrag';
import { appendAudit } from '../../db/stores/audit';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import { insertAufgabe } from '../../db/stores/aufgabe';
import { anschriftText, postanschrift } from '../../domain/antrag/fristen';

export type BescheidVersand = 'elektronisch' | 'post';

/** The mail server refused the recipient or the message for good: no electronic way to this address. */
export function dauerhaftAbgelehnt(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | undefined)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export const postAufgabeId = (vn: string, dateiId: string) => `${vn}:post:${dateiId.split(':').pop()}`;

export async function bescheidPerPost(
  deps: ActivityDeps,
  antrag: Pick<Antrag, 'vorgangsnummer' | 'mandant_id' | 'form_data' | 'antragsteller'>,
  input: { dateiId: string; grund: string },
): Promise<void> {
  const vn = antrag.vorgangsnummer;
  const anschrift = antrag.antragsteller ? postanschrift(antrag.antragsteller.name, antrag.form_data) : undefined;
  await insertAufgabe(deps.db, {
    id: postAufgabeId(vn, input.dateiId),
    art: 'post-versand',
    rolle: 'sachbearbeitung',
    mandantId: antrag.mandant_id,
    betreffTyp: 'antrag',
    betreffId: vn,
    titel: `Bescheid per Post versenden: Antrag ${vn}`,
    beschreibung:
      `Der Bescheid zum Antrag ${vn} kann nicht elektronisch zugestellt werden (${input.grund}). Bitte ausdrucken ` +
      `und per Post senden an:\n\n` +
      (anschrift
        ? anschriftText(anschrift)
        : 'Der Antrag nennt keine Anschrift: bitte bei der Antragstellerin oder dem Antragsteller erfragen.'),
  });
  await appendEreignis(deps.db, {
    vorgangsnummer: vn,
    spur: 'bearbeitung',
    status: 'bescheid-per-post',
    key: `${vn}:bescheid-per-post:${input.dateiId}`,
    text: 'Ihr Bescheid wird Ihnen per Post zugesandt.',
    details: { dateiId: input.dateiId },
  });
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'antrag.bescheid-per-post',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: { dateiId: input.dateiId, grund: input.grund, anschriftBekannt: anschrift !== undefined },
    idempotencyKey: `${vn}:bescheid-per-post:${input.dateiId}`,
  });
}
