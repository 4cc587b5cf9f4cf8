// A task only a person can see done — „Bescheid per Post versenden“ — is closed by the Sachbearbeitung of its Mandant
// through the API or the inbox's button: who, when and a note are kept and audited, the Antrag's view and the
// citizen's timeline say the letter went out, a second close changes nothing, another Mandant finds no such task,
// and a refund task (closed by the orchestration when ePayBL shows the money back) is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../api/auth';
import { insertAufgabe } from '../db/stores/aufgabe';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { KEYS, type ServedApp } from './harness/stack';
import { uiSession } from './harness/ui-http';

let h: AntragStack;
let ui: ServedApp;
beforeAll(async () => {
  h = await antragStack();
  ui = await h.serveApp({ uiDemoSignIn: true });
}, 120_000);
afterAll(() => h?.close());

const SB = 'sb-leipzig';
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');

/** A delivered Antrag whose Bescheid the authority sends by post: its task „per Post versenden“. */
async function postAufgabe() {
  const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain', 'frist.behoerdeAntwort': '1h' });
  const res = await h.submit({
    aktivierungId: akt,
    daten: anwohnerparken(),
    antragsteller: antragsteller(`${uniqueId('post')}@example.org`),
  });
  expect(res.status).toBe(201);
  const vn = res.body.vorgangsnummer as string;
  await h.zugestellt(vn);
  await h.waitFor('the workflow knows it is delivered', async () => (await h.sicht(vn)).phase === 'zugestellt');
  const bescheid = await h.api('POST', `/api/antraege/${vn}/bescheid`, {
    user: SB,
    body: {
      dateiname: 'bescheid.pdf',
      inhaltBase64: pdf,
      metadaten: { aktenzeichen: 'ORD-9', art: 'bewilligung', datum: '2026-12-01', versand: 'post' },
    },
  });
  expect(bescheid.status).toBe(200);
  const offen = await h.api('GET', '/api/aufgaben', { user: SB });
  const aufgabe = (offen.body.items as { id: string; art: string; betreffId: string; erledigbar: boolean }[]).find(
    (a) => a.art === 'post-versand' && a.betreffId === vn,
  );
  expect(aufgabe?.erledigbar).toBe(true);
  return { vn, id: aufgabe!.id, statusToken: res.body.statusToken as string };
}

const erledigen = (id: string, body: Record<string, unknown>, o: { user?: string; token?: string } = { user: SB }) =>
  h.api('POST', `/api/aufgaben/${encodeURIComponent(id)}/erledigen`, { ...o, body });

