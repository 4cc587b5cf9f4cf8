// Everything an Onlinedienst lifecycle touches, real and on loopback: its own database with the demo master data,
// a worker on the shared Temporal dev server, the API over HTTP, and the shared SMTP server.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { inject } from 'vitest';
import { createApp } from '../app/http';
import { demoUsers, signToken } from '../api/auth';
import type { LifecycleApiSettings } from '../api/lifecycle-api';
import { seedDemoData } from '../db/seed';
import { parameterKey } from '../runtime/secrets';
import type { StoredMail } from '../runtime/mail-server';
import { lifecycleStateQuery, lifecycleWorkflowId, type LifecycleView } from '../messages/onlinedienst';
import { createTestDatabase, eventually, mails, startWorker, temporalClient, testLog, testMailer, uniqueId, type RunningWorker } from './helpers';

export const SECRET = 'lifecycle-test-secret-0123456789abcdef01';
export const PARAMETER_KEY = parameterKey('lifecycle-test-parameter-key-0123456789');
export const LEISTUNG = '99102013000000';
export const H = 3_600_000;

/** Valid fields for every task template (the domain tests use the same shapes). */
export const VALID: Record<string, Record<string, unknown>> = {
  'ist-prozess': { istProzess: 'BPMN im Confluence', eAkte: true, fachverfahren: 'VIS.SAX', bescheidUebermittlung: 'postfach' },
  rechtsgrundlagen: { rechtsgrundlagen: ['§ 2 SächsHundStG'], vertrauensniveau: 'substanziell' },
  'xoev-fachverfahren': { xoevStandards: ['XBezahldienste'], fachverfahren: ['VIS.SAX'] },
  'konten-bezahlung': { bundId: true, meinUnternehmenskonto: false, bezahlung: true, bakZahlungsverkehrEingebunden: true },
  leistungsbeschreibung: { leistungId: LEISTUNG, geprueft: true },
  'auftakt-protokoll': {
    datum: '2026-01-20', protokoll: 'Protokoll Auftakt', ziel: 'Bewohnerparken online', zeitplan: 'Q1–Q2',
    zustaendigkeiten: 'PE: Stadt, PM: Dienstleister', regeltermine: 'Dienstag 10 Uhr', support: 'Servicedesk', tester: ['Ordnungsamt Leipzig'],
  },
  'prototyp-bereitstellen': {
    prozess: { name: 'KOMM24Bewohnerparken', version: 'v1.0' }, formular: { name: 'Bewohnerparken', version: 'v1.0' },
    bitv: true, dinSpec66336: true, tr03172: true,
  },
  'test-durchfuehren': { testfaelle: 12, negativtests: 4, offeneFehler: 0, beteiligte: ['entwickler', 'nutzer'], bericht: 'Alles grün' },
  freigabe: { entscheidung: 'erteilt' },
  zertifizierung: { ergebnis: 'bestanden', loggingGeprueft: true, endlosschleifenGeprueft: true, zertifikat: 'Z-2026-17' },
  'leistungsbeschreibung-final': { leistungId: LEISTUNG, abgestimmt: true },
  'rollout-planen': { mandanten: ['leipzig'], zustaendigeStellenEinbezogen: true, supportkanaeleAktiviert: true, oeffentlichkeitsarbeit: false },
  'uebernahme-beantragen': {
    prozess: { name: 'KOMM24Bewohnerparken', version: 'v1.0' }, formular: { name: 'Bewohnerparken', version: 'v1.0' }, zertifizierungsReferenz: 'Z-2026-17',
  },
  'uebernahme-bestaetigen': { ticketId: 'SD-4711', produktivVersion: 'v1.0' },
  deployment: { prozessVersion: 'v1.0', deployedAm: '2026-06-01' },
  aktivierung: { leistungId: LEISTUNG, organisationseinheitId: 'oe-leipzig-ordnungsamt', zustaendigkeitenGepflegt: true, prozessparameterGepflegt: true, wartungsmodus: true },
  abnahmetest: { ergebnis: 'bestanden', eingangBeiBehoerdeGeprueft: true },
  'wartungsmodus-aus': { wartungsmodus: false, oeffentlichGeprueft: true },
  betriebspruefung: { ergebnis: 'weiterbetrieb' },
  deaktivierung: { deaktiviertAm: '2031-03-31' },
  datenaufbewahrung: { aufbewahrungsregelnAngewendet: true, loeschkonzept: 'Löschung nach 90 Tagen' },
};

/** Which demo user acts for each role. */
export const ACTING: Record<string, string> = {
  prozesseigner: 'pe-smk',
  prozessmodellierer: 'pm-seitenbau',
  zertifizierer: 'zert-pruefstelle',
  awb: 'awb-sid',
  redaktion: 'redaktion-sk',
  projektleitung: 'pl-sk',
  testteam: 'tt-sid',
};

