// Tasks of phases 1–4 (Klärung, Auftakt, Prototyp, Test & Abnahme): from the first questions to the Freigabe.
import { z } from 'zod';
import { isoDate, nonEmpty } from '../field-errors';
import { defineTask, prozessRef, requireWhen, union, wd, type TaskTemplate } from './task-template';

export const ENTWICKLUNG_TASKS: readonly TaskTemplate[] = [
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
    fields: () =>
      z.strictObject({
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
    fields: () =>
      z.strictObject({
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
    fields: () =>
      z
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
    fields: () =>
      z.strictObject({ leistungId: nonEmpty(), geprueft: z.literal(true), anpassungen: z.string().optional() }),
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
    fields: () =>
      z.strictObject({
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
    description:
      'Barrierefreiheit (BITV 2.0), DIN SPEC 66336 und TR-03172-3 beachten; Prozess bis zum Eingang modellieren.',
    role: 'prozessmodellierer',
    blocking: true,
    deadline: wd(30),
    fields: () =>
      z.strictObject({
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
    fields: () =>
      z.strictObject({
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
    fields: () =>
      z
        .strictObject({ entscheidung: z.enum(['erteilt', 'abgelehnt']), aenderungen: z.string().optional() })
        .superRefine(
          requireWhen(
            (v) => v.entscheidung === 'abgelehnt',
            'aenderungen',
            'Bei Ablehnung die nötigen Änderungen angeben.',
          ),
        ),
    outcome: (f) =>
      f.entscheidung === 'abgelehnt'
        ? { kind: 'transition', to: 'prototyp', reason: `Freigabe abgelehnt: ${f.aenderungen ?? ''}`.trim() }
        : null,
  }),
];
