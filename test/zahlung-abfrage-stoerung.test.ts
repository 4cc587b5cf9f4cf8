// The long payment poll is not silent: while it cannot read the Kassenzeichen — a final ePayBL answer (-0611) at
// once, a temporary one past the threshold — the condition is a Störung on /api/stoerungen (with the Anträge counted,
// whoever can fix it mailed once), the wait goes on all the same, and the next good read resolves it. Real worker,
// ePayBL simulator over SOAP with its fault injection.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { mails } from './harness/wait';

let h: AntragStack;
beforeAll(async () => {
  // A temporary failure is a Störung after 3 s here (STOERUNG_AFTER; 4h by default).
  h = await antragStack({ app: { stoerungNach: '3s' } });
}, 120_000);
afterAll(() => h?.close());

interface StoerungItem {
  id: string;
  art: string;
  schritt: string;
  was: string;
  anzahlAntraege: number;
  aktivierungen: string[];
  behebbarDurch: string;
}

const stoerungen = async (): Promise<StoerungItem[]> => {
  const res = await h.api('GET', '/api/stoerungen', { user: 'awb-sid' });
  expect(res.status).toBe(200);
  return res.body.items as StoerungItem[];
};

async function einreichen(akt: string) {
  const res = await h.submit({
    aktivierungId: akt,
    daten: anwohnerparken(),
    antragsteller: antragsteller(`${uniqueId('abfrage')}@example.org`),
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
  await h.waitFor('payment poll running', async () =>
    (await h.handle(vn).describe()).raw.pendingActivities?.some((a) => a.activityType?.name === 'zahlungAbwarten'),
  );
  return { vn, kz };
}

const pollAttempt = async (vn: string) =>
  (await h.handle(vn).describe()).raw.pendingActivities?.find((a) => a.activityType?.name === 'zahlungAbwarten')
    ?.attempt;

const delivered = (akt: string, vn: string) =>
  fs.readdirSync(path.join(h.transferRoot, akt)).filter((name) => !name.startsWith('.') && name.includes(vn)).length;

const zeilen = (vn: string) =>
  h.db
    .selectFrom('stoerung')
    .selectAll()
    .where('vorgangsnummer', '=', vn)
    .where('schritt', '=', 'zahlungsabfrage')
    .execute();

describe('a final ePayBL code while waiting for the payment', () => {
  it('-0611 on lesenKassenzeichenInfo: a Störung for the AWB with both Anträge, mailed once; the wait goes on and clears it', async () => {
    const akt = await h.aktivierung({ ...h.gebuehr(3050), 'epaybl.mandantNr': `P${uniqueId('m').slice(-8)}` });
    const a = await einreichen(akt);
    const b = await einreichen(akt);
    h.epaybl.failNext('lesenKassenzeichenInfo', '-0611', 100_000);
    let item: StoerungItem;
    try {
      item = await h.waitFor('Störung with both Anträge', async () =>
        (await stoerungen()).find((s) => s.aktivierungen.includes(akt) && s.anzahlAntraege === 2),
      );
      expect(item).toMatchObject({ art: 'dauerhaft', schritt: 'zahlungsabfrage', behebbarDurch: 'awb' });
      expect(item.was).toContain('-0611');

      // The poll goes on through the Störung: ePayBL keeps being asked, the activity was never failed or retried.
      const calls = h.epaybl.callCount('lesenKassenzeichenInfo');
      await h.waitFor('polling on', async () => h.epaybl.callCount('lesenKassenzeichenInfo') >= calls + 10);
      for (const { vn } of [a, b]) {
        expect(await pollAttempt(vn)).toBe(1);
        expect((await h.sicht(vn)).phase).toBe('zahlung-offen');
        // Reported once per Antrag, however many reads failed.
        expect((await zeilen(vn)).map((r) => [r.status, r.meldungen])).toEqual([['offen', 1]]);
      }

      // Whoever can fix it — ePayBL's operator, through the AWB — is mailed once for both, and told no retry is needed.
      const subject = new RegExp(`^Störung: ePayBL meldet einen Konfigurationsfehler.*\\(${akt}\\)`);
      const sent = (await mails()).filter((m) => subject.test(m.subject));
      expect(sent).toHaveLength(1);
      expect(sent[0]!.envelopeTo).toContain(h.awbEmail);
      expect(sent[0]!.text).toContain('nicht nötig');

      // The citizen hears of the delay, not of its cause.
      const notiz = await h.db
        .selectFrom('antrag_ereignis')
        .select('text')
        .where('vorgangsnummer', '=', a.vn)
        .where('status', '=', 'verzoegert')
        .executeTakeFirstOrThrow();
      expect(notiz.text).toContain('Zahlung geht nicht verloren');
      expect(notiz.text).not.toContain('0611');
    } finally {
      h.epaybl.clearFaults();
    }

    // The operator fixed it; the citizens pay. Each Antrag is delivered once, and the Störung is gone by itself.
    for (const { kz } of [a, b]) h.epaybl.zahlung(kz, 3050, 'GIROPAY');
    for (const { vn } of [a, b]) await h.zugestellt(vn);
    for (const { vn } of [a, b]) expect(delivered(akt, vn)).toBe(1);
    await h.waitFor('Störung resolved', async () => !(await stoerungen()).some((s) => s.id === item.id));
    for (const { vn } of [a, b]) {
      expect((await zeilen(vn)).map((r) => r.status)).toEqual(['behoben']);
      const fortgesetzt = await h.db
        .selectFrom('antrag_ereignis')
        .select('status')
        .where('vorgangsnummer', '=', vn)
        .where('status', '=', 'fortgesetzt')
        .execute();
      expect(fortgesetzt).toHaveLength(1);
    }
  }, 90_000);
});

describe('a temporary ePayBL error outlasting the threshold while waiting', () => {
  it('becomes a Störung of its own and resolves itself when reads succeed again, before any payment', async () => {
    const akt = await h.aktivierung({ ...h.gebuehr(2100), 'epaybl.mandantNr': `T${uniqueId('m').slice(-8)}` });
    const { vn, kz } = await einreichen(akt);
    h.epaybl.failNext('lesenKassenzeichenInfo', '-0510', 100_000);
    let item: StoerungItem;
    try {
      item = await h.waitFor('Störung', async () => (await stoerungen()).find((s) => s.aktivierungen.includes(akt)));
      expect(item).toMatchObject({ art: 'anhaltend', schritt: 'zahlungsabfrage', behebbarDurch: 'awb' });
      expect(item.was).toContain('Abfrage des Zahlungseingangs');
      expect(await pollAttempt(vn)).toBe(1);
    } finally {
      h.epaybl.clearFaults();
    }
    // ePayBL answers again: the next read resolves it, with nobody pressing "try again" and nothing paid yet.
    await h.waitFor('Störung resolved', async () => !(await stoerungen()).some((s) => s.id === item.id));
    expect((await h.sicht(vn)).phase).toBe('zahlung-offen');
    h.epaybl.zahlung(kz, 2100, 'UEBERWEISUNGNACH');
    await h.zugestellt(vn);
    expect(delivered(akt, vn)).toBe(1);
  }, 90_000);
});

describe('an Antrag left unpaid while its poll reports a Störung', () => {
  it('ends, and its Störung leaves the board with it', async () => {
    const akt = await h.aktivierung({
      ...h.gebuehr(1500),
      'epaybl.mandantNr': `U${uniqueId('m').slice(-8)}`,
      'frist.zahlungErinnerung': '1h',
      'frist.zahlungAbbruch': '8s',
    });
    const { vn } = await einreichen(akt);
    h.epaybl.failNext('lesenKassenzeichenInfo', '-0611', 100_000);
    try {
      const item = await h.waitFor('Störung', async () =>
        (await stoerungen()).find((s) => s.aktivierungen.includes(akt)),
      );
      expect(item.schritt).toBe('zahlungsabfrage');
      await h.waitFor('abgebrochen', async () => (await h.sicht(vn)).phase === 'abgebrochen', 30_000);
      await h.waitFor('Störung gone', async () => !(await stoerungen()).some((s) => s.id === item.id));
      expect((await zeilen(vn)).map((r) => r.status)).toEqual(['behoben']);
    } finally {
      h.epaybl.clearFaults();
    }
  }, 60_000);
});