describe('closing a task by the person who did it', () => {
  it('the Sachbearbeitung closes „per Post versenden“ once, with a note; the Antrag shows it', async () => {
    const { vn, id, statusToken } = await postAufgabe();

    // Another Mandant's Sachbearbeitung, or the own Mandant's admin (not the task's role), finds no such task.
    const dresden = await signToken(KEYS.bearer, {
      id: 'sb-dresden',
      name: 'Sachbearbeitung Dresden',
      roles: ['sachbearbeitung'],
      mandanten: ['dresden'],
    });
    const fremd = await erledigen(id, {}, { token: dresden });
    expect(fremd.status).toBe(404);
    expect(fremd.type).toContain('application/problem+json');
    expect(fremd.body.detail).toBe(`Keine Aufgabe ${id}.`);
    expect((await erledigen(id, {}, { user: 'admin-leipzig' })).status).toBe(404);
    expect((await erledigen(`${vn}:post:gibtsnicht`, {})).status).toBe(404);
    const zuLang = await erledigen(id, { notiz: 'x'.repeat(501) });
    expect(zuLang.status).toBe(400);
    expect(zuLang.body.invalidParams).toEqual([{ name: 'notiz', reason: 'Höchstens 500 Zeichen.' }]);

    const done = await erledigen(id, { notiz: 'am 3.12. per Post versandt' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      id,
      status: 'erledigt',
      erledigtVon: SB,
      notiz: 'am 3.12. per Post versandt',
      erledigbar: true,
    });
    const erledigtAm = done.body.erledigtAm as string;
    expect(Number.isNaN(Date.parse(erledigtAm))).toBe(false);

    // Again (a double click, a retry): the first close stands, nothing is written twice.
    const again = await erledigen(id, { notiz: 'doch erst am 4.12.' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      status: 'erledigt',
      erledigtVon: SB,
      erledigtAm,
      notiz: 'am 3.12. per Post versandt',
    });
    const audit = await h.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'aufgabe.erledigt')
      .where('subject_id', '=', vn)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: SB, mandant_id: 'leipzig' });
    expect(audit[0]!.details).toMatchObject({
      aufgabeId: id,
      art: 'post-versand',
      notiz: 'am 3.12. per Post versandt',
    });

    // The inbox no longer lists it; the Antrag's view shows who sent it when, and the citizen's timeline that it went.
    const offen = await h.api('GET', '/api/aufgaben', { user: SB });
    expect((offen.body.items as { id: string }[]).some((a) => a.id === id)).toBe(false);
    const detail = await h.api('GET', `/api/antraege/${vn}`, { user: SB });
    expect(detail.status).toBe(200);
    expect(detail.body.aufgaben).toEqual([
      expect.objectContaining({ id, art: 'post-versand', status: 'erledigt', erledigtVon: SB, erledigtAm }),
    ]);
    const versandt = (detail.body.ereignisse as { status: string; text: string; spur: string }[]).filter(
      (e) => e.status === 'bescheid-post-versandt',
    );
    expect(versandt).toEqual([
      expect.objectContaining({ spur: 'bearbeitung', text: 'Ihr Bescheid wurde per Post an Sie versandt.' }),
    ]);
    const status = await h.api('GET', `/api/status/${statusToken}`);
    expect(status.status).toBe(200);
    expect((status.body.bearbeitung.ereignisse as { text: string }[]).map((e) => e.text)).toContain(
      'Ihr Bescheid wurde per Post an Sie versandt.',
    );
  }, 120_000);

  it("a refund task is the orchestration's to close: 409 with the reason, the task stays open", async () => {
    const id = `${uniqueId('vn')}:erstattung:ueberzahlung`;
    await insertAufgabe(h.db, {
      id,
      art: 'erstattung',
      rolle: 'mandant-admin',
      mandantId: 'leipzig',
      betreffTyp: 'antrag',
      betreffId: id.split(':')[0]!,
      titel: 'Überzahlung erstatten',
      beschreibung: '5,00 € zurückzahlen',
    });
    const offen = await h.api('GET', '/api/aufgaben', { user: 'admin-leipzig' });
    expect((offen.body.items as { id: string; erledigbar: boolean }[]).find((a) => a.id === id)?.erledigbar).toBe(
      false,
    );
    const res = await erledigen(id, {}, { user: 'admin-leipzig' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe(
      'Diese Erstattungsaufgabe schließt die Orchestrierung selbst, sobald ePayBL die Rückzahlung zeigt.',
    );
    expect((await erledigen(id, {}, { user: 'admin-dresden' })).status).toBe(404);
    const row = await h.db.selectFrom('aufgabe').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'offen', erledigt_von: null });
  });

  it('the inbox has a button for it that works without script', async () => {
    const { vn, id } = await postAufgabe();
    const page = await uiSession(ui.base, SB);
    const inbox = await page.get('/aufgaben');
    expect(inbox.status).toBe(200);
    expect(inbox.html).toContain(`action="/aufgaben/${encodeURIComponent(id)}/erledigen"`);
    expect(inbox.html).toContain('Als erledigt melden');
    const posted = await page.post(`/aufgaben/${encodeURIComponent(id)}/erledigen`, { notiz: 'heute eingeworfen' });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe('/aufgaben?ok=erledigt');
    const after = await page.get('/aufgaben?ok=erledigt');
    expect(after.html).toContain('Die Aufgabe ist als erledigt gemeldet');
    expect(after.html).not.toContain(`/aufgaben/${encodeURIComponent(id)}/erledigen`);
    const row = await h.db.selectFrom('aufgabe').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'erledigt', erledigt_von: SB, erledigt_notiz: 'heute eingeworfen' });
    expect(row.betreff_id).toBe(vn);
  }, 120_000);
});
