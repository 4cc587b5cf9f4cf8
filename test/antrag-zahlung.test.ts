// Fees through ePayBL (simulator over real SOAP): paying on the pay page, bank transfers, citizens who never
// pay, ePayBL errors and lost replies, and the refund path when a paid Antrag can never be delivered.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeFolderName } from '../integrations/transfer/filenames';
import { parseXFall } from '../integrations/transfer/xfall';
import { antragStack, anwohnerparken, antragsteller, payPage, SCHEMA, type AntragStack } from './harness/antrag';
import { LEISTUNG } from './harness/stack';
import { uniqueId } from './harness/servers';
import { mails, waitForMail } from './harness/wait';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

async function zahlungVon(vn: string) {
  return h.waitFor('Kassenzeichen', () =>
    h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst(),
  );
}

describe('fee payment', () => {
  it('is paid on the pay page, booked exactly once despite repeated notices, then delivered as xFall', async () => {
    const akt = await h.aktivierung({
      ...h.gebuehr(3050),
      'zustellung.modus': 'transfer-xfall',
      'frist.nachzahlungPruefen': '500ms',
    });
    const email = `${uniqueId('zahler')}@example.org`;
    const daten = anwohnerparken({ bemerkung: 'Hof <B> & "C" \'D\' – Ümläut 🚗' });
    const res = await h.submit({ aktivierungId: akt, daten, antragsteller: antragsteller(email) });
    expect(res.status).toBe(201);
    const vn = res.body.vorgangsnummer;
    const zahlung = await zahlungVon(vn);
    expect(zahlung).toMatchObject({ betrag_cent: 3050, status: 'offen', transaktionsnummer: vn });
    const aufforderung = await waitForMail((m) => m.envelopeTo.includes(email) && m.subject.startsWith('Gebühr'));
    expect(aufforderung.text).toContain('30,50');
    expect(aufforderung.text).toContain(zahlung.paypage_url);
    expect((await h.sicht(vn)).phase).toBe('zahlung-offen');

    // The back-link alone proves nothing: a forged one is refused, a real one only makes the workflow look.
    const forged = await h.api(
      'GET',
      `/api/zahlung/rueckkehr?vorgangsnummer=${vn}&epResult=success&kassenzeichen=${zahlung.kassenzeichen}&sig=AAAA`,
    );
    expect(forged.status).toBe(400);
    const backlink = await payPage(zahlung.paypage_url, 'bezahlen', h.base);
    for (let i = 0; i < 3; i++) {
      const back = await h.api('GET', backlink);
      expect(back.status).toBe(303);
      expect(back.headers.get('location')).toContain(`/status/${vn}.`);
    }
    const z = await h.zugestellt(vn);
    // A late bank transfer on top makes it overpaid; still one booking.
    h.epaybl.zahlung(zahlung.kassenzeichen, 500, 'UEBERWEISUNGNACH');
    const gebucht = await h.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', vn)
      .where('action', '=', 'zahlung.gebucht')
      .execute();
    expect(gebucht).toHaveLength(1);
    expect(h.epaybl.callCount('anlegenKassenzeichen')).toBeGreaterThanOrEqual(1);
    const nachher = await h.db
      .selectFrom('zahlung')
      .selectAll()
      .where('vorgangsnummer', '=', vn)
      .executeTakeFirstOrThrow();
    expect(nachher.status).toBe('bezahlt');
    expect(nachher.bezahlt_cent).toBe(3050);
    expect(nachher.gebucht_am).not.toBeNull();
    // The booked Kassenzeichen is looked at again: the late money opens a refund task of its own (more cases in
    // test/antrag-nachzahlung.test.ts), closed once ePayBL shows it back.
    const aufgabe = await h.waitFor('refund task for the late money', () =>
      h.db
        .selectFrom('aufgabe')
        .select(['titel', 'status'])
        .where('id', '=', `${vn}:erstattung:nachzahlung-1`)
        .executeTakeFirst(),
    );
    expect(aufgabe.titel.replace(/\u00a0/g, ' ')).toBe(`5,00 € erstatten: Kassenzeichen ${zahlung.kassenzeichen}`);
    h.epaybl.rueckzahlung(zahlung.kassenzeichen, 500);
    await h.waitFor('refund task closed', async () => {
      const a = await h.db
        .selectFrom('aufgabe')
        .select('status')
        .where('id', '=', `${vn}:erstattung:nachzahlung-1`)
        .executeTakeFirstOrThrow();
      return a.status === 'erledigt';
    });

    const file = path.join(h.transferRoot, safeFolderName(akt), `${safeFolderName(vn)}.xml`);
    expect(z.referenz).toBeTruthy();
    const xfall = parseXFall(fs.readFileSync(file, 'utf8'));
    expect(xfall.kopf.vorgangsnummer).toBe(vn);
    expect((xfall.formData as { bemerkung: string }).bemerkung).toBe('Hof <B> & "C" \'D\' – Ümläut 🚗');
    expect(xfall.dokumente.map((d) => [d.rolle, d.dateiname])).toContainEqual(['antrag', 'antrag.pdf']);
    // The row is written by the delivery activity; the workflow's phase follows once it has the activity's result.
    const sicht = await h.waitFor('the workflow sees the delivery', async () => {
      const s = await h.sicht(vn);
      return s.phase === 'zugestellt' ? s : undefined;
    });
    expect(sicht.zahlung).toMatchObject({ kassenzeichen: zahlung.kassenzeichen, status: 'bezahlt' });
    expect(sicht.phase).toBe('zugestellt');
  }, 60_000);

  it('waits through a partial bank transfer until the rest arrives', async () => {
    const akt = await h.aktivierung({ ...h.gebuehr(2000), 'zustellung.modus': 'transfer-plain' });
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('ueb')}@example.org`),
    });
    const vn = res.body.vorgangsnummer;
    const zahlung = await zahlungVon(vn);
    h.epaybl.zahlung(zahlung.kassenzeichen, 1200, 'UEBERWEISUNGVOR');
    await h.waitFor(
      'teilbezahlt',
      async () =>
        (await h.db.selectFrom('zahlung').select('status').where('vorgangsnummer', '=', vn).executeTakeFirstOrThrow())
          .status === 'teilbezahlt',
    );
    expect(
      await h.db.selectFrom('zustellung').select('vorgangsnummer').where('vorgangsnummer', '=', vn).executeTakeFirst(),
    ).toBeUndefined();
    h.epaybl.zahlung(zahlung.kassenzeichen, 800, 'UEBERWEISUNGVOR');
    await h.zugestellt(vn);
    expect(
      await h.db
        .selectFrom('zahlung')
        .select(['status', 'bezahlt_cent'])
        .where('vorgangsnummer', '=', vn)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'bezahlt', bezahlt_cent: 2000 });
  }, 60_000);

  it('reminds a citizen who never pays, then cancels the Antrag without delivering it', async () => {
    const akt = await h.aktivierung({
      ...h.gebuehr(1500),
      'frist.zahlungErinnerung': '1s',
      'frist.zahlungAbbruch': '3s',
      'frist.aufbewahrung': '1s',
    });
    const email = `${uniqueId('nie')}@example.org`;
    const res = await h.submit({ aktivierungId: akt, daten: anwohnerparken(), antragsteller: antragsteller(email) });
    const vn = res.body.vorgangsnummer;
    const zahlung = await zahlungVon(vn);
    // The citizen opens the pay page and aborts: not paid, the Antrag keeps waiting for the deadline.
    await h.api('GET', await payPage(zahlung.paypage_url, 'abbrechen', h.base));
    await waitForMail((m) => m.envelopeTo.includes(email) && m.subject.startsWith('Erinnerung'));
    const ende = await h.handle(vn).result();
    expect(ende.phase).toBe('abgebrochen');
    expect(ende.zahlung).toMatchObject({ status: 'nicht-bezahlt', erinnert: true });
    await waitForMail((m) => m.envelopeTo.includes(email) && m.text.includes('nicht fristgerecht bezahlt'));
    expect(
      await h.db.selectFrom('zustellung').select('vorgangsnummer').where('vorgangsnummer', '=', vn).executeTakeFirst(),
    ).toBeUndefined();
    expect((await h.antrag(vn)).status).toBe('abgebrochen');
    expect((await h.antrag(vn)).form_data).toBeNull(); // retention ran (1 s in this activation)
  }, 60_000);

  it('rides out ePayBL errors and a lost reply without creating a second Kassenzeichen', async () => {
    const akt = await h.aktivierung({ ...h.gebuehr(990), 'zustellung.modus': 'transfer-plain' });
    const before = h.epaybl.callCount('anlegenKassenzeichen');
    h.epaybl.failNext('anlegenKunde', '-0510', 2); // processing failed, retryable
    h.epaybl.failNext('lesenTransaktion', '-0513', 1); // method not available for now (-0611 is final: see antrag-epaybl-fehler)
    h.epaybl.dropNextReplies('anlegenKunde', 1); // the customer is stored, but the reply is lost
    h.epaybl.dropNextReplies('anlegenKassenzeichen', 1); // created, but the reply is lost
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('err')}@example.org`),
    });
    const vn = res.body.vorgangsnummer;
    const zahlung = await h.waitFor(
      'Kassenzeichen after errors',
      () => h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst(),
      45_000,
    );
    expect(h.epaybl.callCount('anlegenKassenzeichen') - before).toBe(1);
    expect(h.epaybl.kassenzeichen(zahlung.kassenzeichen)?.eShopTransaktionsNr).toBe(vn);
    // A one-time customer of this payment attempt, found again after the lost reply, not a second one.
    expect(h.epaybl.kassenzeichen(zahlung.kassenzeichen)?.eShopKundenNr).toMatch(new RegExp(`^${vn}-Z1-[\\w-]{10}$`));
    expect(zahlung.paypage_url).toContain(
      `EShopKundenNr=${h.epaybl.kassenzeichen(zahlung.kassenzeichen)?.eShopKundenNr}`,
    );
    h.epaybl.zahlung(zahlung.kassenzeichen, 990, 'KREDITKARTE');
    await h.zugestellt(vn);
  }, 60_000);

  it('never books a claim whose amount differs from the fee, and says so on the technical lane', async () => {
    const akt = await h.aktivierung({ ...h.gebuehr(2500), 'zustellung.modus': 'transfer-plain' });
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('betrag')}@example.org`),
    });
    const vn = res.body.vorgangsnummer;
    const zahlung = await zahlungVon(vn);
    // What we asked for no longer matches the claim at ePayBL (as if someone changed one of them by hand).
    await h.db.updateTable('zahlung').set({ betrag_cent: 2400 }).where('vorgangsnummer', '=', vn).execute();
    const backlink = await payPage(zahlung.paypage_url, 'bezahlen', h.base);
    expect((await h.api('GET', backlink)).status).toBe(303);
    const abweichung = await h.waitFor('amount mismatch reported', () =>
      h.db
        .selectFrom('antrag_ereignis')
        .selectAll()
        .where('vorgangsnummer', '=', vn)
        .where('status', '=', 'zahlung-betrag-abweichend')
        .executeTakeFirst(),
    );
    expect(abweichung.text).toContain('25,00');
    expect(abweichung.text).toContain('24,00');
    expect((await h.antrag(vn)).status).toBe('wartet-auf-zahlung');
    expect((await zahlungVon(vn)).status).toBe('offen');
    // Put right, the next look books it.
    await h.db.updateTable('zahlung').set({ betrag_cent: 2500 }).where('vorgangsnummer', '=', vn).execute();
    expect((await h.api('GET', backlink)).status).toBe(303);
    await h.zugestellt(vn);
  }, 60_000);

  it('refunds through a person when a paid Antrag can never be delivered, and sees storno and pay-back arrive', async () => {
    const dest = await h.fitconnect.createDestination({
      status: 'inactive',
      services: [
        {
          identifier: `urn:de:fim:leika:leistung:${LEISTUNG}`,
          submissionSchemas: [{ schemaUri: SCHEMA, mimeType: 'application/json' }],
        },
      ],
    });
    const akt = await h.aktivierung({
      ...h.gebuehr(4200),
      'zustellung.modus': 'fitconnect',
      'fitconnect.destinationId': dest.destinationId,
      'frist.aufbewahrung': '1s',
    });
    const email = `${uniqueId('storno')}@example.org`;
    const res = await h.submit({ aktivierungId: akt, daten: anwohnerparken(), antragsteller: antragsteller(email) });
    const vn = res.body.vorgangsnummer;
    const zahlung = await zahlungVon(vn);
    h.epaybl.zahlung(zahlung.kassenzeichen, 4200, 'GIROPAY');
    const aufgabe = await h.waitFor('storno task', () =>
      h.db.selectFrom('aufgabe').selectAll().where('id', '=', `${vn}:storno`).executeTakeFirst(),
    );
    expect(aufgabe).toMatchObject({ art: 'storno', rolle: 'mandant-admin', mandant_id: 'leipzig', status: 'offen' });
    await waitForMail((m) => m.envelopeTo.includes(h.awbEmail) && m.subject === `Erstattung nötig: ${vn}`);
    // Task and mail are written by the activity; the workflow's view follows once it has the activity's result.
    await h.waitFor('the view shows the refund requested', async () =>
      (await h.sicht(vn)).zahlung?.status === 'erstattung-angefordert' ? true : undefined,
    );
    // The person at the Kasse cancels the claim in ePayBL and pays the money back; the workflow notices by itself.
    h.epaybl.storno(zahlung.kassenzeichen);
    h.epaybl.rueckzahlung(zahlung.kassenzeichen, 4200);
    const ende = await h.handle(vn).result();
    expect(ende.phase).toBe('nicht-zustellbar');
    expect(ende.zahlung?.status).toBe('erstattet');
    expect(ende.zustellung.status).toBe('abgelehnt');
    const erledigt = await h.db
      .selectFrom('aufgabe')
      .selectAll()
      .where('id', '=', `${vn}:storno`)
      .executeTakeFirstOrThrow();
    expect(erledigt).toMatchObject({ status: 'erledigt', erledigt_von: 'epaybl' });
    expect(
      (await mails()).filter((m) => m.envelopeTo.includes(email) && m.text.includes('nicht zugestellt werden')),
    ).toHaveLength(1);
  }, 60_000);
});
