// After the hand-over over FIT-Connect (simulator over real HTTPS-less loopback, signed event log): the authority's
// accept reaches the Antrag, its rejection ends the Antrag — with the refund of a paid fee — and so does the
// service's own rejection of a submission nobody picked up for 14 days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { waitForMail } from './harness/wait';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

async function zugestelltUeberFitConnect(params: Record<string, string> = {}) {
  const akt = await h.aktivierung({
    'zustellung.modus': 'fitconnect',
    'fitconnect.destinationId': h.destination.destinationId,
    'frist.fitconnectAbfrage': '200ms',
    'frist.aufbewahrung': '10m',
    ...params,
  });
  const email = `${uniqueId('fcaus')}@example.org`;
  const res = await h.submit({ aktivierungId: akt, daten: anwohnerparken(), antragsteller: antragsteller(email) });
  const vn = res.body.vorgangsnummer;
  return { vn, email };
}

async function einreichung(vn: string) {
  const z = await h.zugestellt(vn);
  return (JSON.parse(z.referenz!) as { submissionId: string }).submissionId;
}

const ereignis = (vn: string, status: string) =>
  h.db
    .selectFrom('antrag_ereignis')
    .selectAll()
    .where('vorgangsnummer', '=', vn)
    .where('status', '=', status)
    .executeTakeFirst();

describe('FIT-Connect outcome', () => {
  it("the authority's accept shows on the technical lane; processing goes on", async () => {
    const { vn } = await zugestelltUeberFitConnect();
    const id = await einreichung(vn);
    await h.fitconnect.acceptSubmission(id);
    const e = await h.waitFor('accepted', () => ereignis(vn, 'angenommen'));
    expect(e.spur).toBe('technisch');
    const sicht = await h.waitFor('the view says accepted', async () => {
      const s = await h.sicht(vn);
      return s.zustellung.angenommen ? s : undefined;
    });
    expect(sicht.phase).toBe('zugestellt');
    expect(sicht.zustellung.status).toBe('zugestellt');
  }, 60_000);

  it('a rejection after payment ends the Antrag, tells the citizen and refunds the fee through a person', async () => {
    const { vn, email } = await zugestelltUeberFitConnect(h.gebuehr(1800));
    const kz = await h.waitFor(
      'Kassenzeichen',
      async () =>
        (await h.db.selectFrom('zahlung').select('kassenzeichen').where('vorgangsnummer', '=', vn).executeTakeFirst())
          ?.kassenzeichen,
    );
    h.epaybl.zahlung(kz, 1800, 'GIROPAY');
    const id = await einreichung(vn);
    await h.fitconnect.rejectSubmission(id, [
      {
        type: 'https://schema.fitko.de/fit-connect/events/problems/service-mismatch',
        title: 'Leistung passt nicht',
        detail: 'Für Bewohnerparken ist das Ordnungsamt zuständig.',
      },
    ]);
    const e = await h.waitFor('rejected', () => ereignis(vn, 'abgelehnt'));
    expect(e.text).toContain('Leistung passt nicht');
    const aufgabe = await h.waitFor('refund task', () =>
      h.db.selectFrom('aufgabe').selectAll().where('id', '=', `${vn}:storno`).executeTakeFirst(),
    );
    expect(aufgabe.status).toBe('offen');
    await waitForMail((m) => m.envelopeTo.includes(email) && m.text.includes('nicht angenommen'));
    h.epaybl.storno(kz);
    h.epaybl.rueckzahlung(kz, 1800);
    const sicht = await h.waitFor('ended', async () => {
      const s = await h.sicht(vn);
      return s.phase === 'nicht-zustellbar' && s.zahlung?.status === 'erstattet' ? s : undefined;
    });
    expect(sicht.zustellung).toMatchObject({ status: 'abgelehnt' });
    expect(sicht.zustellung.fehler).toContain('Ordnungsamt');
    expect((await h.antrag(vn)).status).toBe('nicht-zustellbar');
  }, 90_000);

  it('a submission nobody picks up is rejected by the service after 14 days, and that reaches the Antrag', async () => {
    const { vn } = await zugestelltUeberFitConnect();
    await einreichung(vn);
    await h.fitconnect.runMaintenance(Date.now() + 15 * 24 * 3_600_000);
    await h.waitFor('rejected by the service', () => ereignis(vn, 'abgelehnt'));
    const sicht = await h.waitFor('ended', async () => {
      const s = await h.sicht(vn);
      return s.phase === 'nicht-zustellbar' ? s : undefined;
    });
    expect(sicht.zustellung.status).toBe('abgelehnt');
  }, 60_000);
});
