// Money that must go back: a partial payment on an Antrag that ends unpaid, money received on a claim cancelled
// afterwards, an overpayment. ePayBL has no refund operation (external-systems.md): a person at the Kasse pays it
// back, from a task that names amount, Kassenzeichen, cause and whom it concerns; the workflow watches ePayBL's
// amounts until the money is back and then closes the task itself.
import type { ActivityDeps } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import {
  closeStornoAufgabe,
  erstattungAufgabeId,
  getZahlungForStorno,
  insertStornoAufgabe,
} from '../../db/stores/zahlung';
import { sendNotificationOnce } from '../mail';
import { euro } from './zahlung';

export type ErstattungsAnlass = 'teilzahlung' | 'storno-nach-zahlung' | 'ueberzahlung';

const GRUND: Record<ErstattungsAnlass, string> = {
  teilzahlung: 'Die Gebühr wurde bis zur Frist nur teilweise bezahlt; der Antrag wird nicht bearbeitet.',
  'storno-nach-zahlung': 'Die Forderung wurde storniert, nachdem bereits Geld eingegangen war.',
  ueberzahlung: 'Es ist mehr Geld eingegangen als die Gebühr.',
};

export async function erstattungAnfordern(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; anlass: ErstattungsAnlass; betragCent: number },
): Promise<void> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const row = await getZahlungForStorno(db, vn);
  const storno = input.anlass === 'teilzahlung' ? 'die Forderung in ePayBL stornieren und ' : '';
  await insertStornoAufgabe(db, {
    vorgangsnummer: vn,
    aufgabeId: erstattungAufgabeId(vn, input.anlass),
    mandantId: row.mandant_id,
    titel: `${euro(input.betragCent)} erstatten: Kassenzeichen ${row.kassenzeichen}`,
    beschreibung:
      `${GRUND[input.anlass]} Antrag ${vn}, Kassenzeichen ${row.kassenzeichen}: bitte ${storno}` +
      `${euro(input.betragCent)} an die Antragstellerin oder den Antragsteller zurückzahlen. Die Orchestrierung erkennt ` +
      `die Rückzahlung in ePayBL selbst und schließt diese Aufgabe.`,
  });
  await appendAudit(db, {
    actor: 'system',
    action: 'zahlung.erstattung-angefordert',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: row.mandant_id,
    details: { kassenzeichen: row.kassenzeichen, anlass: input.anlass, betragCent: input.betragCent },
    idempotencyKey: `${vn}:erstattung-angefordert:${input.anlass}`,
  });
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'erstattung-angefordert',
    key: `${vn}:erstattung-angefordert:${input.anlass}`,
    text: `${euro(input.betragCent)} werden erstattet.`,
    details: { kassenzeichen: row.kassenzeichen, anlass: input.anlass, betragCent: input.betragCent },
  });
  if (deps.awbEmail) {
    await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: `${vn}:erstattung-aufgabe:${input.anlass}`,
      to: deps.awbEmail,
      subject: `Erstattung nötig: ${vn}`,
      text:
        `${GRUND[input.anlass]}\n\nAntrag ${vn} (Mandant ${row.mandant_id}), Kassenzeichen ${row.kassenzeichen}: ` +
        `${euro(input.betragCent)} sind zu erstatten.\n`,
    });
  }
}

export async function erstattungErfasst(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; anlass: ErstattungsAnlass },
): Promise<void> {
  const vn = input.vorgangsnummer;
  await closeStornoAufgabe(deps.db, vn, erstattungAufgabeId(vn, input.anlass));
  await appendEreignis(deps.db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'erstattet',
    key: `${vn}:erstattet:${input.anlass}`,
    text: 'Das Geld wurde zurückgezahlt.',
  });
}
