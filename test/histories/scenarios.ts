// Named scenarios whose workflow histories are recorded (`npm run record:histories`) into test/histories/<name>.json
// and replayed by test/replay.test.ts against the current workflow code. A change that would break a running
// workflow fails the replay: wrap it in patched() and record again. Each scenario returns the run to record.
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { LifecycleApiSettings } from '../../api/lifecycle-api';
import type { Database } from '../../db/schema';
import { lifecycleWorkflowId, lifecycleStateQuery } from '../../messages/onlinedienst';
import { releaseErinnerungWorkflowId, releaseWorkflowId } from '../../messages/release';
import { rolloutWorkflowId } from '../../messages/rollout';
import { deployStage, findVersion } from '../../db/stores/formular';
import { schulanmeldungDefinition } from '../../domain/formular/schulanmeldung';

export interface ScenarioContext {
  client: Client;
  db: Kysely<Database>;
  taskQueue: string;
  /** the API over HTTP as the demo user `user` (throws on a status ≥ 300 unless `expect` names it) */
  api(method: string, path: string, user: string | undefined, body?: unknown, expect?: number): Promise<any>;
  /** durations the API passes to new workflows; a scenario may set them before it starts one */
  settings: LifecycleApiSettings;
  awbEmail: string;
  until<T>(fn: () => Promise<T | undefined | false>, what: string, ms?: number): Promise<T>;
  unique(prefix: string): string;
}

export interface RecordedRun {
  workflowId: string;
  /** a particular run (continue-as-new makes several); default: the latest */
  runId?: string;
}

export interface Scenario {
  name: string;
  workflowType: string;
  run(ctx: ScenarioContext): Promise<RecordedRun>;
}

const H = 3_600_000;
const LEISTUNG = '99102013000000';
const FIELDS: Record<string, Record<string, unknown>> = {
  'ist-prozess': { istProzess: 'BPMN', eAkte: true, bescheidUebermittlung: 'postfach' },
  rechtsgrundlagen: { rechtsgrundlagen: ['§ 45 StVO'], vertrauensniveau: 'substanziell' },
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
    protokoll: 'P',
    ziel: 'Z',
    zeitplan: 'Q1',
    zustaendigkeiten: 'PE',
    regeltermine: 'Di',
    support: 'SD',
    tester: ['Ordnungsamt'],
  },
  'prototyp-bereitstellen': {
    prozess: { name: 'KOMM24Bewohnerparken', version: 'v1.0' },
    formular: { name: 'Bewohnerparken', version: 'v1.0' },
    bitv: true,
    dinSpec66336: true,
    tr03172: true,
  },
  'test-durchfuehren': { testfaelle: 3, negativtests: 1, offeneFehler: 0, beteiligte: ['entwickler'], bericht: 'ok' },
  freigabe: { entscheidung: 'erteilt' },
  zertifizierung: { ergebnis: 'bestanden', loggingGeprueft: true, endlosschleifenGeprueft: true, zertifikat: 'Z-1' },
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
    zertifizierungsReferenz: 'Z-1',
  },
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
  deaktivierung: { deaktiviertAm: '2031-03-31' },
  datenaufbewahrung: { aufbewahrungsregelnAngewendet: true, loeschkonzept: 'Löschung nach 90 Tagen' },
};
const ACTING: Record<string, string> = {
  prozesseigner: 'pe-smk',
  prozessmodellierer: 'pm-seitenbau',
  zertifizierer: 'zert-pruefstelle',
  awb: 'awb-sid',
  redaktion: 'redaktion-sk',
  testteam: 'tt-sid',
  projektleitung: 'pl-sk',
  'mandant-admin': 'admin-leipzig',
};

async function create(ctx: ScenarioContext, extra: Record<string, unknown> = {}, user = 'pe-smk'): Promise<string> {
  const id = ctx.unique('od');
  await ctx.api('POST', '/api/onlinedienste', user, {
    id,
    name: `Bewohnerparken ${id}`,
    mandantId: 'leipzig',
    kontakte: { prozesseigner: `${id}@example.org` },
    featureTags: ['payment'],
    ...extra,
  });
  return id;
}

