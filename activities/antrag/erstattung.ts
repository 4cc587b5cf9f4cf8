// Money that must go back. ePayBL has no refund operation (external-systems.md): a person at the Kasse pays it back,
// from a task that names amount, Kassenzeichen, cause and whom it concerns; the workflow watches ePayBL's amounts
// and then closes the task itself. Two kinds: the storno of a paid Antrag that can never be delivered (or that the
// authority refused), and the pay-back of money an Antrag must not keep (a partial payment on an Antrag that ends
// unpaid, money on a claim cancelled afterwards, an overpayment, money arriving after the fee was booked).
import type { ActivityDeps } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import {
  closeStornoAufgabe,
  erstattungAufgabeId,
  getZahlungForStorno,
  insertStornoAufgabe,
  markStornoAngefordert,
} from '../../db/stores/zahlung';
import { sendNotificationOnce } from '../mail';
import { euro } from '../../domain/anzeige';

export type ErstattungsAnlass = 'teilzahlung' | 'storno-nach-zahlung' | 'ueberzahlung' | 'nachzahlung';

const GRUND: Record<ErstattungsAnlass, string> = {
  teilzahlung: 'Die Gebühr wurde bis zur Frist nur teilweise bezahlt; der Antrag wird nicht bearbeitet.',
  'storno-nach-zahlung': 'Die Forderung wurde storniert, nachdem bereits Geld eingegangen war.',
  ueberzahlung: 'Es ist mehr Geld eingegangen als die Gebühr.',
  nachzahlung:
    'Nachdem die Gebühr gebucht war, ist weiteres Geld eingegangen (etwa eine doppelte Zahlung oder eine verspätete Überweisung).',
};

/** One case of a cause: money after the booking may come more than once, each a task of its own. */
const fallVon = (anlass: ErstattungsAnlass, nummer?: number) => (nummer ? `${anlass}-${nummer}` : anlass);

type Zahlung = Awaited<ReturnType<typeof getZahlungForStorno>>;

/** One refund: the Mandant's task, the audit entry, the technical lane and one mail to the AWB, each once. */
interface Rueckzahlung {
  aufgabeId?: string;
  titel: string;
  beschreibung: string;
  audit: { action: string; details: Record<string, unknown>; key: string };
  ereignis: { key: string; text: string; details?: Record<string, unknown> };
  mail: { key: string; text: string };
}

async function rueckzahlungAnfordern(deps: ActivityDeps, vn: string, row: Zahlung, r: Rueckzahlung): Promise<void> {
  const { db } = deps;
  await insertStornoAufgabe(db, {
    vorgangsnummer: vn,
    ...(r.aufgabeId ? { aufgabeId: r.aufgabeId } : {}),
    mandantId: row.mandant_id,
    titel: r.titel,
    beschreibung: r.beschreibung,
  });
  if (!r.aufgabeId) await markStornoAngefordert(db, vn);
  await appendAudit(db, {
    actor: 'system',
    action: r.audit.action,
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: row.mandant_id,
    details: { kassenzeichen: row.kassenzeichen, ...r.audit.details },
    idempotencyKey: r.audit.key,
  });
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'erstattung-angefordert',
    key: r.ereignis.key,
    text: r.ereignis.text,
    ...(r.ereignis.details ? { details: r.ereignis.details } : {}),
  });
  if (deps.awbEmail) {
    await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: r.mail.key,
      to: deps.awbEmail,
      subject: `Erstattung nötig: ${vn}`,
      text: r.mail.text,
    });
  }
}

async function rueckzahlungErfasst(
  deps: ActivityDeps,
  vn: string,
  aufgabeId: string | undefined,
  key: string,
  text: string,
) {
  await closeStornoAufgabe(deps.db, vn, ...(aufgabeId ? [aufgabeId] : []));
  await appendEreignis(deps.db, { vorgangsnummer: vn, spur: 'technisch', status: 'erstattet', key, text });
}

