// What the lifecycle refuses and what outside commands do: events in Betrieb, recertification, Mandanten joining
// later, shutdown by decision, and which tasks a phase opens.
import { describe, expect, it } from 'vitest';
import { reportFromReleasePruefung } from '../../domain/release/campaign';
import {
  addMandant,
  completeTask,
  createLifecycle,
  decideShutdown,
  openEventTask,
  openTasksFor,
  overdueTasks,
} from '../../domain/onlinedienst/tasks';
import { actor, ACTORS, CONTEXT, done, driveTo, H, M_LEIPZIG, M_PIRNA, must, t, T0, VALID } from './lifecycle-fixtures';

describe('Onlinedienst lifecycle', () => {
  it('refuses wrong role, wrong phase, unknown tasks and invalid fields with the right codes', () => {
    const s = createLifecycle(CONTEXT, 'pe-1', T0);
    const now = T0 + H;
    expect(completeTask(s, 'ist-prozess', ACTORS.prozessmodellierer, VALID['ist-prozess'], now)).toEqual({
      ok: false,
      error: {
        code: 'wrong-role',
        message: 'Aufgabe „Ist-Prozess erstellen und Weiterverarbeitung einplanen“ erledigt die Rolle Prozesseigner.',
      },
    });
    expect(completeTask(s, 'freigabe', ACTORS.prozesseigner, VALID.freigabe, now)).toEqual({
      ok: false,
      error: {
        code: 'wrong-phase',
        message:
          'Aufgabe „Finale Freigabe erteilen“ gehört zu „Test, Verbesserung und Abnahme“; aktuelle Phase ist „Klärung grundlegender Fragen“.',
      },
    });
    expect(completeTask(s, 'kaffee-kochen', ACTORS.prozesseigner, {}, now)).toMatchObject({
      ok: false,
      error: { code: 'unknown-task' },
    });
    const invalid = completeTask(
      s,
      'rechtsgrundlagen',
      ACTORS.prozesseigner,
      { rechtsgrundlagen: [], vertrauensniveau: 'mittel', bemerkung: 'x' },
      now,
    );
    expect(invalid).toEqual({
      ok: false,
      error: {
        code: 'invalid-fields',
        message: 'Angaben zu „Rechtsgrundlagen und Vertrauensniveau klären“ sind unvollständig oder ungültig.',
        fieldErrors: [
          { path: 'rechtsgrundlagen', message: 'Mindestens ein Eintrag erforderlich.' },
          { path: 'vertrauensniveau', message: 'Erlaubt: „niedrig“, „substanziell“, „hoch“.' },
          { path: 'bemerkung', message: 'Unbekanntes Feld.' },
        ],
      },
    });
    const missing = completeTask(s, 'konten-bezahlung', ACTORS.prozesseigner, { bundId: true, bezahlung: true }, now);
    // Cross-field rules run once the fields themselves are valid.
    expect(missing.ok ? [] : missing.error.fieldErrors).toEqual([
      { path: 'meinUnternehmenskonto', message: 'Pflichtfeld fehlt.' },
    ]);
    const noBak = completeTask(
      s,
      'konten-bezahlung',
      ACTORS.prozesseigner,
      { bundId: true, meinUnternehmenskonto: false, bezahlung: true },
      now,
    );
    expect(noBak.ok ? [] : noBak.error.fieldErrors).toEqual([
      {
        path: 'bakZahlungsverkehrEingebunden',
        message: 'Bei Bezahlfunktion die Anwendungsbetreuung BaK Zahlungsverkehr frühzeitig einbinden.',
      },
    ]);
    const after = done(s, 'ist-prozess', now);
    expect(completeTask(after.state, 'ist-prozess', ACTORS.prozesseigner, VALID['ist-prozess'], now + H)).toMatchObject(
      {
        ok: false,
        error: {
          code: 'not-open',
          message: 'Aufgabe „Ist-Prozess erstellen und Weiterverarbeitung einplanen“ ist bereits erledigt.',
        },
      },
    );
    // Refusals leave the state untouched.
    expect(s.completedTasks).toEqual([]);
    expect(s.openTasks).toHaveLength(5);

    const inTest = driveTo('test');
    expect(completeTask(inTest, 'freigabe', ACTORS.prozesseigner, VALID.freigabe, now)).toEqual({
      ok: false,
      error: {
        code: 'not-open',
        message:
          'Aufgabe „Finale Freigabe erteilen“ ist noch nicht eröffnet; sie wartet auf „Gesamte Antragsstrecke testen (auch Negativtests)“.',
      },
    });
  });

  it('runs recertification out of Betrieb and back, Mandanten joining later, and aborting by decision', () => {
    const betrieb = driveTo('betrieb', createLifecycle({ ...CONTEXT, mandanten: [M_LEIPZIG] }, 'pe-1', T0));
    expect(betrieb.context.mandanten).toEqual([M_LEIPZIG, M_PIRNA]);
    const due = t('2026-12-01T00:00:00+01:00');
    const opened = must(openEventTask(betrieb, 'release-pruefung', { key: '2026.4', now: T0 + 200 * H, dueAt: due }));
    expect(opened.opened[0]).toMatchObject({
      id: 'release-pruefung:2026.4',
      dueAt: due,
      role: 'prozesseigner',
      blocking: false,
    });
    expect(openEventTask(opened.state, 'release-pruefung', { key: '2026.4', now: T0 + 201 * H })).toMatchObject({
      ok: false,
      error: { code: 'already-open' },
    });
    expect(openEventTask(driveTo('test'), 'release-pruefung', { key: '2026.5', now: T0 })).toMatchObject({
      ok: false,
      error: { code: 'wrong-phase' },
    });
    expect(overdueTasks(opened.state, due + 1).map((x) => x.id)).toEqual(['release-pruefung:2026.4']);

    let r = done(opened.state, 'release-pruefung:2026.4', T0 + 202 * H, {
      ergebnis: 'rezertifizierung-erforderlich',
      geprueftAuf: 'entwicklungssystem',
      befunde: 'ePayBL-Schnittstelle geändert',
    });
    expect(r.transition).toMatchObject({ from: 'betrieb', to: 'zertifizierung', kind: 'recertification' });
    expect(r.cancelled.map((x) => x.id)).toEqual(['betriebspruefung']);
    expect(r.state.context.recertification).toBe(true);
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['zertifizierung']);
    expect(reportFromReleasePruefung(r.completed.fields as { ergebnis: string; befunde?: string })).toEqual({
      result: 'recertifying',
      finding: 'ePayBL-Schnittstelle geändert',
    });

    // A Mandant joining during the recertification gets its activation chain once Betrieb resumes.
    r = must(addMandant(r.state, 'm-dresden', 'pe-1', T0 + 203 * H)) as typeof r;
    expect(r.opened).toEqual([]);
    r = done(r.state, 'zertifizierung', T0 + 204 * H, { ...VALID.zertifizierung, zertifikat: 'Z-2026-99' });
    expect(r.transition).toMatchObject({ from: 'zertifizierung', to: 'betrieb', kind: 'recertification' });
    expect(r.state.context.recertification).toBe(false);
    expect(r.state.context.zertifizierungsReferenz).toBe('Z-2026-99');
    expect(r.state.openTasks.map((x) => `${x.id}/${x.blocking}`)).toEqual([
      'betriebspruefung/false',
      'aktivierung:m-dresden/false',
    ]);
    const dresden = actor('ma-dresden', ['mandant-admin'], ['m-dresden']);
    r = done(r.state, 'aktivierung:m-dresden', T0 + 205 * H, undefined, dresden);
    expect(r.opened.map((x) => x.id)).toEqual(['abnahmetest:m-dresden']);
    r = done(r.state, 'abnahmetest:m-dresden', T0 + 206 * H, undefined, dresden);
    r = done(r.state, 'wartungsmodus-aus:m-dresden', T0 + 207 * H, undefined, dresden);
    expect(r.state.phase).toBe('betrieb');
    expect(r.state.context.aktivierteMandanten).toEqual([M_LEIPZIG, M_PIRNA, 'm-dresden']);
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['betriebspruefung']);

    // Shutdown before Betrieb only by explicit decision of the Prozesseigner.
    const proto = driveTo('prototyp');
    expect(decideShutdown(proto, ACTORS.prozessmodellierer, 'Projekt gestoppt', T0)).toMatchObject({
      ok: false,
      error: { code: 'wrong-role' },
    });
    expect(decideShutdown(proto, ACTORS.prozesseigner, '  ', T0)).toMatchObject({
      ok: false,
      error: { code: 'invalid-fields' },
    });
    const aborted = must(decideShutdown(proto, ACTORS.prozesseigner, 'Projekt gestoppt', T0 + 50 * H));
    expect(aborted.transition).toMatchObject({
      from: 'prototyp',
      to: 'abschaltung',
      kind: 'abort',
      reason: 'Abschaltung beschlossen: Projekt gestoppt',
    });
    expect(aborted.cancelled.map((x) => x.id)).toEqual(['prototyp-bereitstellen']);
    // No Mandant was ever activated, so only the retention task remains.
    expect(aborted.state.openTasks.map((x) => x.id)).toEqual(['datenaufbewahrung']);
    // Planned but never activated Mandanten have nothing to deactivate either.
    const planned = driveTo('produktivsetzung');
    expect(planned.context.mandanten).toEqual([M_LEIPZIG, M_PIRNA]);
    const stopped = must(decideShutdown(planned, ACTORS.prozesseigner, 'Fördermittel gestrichen', T0 + 60 * H));
    expect(stopped.state.openTasks.map((x) => x.id)).toEqual(['datenaufbewahrung']);
    expect(
      completeTask(
        stopped.state,
        `deaktivierung:${M_LEIPZIG}`,
        ACTORS['mandant-admin'],
        VALID.deaktivierung,
        T0 + 61 * H,
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'unknown-task' },
    });
    const finished = done(stopped.state, 'datenaufbewahrung', T0 + 62 * H);
    expect(finished.ended).toBe(true);
  });

  it('opens phase tasks for a context as openTasksFor says', () => {
    const now = t('2026-03-02T08:00:00+01:00');
    const tasks = openTasksFor('aktivierung', { ...CONTEXT, mandanten: [M_LEIPZIG] }, now);
    expect(tasks.map((x) => x.id)).toEqual(['deployment']);
    const withOverride = openTasksFor(
      'test',
      { ...CONTEXT, deadlines: { 'test-durchfuehren': { amount: 14, unit: 'calendar-days' } } },
      now,
    );
    expect(withOverride[0]).toMatchObject({
      id: 'test-durchfuehren',
      role: 'testteam',
      dueAt: t('2026-03-16T08:00:00+01:00'),
    });
    const recert = openTasksFor('zertifizierung', { ...CONTEXT, recertification: true }, now);
    expect(recert.map((x) => x.id)).toEqual(['zertifizierung']);
    const abschaltung = openTasksFor(
      'abschaltung',
      { ...CONTEXT, mandanten: [M_LEIPZIG, M_PIRNA, 'm-geplant'], aktivierteMandanten: [M_LEIPZIG, M_PIRNA] },
      now,
    );
    expect(abschaltung.map((x) => `${x.id}/${x.role}`)).toEqual([
      'deaktivierung:m-leipzig/mandant-admin',
      'deaktivierung:m-pirna/mandant-admin',
      'datenaufbewahrung/prozesseigner',
    ]);
  });
});