async function complete(
  ctx: ScenarioContext,
  id: string,
  taskId: string,
  fields?: Record<string, unknown>,
  user?: string,
) {
  const view = await ctx.client.workflow.getHandle(lifecycleWorkflowId(id)).query(lifecycleStateQuery);
  const task = view.openTasks.find((t) => t.id === taskId);
  return ctx.api(
    'POST',
    `/api/onlinedienste/${id}/aufgaben/${encodeURIComponent(taskId)}`,
    user ?? ACTING[task?.role ?? 'prozesseigner'],
    fields ?? FIELDS[taskId.split(':')[0]!],
  );
}

/**
 * Waits until the lifecycle has continued as new after each phase entry (one run per entry). A command that comes
 * right after a phase change is otherwise still taken by the old run, which is correct but makes runs and phases
 * line up differently from recording to recording.
 */
async function settle(ctx: ScenarioContext, id: string) {
  const workflowId = lifecycleWorkflowId(id);
  await ctx.until(async () => {
    const view = await ctx.client.workflow.getHandle(workflowId).query(lifecycleStateQuery);
    return (await runChain(ctx.client, workflowId)).length === view.history.filter((e) => e.kind !== 'end').length;
  }, `${workflowId} settled`);
}

async function driveTo(ctx: ScenarioContext, id: string, phase: string) {
  for (let i = 0; i < 40; i++) {
    await settle(ctx, id);
    const view = await ctx.client.workflow.getHandle(lifecycleWorkflowId(id)).query(lifecycleStateQuery);
    if (view.phase === phase) return;
    await complete(ctx, id, view.openTasks[0]!.id);
  }
  throw new Error(`did not reach ${phase}`);
}

/**
 * The runs of a workflow id, oldest first. Walked back through the histories (each run names the run it continued),
 * not through visibility, which is eventually consistent.
 */
export async function runChain(client: Client, workflowId: string): Promise<string[]> {
  const chain: string[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    chain.unshift(runId);
    const events: Array<{
      workflowExecutionStartedEventAttributes?: { continuedExecutionRunId?: string | null } | null;
    }> = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
    const previous: string | null | undefined =
      events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    runId = previous || undefined;
  }
  return chain;
}

async function runInPhase(ctx: ScenarioContext, id: string, index: number): Promise<RecordedRun> {
  const workflowId = lifecycleWorkflowId(id);
  const chain = await ctx.until(async () => {
    const all = await runChain(ctx.client, workflowId);
    return all.length > index ? all : undefined;
  }, `run ${index} of ${workflowId}`);
  return { workflowId, runId: chain[index]! };
}

