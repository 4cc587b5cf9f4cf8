// What the Antrag must survive: FIT-Connect outages, maintenance, duplicate and hostile submissions, a worker
// that goes away mid-flight, and people looking where they may not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { mails, waitForMail } from './harness/wait';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack({ endpointAlertAfterMs: 1500 });
}, 120_000);
afterAll(() => h?.close());

const fitconnectParams = () => ({
  'zustellung.modus': 'fitconnect',
  'fitconnect.destinationId': h.destination.destinationId,
});
const pdf = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('FIT-Connect delivery', () => {
  it('delivers encrypted; the authority decrypts exactly what was submitted', async () => {
    const akt = await h.aktivierung(fitconnectParams());
    const daten = anwohnerparken({ bemerkung: 'Über FIT-Connect <&>' });
    const res = await h.submit({
      aktivierungId: akt,
      daten,
      antragsteller: antragsteller(`${uniqueId('fc')}@example.org`),
      anlagen: [{ dateiname: 'Nachweis.pdf', medientyp: 'application/pdf', inhaltBase64: pdf.toString('base64') }],
    });
    const vn = res.body.vorgangsnummer;
    const z = await h.zugestellt(vn);
    const ref = JSON.parse(z.referenz!) as { submissionId: string };
    const decrypted = await h.fitconnect.decryptSubmission(ref.submissionId);
    const data = JSON.parse(decrypted.data) as Record<string, any>;
    expect(JSON.stringify(data)).toContain('Über FIT-Connect <&>');
    expect(JSON.stringify(data)).toContain('L-AB 1234');
    const contents = Object.values(decrypted.attachments).map((a) => Buffer.from(a));
    expect(contents.some((c) => c.equals(pdf))).toBe(true);
    expect(h.fitconnect.submissionStatus(ref.submissionId)).toBe('submitted');
  }, 60_000);

  it('waits out an outage, shows the waiting time, alerts the AWB once, and delivers exactly once when back', async () => {
    const akt = await h.aktivierung(fitconnectParams());
    const before = h.fitconnect.listSubmissions(h.destination.destinationId).length;
    await h.fitconnect.setOutage('unavailable');
    try {
      const res = await h.submit({
        aktivierungId: akt,
        daten: anwohnerparken(),
        antragsteller: antragsteller(`${uniqueId('out')}@example.org`),
      });
      const vn = res.body.vorgangsnummer;
      await h.waitFor('waiting on endpoint', async () => (await h.antrag(vn)).zustell_status === 'wartet-auf-endpunkt');
      const alert = await waitForMail(
        (m) => m.envelopeTo.includes(h.awbEmail) && m.subject.startsWith('Fachverfahren nicht erreichbar'),
      );
      expect(alert.subject).toBe(`Fachverfahren nicht erreichbar: fitconnect:${h.destination.destinationId}`);
      const endpunkte = await h.api('GET', '/api/endpunkte', { user: 'awb-sid' });
      const ep = endpunkte.body.items.find(
        (e: { endpunkt: string }) => e.endpunkt === `fitconnect:${h.destination.destinationId}`,
      );
      expect(ep).toMatchObject({ erreichbar: false });
      expect(ep.wartend).toBeGreaterThanOrEqual(1);
      expect(ep.wartetSeitSekunden).toBeGreaterThanOrEqual(1);
      const status = await h.api('GET', `/api/status/${res.body.statusToken}`);
      expect(status.body.technisch.status).toBe('wartet-auf-endpunkt');
      expect(status.body.bearbeitung.status).toBeNull(); // technical delay is not a processing status

      await h.fitconnect.setOutage('none');
      const z = await h.zugestellt(vn);
      expect(z.versuche).toBeGreaterThan(1);
      expect(h.fitconnect.listSubmissions(h.destination.destinationId).length - before).toBe(1);
      const nachher = await h.api('GET', '/api/endpunkte', { user: 'awb-sid' });
      expect(nachher.body.items.find((e: { endpunkt: string }) => e.endpunkt === ep.endpunkt)).toMatchObject({
        erreichbar: true,
        wartend: 0,
      });
      expect(
        (await mails()).filter(
          (m) => m.envelopeTo.includes(h.awbEmail) && m.subject.startsWith('Fachverfahren nicht erreichbar'),
        ),
      ).toHaveLength(1);
    } finally {
      await h.fitconnect.setOutage('none');
    }
  }, 60_000);
});

