// After delivery, deadlines reach a person: the citizen is reminded before a Nachforderung's deadline and the
// authority told when it passed; an authority that has not answered in time is reminded; a Bescheid that cannot go
// out electronically becomes a task "per Post versenden" with the citizen's address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { mailsTo, waitForMailTo } from './harness/wait';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

const SB = 'sb-leipzig';
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');

async function zugestellterAntrag(params: Record<string, string>) {
  const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain', 'frist.aufbewahrung': '10m', ...params });
  const stelle = `${uniqueId('stelle')}@leipzig.example`;
  await h.db.updateTable('organisationseinheit').set({ email: stelle }).where('id', '=', `oe-${akt}`).execute();
  const buerger = `${uniqueId('nf')}@example.org`;
  const res = await h.submit({ aktivierungId: akt, daten: anwohnerparken(), antragsteller: antragsteller(buerger) });
  expect(res.status).toBe(201);
  const vn = res.body.vorgangsnummer as string;
  await h.zugestellt(vn);
  await h.waitFor('the workflow knows it is delivered', async () => (await h.sicht(vn)).phase === 'zugestellt');
  return { vn, stelle, buerger };
}

const melden = (vn: string, body: Record<string, unknown>) =>
  h.api('POST', `/api/antraege/${vn}/bearbeitung`, { user: SB, body });

describe('deadlines after delivery', () => {
  it('a Nachforderung: the citizen is reminded before its deadline, the authority told when it passed', async () => {
    const { vn, stelle, buerger } = await zugestellterAntrag({
      'frist.nachforderungErinnerung': '3s',
      'frist.behoerdeAntwort': '1h',
    });
    const frist = new Date(Date.now() + 6_000).toISOString();
    const res = await melden(vn, { status: 'nachforderung', text: 'Bitte Meldebescheinigung.', frist });
    expect(res.status).toBe(200);

    const erinnerung = await waitForMailTo(buerger, new RegExp(`Erinnerung: Nachforderung zu Ihrem Antrag ${vn}`));
    expect(erinnerung.text).toContain('wartet noch auf Ihre Angaben');
    const abgelaufen = await waitForMailTo(stelle, new RegExp(`Frist der Nachforderung abgelaufen: Antrag ${vn}`));
    expect(abgelaufen.text).toContain('ohne dass eine Antwort eingegangen ist');

    const sicht = await h.waitFor('the view shows both', async () => {
      const s = await h.sicht(vn);
      return s.bearbeitung.nachforderung?.abgelaufen ? s : undefined;
    });
    expect(sicht.bearbeitung.nachforderung).toMatchObject({ frist, beantwortet: false, erinnert: true });
    const stati = (
      await h.db.selectFrom('antrag_ereignis').select('status').where('vorgangsnummer', '=', vn).execute()
    ).map((e) => e.status);
    expect(stati).toEqual(expect.arrayContaining(['nachforderung-erinnert', 'nachforderung-frist-abgelaufen']));
    // The authority answered (a Nachforderung is an answer): it is not reminded on top.
    expect((await mailsTo(stelle)).filter((m) => m.subject.includes('wartet auf Bearbeitung'))).toHaveLength(0);
    expect((await mailsTo(buerger)).filter((m) => m.subject.startsWith('Erinnerung: Nachforderung'))).toHaveLength(1);
  }, 90_000);

  it('an authority that does not answer is reminded once; one that answers in time is not', async () => {
    const still = await zugestellterAntrag({ 'frist.behoerdeAntwort': '2s' });
    const erinnerung = await waitForMailTo(still.stelle, new RegExp(`Antrag ${still.vn} wartet auf Bearbeitung`));
    expect(erinnerung.text).toContain('keine Rückmeldung');
    expect((await h.sicht(still.vn)).bearbeitung.behoerdeErinnert).toBe(true);

    const fleissig = await zugestellterAntrag({ 'frist.behoerdeAntwort': '3s', 'frist.nachforderungErinnerung': '1s' });
    expect((await melden(fleissig.vn, { status: 'in-bearbeitung' })).status).toBe(200);
    // A later deadline of the same Antrag: once it is reported, the authority's deadline lies behind us.
    const frist = new Date(Date.now() + 5_000).toISOString();
    expect((await melden(fleissig.vn, { status: 'nachforderung', text: 'Foto fehlt.', frist })).status).toBe(200);
    await waitForMailTo(fleissig.stelle, new RegExp(`Frist der Nachforderung abgelaufen: Antrag ${fleissig.vn}`));
    expect((await mailsTo(fleissig.stelle)).filter((m) => m.subject.includes('wartet auf Bearbeitung'))).toHaveLength(
      0,
    );
    expect((await h.sicht(fleissig.vn)).bearbeitung.behoerdeErinnert).toBeUndefined();
    expect((await mailsTo(still.stelle)).filter((m) => m.subject.includes('wartet auf Bearbeitung'))).toHaveLength(1);
  }, 90_000);

  it('a Bescheid that must go by post: a task "per Post versenden" with the address, no mail to the citizen', async () => {
    const { vn, buerger } = await zugestellterAntrag({ 'frist.behoerdeAntwort': '1h' });
    const res = await h.api('POST', `/api/antraege/${vn}/bescheid`, {
      user: SB,
      body: {
        dateiname: 'bescheid.pdf',
        inhaltBase64: pdf,
        metadaten: { aktenzeichen: 'ORD-7', art: 'bewilligung', datum: '2026-12-01', versand: 'post' },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.bescheid.perPost).toBe(true);

    const aufgaben = await h.api('GET', '/api/aufgaben', { user: SB });
    expect(aufgaben.status).toBe(200);
    const post = (
      aufgaben.body.items as { art: string; betreffId: string; titel: string; beschreibung: string }[]
    ).find((a) => a.art === 'post-versand' && a.betreffId === vn);
    expect(post?.titel).toBe(`Bescheid per Post versenden: Antrag ${vn}`);
    expect(post?.beschreibung).toContain('Anna Bürger\nKarl-Liebknecht-Straße 12\n04107 Leipzig');
    const ereignis = await h.db
      .selectFrom('antrag_ereignis')
      .selectAll()
      .where('vorgangsnummer', '=', vn)
      .where('status', '=', 'bescheid-per-post')
      .executeTakeFirst();
    expect(ereignis?.text).toBe('Ihr Bescheid wird Ihnen per Post zugesandt.');
    expect((await mailsTo(buerger)).filter((m) => m.subject.startsWith('Ihr Bescheid'))).toHaveLength(0);
  }, 90_000);
});