/** A paid Antrag that is never delivered: the claim is cancelled and the fee paid back. */
export async function stornoAnfordern(deps: ActivityDeps, input: { vorgangsnummer: string; grund: string }) {
  const vn = input.vorgangsnummer;
  const row = await getZahlungForStorno(deps.db, vn);
  await rueckzahlungAnfordern(deps, vn, row, {
    titel: `Gebühr erstatten: Kassenzeichen ${row.kassenzeichen}`,
    beschreibung:
      `Der Antrag ${vn} kann nicht zugestellt werden (${input.grund}). Bitte die Forderung in ePayBL stornieren und ` +
      `${euro(row.bezahlt_cent)} erstatten. Die Orchestrierung erkennt Storno und Rückzahlung in ePayBL selbst und schließt diese Aufgabe.`,
    audit: { action: 'zahlung.storno-angefordert', details: { grund: input.grund }, key: `${vn}:storno-angefordert` },
    ereignis: { key: `${vn}:erstattung-angefordert`, text: 'Die Gebühr wird erstattet.' },
    mail: {
      key: `${vn}:storno-aufgabe`,
      text: `Für den nicht zustellbaren Antrag ${vn} (Mandant ${row.mandant_id}) muss die Gebühr (Kassenzeichen ${row.kassenzeichen}) erstattet werden.\n`,
    },
  });
}

export async function stornoErfasst(deps: ActivityDeps, input: { vorgangsnummer: string }): Promise<void> {
  const vn = input.vorgangsnummer;
  await rueckzahlungErfasst(deps, vn, undefined, `${vn}:erstattet`, 'Die Gebühr wurde storniert und wird erstattet.');
}

/** Money the Antrag must not keep goes back (after a storno of the claim, for a partial payment). */
export async function erstattungAnfordern(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; anlass: ErstattungsAnlass; betragCent: number; nummer?: number },
): Promise<void> {
  const vn = input.vorgangsnummer;
  const fall = fallVon(input.anlass, input.nummer);
  const row = await getZahlungForStorno(deps.db, vn);
  const storno = input.anlass === 'teilzahlung' ? 'die Forderung in ePayBL stornieren und ' : '';
  const details = { anlass: input.anlass, betragCent: input.betragCent };
  await rueckzahlungAnfordern(deps, vn, row, {
    aufgabeId: erstattungAufgabeId(vn, fall),
    titel: `${euro(input.betragCent)} erstatten: Kassenzeichen ${row.kassenzeichen}`,
    beschreibung:
      `${GRUND[input.anlass]} Antrag ${vn}, Kassenzeichen ${row.kassenzeichen}: bitte ${storno}` +
      `${euro(input.betragCent)} an die Antragstellerin oder den Antragsteller zurückzahlen. Die Orchestrierung erkennt ` +
      `die Rückzahlung in ePayBL selbst und schließt diese Aufgabe.`,
    audit: {
      action: 'zahlung.erstattung-angefordert',
      details,
      key: `${vn}:erstattung-angefordert:${fall}`,
    },
    ereignis: {
      key: `${vn}:erstattung-angefordert:${fall}`,
      text: `${euro(input.betragCent)} werden erstattet.`,
      details: { kassenzeichen: row.kassenzeichen, ...details },
    },
    mail: {
      key: `${vn}:erstattung-aufgabe:${fall}`,
      text:
        `${GRUND[input.anlass]}\n\nAntrag ${vn} (Mandant ${row.mandant_id}), Kassenzeichen ${row.kassenzeichen}: ` +
        `${euro(input.betragCent)} sind zu erstatten.\n`,
    },
  });
}

export async function erstattungErfasst(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; anlass: ErstattungsAnlass; nummer?: number },
): Promise<void> {
  const vn = input.vorgangsnummer;
  const fall = fallVon(input.anlass, input.nummer);
  const id = erstattungAufgabeId(vn, fall);
  await rueckzahlungErfasst(deps, vn, id, `${vn}:erstattet:${fall}`, 'Das Geld wurde zurückgezahlt.');
}
