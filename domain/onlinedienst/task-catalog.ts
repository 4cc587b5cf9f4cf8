// The catalogue of tasks per phase: who does what, which fields prove it is done, default deadlines, and how a
// result steers the lifecycle (loop back, reopen). The state machine that uses it lives in tasks.ts.
import { z } from 'zod';
import { isoDate, lazySchema, nonEmpty, versionSchema } from '../field-errors';
import type { PhaseId, Role } from './phases';
import type { DeadlineSpec } from '../working-days';

export interface Actor {
  id: string;
  roles: readonly Role[];
  /** Mandanten the actor acts for (relevant for per-Mandant tasks). */
  mandanten: readonly string[];
}

export interface ProzessRef {
  name: string;
  version: string;
}

/** What the state machine knows about the Onlinedienst. JSON-serialisable; kept inside the state. */
export interface LifecycleContext {
  onlinedienstId: string;
  name: string;
  /** Mandanten that activate the Onlinedienst; per-Mandant tasks are opened for each. */
  mandanten: string[];
  /** Feature tags for release classification ('payment', 'xfall', 'fitconnect', 'form:upload', …). */
  featureTags?: string[];
  leistungId?: string;
  prozess?: ProzessRef;
  formular?: ProzessRef;
  zertifizierungsReferenz?: string;
  /** Mandanten where the process has been activated (and so must be deactivated at the Abschaltung). */
  aktivierteMandanten?: string[];
  /** Set by the state machine while a change cycle started from Betrieb is under way. */
  recertification?: boolean;
  /** Deadline overrides per task template id, e.g. { freigabe: { amount: 3, unit: 'working-days' } }. */
  deadlines?: Partial<Record<string, DeadlineSpec>>;
}

export type TaskOutcome = { kind: 'transition'; to: PhaseId; reason: string } | { kind: 'reopen'; reason: string };

export type TaskScope =
  /** one instance per phase entry, id = template id */
  | 'onlinedienst'
  /** one instance per Mandant, id = `${template}:${mandantId}` */
  | 'mandant'
  /** opened by an outside event, id = `${template}:${key}` (e.g. the release version) */
  | 'keyed';

export interface TaskTemplate<S extends z.ZodType = z.ZodType> {
  id: string;
  /** phases[0] is the home phase (opened on entry unless opensOn is 'event'); in the others it may also be open
   *  (a Mandant joining in Betrieb goes through the activation tasks there) */
  phases: readonly PhaseId[];
  opensOn: 'phase-entry' | 'event';
  scope: TaskScope;
  title: string;
  description: string;
  role: Role;
  /** Templates that must be completed first (same Mandant for per-Mandant tasks). */
  after?: readonly string[];
  /** Must be completed before the home phase can advance. */
  blocking: boolean;
  /** the fields the completing person supplies; built on first use (see lazySchema) */
  fields: () => S;
  deadline: DeadlineSpec;
  /** A result from an earlier entry into the phase still counts (rollout planning survives a failed certification). */
  reuseEarlierResult?: boolean;
  onlyIf?(context: LifecycleContext): boolean;
  /** For per-Mandant tasks: which Mandanten get one (default: context.mandanten). */
  mandantenOf?(context: LifecycleContext): readonly string[];
  outcome?(fields: z.output<S>, context: LifecycleContext): TaskOutcome | null;
  updateContext?(context: LifecycleContext, fields: z.output<S>, task: { mandant?: string }): LifecycleContext;
}

function defineTask<S extends z.ZodType>(template: TaskTemplate<S>): TaskTemplate {
  return { ...template, fields: lazySchema(template.fields) } as unknown as TaskTemplate;
}

const wd = (amount: number): DeadlineSpec => ({ amount, unit: 'working-days' });
const cd = (amount: number): DeadlineSpec => ({ amount, unit: 'calendar-days' });
export const prozessRef = lazySchema(() => z.strictObject({ name: nonEmpty(), version: versionSchema() }));

