// The nine phases of an Onlinedienst (shared/domain/lifecycle.md) and the transitions between them, including
// the loops the seed describes: test back to prototype until the Freigabe, a failed certification back to the
// prototype, recertification out of Betrieb and back.

export const PHASE_IDS = [
  'klaerung',
  'auftakt',
  'prototyp',
  'test',
  'zertifizierung',
  'produktivsetzung',
  'aktivierung',
  'betrieb',
  'abschaltung',
] as const;

export type PhaseId = (typeof PHASE_IDS)[number];

export interface PhaseInfo {
  id: PhaseId;
  /** 1–9 as in lifecycle.md */
  nr: number;
  label: string;
  /** When the phase is done ("done when" column). */
  doneWhen: string;
}

export const PHASES: Readonly<Record<PhaseId, PhaseInfo>> = {
  klaerung: {
    id: 'klaerung',
    nr: 1,
    label: 'Klärung grundlegender Fragen',
    doneWhen: 'Alle Punkte beantwortet und dokumentiert',
  },
  auftakt: { id: 'auftakt', nr: 2, label: 'Auftakt-Meeting', doneWhen: 'Protokoll liegt vor' },
  prototyp: {
    id: 'prototyp',
    nr: 3,
    label: 'Erstellung eines Prototyps',
    doneWhen: 'Prototyp auf dem Entwicklungssystem bereitgestellt',
  },
  test: { id: 'test', nr: 4, label: 'Test, Verbesserung und Abnahme', doneWhen: 'Freigabe durch den Prozesseigner' },
  zertifizierung: {
    id: 'zertifizierung',
    nr: 5,
    label: 'Zertifizierung und Planung produktiver Rollout',
    doneWhen: 'Zertifikat erteilt (und Rollout geplant)',
  },
  produktivsetzung: {
    id: 'produktivsetzung',
    nr: 6,
    label: 'Produktivsetzung',
    doneWhen: 'Anwendungsbetreuung bestätigt die Übernahme im Ticket',
  },
  aktivierung: {
    id: 'aktivierung',
    nr: 7,
    label: 'Aktivierung und produktive Abnahme',
    doneWhen: 'Produktiver Abnahmetest bestanden und Wartungsmodus aus',
  },
  betrieb: { id: 'betrieb', nr: 8, label: 'Betrieb und Wartung', doneWhen: 'Erst mit der Abschaltung' },
  abschaltung: {
    id: 'abschaltung',
    nr: 9,
    label: 'Abschaltung',
    doneWhen: 'Überall deaktiviert, Aufbewahrungsregeln angewendet',
  },
};

export function isPhaseId(value: unknown): value is PhaseId {
  return typeof value === 'string' && (PHASE_IDS as readonly string[]).includes(value);
}