export const scenarios: Scenario[] = [
  {
    // Klärung: refused updates leave no trace, five completions, continue-as-new into Auftakt.
    name: 'onlinedienst-klaerung',
    workflowType: 'onlinedienstLifecycleWorkflow',
    async run(ctx) {
      ctx.settings.lifecycle = {};
      const id = await create(ctx);
      await ctx.api(
        'POST',
        `/api/onlinedienste/${id}/aufgaben/ist-prozess`,
        'pm-seitenbau',
        FIELDS['ist-prozess'],
        403,
      );
      await ctx.api('POST', `/api/onlinedienste/${id}/aufgaben/freigabe`, 'pe-smk', FIELDS.freigabe, 409);
      await driveTo(ctx, id, 'auftakt');
      return runInPhase(ctx, id, 0);
    },
  },
  {
    // Prototyp: the gate before the test fails (no activation), the activation is recorded, the re-check passes.
    name: 'onlinedienst-gate',
    workflowType: 'onlinedienstLifecycleWorkflow',
    async run(ctx) {
      ctx.settings.lifecycle = {};
      const id = await create(ctx);
      await driveTo(ctx, id, 'prototyp');
      await ctx.api(
        'POST',
        `/api/onlinedienste/${id}/aufgaben/prototyp-bereitstellen`,
        'pm-seitenbau',
        FIELDS['prototyp-bereitstellen'],
        202,
      );
      await ctx.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, 'admin-leipzig', {
        organisationseinheitId: 'oe-leipzig-ordnungsamt',
        leistungId: LEISTUNG,
      });
      await ctx.api('POST', `/api/onlinedienste/${id}/gate-pruefung`, 'pe-smk');
      await settle(ctx, id);
      return runInPhase(ctx, id, 2);
    },
  },
  {
    // Produktivsetzung: the rollout ticket starts as a child, its transfer completes the AWB's task, gate before go-live.
    name: 'onlinedienst-produktivsetzung',
    workflowType: 'onlinedienstLifecycleWorkflow',
    async run(ctx) {
      ctx.settings.lifecycle = {};
      const id = await create(ctx);
      await ctx.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, 'admin-leipzig', {
        organisationseinheitId: 'oe-leipzig-ordnungsamt',
        leistungId: LEISTUNG,
      });
      await driveTo(ctx, id, 'produktivsetzung');
      await complete(ctx, id, 'produktivsetzung-freigeben');
      await complete(ctx, id, 'uebernahme-beantragen');
      const ticket = rolloutWorkflowId(id, 1);
      await ctx.until(
        async () =>
          (await ctx.db
            .selectFrom('rollout_ticket')
            .select('status')
            .where('workflow_id', '=', ticket)
            .executeTakeFirst()) !== undefined,
        'ticket',
      );
      await ctx.api('POST', `/api/rollout-tickets/${ticket}/befehle`, 'awb-sid', {
        type: 'assign',
        assigneeId: 'awb-sid',
      });
      await ctx.api('POST', `/api/rollout-tickets/${ticket}/befehle`, 'awb-sid', {
        type: 'mark-transferred',
        produktivVersion: 'v1.0',
      });
      await ctx.until(
        async () =>
          (await ctx.client.workflow.getHandle(lifecycleWorkflowId(id)).query(lifecycleStateQuery)).phase ===
          'aktivierung',
        'aktivierung',
      );
      await ctx.api('POST', `/api/rollout-tickets/${ticket}/befehle`, 'pe-smk', { type: 'confirm' });
      await settle(ctx, id);
      const view = await ctx.client.workflow.getHandle(lifecycleWorkflowId(id)).query(lifecycleStateQuery);
      return runInPhase(ctx, id, view.history.length - 2);
    },
  },
  {
    // Betrieb (imported): events, a release re-check, the shutdown decision; then Abschaltung to the end.
    name: 'onlinedienst-betrieb',
    workflowType: 'onlinedienstLifecycleWorkflow',
    async run(ctx) {
      ctx.settings.lifecycle = {};
      const id = await create(
        ctx,
        {
          prozesseigner: 'pe-smk',
          bestand: {
            prozess: { name: 'P', version: 'v3.0' },
            formular: { name: 'F', version: 'v3.0' },
            zertifizierungsReferenz: 'Z-9',
            aktivierteMandanten: ['leipzig'],
          },
        },
        'pl-sk',
      );
      await ctx.api('POST', `/api/onlinedienste/${id}/ereignisse/stoerung`, 'awb-sid', {
        titel: 'Upload',
        beschreibung: 'bricht ab',
        seit: '2026-11-20T10:00:00+01:00',
        schwere: 'hoch',
      });
      await ctx.api('POST', `/api/onlinedienste/${id}/ereignisse/konfigurationsaenderung`, 'admin-leipzig', {
        mandantId: 'leipzig',
        grund: 'Zone',
        gueltigAb: '2099-07-01',
        abschnitte: ['Parkzone'],
        aenderung: 'Zone D',
      });
      await complete(ctx, id, 'stoerung:ST-1', { ursache: 'Proxy', massnahmen: 'Limit', behoben: true });
      await ctx.api('POST', `/api/onlinedienste/${id}/abschaltung`, 'pe-smk', {
        begruendung: 'EfA-Nachnutzung',
        antraege: 'uebergeben',
        uebergabeAn: 'Ordnungsamt (Papier)',
      });
      await settle(ctx, id);
      return runInPhase(ctx, id, 0);
    },
  },
  {
    name: 'onlinedienst-abschaltung',
    workflowType: 'onlinedienstLifecycleWorkflow',
    async run(ctx) {
      ctx.settings.lifecycle = {};
      const id = await create(
        ctx,
        {
          prozesseigner: 'pe-smk',
          bestand: {
            prozess: { name: 'P', version: 'v3.0' },
            formular: { name: 'F', version: 'v3.0' },
            zertifizierungsReferenz: 'Z-9',
            aktivierteMandanten: ['leipzig'],
          },
        },
        'pl-sk',
      );
      await ctx.api('POST', `/api/onlinedienste/${id}/abschaltung`, 'pe-smk', {
        begruendung: 'Ersetzt',
        antraege: 'auslaufen',
      });
      await settle(ctx, id);
      await complete(ctx, id, 'deaktivierung:leipzig', undefined, 'admin-leipzig');
      await complete(ctx, id, 'datenaufbewahrung');
      await ctx.client.workflow.getHandle(lifecycleWorkflowId(id)).result();
      return { workflowId: lifecycleWorkflowId(id) };
    },
  },
  {
    // A ticket on a scaled clock: pause, reminder, warning, breach with escalation, transfer, confirmation.
    name: 'rollout-ticket-sla',
    workflowType: 'rolloutTicketWorkflow',
    async run(ctx) {
      const id = await create(ctx);
      const workflowId = rolloutWorkflowId(id, 1);
      await ctx.client.workflow.start('rolloutTicketWorkflow', {
        workflowId,
        taskQueue: ctx.taskQueue,
        args: [
          {
            request: {
              ticketId: 'SD-1',
              onlinedienstId: id,
              mandantId: 'leipzig',
              prozess: { name: 'P', version: 'v1.0' },
              formular: { name: 'F', version: 'v1.0' },
              zertifizierungsReferenz: 'Z-1',
            },
            requestedBy: { id: 'pe-smk', roles: ['prozesseigner'], mandanten: ['*'] },
            onlinedienstName: 'Bewohnerparken',
            settings: {
              sla: { target: { amount: 1, unit: 'working-days' }, warnAtRatio: 0.5 },
              reminderIntervalMs: 3 * H,
              maxReminders: 1,
              clock: { scale: 8 * 3600, startAt: Date.parse('2026-11-17T10:00:00+01:00') },
            },
          },
        ],
      });
      const cmd = (user: string, body: unknown) =>
        ctx.api('POST', `/api/rollout-tickets/${workflowId}/befehle`, user, body);
      await ctx.until(
        async () =>
          (await ctx.db
            .selectFrom('rollout_ticket')
            .select('status')
            .where('workflow_id', '=', workflowId)
            .executeTakeFirst()) !== undefined,
        'ticket',
      );
      await cmd('awb-sid', { type: 'assign', assigneeId: 'awb-sid' });
      await cmd('awb-sid', { type: 'ask-requester', question: 'Version?' });
      await cmd('pe-smk', { type: 'answer', answer: 'v1.0' });
      await ctx.until(
        async () =>
          (
            await ctx.db
              .selectFrom('rollout_ticket')
              .select('sla_state')
              .where('workflow_id', '=', workflowId)
              .executeTakeFirst()
          )?.sla_state === 'breached',
        'breach',
        60_000,
      );
      await cmd('awb-sid', { type: 'mark-transferred', produktivVersion: 'v1.0' });
      await cmd('pe-smk', { type: 'confirm' });
      await ctx.client.workflow.getHandle(workflowId).result();
      return { workflowId };
    },
  },
  {
    // A small campaign on a scaled clock: plan, fan-out, announcement, reminder, lateness, close.
    name: 'release-campaign',
    workflowType: 'releaseCampaignWorkflow',
    async run(ctx) {
      ctx.settings.lifecycle = {};
      const ids = [];
      for (const tags of [['payment'], ['fitconnect'], ['xfall']]) {
        ids.push(
          await create(
            ctx,
            {
              featureTags: tags,
              prozesseigner: 'pe-smk',
              bestand: {
                prozess: { name: 'P', version: 'v1.0' },
                formular: { name: 'F', version: 'v1.0' },
                zertifizierungsReferenz: 'Z',
                aktivierteMandanten: ['leipzig'],
              },
            },
            'pl-sk',
          ),
        );
      }
      const version = ctx.unique('rec');
      ctx.settings.campaign = {
        clock: { scale: 12 * 3600, startAt: Date.parse('2026-11-16T08:00:00+01:00') },
        reminderLeadMs: 6 * H,
        lateReminderIntervalMs: 12 * H,
        maxLateReminders: 1,
      };
      ctx.settings.campaignPolicy = {
        regressionCheck: { amount: 1, unit: 'working-days' },
        recertification: { amount: 2, unit: 'working-days' },
      };
      await ctx.api('POST', '/api/releases', 'awb-sid', {
        version,
        releaseDate: '2026-11-16',
        changes: [
          { id: 'c1', title: 'ePayBL v3', tags: ['payment'], breaking: true },
          { id: 'c2', title: 'Layout', tags: ['ui'], breaking: false },
        ],
      });
      await ctx.until(
        async () =>
          (
            await ctx.db
              .selectFrom('release_recheck')
              .select('opened_at')
              .where('version', '=', version)
              .where('opened_at', 'is not', null)
              .execute()
          ).length === 3,
        'opened',
      );
      await ctx.api(
        'POST',
        `/api/onlinedienste/${ids[1]}/aufgaben/${encodeURIComponent(`release-pruefung:${version}`)}`,
        'pe-smk',
        { ergebnis: 'lauffaehig', geprueftAuf: 'entwicklungssystem' },
      );
      await ctx.client.workflow.getHandle(releaseWorkflowId(version)).result();
      ctx.settings.campaign = {};
      ctx.settings.campaignPolicy = undefined;
      return { workflowId: releaseWorkflowId(version) };
    },
  },
  {
    // The AWB's bulk reminder of the late re-checks, one per page: two late regression checks, one recertification
    // not yet due; the campaign stands on Thursday noon in real time.
    name: 'release-erinnerung',
    workflowType: 'releaseErinnerungWorkflow',
    async run(ctx) {
      ctx.settings.lifecycle = {};
      for (const tags of [['payment'], ['fitconnect'], ['xfall']]) {
        await create(
          ctx,
          {
            featureTags: tags,
            prozesseigner: 'pe-smk',
            bestand: {
              prozess: { name: 'P', version: 'v1.0' },
              formular: { name: 'F', version: 'v1.0' },
              zertifizierungsReferenz: 'Z',
              aktivierteMandanten: ['leipzig'],
            },
          },
          'pl-sk',
        );
      }
      const version = ctx.unique('rer');
      ctx.settings.campaign = {
        clock: { scale: 1, startAt: Date.parse('2026-11-19T12:00:00+01:00') },
        erinnerungBatch: 1,
      };
      ctx.settings.campaignPolicy = {
        regressionCheck: { amount: 2, unit: 'working-days' },
        recertification: { amount: 3, unit: 'working-days' },
      };
      await ctx.api('POST', '/api/releases', 'awb-sid', {
        version,
        releaseDate: '2026-11-16',
        changes: [{ id: 'c1', title: 'ePayBL v3', tags: ['payment'], breaking: true }],
      });
      await ctx.until(
        async () =>
          (
            await ctx.db
              .selectFrom('release_recheck')
              .select('opened_at')
              .where('version', '=', version)
              .where('opened_at', 'is not', null)
              .execute()
          ).length === 3,
        'opened',
      );
      await ctx.api('POST', `/api/releases/${version}/erinnern`, 'awb-sid', { aktionId: 'aufzeichnung' }, 202);
      const workflowId = releaseErinnerungWorkflowId(version, 'aufzeichnung');
      await ctx.client.workflow.getHandle(workflowId).result();
      await ctx.client.workflow.getHandle(releaseWorkflowId(version)).terminate('recorded');
      ctx.settings.campaign = {};
      ctx.settings.campaignPolicy = undefined;
      return { workflowId };
    },
  },
  {
    // Blaupause: entering Zertifizierung, the automatic certification of the version on the Entwicklungssystem
    // completes the Zertifizierung task (an activity, then the completion by the automatic checks).
    name: 'onlinedienst-zertifizierung',
    workflowType: 'onlinedienstLifecycleWorkflow',
    async run(ctx) {
      ctx.settings.lifecycle = {};
      const id = await blaupauseBisTest(ctx, schulanmeldungDefinition);
      await driveTo(ctx, id, 'produktivsetzung');
      return runInPhase(ctx, id, 3);
    },
  },
  {
    // Blaupause with a defect: the automatic certification fails and sends the lifecycle back to Prototyp.
    name: 'onlinedienst-zertifizierung-fehlgeschlagen',
    workflowType: 'onlinedienstLifecycleWorkflow',
    async run(ctx) {
      ctx.settings.lifecycle = {};
      const defect = structuredClone(schulanmeldungDefinition) as { abschnitte: Array<{ felder: any[] }> };
      defect.abschnitte[1]!.felder[1].optionen = [];
      const id = await blaupauseBisTest(ctx, defect);
      await complete(ctx, id, 'test-durchfuehren');
      await complete(ctx, id, 'freigabe');
      // Test → Zertifizierung → Prototyp happen in one run (the test run); record it once it has continued.
      const { workflowId } = await runInPhase(ctx, id, 4);
      return { workflowId, runId: (await runChain(ctx.client, workflowId))[3]! };
    },
  },
  {
    // A ticket for a stored definition: "übernommen" deploys the certified hash to the Produktivsystem (activity).
    name: 'rollout-ticket-produktion',
    workflowType: 'rolloutTicketWorkflow',
    async run(ctx) {
      const id = await create(ctx, { blaupause: true });
      await ctx.api('POST', `/api/onlinedienste/${id}/formulare`, 'pm-seitenbau', schulanmeldungDefinition);
      await ctx.api('POST', `/api/onlinedienste/${id}/formulare/1.0/zertifizierung`, 'pm-seitenbau');
      const workflowId = rolloutWorkflowId(id, 1);
      await ctx.client.workflow.start('rolloutTicketWorkflow', {
        workflowId,
        taskQueue: ctx.taskQueue,
        args: [
          {
            request: {
              ticketId: 'SD-2',
              onlinedienstId: id,
              mandantId: 'leipzig',
              prozess: { name: 'Schulanmeldung', version: '1.0' },
              formular: { name: 'Schulanmeldung', version: '1.0' },
              zertifizierungsReferenz: 'AUTO-1',
            },
            requestedBy: { id: 'pe-smk', roles: ['prozesseigner'], mandanten: ['*'] },
            onlinedienstName: 'Digitale Schulanmeldung',
          },
        ],
      });
      const cmd = (user: string, body: unknown, expect?: number) =>
        ctx.api('POST', `/api/rollout-tickets/${workflowId}/befehle`, user, body, expect);
      await ctx.until(
        async () =>
          (await ctx.db
            .selectFrom('rollout_ticket')
            .select('status')
            .where('workflow_id', '=', workflowId)
            .executeTakeFirst()) !== undefined,
        'ticket',
      );
      await cmd('awb-sid', { type: 'assign', assigneeId: 'awb-sid' });
      await cmd('awb-sid', { type: 'mark-transferred', produktivVersion: '2.0' }, 422);
      await cmd('awb-sid', { type: 'mark-transferred', produktivVersion: '1.0' });
      await cmd('pe-smk', { type: 'confirm' });
      await ctx.client.workflow.getHandle(workflowId).result();
      return { workflowId };
    },
  },
  // A change in Betrieb as a new version (-v4): a Rechtsänderung asking for the Zertifizierer opens the change cycle
  // (marker, then the check for a stored definition), the size of the change is found entering Zertifizierung, the
  // Zertifizierer's "bestanden" binds the stored version, the transfer brings it back to Betrieb; a small change is
  // certified automatically. One flow each, recorded run by run.
  {
    name: 'onlinedienst-aenderung',
    workflowType: 'onlinedienstLifecycleWorkflow',
    run: async (ctx) => runInPhase(ctx, await aenderungsLauf(ctx, 'gross'), 0),
  },
  {
    name: 'onlinedienst-aenderung-test',
    workflowType: 'onlinedienstLifecycleWorkflow',
    run: async (ctx) => runInPhase(ctx, await aenderungsLauf(ctx, 'gross'), 2),
  },
  {
    name: 'onlinedienst-aenderung-zertifizierung',
    workflowType: 'onlinedienstLifecycleWorkflow',
    run: async (ctx) => runInPhase(ctx, await aenderungsLauf(ctx, 'gross'), 3),
  },
  {
    name: 'onlinedienst-aenderung-produktivsetzung',
    workflowType: 'onlinedienstLifecycleWorkflow',
    run: async (ctx) => runInPhase(ctx, await aenderungsLauf(ctx, 'gross'), 4),
  },
  {
    name: 'onlinedienst-aenderung-automatisch',
    workflowType: 'onlinedienstLifecycleWorkflow',
    run: async (ctx) => runInPhase(ctx, await aenderungsLauf(ctx, 'klein'), 2),
  },
];