describe('Wartungsmodus', () => {
  it("refuses citizens with 503, Retry-After and the Mandant's text, but lets the Prozesseigner test", async () => {
    const akt = await h.aktivierung(
      { 'zustellung.modus': 'transfer-plain' },
      { wartungsmodus: true, art: 'refuse', text: 'Abnahmetest bis 14 Uhr.' },
    );
    const body = {
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('wm')}@example.org`),
    };
    const refused = await h.submit(body);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3600');
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.detail).toBe('Abnahmetest bis 14 Uhr.');
    expect((await h.submit({ ...body, test: true })).status).toBe(403); // citizens cannot claim to test
    const test = await h.submit({ ...body, test: true }, { user: 'pe-smk' });
    expect(test.status).toBe(201);
    await h.zugestellt(test.body.vorgangsnummer);
    expect((await h.antrag(test.body.vorgangsnummer)).test).toBe(true);
  }, 60_000);

  it('accepts and holds, then processes when the Mandant switches maintenance off', async () => {
    const akt = await h.aktivierung(
      { 'zustellung.modus': 'transfer-plain', 'frist.wartungPruefen': '1h' },
      { wartungsmodus: true, art: 'hold' },
    );
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('hold')}@example.org`),
    });
    expect(res.status).toBe(201);
    const vn = res.body.vorgangsnummer;
    await h.waitFor('held', async () => (await h.sicht(vn)).phase === 'wartet-wartung');
    await new Promise((r) => setTimeout(r, 1000));
    expect(
      await h.db.selectFrom('zustellung').select('vorgangsnummer').where('vorgangsnummer', '=', vn).executeTakeFirst(),
    ).toBeUndefined();
    expect(
      (await h.api('PUT', `/api/aktivierungen/${akt}/wartungsmodus`, { user: 'admin-dresden', body: { aktiv: false } }))
        .status,
    ).toBe(404);
    const off = await h.api('PUT', `/api/aktivierungen/${akt}/wartungsmodus`, {
      user: 'admin-leipzig',
      body: { aktiv: false },
    });
    expect(off.status).toBe(200);
    expect(off.body.freigegeben).toBe(1);
    await h.zugestellt(vn);
  }, 60_000);
});

describe('duplicate submissions', () => {
  it('turns ten concurrent identical submissions into one Antrag, one workflow and one mail', async () => {
    const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
    const email = `${uniqueId('dup')}@example.org`;
    const body = { aktivierungId: akt, daten: anwohnerparken(), antragsteller: antragsteller(email) };
    const key = uniqueId('klick');
    const results = await Promise.all(Array.from({ length: 10 }, () => h.submit(body, { key })));
    const vns = new Set(results.map((r) => r.body.vorgangsnummer));
    expect(vns.size).toBe(1);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.eingegangenAm)).size).toBe(1);
    const vn = [...vns][0]!;
    const runs = [];
    for await (const wf of h.client.workflow.list({ query: `WorkflowId = "${antragWorkflowId(vn)}"` })) runs.push(wf);
    expect(runs).toHaveLength(1);
    await h.zugestellt(vn);
    await waitForMail((m) => m.envelopeTo.includes(email));
    expect(
      (await mails()).filter((m) => m.envelopeTo.includes(email) && m.subject.includes('Eingangsbestätigung')),
    ).toHaveLength(1);
    // The same key with different content is a conflict, not a silent second Antrag.
    const other = await h.submit({ ...body, daten: anwohnerparken({ zone: 'B1' }) }, { key });
    expect(other.status).toBe(409);
    // Without a key, the same bytes twice (a double click) are the same Antrag too.
    const a = await h.submit({ ...body, daten: anwohnerparken({ zone: 'C2' }) });
    const b = await h.submit({ ...body, daten: anwohnerparken({ zone: 'C2' }) });
    expect(b.body.vorgangsnummer).toBe(a.body.vorgangsnummer);
    expect([a.status, b.status]).toEqual([201, 200]);
  }, 60_000);
});