export const ROLES = [
  'buerger',
  'prozesseigner',
  'prozessmodellierer',
  'zertifizierer',
  'awb',
  'mandant-admin',
  'sachbearbeitung',
  'redaktion',
  'projektleitung',
  'testteam',
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  buerger: 'Bürgerin / Bürger',
  prozesseigner: 'Prozesseigner',
  prozessmodellierer: 'Prozessmodellierer',
  zertifizierer: 'Zertifizierer',
  awb: 'Anwendungsbetreuung (AWB)',
  'mandant-admin': 'Zuständige Stelle / Mandant-Administration',
  sachbearbeitung: 'Sachbearbeitung',
  redaktion: 'Redaktion Amt24',
  projektleitung: 'Projektleitung Amt24',
  testteam: 'Testteam',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * advance: the phase is done; loop: back to the prototype; recertification: out of / back into Betrieb;
 * shutdown: regular end from Betrieb; abort: shutdown decided before Betrieb.
 */
export type TransitionKind = 'advance' | 'loop' | 'recertification' | 'shutdown' | 'abort';

export interface TransitionRule {
  from: PhaseId;
  to: PhaseId;
  kind: TransitionKind;
  trigger: string;
}

const ABORTABLE: readonly PhaseId[] = PHASE_IDS.filter((p) => p !== 'betrieb' && p !== 'abschaltung');

export const TRANSITIONS: readonly TransitionRule[] = [
  { from: 'klaerung', to: 'auftakt', kind: 'advance', trigger: 'Alle Klärungspunkte dokumentiert' },
  { from: 'auftakt', to: 'prototyp', kind: 'advance', trigger: 'Auftakt protokolliert' },
  { from: 'prototyp', to: 'test', kind: 'advance', trigger: 'Prototyp auf dem Entwicklungssystem' },
  { from: 'test', to: 'prototyp', kind: 'loop', trigger: 'Änderungen nötig, Freigabe abgelehnt' },
  { from: 'test', to: 'zertifizierung', kind: 'advance', trigger: 'Freigabe durch den Prozesseigner' },
  { from: 'zertifizierung', to: 'prototyp', kind: 'loop', trigger: 'Zertifizierung nicht bestanden' },
  { from: 'zertifizierung', to: 'produktivsetzung', kind: 'advance', trigger: 'Zertifikat erteilt, Rollout geplant' },
  { from: 'zertifizierung', to: 'betrieb', kind: 'recertification', trigger: 'Rezertifizierung bestanden' },
  { from: 'produktivsetzung', to: 'prototyp', kind: 'loop', trigger: 'Freigabe durch die Projektleitung verweigert' },
  { from: 'produktivsetzung', to: 'aktivierung', kind: 'advance', trigger: 'Übernahme durch die AWB bestätigt' },
  { from: 'aktivierung', to: 'betrieb', kind: 'advance', trigger: 'Produktive Abnahme bestanden, Wartungsmodus aus' },
  { from: 'betrieb', to: 'zertifizierung', kind: 'recertification', trigger: 'Änderung erfordert Rezertifizierung' },
  {
    from: 'betrieb',
    to: 'prototyp',
    kind: 'recertification',
    trigger: 'Änderung: neue Version von Formular und Prozess',
  },
  { from: 'produktivsetzung', to: 'betrieb', kind: 'recertification', trigger: 'Neue Version übernommen' },
  { from: 'betrieb', to: 'abschaltung', kind: 'shutdown', trigger: 'Abschaltung beschlossen' },
  ...ABORTABLE.map((from): TransitionRule => ({
    from,
    to: 'abschaltung',
    kind: 'abort',
    trigger: 'Ausdrückliche Entscheidung zur Abschaltung vor dem Betrieb',
  })),
];

export function transitionsFrom(from: PhaseId): TransitionRule[] {
  return TRANSITIONS.filter((t) => t.from === from);
}

export type CheckTransitionResult =
  | { ok: true; rule: TransitionRule }
  | { ok: false; code: 'transition-not-allowed' | 'decision-required'; message: string };

/**
 * Whether `from → to` is allowed. Leaving for Abschaltung before Betrieb needs `explicitDecision`; from
 * zertifizierung, Betrieb is only reachable in a recertification cycle and Produktivsetzung only outside one.
 */
export function checkTransition(
  from: PhaseId,
  to: PhaseId,
  options: { explicitDecision?: boolean; recertification?: boolean; aenderung?: boolean } = {},
): CheckTransitionResult {
  const rule = TRANSITIONS.find((t) => t.from === from && t.to === to);
  const notAllowed = (): CheckTransitionResult => ({
    ok: false,
    code: 'transition-not-allowed',
    message: `Übergang von „${PHASES[from].label}“ nach „${PHASES[to].label}“ ist nicht vorgesehen.`,
  });
  if (!rule) return notAllowed();
  if (rule.kind === 'abort' && !options.explicitDecision) {
    return {
      ok: false,
      code: 'decision-required',
      message: `Abschaltung aus „${PHASES[from].label}“ nur durch ausdrückliche Entscheidung.`,
    };
  }
  if (from === 'zertifizierung' && to === 'betrieb' && !options.recertification) return notAllowed();
  if (from === 'zertifizierung' && to === 'produktivsetzung' && options.recertification) return notAllowed();
  // A new version leaves Betrieb for the Prototyp and comes back from the Produktivsetzung only in a change cycle.
  if (from === 'betrieb' && to === 'prototyp' && !options.aenderung) return notAllowed();
  if (from === 'produktivsetzung' && to === 'betrieb' && !options.aenderung) return notAllowed();
  return { ok: true, rule };
}

/** The phase that follows when all blocking tasks of `phase` are done (null: Betrieb never ends by itself). */
export function nextPhase(phase: PhaseId, recertification: boolean, aenderung = false): PhaseId | null {
  switch (phase) {
    case 'klaerung':
      return 'auftakt';
    case 'auftakt':
      return 'prototyp';
    case 'prototyp':
      return 'test';
    case 'test':
      return 'zertifizierung';
    case 'zertifizierung':
      return recertification ? 'betrieb' : 'produktivsetzung';
    case 'produktivsetzung':
      // A new version of an Onlinedienst in Betrieb: its activations stay live, the transfer is the switch.
      return aenderung ? 'betrieb' : 'aktivierung';
    case 'aktivierung':
      return 'betrieb';
    case 'betrieb':
    case 'abschaltung':
      return null;
  }
}