function requireWhen<T>(condition: (v: T) => boolean, key: string, message: string) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const field = (value as Record<string, unknown>)[key];
    if (condition(value) && (typeof field !== 'string' || field.trim() === '')) {
      ctx.addIssue({ code: 'custom', path: [key], message, input: field });
    }
  };
}

export const TASK_TEMPLATES: readonly TaskTemplate[] = [
  // 1 Klärung
  defineTask({
    id: 'ist-prozess',
    phases: ['klaerung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Ist-Prozess erstellen und Weiterverarbeitung einplanen',
    description: 'Ist-Prozess beschreiben; E-Akte, Fachverfahren und Übermittlung des Bescheides einplanen.',
    role: 'prozesseigner',
    blocking: true,
    deadline: wd(10),
    fields: () => z.strictObject({
      istProzess: nonEmpty(),
      eAkte: z.boolean(),
      fachverfahren: z.string().trim().optional(),
      bescheidUebermittlung: z.enum(['postfach', 'post', 'fachverfahren', 'e-mail', 'keine']),
    }),
  }),
  defineTask({
    id: 'rechtsgrundlagen',
    phases: ['klaerung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Rechtsgrundlagen und Vertrauensniveau klären',
    description: 'Rechtsgrundlagen mit Einschränkungen und Besonderheiten; erforderliches Vertrauensniveau.',
    role: 'prozesseigner',
    blocking: true,
    deadline: wd(10),
    fields: () => z.strictObject({
      rechtsgrundlagen: z.array(nonEmpty()).min(1),
      vertrauensniveau: z.enum(['niedrig', 'substanziell', 'hoch']),
      besonderheiten: z.string().optional(),
    }),
  }),
  defineTask({
    id: 'xoev-fachverfahren',
    phases: ['klaerung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'XÖV-Standards und anzubindende Fachverfahren identifizieren',
    description: 'Welche XÖV-Standards gelten, welche Fachverfahren werden angebunden?',
    role: 'prozesseigner',
    blocking: true,
    deadline: wd(10),
    fields: () => z.strictObject({ xoevStandards: z.array(nonEmpty()), fachverfahren: z.array(nonEmpty()) }),
  }),
  defineTask({
    id: 'konten-bezahlung',
    phases: ['klaerung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Anbindung BundID / Mein Unternehmenskonto / Bezahlfunktion klären',
    description: 'Welche Konten und ob eine Bezahlfunktion (ePayBL) gebraucht wird.',
    role: 'prozesseigner',
    blocking: true,
    deadline: wd(10),
    fields: () => z
      .strictObject({
        bundId: z.boolean(),
        meinUnternehmenskonto: z.boolean(),
        bezahlung: z.boolean(),
        bakZahlungsverkehrEingebunden: z.boolean().optional(),
      })
      .superRefine((v, ctx) => {
        if (v.bezahlung && v.bakZahlungsverkehrEingebunden !== true) {
          ctx.addIssue({
            code: 'custom',
            path: ['bakZahlungsverkehrEingebunden'],
            message: 'Bei Bezahlfunktion die Anwendungsbetreuung BaK Zahlungsverkehr frühzeitig einbinden.',
            input: v.bakZahlungsverkehrEingebunden,
          });
        }
      }),
    updateContext: (ctx, f) => (f.bezahlung ? { ...ctx, featureTags: union(ctx.featureTags ?? [], ['payment']) } : ctx),
  }),
  defineTask({
    id: 'leistungsbeschreibung',
    phases: ['klaerung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Leistungsbeschreibung prüfen und anpassen',
    description: 'Leistungsbeschreibung (Leistungstext) geprüft und bei Bedarf angepasst.',
    role: 'prozesseigner',
    blocking: true,
    deadline: wd(10),
    fields: () => z.strictObject({ leistungId: nonEmpty(), geprueft: z.literal(true), anpassungen: z.string().optional() }),
    updateContext: (ctx, f) => ({ ...ctx, leistungId: f.leistungId }),
  }),
  // 2 Auftakt
  defineTask({
    id: 'auftakt-protokoll',
    phases: ['auftakt'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Auftakt-Meeting durchführen und protokollieren',
    description: 'Ziel („Eine Vision für alle“), Zeitplan, Zuständigkeiten, Regeltermine, Support, Kreis der Tester.',
    role: 'prozesseigner',
    blocking: true,
    deadline: wd(15),
    fields: () => z.strictObject({
      datum: isoDate(),
      protokoll: nonEmpty(),
      ziel: nonEmpty(),
      zeitplan: nonEmpty(),
      zustaendigkeiten: nonEmpty(),
      regeltermine: nonEmpty(),
      support: nonEmpty(),
      tester: z.array(nonEmpty()).min(1),
    }),
  }),
  // 3 Prototyp
  defineTask({
    id: 'prototyp-bereitstellen',
    phases: ['prototyp'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Formular und Prozess erstellen und auf dem Entwicklungssystem bereitstellen',
    description: 'Barrierefreiheit (BITV 2.0), DIN SPEC 66336 und TR-03172-3 beachten; Prozess bis zum Eingang modellieren.',
    role: 'prozessmodellierer',
    blocking: true,
    deadline: wd(30),
    fields: () => z.strictObject({
      prozess: prozessRef(),
      formular: prozessRef(),
      bitv: z.literal(true),
      dinSpec66336: z.literal(true),
      tr03172: z.literal(true),
      aenderungen: z.string().optional(),
    }),
    updateContext: (ctx, f) => ({ ...ctx, prozess: f.prozess, formular: f.formular }),
  }),
  // 4 Test & Abnahme
  defineTask({
    id: 'test-durchfuehren',
    phases: ['test'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Gesamte Antragsstrecke testen (auch Negativtests)',
    description: 'Pflichtfelder, Fehlermeldungen, Abhängigkeiten; Fachbehörde, Nutzer und antragannehmende Stelle.',
    role: 'testteam',
    blocking: true,
    deadline: wd(10),
    fields: () => z.strictObject({
      testfaelle: z.number().int().min(1),
      negativtests: z.number().int().min(1),
      offeneFehler: z.number().int().min(0),
      beteiligte: z.array(z.enum(['entwickler', 'fachbehoerde', 'nutzer', 'antragannehmende-stelle'])).min(1),
      bericht: nonEmpty(),
    }),
  }),
  defineTask({
    id: 'freigabe',
    phases: ['test'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Finale Freigabe erteilen',
    description: 'Freigabe durch den Prozesseigner oder Rückgabe mit Änderungen an den Prototyp.',
    role: 'prozesseigner',
    after: ['test-durchfuehren'],
    blocking: true,
    deadline: wd(5),
    fields: () => z
      .strictObject({ entscheidung: z.enum(['erteilt', 'abgelehnt']), aenderungen: z.string().optional() })
      .superRefine(requireWhen((v) => v.entscheidung === 'abgelehnt', 'aenderungen', 'Bei Ablehnung die nötigen Änderungen angeben.')),
    outcome: (f) =>
      f.entscheidung === 'abgelehnt'
        ? { kind: 'transition', to: 'prototyp', reason: `Freigabe abgelehnt: ${f.aenderungen ?? ''}`.trim() }
        : null,
  }),
  // 5 Zertifizierung + Rollout-Planung
  defineTask({
    id: 'zertifizierung',
    phases: ['zertifizierung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Formular und Prozess zertifizieren',
    description: 'Unabhängige Prüfung zur Sicherung des Portalbetriebs: Logging und Endlosschleifen.',
    role: 'zertifizierer',
    blocking: true,
    deadline: wd(15),
    fields: () => z
      .strictObject({
        ergebnis: z.enum(['bestanden', 'nicht-bestanden']),
        loggingGeprueft: z.literal(true),
        endlosschleifenGeprueft: z.literal(true),
        zertifikat: z.string().optional(),
        befunde: z.string().optional(),
      })
      .superRefine(requireWhen((v) => v.ergebnis === 'bestanden', 'zertifikat', 'Zertifikatsnummer angeben.'))
      .superRefine(requireWhen((v) => v.ergebnis === 'nicht-bestanden', 'befunde', 'Befunde angeben.')),
    outcome: (f) =>
      f.ergebnis === 'nicht-bestanden'
        ? { kind: 'transition', to: 'prototyp', reason: `Zertifizierung nicht bestanden: ${f.befunde ?? ''}`.trim() }
        : null,
    updateContext: (ctx, f) => (f.zertifikat ? { ...ctx, zertifizierungsReferenz: f.zertifikat } : ctx),
  }),
  defineTask({
    id: 'leistungsbeschreibung-final',
    phases: ['zertifizierung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Leistungsbeschreibung final abstimmen',
    description: 'Leistungsbeschreibung mit der Redaktion Amt24 final anpassen.',
    role: 'redaktion',
    blocking: true,
    reuseEarlierResult: true,
    deadline: wd(15),
    onlyIf: (ctx) => !ctx.recertification,
    fields: () => z.strictObject({ leistungId: nonEmpty(), abgestimmt: z.literal(true), hinweise: z.string().optional() }),
  }),
  defineTask({
    id: 'rollout-planen',
    phases: ['zertifizierung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Produktiven Rollout planen',
    description: 'Zuständige Stellen einbeziehen, Supportkanäle aktivieren, Öffentlichkeitsarbeit entscheiden.',
    role: 'prozesseigner',
    blocking: true,
    reuseEarlierResult: true,
    deadline: wd(15),
    onlyIf: (ctx) => !ctx.recertification,
    fields: () => z.strictObject({
      mandanten: z.array(nonEmpty()).min(1),
      zustaendigeStellenEinbezogen: z.literal(true),
      supportkanaeleAktiviert: z.literal(true),
      oeffentlichkeitsarbeit: z.boolean(),
    }),
    updateContext: (ctx, f) => ({ ...ctx, mandanten: union(ctx.mandanten, f.mandanten) }),
  }),
  // 6 Produktivsetzung
  defineTask({
    id: 'uebernahme-beantragen',
    phases: ['produktivsetzung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Übernahme auf das Produktivsystem beim Service Desk beantragen',
    description: 'Mail an die Anwendungsbetreuung mit Prozess, Formular und Zertifizierungsinformation.',
    role: 'prozesseigner',
    blocking: true,
    deadline: wd(3),
    fields: () => z.strictObject({
      prozess: prozessRef(),
      formular: prozessRef(),
      zertifizierungsReferenz: nonEmpty(),
      ticketId: z.string().optional(),
    }),
  }),
  defineTask({
    id: 'uebernahme-bestaetigen',
    phases: ['produktivsetzung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Prozess auf das Produktivsystem übernehmen und im Ticket bestätigen',
    description: 'Die Anwendungsbetreuung spielt den zertifizierten Prozess ein und antwortet im Ticket.',
    role: 'awb',
    after: ['uebernahme-beantragen'],
    blocking: true,
    deadline: wd(5),
    fields: () => z.strictObject({ ticketId: nonEmpty(), produktivVersion: versionSchema(), kommentar: z.string().optional() }),
  }),
  // 7 Aktivierung & produktive Abnahme
  defineTask({
    id: 'deployment',
    phases: ['aktivierung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Prozess auf dem Produktivsystem deployen',
    description: 'Deployment durch den Prozessmodellierer.',
    role: 'prozessmodellierer',
    blocking: true,
    deadline: wd(3),
    fields: () => z.strictObject({ prozessVersion: versionSchema(), deployedAm: isoDate() }),
  }),
  defineTask({
    id: 'aktivierung',
    phases: ['aktivierung', 'betrieb'],
    opensOn: 'phase-entry',
    scope: 'mandant',
    title: 'Zuständigkeiten pflegen und Prozess aktivieren (Wartungsmodus an)',
    description: 'Prozess mit der Leistung verknüpfen, Prozessparameter pflegen, Wartungsmodus für den Abnahmetest an.',
    role: 'mandant-admin',
    after: ['deployment'],
    blocking: true,
    deadline: wd(10),
    fields: () => z.strictObject({
      leistungId: nonEmpty(),
      organisationseinheitId: nonEmpty(),
      zustaendigkeitenGepflegt: z.literal(true),
      prozessparameterGepflegt: z.literal(true),
      wartungsmodus: z.literal(true),
    }),
    updateContext: (ctx, _f, task) =>
      task.mandant === undefined ? ctx : { ...ctx, aktivierteMandanten: union(ctx.aktivierteMandanten ?? [], [task.mandant]) },
  }),
  defineTask({
    id: 'abnahmetest',
    phases: ['aktivierung', 'betrieb'],
    opensOn: 'phase-entry',
    scope: 'mandant',
    title: 'Produktiven Abnahmetest der gesamten Antragsstrecke durchführen',
    description: 'Einmal vom Start bis zum Eingang bei der Behörde, im Wartungsmodus.',
    role: 'mandant-admin',
    after: ['aktivierung'],
    blocking: true,
    deadline: wd(5),
    fields: () => z
      .strictObject({
        ergebnis: z.enum(['bestanden', 'fehlgeschlagen']),
        eingangBeiBehoerdeGeprueft: z.boolean(),
        befunde: z.string().optional(),
      })
      .superRefine((v, ctx) => {
        if (v.ergebnis === 'bestanden' && !v.eingangBeiBehoerdeGeprueft) {
          ctx.addIssue({
            code: 'custom',
            path: ['eingangBeiBehoerdeGeprueft'],
            message: 'Abnahme nur mit geprüftem Eingang bei der Behörde.',
            input: v.eingangBeiBehoerdeGeprueft,
          });
        }
      })
      .superRefine(requireWhen((v) => v.ergebnis === 'fehlgeschlagen', 'befunde', 'Befunde angeben.')),
    outcome: (f) =>
      f.ergebnis === 'fehlgeschlagen' ? { kind: 'reopen', reason: `Abnahmetest fehlgeschlagen: ${f.befunde ?? ''}`.trim() } : null,
  }),
  defineTask({
    id: 'wartungsmodus-aus',
    phases: ['aktivierung', 'betrieb'],
    opensOn: 'phase-entry',
    scope: 'mandant',
    title: 'Wartungsmodus deaktivieren',
    description: 'Eigenverantwortung des Mandanten; Prüfung: abgemeldet den Antrag starten, Anmeldung wird verlangt.',
    role: 'mandant-admin',
    after: ['abnahmetest'],
    blocking: true,
    deadline: wd(3),
    fields: () => z.strictObject({ wartungsmodus: z.literal(false), oeffentlichGeprueft: z.literal(true) }),
  }),
  // 8 Betrieb & Wartung
  defineTask({
    id: 'betriebspruefung',
    phases: ['betrieb'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Regelmäßige Betriebsprüfung',
    description: 'Wartung und Pflege prüfen; Weiterbetrieb, Änderung mit Rezertifizierung oder Abschaltung entscheiden.',
    role: 'prozesseigner',
    blocking: false,
    deadline: cd(365),
    fields: () => z
      .strictObject({ ergebnis: z.enum(['weiterbetrieb', 'rezertifizierung', 'abschaltung']), begruendung: z.string().optional() })
      .superRefine(requireWhen((v) => v.ergebnis !== 'weiterbetrieb', 'begruendung', 'Begründung angeben.')),
    outcome: (f) => {
      if (f.ergebnis === 'rezertifizierung') return { kind: 'transition', to: 'zertifizierung', reason: `Rezertifizierung: ${f.begruendung}` };
      if (f.ergebnis === 'abschaltung') return { kind: 'transition', to: 'abschaltung', reason: `Abschaltung beschlossen: ${f.begruendung}` };
      return { kind: 'reopen', reason: 'Weiterbetrieb, nächste Betriebsprüfung' };
    },
  }),
  defineTask({
    id: 'release-pruefung',
    phases: ['betrieb'],
    opensOn: 'event',
    scope: 'keyed',
    title: 'Prozess nach neuem Amt24-Release prüfen',
    description: 'Ist der Prozess noch lauffähig und nutzbar? Hinweise zu Breaking Changes beachten.',
    role: 'prozesseigner',
    blocking: false,
    deadline: wd(5),
    fields: () => z
      .strictObject({
        ergebnis: z.enum(['lauffaehig', 'angepasst', 'rezertifizierung-erforderlich']),
        geprueftAuf: z.enum(['entwicklungssystem', 'produktivsystem']),
        befunde: z.string().optional(),
      })
      .superRefine(requireWhen((v) => v.ergebnis !== 'lauffaehig', 'befunde', 'Befunde angeben.')),
    outcome: (f) =>
      f.ergebnis === 'rezertifizierung-erforderlich'
        ? { kind: 'transition', to: 'zertifizierung', reason: `Release-Prüfung: ${f.befunde}` }
        : null,
  }),
  defineTask({
    id: 'rechtsaenderung',
    phases: ['betrieb'],
    opensOn: 'event',
    scope: 'keyed',
    title: 'Rechtsänderung in Formular und Prozess umsetzen',
    description: 'Mit ausreichendem Vorlauf; je nach Umfang mit erneuter Zertifizierung.',
    role: 'prozesseigner',
    blocking: false,
    deadline: wd(20),
    fields: () => z.strictObject({
      beschreibung: nonEmpty(),
      inKraftAb: isoDate(),
      umsetzung: z.enum(['ohne-rezertifizierung', 'mit-rezertifizierung']),
    }),
    outcome: (f) =>
      f.umsetzung === 'mit-rezertifizierung'
        ? { kind: 'transition', to: 'zertifizierung', reason: `Rechtsänderung: ${f.beschreibung}` }
        : null,
  }),
  defineTask({
    id: 'konfigurationsaenderung',
    phases: ['betrieb'],
    opensOn: 'event',
    scope: 'keyed',
    title: 'Konfigurationsänderung eines Mandanten umsetzen',
    description: 'Auftrag mit Änderungsgrund, Datum, betroffenen Formularabschnitten und konkretem Änderungswunsch.',
    role: 'prozessmodellierer',
    blocking: false,
    deadline: wd(10),
    fields: () => z.strictObject({ umgesetztAm: isoDate(), kommentar: z.string().optional() }),
  }),
  defineTask({
    id: 'stoerung',
    phases: ['betrieb'],
    opensOn: 'event',
    scope: 'keyed',
    title: 'Störung im Produktivbetrieb beheben',
    description: 'Die Anwendungsbetreuung gibt Informationen weiter; die Behebung ist Sache des Prozesseigners.',
    role: 'prozesseigner',
    blocking: false,
    deadline: wd(2),
    fields: () => z.strictObject({ ursache: nonEmpty(), massnahmen: nonEmpty(), behoben: z.literal(true) }),
  }),
  // 9 Abschaltung
  defineTask({
    id: 'deaktivierung',
    phases: ['abschaltung'],
    opensOn: 'phase-entry',
    scope: 'mandant',
    title: 'Aktivierung beim Mandanten deaktivieren',
    description: 'Prozess beim Mandanten deaktivieren und die Verknüpfung mit der Leistung lösen.',
    role: 'mandant-admin',
    blocking: true,
    deadline: wd(10),
    mandantenOf: (ctx) => ctx.aktivierteMandanten ?? [],
    fields: () => z.strictObject({ deaktiviertAm: isoDate() }),
  }),
  defineTask({
    id: 'datenaufbewahrung',
    phases: ['abschaltung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Aufbewahrungs- und Löschregeln anwenden',
    description: 'Vorhandene Antragsdaten nach den Aufbewahrungsregeln behandeln.',
    role: 'prozesseigner',
    blocking: true,
    deadline: wd(20),
    fields: () => z.strictObject({ aufbewahrungsregelnAngewendet: z.literal(true), loeschkonzept: nonEmpty() }),
  }),
];

const TEMPLATE_BY_ID: ReadonlyMap<string, TaskTemplate> = new Map(TASK_TEMPLATES.map((t) => [t.id, t]));

export function taskTemplate(id: string): TaskTemplate | undefined {
  return TEMPLATE_BY_ID.get(id);
}

export function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