describe('hostile and wrong input', () => {
  it('names the wrong fields, refuses wrong types and oversize or disguised files, and stores nothing', async () => {
    const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
    const ok = {
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('bad')}@example.org`),
    };
    const count = async () =>
      Number(
        (
          await h.db
            .selectFrom('antrag')
            .select(({ fn }) => fn.countAll<string>().as('n'))
            .where('aktivierung_id', '=', akt)
            .executeTakeFirstOrThrow()
        ).n,
      );

    const wrongTypes = await h.submit({
      ...ok,
      daten: { ...anwohnerparken(), kennzeichen: 42, wohnadresse: { ...anwohnerparken().wohnadresse, plz: 'abc' } },
    });
    expect(wrongTypes.status).toBe(400);
    expect(wrongTypes.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual([
      'daten.kennzeichen',
      'daten.wohnadresse.plz',
    ]);
    const noMail = await h.submit({ ...ok, antragsteller: { name: 'X Y', email: 'kein-mail' } });
    expect(noMail.body.invalidParams[0].name).toBe('antragsteller.email');
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]);
    const disguised = await h.submit({
      ...ok,
      anlagen: [{ dateiname: 'rechnung.pdf', medientyp: 'application/pdf', inhaltBase64: exe.toString('base64') }],
    });
    expect(disguised.status).toBe(415);
    expect(disguised.body.invalidParams[0].name).toBe('anlagen[0]');
    const big = Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024)]);
    const oversize = await h.submit({
      ...ok,
      anlagen: [{ dateiname: 'gross.pdf', medientyp: 'application/pdf', inhaltBase64: big.toString('base64') }],
    });
    expect(oversize.status).toBe(413);
    const unknown = await h.submit({ ...ok, aktivierungId: 'gibt-es-nicht' });
    expect(unknown.status).toBe(404);
    const version = await h.submit({ ...ok, formularVersion: '9.9' });
    expect(version.status).toBe(422);
    const raw = await h.api('POST', '/api/antraege', { user: 'buerger-anna', rawBody: '{"aktivierungId":' });
    expect(raw.status).toBe(400);
    expect(await count()).toBe(0);

    // Multipart as a browser sends it; the file name is never trusted.
    const form = new FormData();
    form.set('antrag', JSON.stringify(ok));
    form.append('anlage', new Blob([pdf], { type: 'application/pdf' }), '..\\..\\windows\\system32\\CON.pdf');
    const multipart = await h.api('POST', '/api/antraege', { user: 'buerger-anna', rawBody: form });
    expect(multipart.status).toBe(201);
    const { vorgangsnummer } = multipart.body as { vorgangsnummer: string };
    const stored = await h.db
      .selectFrom('antrag_datei')
      .select(['file_name', 'media_type'])
      .where('vorgangsnummer', '=', vorgangsnummer)
      .where('art', '=', 'anlage')
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.file_name).not.toMatch(/[\\/]|\.\./);
    expect(stored[0]!.media_type).toBe('application/pdf');
    await h.zugestellt(vorgangsnummer);
  }, 60_000);
});

describe('a worker that goes away', () => {
  it('continues a paid Antrag after the worker was stopped mid-flight', async () => {
    const akt = await h.aktivierung({ ...h.gebuehr(1000), 'zustellung.modus': 'transfer-plain' });
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('wk')}@example.org`),
    });
    const vn = res.body.vorgangsnummer;
    const zahlung = await h.waitFor('Kassenzeichen', () =>
      h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst(),
    );
    await h.stopWorker();
    try {
      h.epaybl.zahlung(zahlung.kassenzeichen, 1000, 'LASTSCHRIFTOHNE');
      await new Promise((r) => setTimeout(r, 1500));
      expect(
        await h.db
          .selectFrom('zustellung')
          .select('vorgangsnummer')
          .where('vorgangsnummer', '=', vn)
          .executeTakeFirst(),
      ).toBeUndefined();
    } finally {
      await h.startWorker();
    }
    const z = await h.zugestellt(vn, 60_000);
    expect(z.versuche).toBe(1);
    const gebucht = await h.db
      .selectFrom('audit_log')
      .select('id')
      .where('subject_id', '=', vn)
      .where('action', '=', 'zahlung.gebucht')
      .execute();
    expect(gebucht).toHaveLength(1);
  }, 90_000);
});

