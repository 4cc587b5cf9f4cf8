// Money arriving after the fee is booked (a citizen paying twice, a late bank transfer) goes back: the workflow looks
// at the booked Kassenzeichen again at a few points until the retention ends, and money beyond the fee opens a refund
// task with amount and Kassenzeichen, closed by itself once ePayBL shows the money back. Real worker, ePayBL
// simulator over SOAP; the money check after this file holds every Antrag to "kept = the fee".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { mailsTo, waitForMailTo } from './harness/wait';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

async function bezahltUndZugestellt(params: Record<string, string>, betragCent = 3050, gezahltCent = betragCent) {
  const akt = await h.aktivierung({ ...h.gebuehr(betragCent), 'zustellung.modus': 'transfer-plain', ...params });
  const res = await h.submit({
    aktivierungId: akt,
    daten: anwohnerparken(),
    antragsteller: antragsteller(`${uniqueId('nach')}@example.org`),
  });
  expect(res.status).toBe(201);
  const vn = res.body.vorgangsnummer as string;
  const kz = await h.waitFor('Kassenzeichen', async () => {
    const z = await h.db
      .selectFrom('zahlung')
      .select('kassenzeichen')
      .where('vorgangsnummer', '=', vn)
      .executeTakeFirst();
    return z?.kassenzeichen;
  });
  h.epaybl.zahlung(kz, gezahltCent, 'GIROPAY');
  await h.zugestellt(vn);
  return { vn, kz };
}

/** Amounts are formatted with a no-break space before the euro sign. */
const leer = (text: string) => text.replace(/\u00a0/g, ' ');
const aufgabe = (id: string) => h.db.selectFrom('aufgabe').selectAll().where('id', '=', id).executeTakeFirst();
const offen = (id: string) => h.waitFor(`task ${id} open`, async () => aufgabe(id));
const erledigt = (id: string) =>
  h.waitFor(`task ${id} closed`, async () => {
    const a = await aufgabe(id);
    return a?.status === 'erledigt' ? a : undefined;
  });