const aenderungsLaeufe = new Map<string, Promise<string>>();
/** One change cycle per size, shared by the scenarios that record its runs. */
function aenderungsLauf(ctx: ScenarioContext, umfang: 'gross' | 'klein'): Promise<string> {
  let lauf = aenderungsLaeufe.get(umfang);
  if (!lauf) {
    lauf = aenderungBisBetrieb(ctx, umfang);
    aenderungsLaeufe.set(umfang, lauf);
  }
  return lauf;
}

/** A Bestand in Betrieb with 1.0 on both stages; the change to 2.0 from the Rechtsänderung to the transfer. */
async function aenderungBisBetrieb(ctx: ScenarioContext, umfang: 'gross' | 'klein'): Promise<string> {
  ctx.settings.lifecycle = {};
  const ref = (version: string) => ({ name: 'Schulanmeldung', version });
  const id = await create(
    ctx,
    {
      featureTags: [],
      bestand: {
        prozess: ref('1.0'),
        formular: ref('1.0'),
        zertifizierungsReferenz: 'Z-1',
        aktivierteMandanten: ['leipzig'],
      },
    },
    'pl-sk',
  );
  const pm = 'pm-seitenbau';
  await ctx.api('POST', `/api/onlinedienste/${id}/formulare`, pm, schulanmeldungDefinition);
  await ctx.api('POST', `/api/onlinedienste/${id}/formulare/1.0/zertifizierung`, pm);
  const v1 = (await findVersion(ctx.db, id, '1.0'))!;
  for (const stage of ['entwicklung', 'produktion'] as const)
    await deployStage(ctx.db, { onlinedienstId: id, stage, version: '1.0', contentHash: v1.content_hash, by: 'seed' });
  await ctx.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, 'admin-leipzig', {
    organisationseinheitId: 'oe-leipzig-ordnungsamt',
    leistungId: LEISTUNG,
  });
  await ctx.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, 'admin-leipzig', {
    parameter: [{ key: 'zustellung.verzeichnis', wert: `schule-${id}` }],
  });
  const event = await ctx.api('POST', `/api/onlinedienste/${id}/ereignisse/rechtsaenderung`, 'pe-smk', {
    titel: 'Schulgesetz',
    rechtsgrundlage: '§ 25 SächsSchulG',
    beschreibung: 'Neue Fristen',
    inKraftAb: '2099-08-01',
  });
  await complete(ctx, id, event.taskId, {
    beschreibung: 'Neue Fristen',
    inKraftAb: '2099-08-01',
    umsetzung: umfang === 'gross' ? 'mit-rezertifizierung' : 'ohne-rezertifizierung',
  });
  await settle(ctx, id);
  const v2 = structuredClone(schulanmeldungDefinition);
  v2.titel = 'Digitale Schulanmeldung 2099';
  await ctx.api('POST', `/api/onlinedienste/${id}/formulare`, pm, v2);
  await ctx.api('POST', `/api/onlinedienste/${id}/formulare/2.0/bereitstellung`, pm, { stage: 'entwicklung' });
  await complete(ctx, id, 'prototyp-bereitstellen', {
    ...FIELDS['prototyp-bereitstellen'],
    prozess: ref('2.0'),
    formular: ref('2.0'),
  });
  await settle(ctx, id);
  await complete(ctx, id, 'test-durchfuehren');
  await complete(ctx, id, 'freigabe');
  // A small change passes Zertifizierung within the test run: runs and phase entries no longer line up one to one.
  const runs = (n: number) =>
    ctx.until(async () => (await runChain(ctx.client, lifecycleWorkflowId(id))).length >= n, `run ${n} of ${id}`);
  await runs(4);
  const view = async () => ctx.client.workflow.getHandle(lifecycleWorkflowId(id)).query(lifecycleStateQuery);
  if ((await view()).phase === 'zertifizierung') {
    await complete(ctx, id, 'zertifizierung', { ...FIELDS.zertifizierung, zertifikat: 'Z-2099-1' });
    await runs(5);
  }
  await complete(ctx, id, 'produktivsetzung-freigeben');
  await complete(ctx, id, 'uebernahme-beantragen', {
    prozess: ref('2.0'),
    formular: ref('2.0'),
    zertifizierungsReferenz: (await view()).context.zertifizierungsReferenz,
  });
  const ticket = (await view()).rollout.active!.workflowId;
  await ctx.until(
    async () =>
      (await ctx.db
        .selectFrom('rollout_ticket')
        .select('status')
        .where('workflow_id', '=', ticket)
        .executeTakeFirst()) !== undefined,
    'ticket',
  );
  await ctx.api('POST', `/api/rollout-tickets/${ticket}/befehle`, 'awb-sid', { type: 'assign', assigneeId: 'awb-sid' });
  await ctx.api('POST', `/api/rollout-tickets/${ticket}/befehle`, 'awb-sid', {
    type: 'mark-transferred',
    produktivVersion: '2.0',
  });
  await ctx.until(async () => (await view()).phase === 'betrieb', 'back in Betrieb');
  await runs(umfang === 'gross' ? 6 : 5);
  return id;
}

/** A Blaupause Onlinedienst with `definition` as 1.0 on the Entwicklungssystem, Leipzig registered, in Test. */
async function blaupauseBisTest(ctx: ScenarioContext, definition: unknown): Promise<string> {
  const id = await create(ctx, { blaupause: true, featureTags: [] });
  await ctx.api('POST', `/api/onlinedienste/${id}/formulare`, 'pm-seitenbau', definition);
  await ctx.api('POST', `/api/onlinedienste/${id}/formulare/1.0/bereitstellung`, 'pm-seitenbau', {
    stage: 'entwicklung',
  });
  await ctx.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, 'admin-leipzig', {
    organisationseinheitId: 'oe-leipzig-ordnungsamt',
    leistungId: LEISTUNG,
  });
  await ctx.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, 'admin-leipzig', {
    parameter: [{ key: 'zustellung.verzeichnis', wert: `schule-${id}` }],
  });
  await driveTo(ctx, id, 'prototyp');
  const ref = { name: 'Schulanmeldung', version: '1.0' };
  await complete(ctx, id, 'prototyp-bereitstellen', {
    ...FIELDS['prototyp-bereitstellen'],
    prozess: ref,
    formular: ref,
  });
  await settle(ctx, id);
  return id;
}
