// Tasks of phases 8–9 (Betrieb & Wartung, Abschaltung): the yearly review, tasks opened by outside events
// (release, Rechtsänderung, configuration change, Störung) and what the shutdown leaves to do.
import { z } from 'zod';
import { isoDate, nonEmpty } from '../field-errors';
import { aenderungBeginnt, aenderungsZiel } from './aenderung';
import { cd, defineTask, requireWhen, wd, type TaskTemplate } from './task-template';

export const BETRIEB_TASKS: readonly TaskTemplate[] = [
  // 8 Betrieb & Wartung
  defineTask({
    id: 'betriebspruefung',
    phases: ['betrieb'],
    opensOn: 'phase-entry',
    scope: 'onlinedienst',
    title: 'Regelmäßige Betriebsprüfung',
    description:
      'Wartung und Pflege prüfen; Weiterbetrieb, Änderung mit Rezertifizierung oder Abschaltung entscheiden.',
    role: 'prozesseigner',
    blocking: false,
    deadline: cd(365),
    fields: () =>
      z
        .strictObject({
          ergebnis: z.enum(['weiterbetrieb', 'rezertifizierung', 'abschaltung']),
          begruendung: z.string().optional(),
        })
        .superRefine(requireWhen((v) => v.ergebnis !== 'weiterbetrieb', 'begruendung', 'Begründung angeben.')),
    updateContext: (ctx, f) =>
      f.ergebnis === 'rezertifizierung'
        ? aenderungBeginnt(ctx, 'betriebspruefung', `Rezertifizierung: ${f.begruendung}`, false)
        : ctx,
    outcome: (f, ctx) => {
      if (f.ergebnis === 'rezertifizierung')
        return { kind: 'transition', to: aenderungsZiel(ctx), reason: `Rezertifizierung: ${f.begruendung}` };
      if (f.ergebnis === 'abschaltung')
        return { kind: 'transition', to: 'abschaltung', reason: `Abschaltung beschlossen: ${f.begruendung}` };
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
    fields: () =>
      z
        .strictObject({
          ergebnis: z.enum(['lauffaehig', 'angepasst', 'rezertifizierung-erforderlich']),
          geprueftAuf: z.enum(['entwicklungssystem', 'produktivsystem']),
          befunde: z.string().optional(),
        })
        .superRefine(requireWhen((v) => v.ergebnis !== 'lauffaehig', 'befunde', 'Befunde angeben.')),
    updateContext: (ctx, f) =>
      f.ergebnis === 'rezertifizierung-erforderlich'
        ? aenderungBeginnt(ctx, 'release-pruefung', `Release-Prüfung: ${f.befunde}`, false)
        : ctx,
    outcome: (f, ctx) =>
      f.ergebnis === 'rezertifizierung-erforderlich'
        ? { kind: 'transition', to: aenderungsZiel(ctx), reason: `Release-Prüfung: ${f.befunde}` }
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
    fields: () =>
      z.strictObject({
        beschreibung: nonEmpty(),
        inKraftAb: isoDate(),
        umsetzung: z.enum(['ohne-rezertifizierung', 'mit-rezertifizierung']),
      }),
    // With new versions every Rechtsänderung is one (its size decides the certification); „mit Rezertifizierung“
    // asks for the independent Zertifizierer whatever the size.
    updateContext: (ctx, f) =>
      aenderungBeginnt(
        ctx,
        'rechtsaenderung',
        `Rechtsänderung: ${f.beschreibung}`,
        f.umsetzung === 'mit-rezertifizierung',
      ),
    outcome: (f, ctx) =>
      ctx.aenderung
        ? { kind: 'transition', to: 'prototyp', reason: `Rechtsänderung: ${f.beschreibung}` }
        : f.umsetzung === 'mit-rezertifizierung'
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
    updateContext: (ctx, f, task) =>
      aenderungBeginnt(
        ctx,
        'konfigurationsaenderung',
        `Konfigurationsänderung ${task.key ?? ''}: ${f.kommentar ?? f.umgesetztAm}`.trim(),
        false,
      ),
    outcome: (_f, ctx) => (ctx.aenderung ? { kind: 'transition', to: 'prototyp', reason: ctx.aenderung.grund } : null),
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
