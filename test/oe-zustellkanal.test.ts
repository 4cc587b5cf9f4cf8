// Where an Organisationseinheit receives the Anträge a process addresses to it by an answer (the Schulanmeldung's
// chosen school): the Mandant reads and sets it through the API and on the OE's page (a form without script, errors
// at the field), audited; another Mandant's admin cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type ServedApp } from './harness/stack';
import { uiSession } from './harness/ui-http';

let h: Awaited<ReturnType<typeof startStack>>;
let ui: ServedApp;
beforeAll(async () => {
  h = await startStack({ name: 'zustellkanal', worker: false });
  ui = await h.serveApp({ uiDemoSignIn: true });
}, 120_000);
afterAll(() => h?.close());

const OE = 'oe-leipzig-ordnungsamt';
const apiPath = `/api/mandanten/leipzig/organisationseinheiten/${OE}/zustellkanal`;
const page = `/mandanten/leipzig/organisationseinheiten/${OE}`;

describe("an OE's Zustellkanal", () => {
  it('is set on the OE page, refused with the field named when malformed, and read back through the API', async () => {
    const before = await h.api('GET', apiPath, { user: 'admin-leipzig' });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ oeId: OE, verzeichnis: null, fitconnectDestinationId: null });

    const s = await uiSession(ui.base, 'admin-leipzig');
    const shown = await s.get(page);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('Zustellkanal für Anträge an diese Stelle');

    const refused = await s.post(`${page}/zustellkanal`, { verzeichnis: '../anderswo', fitconnectDestinationId: '' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Der Zustellkanal wurde nicht gespeichert');
    expect(refused.html).toContain('Fehler: Ordnername');
    expect(refused.html).toContain('value="../anderswo"');

    const saved = await s.post(`${page}/zustellkanal`, {
      verzeichnis: 'ordnungsamt-eingang',
      fitconnectDestinationId: '',
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`${page}?ok=zustellung#zustellung`);
    expect((await s.get(`${page}?ok=zustellung`)).html).toContain('Der Zustellkanal ist gespeichert.');

    const after = await h.api('GET', apiPath, { user: 'sb-leipzig' });
    expect(after.body).toEqual({ oeId: OE, verzeichnis: 'ordnungsamt-eingang', fitconnectDestinationId: null });
    const audit = await h.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'organisationseinheit.zustellkanal.gesetzt')
      .where('subject_id', '=', OE)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('admin-leipzig');
  });

  it("is not another Mandant's to read or set", async () => {
    expect((await h.api('GET', apiPath, { user: 'admin-dresden' })).status).toBe(404);
    const put = await h.api('PUT', apiPath, {
      user: 'admin-dresden',
      body: { verzeichnis: 'x', fitconnectDestinationId: null },
    });
    expect(put.status).toBe(404);
  });
});
