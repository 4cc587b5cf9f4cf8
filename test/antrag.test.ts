// The citizen's Antrag end to end, on the real dev server, with the simulators over real sockets.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeFolderName } from '../integrations/transfer/filenames';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { mails, waitForMail } from './harness/wait';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

const pdfBase64 = Buffer.from('%PDF-1.4\n% Nachweis\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');

describe('Antrag without a fee, delivered into a plain Transferverzeichnis', () => {
  it('goes from submission through Nachforderung and Bescheid to the deletion of personal data', async () => {
    const akt = await h.aktivierung({
      'zustellung.modus': 'transfer-plain',
      'frist.aufbewahrung': '3s',
      'frist.transferLoeschen': '2s',
    });
    const email = `${uniqueId('anna')}@example.org`;
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken({ bemerkung: 'Stellplatz im Hof <nicht> vorhanden & "Ausnahme"' }),
      antragsteller: antragsteller(email),
      anlagen: [{ dateiname: '../../etc/passwd.pdf', medientyp: 'application/pdf', inhaltBase64: pdfBase64 }],
    });
    expect(res.status).toBe(201);
    const { vorgangsnummer: vn, eingegangenAm, statusToken } = res.body;
    expect(vn).toMatch(/^A24-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(Date.parse(eingegangenAm)).toBeGreaterThan(Date.now() - 60_000);

    const bestaetigung = await waitForMail(
      (m) => m.envelopeTo.includes(email) && m.subject.includes('Eingangsbestätigung'),
    );
    expect(bestaetigung.subject).toBe(`Eingangsbestätigung – Vorgangsnummer ${vn}`);
    expect(bestaetigung.text).toContain(`/status/${statusToken}`);

    // Exactly what was submitted, as PDF, its hash in the audit log.
    const pdf = await h.waitFor('PDF', () =>
      h.db.selectFrom('antrag_datei').selectAll().where('id', '=', `${vn}:antrag-pdf`).executeTakeFirst(),
    );
    const doc = await getDocument({ data: new Uint8Array(pdf.content!), isEvalSupported: false }).promise;
    expect((await doc.getMetadata()).info).toMatchObject({ Title: expect.stringContaining(vn), Language: 'de-DE' });
    await doc.destroy();
    expect(pdf.sha256).toBe(createHash('sha256').update(pdf.content!).digest('hex'));
    const eingang = await h.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_id', '=', vn)
      .where('action', '=', 'antrag.eingegangen')
      .executeTakeFirstOrThrow();
    expect((eingang.details as { pdfSha256: string }).pdfSha256).toBe(pdf.sha256);

    // Delivered once, atomically, the hostile file name tamed.
    const zustellung = await h.waitFor('delivery', async () => {
      const z = await h.db.selectFrom('zustellung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst();
      return z?.zugestellt_am ? z : undefined;
    });
    expect(zustellung.versuche).toBe(1);
    const folder = path.join(h.transferRoot, safeFolderName(akt), safeFolderName(vn));
    const files = fs.readdirSync(folder).sort();
    expect(files).toEqual(['antrag.json', 'antrag.pdf', 'antrag.xml', 'passwd.pdf']);
    const json = JSON.parse(fs.readFileSync(path.join(folder, 'antrag.json'), 'utf8'));
    expect(JSON.stringify(json)).toContain('Stellplatz im Hof <nicht> vorhanden & \\"Ausnahme\\"');
    expect(fs.readFileSync(path.join(folder, 'antrag.pdf')).equals(Buffer.from(pdf.content!))).toBe(true);
    // The activity writes the row before the workflow has processed its completion: wait for the workflow too.
    await h.waitFor('workflow saw the delivery', async () => (await h.sicht(vn)).phase === 'zugestellt');

    // The authority: in Bearbeitung, then a Nachforderung with a deadline.
    const sb = 'sb-leipzig';
    expect(
      (await h.api('POST', `/api/antraege/${vn}/bearbeitung`, { user: sb, body: { status: 'in-bearbeitung' } })).status,
    ).toBe(200);
    const frist = new Date(Date.now() + 14 * 86_400_000).toISOString();
    const nf = await h.api('POST', `/api/antraege/${vn}/bearbeitung`, {
      user: sb,
      body: { status: 'nachforderung', text: 'Bitte Meldebescheinigung nachreichen.', frist },
    });
    expect(nf.status).toBe(200);
    expect(nf.body.bearbeitung.nachforderung).toEqual({ frist, beantwortet: false });
    const nfMail = await waitForMail((m) => m.envelopeTo.includes(email) && m.subject.startsWith('Nachforderung'));
    expect(nfMail.text).toContain('Bitte Meldebescheinigung nachreichen.');
    // A second Nachforderung while one is open is refused by the workflow's validator.
    const doppelt = await h.api('POST', `/api/antraege/${vn}/bearbeitung`, {
      user: sb,
      body: { status: 'nachforderung', text: 'Noch etwas', frist },
    });
    expect(doppelt.status).toBe(409);
    expect(doppelt.body.detail).toBe('Es gibt bereits eine offene Nachforderung');

    const status1 = await h.api('GET', `/api/status/${statusToken}`);
    expect(status1.body.nachforderungOffen).toEqual({ frist });
    const antwort = await h.api('POST', `/api/status/${statusToken}/nachforderung`, {
      body: {
        text: 'Meldebescheinigung anbei.',
        anlagen: [{ dateiname: 'melde.pdf', inhaltBase64: pdfBase64 }],
      },
    });
    expect(antwort.status).toBe(200);
    expect(antwort.body.phase).toBe('in-bearbeitung');

    // The Bescheid: delivered to the citizen, the Widerspruch period starts.
    const bescheid = await h.api('POST', `/api/antraege/${vn}/bescheid`, {
      user: sb,
      body: {
        dateiname: 'bescheid.pdf',
        inhaltBase64: pdfBase64,
        metadaten: { aktenzeichen: 'ORD-2026-0815', art: 'bewilligung', datum: '2026-11-24' },
      },
    });
    expect(bescheid.status).toBe(200);
    const { zugestelltAm, widerspruchBis } = bescheid.body.bescheid;
    expect(Date.parse(widerspruchBis) - Date.parse(zugestelltAm)).toBe(30 * 86_400_000);
    await waitForMail((m) => m.envelopeTo.includes(email) && m.subject.startsWith('Ihr Bescheid'));
    const status2 = await h.api('GET', `/api/status/${statusToken}`);
    // Nobody fetches the folder in this test: its deletion after 2 s is recorded as one of unfetched data.
    const technisch = status2.body.technisch.ereignisse.map((e: { status: string }) => e.status);
    expect(technisch.filter((s: string) => s !== 'ungeholt-geloescht')).toEqual(['eingegangen', 'zugestellt']);
    expect(status2.body.bearbeitung.ereignisse.map((e: { status: string }) => e.status)).toEqual([
      'in-bearbeitung',
      'nachforderung',
      'nachforderung-beantwortet',
      'bescheid',
    ]);
    expect(status2.body.bearbeitung.status).toBe('abgeschlossen');
    expect(status2.body.technisch.status).toBe('zugestellt');
    const bescheidDoc = status2.body.dokumente.find((d: { art: string }) => d.art === 'bescheid');
    const download = await h.api('GET', `/api/status/${statusToken}/dateien/${bescheidDoc.id}`);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.bytes.toString('base64')).toBe(pdfBase64);

    // Retention: the transfer folder goes, then the personal data; both recorded.
    const ende = await h.handle(vn).result();
    expect(ende.personendatenGeloescht).toBe(true);
    expect(fs.existsSync(folder)).toBe(false);
    const row = await h.antrag(vn);
    expect(row.form_data).toBeNull();
    expect(row.antragsteller).toBeNull();
    expect(row.personendaten_geloescht_am).not.toBeNull();
    const rest = await h.db.selectFrom('antrag_datei').select('content').where('vorgangsnummer', '=', vn).execute();
    expect(rest.every((d) => d.content === null)).toBe(true);
    const actions = (
      await h.db.selectFrom('audit_log').select('action').where('subject_id', '=', vn).orderBy('id').execute()
    ).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'antrag.eingegangen',
        'antrag.zugestellt',
        'antrag.nachforderung',
        'antrag.bescheid-zugestellt',
        'transfer.ungeholt-geloescht',
        'transfer.geloescht',
        'antrag.personendaten-geloescht',
      ]),
    );
    expect(
      (await mails()).filter((m) => m.envelopeTo.includes(email) && m.subject.includes('Eingangsbestätigung')),
    ).toHaveLength(1);
  }, 90_000);
});
