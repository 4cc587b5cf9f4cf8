// The money adds up: whatever came in on an Antrag that keeps no fee goes back through a person, and the workflow
// watches ePayBL (simulator over real SOAP) until it is back — a partial payment on an Antrag that ends unpaid,
// money on a claim cancelled afterwards, an overpayment on a delivered Antrag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { waitForMail } from './harness/wait';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

async function antragMitGebuehr(cent: number, params: Record<string, string> = {}) {
  const akt = await h.aktivierung({
    ...h.gebuehr(cent),
    'zustellung.modus': 'transfer-plain',
    'frist.aufbewahrung': '10m',
    ...params,
  });
  const res = await h.submit({
    aktivierungId: akt,
    daten: anwohnerparken(),
    antragsteller: antragsteller(`${uniqueId('geld')}@example.org`),
  });
  const vn = res.body.vorgangsnummer;
  const zahlung = await h.waitFor('Kassenzeichen', () =>
    h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst(),
  );
  return { vn, kz: zahlung.kassenzeichen };
}

const aufgabe = (vn: string, anlass: string) =>
  h.db.selectFrom('aufgabe').selectAll().where('id', '=', `${vn}:erstattung:${anlass}`).executeTakeFirst();

async function erstattet(vn: string, anlass: string) {
  await h.waitFor('refund task closed by the workflow', async () => (await aufgabe(vn, anlass))?.status === 'erledigt');
  return h.waitFor('the view says the money is back', async () => {
    const s = await h.sicht(vn);
    return s.zahlung?.erstattung?.erstattet ? s : undefined;
  });
}

describe('money that must go back', () => {
  it('a partial payment on an Antrag that ends unpaid: refund task, storno and pay-back watched, then closed', async () => {
    const { vn, kz } = await antragMitGebuehr(2000, { 'frist.zahlungErinnerung': '1s', 'frist.zahlungAbbruch': '4s' });
    h.epaybl.zahlung(kz, 500, 'UEBERWEISUNGVOR');
    const offen = await h.waitFor('refund task', () => aufgabe(vn, 'teilzahlung'));
    expect(offen).toMatchObject({ art: 'erstattung', rolle: 'mandant-admin', mandant_id: 'leipzig', status: 'offen' });
    expect(offen.titel).toContain('5,00');
    expect(offen.titel).toContain(kz);
    expect(offen.beschreibung).toContain('stornieren');
    await waitForMail((m) => m.envelopeTo.includes(h.awbEmail) && m.subject === `Erstattung nötig: ${vn}`);
    const sicht = await h.sicht(vn);
    expect(sicht.phase).toBe('abgebrochen');
    expect(sicht.zahlung?.erstattung).toEqual({ anlass: 'teilzahlung', betragCent: 500, erstattet: false });
    // The claim cancelled alone is not enough: the money must be back.
    h.epaybl.storno(kz);
    const gelesen = h.epaybl.callCount('lesenKassenzeichenInfo');
    await h.waitFor('the poll has read the cancelled claim', async () =>
      h.epaybl.callCount('lesenKassenzeichenInfo') >= gelesen + 2 ? true : undefined,
    );
    expect((await aufgabe(vn, 'teilzahlung'))?.status).toBe('offen');
    h.epaybl.rueckzahlung(kz, 500);
    const ende = await erstattet(vn, 'teilzahlung');
    expect(ende.zahlung?.erstattung).toEqual({ anlass: 'teilzahlung', betragCent: 500, erstattet: true });
    expect(h.epaybl.kassenzeichen(kz)).toMatchObject({ state: 'storniert', zahlungseingaengeCent: 0 });
  }, 90_000);

  it('money on a claim cancelled afterwards: the Antrag ends, and the money goes back', async () => {
    const { vn, kz } = await antragMitGebuehr(3000);
    h.epaybl.zahlung(kz, 1000, 'UEBERWEISUNGVOR');
    await h.waitFor(
      'teilbezahlt',
      async () =>
        (await h.db.selectFrom('zahlung').select('status').where('vorgangsnummer', '=', vn).executeTakeFirstOrThrow())
          .status === 'teilbezahlt',
    );
    h.epaybl.storno(kz);
    const offen = await h.waitFor('refund task', () => aufgabe(vn, 'storno-nach-zahlung'));
    expect(offen.titel).toContain('10,00');
    expect((await h.sicht(vn)).phase).toBe('abgebrochen');
    h.epaybl.rueckzahlung(kz, 1000);
    await erstattet(vn, 'storno-nach-zahlung');
  }, 90_000);

  it('an overpayment: delivered as usual, the surplus goes back beside it', async () => {
    const { vn, kz } = await antragMitGebuehr(2000);
    h.epaybl.zahlung(kz, 2600, 'UEBERWEISUNGNACH');
    await h.zugestellt(vn);
    const offen = await h.waitFor('refund task', () => aufgabe(vn, 'ueberzahlung'));
    expect(offen.titel).toContain('6,00');
    expect(offen.beschreibung).not.toContain('stornieren'); // the fee itself is kept
    h.epaybl.rueckzahlung(kz, 600);
    const ende = await erstattet(vn, 'ueberzahlung');
    expect(ende.zahlung?.status).toBe('bezahlt');
    expect(h.epaybl.kassenzeichen(kz)).toMatchObject({ state: 'bezahlt', saldoCent: 0 });
  }, 90_000);

  it('an Antrag paid exactly opens no refund task', async () => {
    const { vn, kz } = await antragMitGebuehr(1500);
    h.epaybl.zahlung(kz, 1500, 'KREDITKARTE');
    await h.zugestellt(vn);
    const aufgaben = await h.db.selectFrom('aufgabe').select('id').where('betreff_id', '=', vn).execute();
    expect(aufgaben).toEqual([]);
  }, 60_000);
});
