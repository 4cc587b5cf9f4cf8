// The Onlinedienst lifecycle on a stack: valid fields for every task template, the demo user of each role, creating
// an Onlinedienst with mailboxes of its own, completing tasks through the API, and waiting for phases and mails.
import type { Client } from '@temporalio/client';
import type { LifecycleApiSettings } from '../../api/lifecycle-api';
import {
  lifecycleStateQuery,
  lifecycleWorkflowId,
  type LifecycleInput,
  type LifecycleView,
} from '../../messages/onlinedienst';
import { LEISTUNG, startStack } from './stack';
import type { Api } from './http';
import { uniqueId } from './servers';
import { eventually, mailsTo, waitForMailTo } from './wait';

export const H = 3_600_000;

/**
 * Starts the lifecycle of an Onlinedienst already in production (it starts in Betrieb and waits for commands and
 * signals) directly on the stack's queue, for tests about the worker rather than the API.
 */
export function startBestand(s: { client: Client; taskQueue: string }, onlinedienstId: string, name: string) {
  const input: LifecycleInput = {
    onlinedienstId,
    name,
    mandantId: 'leipzig',
    prozesseigner: 'pe-smk',
    startedBy: 'tester',
    bestand: {
      prozess: { name: 'P', version: 'v1.0' },
      formular: { name: 'F', version: 'v1.0' },
      zertifizierungsReferenz: 'Z-1',
      aktivierteMandanten: ['leipzig'],
    },
  };
  return s.client.workflow.start('onlinedienstLifecycleWorkflow', {
    workflowId: lifecycleWorkflowId(onlinedienstId),
    taskQueue: s.taskQueue,
    args: [input],
  });
}