export type LifecycleHarness = Awaited<ReturnType<typeof lifecycleHarness>>;

export async function lifecycleHarness(opts: { settings?: LifecycleApiSettings; taskQueue?: string } = {}) {
  const { db } = await createTestDatabase('lc');
  await seedDemoData(db);
  const mailer = testMailer();
  const { client, connection } = await temporalClient();
  const taskQueue = opts.taskQueue ?? uniqueId('tq-lc');
  const awbEmail = `${uniqueId('awb')}@sid.example`;
  const app = createApp({
    db, temporal: client, log: testLog, authSecret: SECRET, namespace: inject('temporalNamespace'), taskQueue,
    publicBaseUrl: 'http://localhost', version: 'test', readiness: [], parameterKey: PARAMETER_KEY,
    ...(opts.settings ? { lifecycle: opts.settings } : {}),
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workerDeps = { db, mailer, awbEmail, parameterKey: PARAMETER_KEY };
  let worker: RunningWorker | undefined = await startWorker(workerDeps, taskQueue);
  const tokens: Record<string, string> = Object.fromEntries(await Promise.all(demoUsers.map(async (u) => [u.id, await signToken(SECRET, u)] as const)));

  async function api(method: string, p: string, user?: string, body?: unknown) {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json: any = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { raw: text };
    }
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: json, text };
  }

  /** A fresh Onlinedienst with mailboxes of its own, so mails can be told apart between tests. */
  async function createOnlinedienst(extra: Record<string, unknown> = {}, user = 'pe-smk') {
    const id = uniqueId('od');
    const kontakte = {
      prozesseigner: `${id}.pe@example.org`,
      prozessmodellierer: `${id}.pm@example.org`,
      zertifizierer: `${id}.zert@example.org`,
      testteam: `${id}.test@example.org`,
      redaktion: `${id}.red@example.org`,
      projektleitung: `${id}.pl@example.org`,
    };
    const res = await api('POST', '/api/onlinedienste', user, {
      id, name: `Bewohnerparken ${id}`, mandantId: 'leipzig', kontakte, featureTags: ['payment', 'form:upload'], ...extra,
    });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
    return { id, kontakte };
  }

  const state = (id: string): Promise<LifecycleView> => client.workflow.getHandle(lifecycleWorkflowId(id)).query(lifecycleStateQuery);

  /** Completes a task through the API as the demo user of its role (or `user`). */
  async function complete(id: string, taskId: string, opts2: { user?: string; fields?: Record<string, unknown> } = {}) {
    const templateId = taskId.split(':')[0]!;
    const view = await state(id);
    const task = view.openTasks.find((t) => t.id === taskId);
    const user = opts2.user ?? (task ? ACTING[task.role] : undefined) ?? 'pe-smk';
    return api('POST', `/api/onlinedienste/${id}/aufgaben/${encodeURIComponent(taskId)}`, user, opts2.fields ?? VALID[templateId]);
  }

  async function mustComplete(id: string, taskId: string, opts2: { user?: string; fields?: Record<string, unknown> } = {}) {
    const res = await complete(id, taskId, opts2);
    if (res.status !== 200) throw new Error(`completing ${taskId} failed: ${res.status} ${res.text}`);
    return res.body;
  }

  async function waitForPhase(id: string, phase: string, ms = 20_000) {
    return eventually(async () => {
      const v = await state(id);
      return v.phase === phase ? v : undefined;
    }, ms, `phase ${phase}`);
  }

  async function mailsTo(address: string): Promise<StoredMail[]> {
    return (await mails()).filter((m) => m.envelopeTo.includes(address));
  }

  async function waitForMailTo(address: string, subject: RegExp, ms = 20_000): Promise<StoredMail> {
    return eventually(async () => (await mailsTo(address)).find((m) => subject.test(m.subject)), ms, `mail to ${address} matching ${subject}`);
  }

  return {
    db, client, base, tokens, awbEmail, taskQueue, workerDeps,
    api, createOnlinedienst, state, complete, mustComplete, waitForPhase, mailsTo, waitForMailTo,
    handle: (id: string) => client.workflow.getHandle(lifecycleWorkflowId(id)),
    async restartWorker() {
      await worker?.stop();
      worker = await startWorker(workerDeps, taskQueue);
    },
    async close() {
      await worker?.stop().catch(() => undefined);
      worker = undefined;
      await new Promise((r) => server.close(r));
      await connection.close();
      await db.destroy();
      mailer.close();
    },
  };
}