describe('money after the fee is booked', () => {
  it('a citizen paying twice after delivery: a refund task with amount and Kassenzeichen, closed when it is back; a later transfer opens the next', async () => {
    const { vn, kz } = await bezahltUndZugestellt({ 'frist.nachzahlungPruefen': '500ms' });
    expect((await h.sicht(vn)).zahlung).toMatchObject({
      status: 'bezahlt',
      nachzahlung: { beobachtet: true, erstattungen: 0 },
    });

    // The same 30,50 € again, a day later by bank transfer.
    h.epaybl.zahlung(kz, 3050, 'UEBERWEISUNGNACH');
    const erste = await offen(`${vn}:erstattung:nachzahlung-1`);
    expect(erste).toMatchObject({ art: 'erstattung', rolle: 'mandant-admin', mandant_id: 'leipzig', status: 'offen' });
    expect(leer(erste.titel)).toBe(`30,50 € erstatten: Kassenzeichen ${kz}`);
    expect(erste.beschreibung).toContain('Nachdem die Gebühr gebucht war, ist weiteres Geld eingegangen');
    expect(erste.beschreibung).toContain(kz);
    expect((await h.sicht(vn)).zahlung).toMatchObject({
      status: 'bezahlt',
      erstattung: { anlass: 'nachzahlung', betragCent: 3050, erstattet: false },
      nachzahlung: { beobachtet: true, erstattungen: 1 },
    });
    const audit = await h.db
      .selectFrom('audit_log')
      .select('details')
      .where('subject_id', '=', vn)
      .where('action', '=', 'zahlung.erstattung-angefordert')
      .execute();
    expect(audit.map((a) => a.details)).toEqual([{ kassenzeichen: kz, anlass: 'nachzahlung', betragCent: 3050 }]);
    await waitForMailTo(h.awbEmail, new RegExp(`^Erstattung nötig: ${vn}$`));
    expect((await mailsTo(h.awbEmail)).filter((m) => m.subject === `Erstattung nötig: ${vn}`)).toHaveLength(1);

    // The Kasse pays it back: ePayBL shows it, the task closes by itself, the fee stays booked.
    h.epaybl.rueckzahlung(kz, 3050);
    expect(await erledigt(`${vn}:erstattung:nachzahlung-1`)).toMatchObject({ erledigt_von: 'epaybl' });
    await h.waitFor('refund seen', async () => (await h.sicht(vn)).zahlung?.erstattung?.erstattet);
    expect(h.epaybl.kassenzeichen(kz)).toMatchObject({ zahlungseingaengeCent: 3050, saldoCent: 0 });

    // Months later another transfer arrives: a task of its own, for its own amount.
    h.epaybl.zahlung(kz, 1000, 'UEBERWEISUNGNACH');
    const zweite = await offen(`${vn}:erstattung:nachzahlung-2`);
    expect(leer(zweite.titel)).toBe(`10,00 € erstatten: Kassenzeichen ${kz}`);
    h.epaybl.rueckzahlung(kz, 1000);
    await erledigt(`${vn}:erstattung:nachzahlung-2`);
    const z = await h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirstOrThrow();
    expect(z).toMatchObject({ status: 'bezahlt', bezahlt_cent: 3050 });
    expect(await h.db.selectFrom('zustellung').select('versuche').where('vorgangsnummer', '=', vn).execute()).toEqual([
      { versuche: 1 },
    ]);
  }, 90_000);

  it('an overpayment already being refunded is not opened twice: the later money gets a task for its own amount', async () => {
    const { vn, kz } = await bezahltUndZugestellt({ 'frist.nachzahlungPruefen': '500ms' }, 3050, 3550);
    const ueber = await offen(`${vn}:erstattung:ueberzahlung`);
    expect(leer(ueber.titel)).toBe(`5,00 € erstatten: Kassenzeichen ${kz}`);
    // A look while only the overpayment is there opens nothing new.
    await h.waitFor('a look at the booked Kassenzeichen', async () => {
      const n = (await h.sicht(vn)).zahlung?.nachzahlung;
      return n && n.geprueft >= 1 ? n : undefined;
    });
    expect(await aufgabe(`${vn}:erstattung:nachzahlung-1`)).toBeUndefined();

    h.epaybl.zahlung(kz, 3050, 'UEBERWEISUNGNACH');
    const nach = await offen(`${vn}:erstattung:nachzahlung-1`);
    expect(leer(nach.titel)).toBe(`30,50 € erstatten: Kassenzeichen ${kz}`);
    h.epaybl.rueckzahlung(kz, 500);
    h.epaybl.rueckzahlung(kz, 3050);
    await erledigt(`${vn}:erstattung:ueberzahlung`);
    await erledigt(`${vn}:erstattung:nachzahlung-1`);
    expect(await aufgabe(`${vn}:erstattung:nachzahlung-2`)).toBeUndefined();
  }, 90_000);

  it('money found by the last look when the retention ends is refunded after the personal data are gone', async () => {
    // The looks are far apart here: only the one at the end of the retention sees the second payment.
    const { vn, kz } = await bezahltUndZugestellt({
      'frist.nachzahlungPruefen': '1h',
      'frist.bescheidWartezeit': '1s',
      'frist.transferLoeschen': '3s',
      'frist.aufbewahrung': '2s',
    });
    h.epaybl.zahlung(kz, 3050, 'UEBERWEISUNGNACH');
    await offen(`${vn}:erstattung:nachzahlung-1`);
    await h.waitFor('personal data deleted', async () => (await h.sicht(vn)).personendatenGeloescht);
    expect((await h.handle(vn).describe()).status.name).toBe('RUNNING');
    h.epaybl.rueckzahlung(kz, 3050);
    await erledigt(`${vn}:erstattung:nachzahlung-1`);
    const ende = await h.handle(vn).result();
    expect(ende.zahlung).toMatchObject({
      status: 'bezahlt',
      erstattung: { anlass: 'nachzahlung', betragCent: 3050, erstattet: true },
      nachzahlung: { beobachtet: false, geprueft: 1, erstattungen: 1 },
    });
  }, 90_000);
});
