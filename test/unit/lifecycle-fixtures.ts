// Shared by the unit tests of the lifecycle rules: instants written with their UTC offset, one actor per role, valid
// fields for every task, and helpers that drive a lifecycle through its phases.
import type { PhaseId, Role } from '../../domain/onlinedienst/phases';
import {
  completeTask,
  createLifecycle,
  type Actor,
  type CommandResult,
  type CompleteTaskResult,
  type LifecycleContext,
  type LifecycleState,
} from '../../domain/onlinedienst/tasks';

export const H = 3_600_000;
/** Instants written with their explicit UTC offset, independent of the code under test. */
export const t = (iso: string) => Date.parse(iso);

export const M_LEIPZIG = 'm-leipzig';
export const M_PIRNA = 'm-pirna';

export const actor = (id: string, roles: Role[], mandanten: string[] = []): Actor => ({ id, roles, mandanten });
export const ACTORS: Record<Role, Actor> = {
  buerger: actor('buerger-1', ['buerger']),
  prozesseigner: actor('pe-1', ['prozesseigner']),
  prozessmodellierer: actor('pm-1', ['prozessmodellierer']),
  zertifizierer: actor('zert-1', ['zertifizierer']),
  awb: actor('awb-1', ['awb']),
  'mandant-admin': actor('ma-1', ['mandant-admin'], [M_LEIPZIG, M_PIRNA]),
  sachbearbeitung: actor('sb-1', ['sachbearbeitung']),
  redaktion: actor('red-1', ['redaktion']),
  projektleitung: actor('pl-1', ['projektleitung']),
  testteam: actor('tt-1', ['testteam']),
};

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
  leistungsbeschreibung: { leistungId: 'L-99001', geprueft: true },
  'auftakt-protokoll': {
    datum: '2026-01-20',
    protokoll: 'Protokoll Auftakt',
    ziel: 'Hundesteuer online',
    zeitplan: 'Q1–Q2',
    zustaendigkeiten: 'PE: Stadt, PM: Dienstleister',
    regeltermine: 'Dienstag 10 Uhr',
    support: 'Servicedesk',
    tester: ['Steueramt Leipzig'],
  },
  'prototyp-bereitstellen': {
    prozess: { name: 'KOMM24Hundesteueranmeldung', version: 'v1.0' },
    formular: { name: 'Hundesteuer', version: 'v1.0' },
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
  'leistungsbeschreibung-final': { leistungId: 'L-99001', abgestimmt: true },
  'rollout-planen': {
    mandanten: [M_LEIPZIG, M_PIRNA],
    zustaendigeStellenEinbezogen: true,
    supportkanaeleAktiviert: true,
    oeffentlichkeitsarbeit: false,
  },
  'produktivsetzung-freigeben': { entscheidung: 'freigegeben', zertifizierungGeprueft: true },
  'uebernahme-beantragen': {
    prozess: { name: 'KOMM24Hundesteueranmeldung', version: 'v1.0' },
    formular: { name: 'Hundesteuer', version: 'v1.0' },
    zertifizierungsReferenz: 'Z-2026-17',
  },
  'uebernahme-bestaetigen': { ticketId: 'SD-4711', produktivVersion: 'v1.0' },
  deployment: { prozessVersion: 'v1.0', deployedAm: '2026-06-01' },
  aktivierung: {
    leistungId: 'L-99001',
    organisationseinheitId: 'OE-1',
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

export const CONTEXT: LifecycleContext = {
  onlinedienstId: 'od-hundesteuer',
  name: 'Hundesteueranmeldung',
  mandanten: [],
};
export const T0 = t('2026-01-05T09:00:00+01:00'); // Monday

type Ok<R> = Extract<R, { ok: true }>;
export function must<R extends CompleteTaskResult | CommandResult>(result: R): Ok<R> {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result as Ok<R>;
}

export function done(
  state: LifecycleState,
  taskId: string,
  now: number,
  fields?: Record<string, unknown>,
  who?: Actor,
) {
  const task = state.openTasks.find((x) => x.id === taskId);
  if (!task) throw new Error(`not open: ${taskId} (open: ${state.openTasks.map((x) => x.id).join(', ')})`);
  return must(completeTask(state, taskId, who ?? ACTORS[task.role], fields ?? VALID[task.templateId], now));
}

/** Completes the first open task with valid fields until the phase is reached. */
export function driveTo(target: PhaseId, start: LifecycleState = createLifecycle(CONTEXT, 'pe-1', T0), now = T0 + H) {
  let state = start;
  for (let i = 0; state.phase !== target; i++) {
    if (i > 60) throw new Error(`did not reach ${target}`);
    const next = state.openTasks[0];
    if (!next) throw new Error(`stuck in ${state.phase}`);
    state = done(state, next.id, now + i * H).state;
  }
  return state;
}