describe('a worker process killed with SIGKILL', () => {
  it('loses nothing: a new worker process takes over the payment poll and delivers once', async () => {
    const akt = await h.aktivierung({ ...h.gebuehr(1234), 'zustellung.modus': 'transfer-plain' });
    await h.stopWorker();
    const first = h.spawnWorkerProcess();
    let second: ReturnType<typeof h.spawnWorkerProcess> | undefined;
    try {
      const res = await h.submit({
        aktivierungId: akt,
        daten: anwohnerparken(),
        antragsteller: antragsteller(`${uniqueId('kill')}@example.org`),
      });
      const vn = res.body.vorgangsnummer;
      const zahlung = await h.waitFor(
        'Kassenzeichen from the worker process',
        () => h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst(),
        60_000,
      );
      // Mid-flight: the process is inside the heartbeating payment poll.
      await h.waitFor('payment poll running', async () =>
        (await h.handle(vn).describe()).raw.pendingActivities?.some((a) => a.activityType?.name === 'zahlungAbwarten'),
      );
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      h.epaybl.zahlung(zahlung.kassenzeichen, 1234, 'GIROPAY');
      second = h.spawnWorkerProcess();
      const z = await h.zugestellt(vn, 90_000);
      expect(z.versuche).toBe(1);
      expect(
        await h.db
          .selectFrom('audit_log')
          .select('id')
          .where('subject_id', '=', vn)
          .where('action', '=', 'zahlung.gebucht')
          .execute(),
      ).toHaveLength(1);
      expect(
        await h.db.selectFrom('zahlung').select('status').where('vorgangsnummer', '=', vn).executeTakeFirstOrThrow(),
      ).toEqual({ status: 'bezahlt' });
    } finally {
      first.kill('SIGKILL');
      second?.kill('SIGTERM');
      await h.startWorker();
    }
  }, 150_000);
});

describe('no worker at all', () => {
  it('still accepts a submission durably and processes it once a worker is back', async () => {
    const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
    const email = `${uniqueId('nowk')}@example.org`;
    await h.stopWorker();
    let vn: string;
    try {
      const res = await h.submit({ aktivierungId: akt, daten: anwohnerparken(), antragsteller: antragsteller(email) });
      expect(res.status).toBe(201);
      vn = res.body.vorgangsnummer;
      const described = await h.handle(vn).describe();
      expect(described.status.name).toBe('RUNNING');
      expect((await mails()).filter((m) => m.envelopeTo.includes(email))).toHaveLength(0);
    } finally {
      await h.startWorker();
    }
    await h.zugestellt(vn!);
    await waitForMail((m) => m.envelopeTo.includes(email) && m.subject.includes('Eingangsbestätigung'));
  }, 60_000);
});

describe('who sees what', () => {
  it("shows an Antrag to its own Mandant's authority and to the citizen with the token only", async () => {
    const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('sc')}@example.org`),
    });
    const vn = res.body.vorgangsnummer;
    expect((await h.api('GET', `/api/antraege/${vn}`, { user: 'sb-leipzig' })).status).toBe(200);
    expect((await h.api('GET', `/api/antraege/${vn}`, { user: 'admin-dresden' })).status).toBe(404);
    expect((await h.api('GET', '/api/antraege', { user: 'awb-sid' })).status).toBe(403); // the AWB does not see Anträge
    const dresdenList = await h.api('GET', '/api/antraege', { user: 'admin-dresden' });
    expect(dresdenList.body.items.map((a: { vorgangsnummer: string }) => a.vorgangsnummer)).not.toContain(vn);
    const forged = `${vn}.${'A'.repeat(32)}`;
    expect((await h.api('GET', `/api/status/${forged}`)).status).toBe(404);
    const own = await h.api('GET', `/api/status/${res.body.statusToken}`);
    expect(own.status).toBe(200);
    expect(own.body.vorgangsnummer).toBe(vn);
    expect(JSON.stringify(own.body)).not.toContain('Anna Bürger'); // no personal data on the status page
    // Commands before delivery are refused by the workflow, not accepted and ignored.
    await h.zugestellt(vn);
    const notYet = await h.api('POST', `/api/antraege/${vn}/bearbeitung`, {
      user: 'admin-leipzig',
      body: { status: 'in-bearbeitung' },
    });
    expect(notYet.status).toBe(403); // mandant-admin is not Sachbearbeitung
  }, 60_000);
});
