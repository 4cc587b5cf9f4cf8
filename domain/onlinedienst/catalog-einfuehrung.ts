// Tasks of phases 5–7 (Zertifizierung with the rollout planning, Produktivsetzung, Aktivierung & produktive
// Abnahme): from the certification to the Mandanten going live.
import { z } from 'zod';
import { isoDate, nonEmpty, versionSchema } from '../field-errors';
import { defineTask, prozessRef, requireWhen, union, wd, type TaskTemplate } from './task-template';

export const EINFUEHRUNG_TASKS: readonly TaskTemplate[] = [
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
    fields: () =>
      z
        .strictObject({
          ergebnis: z.enum(['bestanden', 'nicht-bestanden']),
          loggingGeprueft: z.literal(true),
          endlosschleifenGeprueft: z.literal(true),
          zertifikat: z.string().optional(),
          befunde: z.string().optional(),
          /** the content hash of the version judged (shown with the automatic findings); "bestanden" certifies it */
          inhaltsHash: z
            .string()
            .regex(/^[0-9a-f]{64}$/, 'SHA-256 als 64 Hexadezimalzeichen.')
            .optional(),
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
    onlyIf: (ctx) => !ctx.recertification && !ctx.aenderung,
    fields: () =>
      z.strictObject({ leistungId: nonEmpty(), abgestimmt: z.literal(true), hinweise: z.string().optional() }),
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
    onlyIf: (ctx) => !ctx.recertification && !ctx.aenderung,
    fields: () =>
      z.strictObject({
        mandanten: z.array(nonEmpty()).min(1),
        zustaendigeStellenEinbezogen: z.literal(true),
        supportkanaeleAktiviert: z.literal(true),
        oeffentlichkeitsarbeit: z.boolean(),
      }),
    updateContext: (ctx, f) => ({ ...ctx, mandanten: union(ctx.mandanten, f.mandanten) }),
  }),
  // 6 Produktivsetzung
  defineTask({
    id: 'produktivsetzung-freigeben',
    phases: ['produktivsetzung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Produktivsetzung freigeben',
    description:
      'Die Projektleitung Amt24 gibt den zertifizierten Prozess für die Übernahme auf das Produktivsystem frei.',
    role: 'projektleitung',
    blocking: true,
    deadline: wd(5),
    // Every new version of an Onlinedienst in Betrieb goes through it, also one imported as Bestand.
    onlyIf: (ctx) => ctx.freigabeDurchProjektleitung === true || ctx.aenderung !== undefined,
    fields: () =>
      z
        .strictObject({
          entscheidung: z.enum(['freigegeben', 'verweigert']),
          zertifizierungGeprueft: z.literal(true),
          begruendung: z.string().optional(),
        })
        .superRefine(requireWhen((v) => v.entscheidung === 'verweigert', 'begruendung', 'Begründung angeben.')),
    outcome: (f) =>
      f.entscheidung === 'verweigert'
        ? {
            kind: 'transition',
            to: 'prototyp',
            reason: `Produktivsetzung nicht freigegeben: ${f.begruendung ?? ''}`.trim(),
          }
        : null,
  }),
  defineTask({
    id: 'uebernahme-beantragen',
    phases: ['produktivsetzung'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Übernahme auf das Produktivsystem beim Service Desk beantragen',
    description: 'Mail an die Anwendungsbetreuung mit Prozess, Formular und Zertifizierungsinformation.',
    role: 'prozesseigner',
    after: ['produktivsetzung-freigeben'],
    blocking: true,
    deadline: wd(3),
    fields: () =>
      z.strictObject({
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
    fields: () =>
      z.strictObject({ ticketId: nonEmpty(), produktivVersion: versionSchema(), kommentar: z.string().optional() }),
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
    fields: () =>
      z.strictObject({
        leistungId: nonEmpty(),
        organisationseinheitId: nonEmpty(),
        zustaendigkeitenGepflegt: z.literal(true),
        prozessparameterGepflegt: z.literal(true),
        wartungsmodus: z.literal(true),
      }),
    updateContext: (ctx, _f, task) =>
      task.mandant === undefined
        ? ctx
        : { ...ctx, aktivierteMandanten: union(ctx.aktivierteMandanten ?? [], [task.mandant]) },
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
    fields: () =>
      z
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
      f.ergebnis === 'fehlgeschlagen'
        ? { kind: 'reopen', reason: `Abnahmetest fehlgeschlagen: ${f.befunde ?? ''}`.trim() }
        : null,
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
];