/** Valid fields for every task template (the domain tests use the same shapes). */
export const VALID: Record<string, Record<string, unknown>> = {
  'ist-prozess': {
    istProzess: 'BPMN im Confluence',
    eAkte: true,
    fachverfahren: 'VIS.SAX',
    bescheidUebermittlung: 'postfach',
  },
  rechtsgrundlagen: { rechtsgrundlagen: ['§ 2 SächsHundStG'], vertrauensniveau: 'substanziell' },
  'xoev-fachverfahren': { xoevStandards: ['XBezahldienste'], fachverfahren: ['VIS.SAX'] },
  'konten-bezahlung': {
    bundId: true,
    meinUnternehmenskonto: false,
    bezahlung: true,
    bakZahlungsverkehrEingebunden: true,
  },
  leistungsbeschreibung: { leistungId: LEISTUNG, geprueft: true },
  'auftakt-protokoll': {
    datum: '2026-01-20',
    protokoll: 'Protokoll Auftakt',
    ziel: 'Bewohnerparken online',
    zeitplan: 'Q1–Q2',
    zustaendigkeiten: 'PE: Stadt, PM: Dienstleister',
    regeltermine: 'Dienstag 10 Uhr',
    support: 'Servicedesk',
    tester: ['Ordnungsamt Leipzig'],
  },
  'prototyp-bereitstellen': {
    prozess: { name: 'KOMM24Bewohnerparken', version: 'v1.0' },
    formular: { name: 'Bewohnerparken', version: 'v1.0' },
    bitv: true,
    dinSpec66336: true,
    tr03172: true,
  },
  'test-durchfuehren': {
    testfaelle: 12,
    negativtests: 4,
    offeneFehler: 0,
    beteiligte: ['entwickler', 'nutzer'],
    bericht: 'Alles grün',
  },
  freigabe: { entscheidung: 'erteilt' },
  zertifizierung: {
    ergebnis: 'bestanden',
    loggingGeprueft: true,
    endlosschleifenGeprueft: true,
    zertifikat: 'Z-2026-17',
  },
  'leistungsbeschreibung-final': { leistungId: LEISTUNG, abgestimmt: true },
  'rollout-planen': {
    mandanten: ['leipzig'],
    zustaendigeStellenEinbezogen: true,
    supportkanaeleAktiviert: true,
    oeffentlichkeitsarbeit: false,
  },
  'produktivsetzung-freigeben': { entscheidung: 'freigegeben', zertifizierungGeprueft: true },
  'uebernahme-beantragen': {
    prozess: { name: 'KOMM24Bewohnerparken', version: 'v1.0' },
    formular: { name: 'Bewohnerparken', version: 'v1.0' },
    zertifizierungsReferenz: 'Z-2026-17',
  },
  'uebernahme-bestaetigen': { ticketId: 'SD-4711', produktivVersion: 'v1.0' },
  deployment: { prozessVersion: 'v1.0', deployedAm: '2026-06-01' },
  aktivierung: {
    leistungId: LEISTUNG,
    organisationseinheitId: 'oe-leipzig-ordnungsamt',
    zustaendigkeitenGepflegt: true,
    prozessparameterGepflegt: true,
    wartungsmodus: true,
  },
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

export type LifecycleStack = Awaited<ReturnType<typeof lifecycleStack>>;
export type LifecycleHelpers = ReturnType<typeof lifecycleHelpers>;

/**
 * Driving lifecycles through an API as the demo users would, on any stack: creating an Onlinedienst, completing
 * tasks, waiting for a phase, and completing whatever is open until a phase is reached.
 */
export function lifecycleHelpers({ api, client }: { api: Api; client: Client }) {
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
    const res = await api('POST', '/api/onlinedienste', {
      user,
      body: {
        id,
        name: `Bewohnerparken ${id}`,
        mandantId: 'leipzig',
        kontakte,
        featureTags: ['payment', 'form:upload'],
        ...extra,
      },
    });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
    return { id, kontakte };
  }

  const handle = (id: string) => client.workflow.getHandle(lifecycleWorkflowId(id));
  const state = (id: string): Promise<LifecycleView> => handle(id).query(lifecycleStateQuery);

  /** Completes a task through the API as the demo user of its role (or `user`). */
  async function complete(id: string, taskId: string, o: { user?: string; fields?: Record<string, unknown> } = {}) {
    const templateId = taskId.split(':')[0]!;
    const view = await state(id);
    const task = view.openTasks.find((t) => t.id === taskId);
    const user = o.user ?? (task ? ACTING[task.role] : undefined) ?? 'pe-smk';
    return api('POST', `/api/onlinedienste/${id}/aufgaben/${encodeURIComponent(taskId)}`, {
      user,
      body: o.fields ?? VALID[templateId],
    });
  }

  async function mustComplete(id: string, taskId: string, o: { user?: string; fields?: Record<string, unknown> } = {}) {
    const res = await complete(id, taskId, o);
    if (res.status !== 200) throw new Error(`completing ${taskId} failed: ${res.status} ${res.text}`);
    return res.body;
  }

  async function waitForPhase(id: string, phase: string, ms = 20_000) {
    return eventually(
      async () => {
        const v = await state(id);
        return v.phase === phase ? v : undefined;
      },
      ms,
      `phase ${phase}`,
    );
  }

  /**
   * Completes the first open task not held by a gate, as its role's demo user (Leipzig's admin for a Mandant's
   * task), with `fields` of its template or the VALID ones, until the lifecycle reaches `phase`.
   */
  async function driveTo(id: string, phase: string, fields: Record<string, Record<string, unknown>> = {}) {
    for (let i = 0; i < 40; i++) {
      const v = await state(id);
      if (v.phase === phase) return v;
      const next = v.openTasks.find((t) => !t.heldByGate);
      if (!next) throw new Error(`stuck in ${v.phase}`);
      const templateId = next.id.split(':')[0]!;
      const user = next.role === 'mandant-admin' ? 'admin-leipzig' : undefined;
      await mustComplete(id, next.id, { ...(user ? { user } : {}), fields: fields[templateId] ?? VALID[templateId]! });
    }
    throw new Error(`did not reach ${phase}`);
  }

  return { createOnlinedienst, handle, state, complete, mustComplete, waitForPhase, driveTo };
}

export async function lifecycleStack(opts: { settings?: LifecycleApiSettings } = {}) {
  const s = await startStack({ name: 'lc', app: opts.settings ? { lifecycle: opts.settings } : {} });
  return { ...s, ...lifecycleHelpers(s), mailsTo, waitForMailTo };
}
