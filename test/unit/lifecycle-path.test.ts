// The lifecycle's way through its phases: the whole path and the two loops back to the prototype.
import { describe, expect, it } from 'vitest';
import { addCalendarDays } from '../../domain/working-days';
import { completeTask, createLifecycle, nextDeadlineAfter } from '../../domain/onlinedienst/tasks';
import { actor, ACTORS, CONTEXT, done, driveTo, H, M_LEIPZIG, M_PIRNA, t, T0, VALID } from './lifecycle-fixtures';

describe('Onlinedienst lifecycle', () => {
  it('goes the full path Klärung → Abschaltung through completeTask', () => {
    let now = T0;
    const tick = () => (now += 2 * H);
    let s = createLifecycle(CONTEXT, 'pe-1', T0);
    expect(s.phase).toBe('klaerung');
    expect(s.openTasks.map((x) => x.id)).toEqual([
      'ist-prozess',
      'rechtsgrundlagen',
      'xoev-fachverfahren',
      'konten-bezahlung',
      'leistungsbeschreibung',
    ]);
    // 10 working days from Mon 5 Jan 09:00 (6 Jan is no holiday in Saxony) → Mon 19 Jan 09:00.
    expect(s.openTasks[0]!.dueAt).toBe(t('2026-01-19T09:00:00+01:00'));
    expect(s.deadlines).toHaveLength(5);
    expect(nextDeadlineAfter(s, T0)).toBe(t('2026-01-19T09:00:00+01:00'));

    for (const id of ['ist-prozess', 'rechtsgrundlagen', 'xoev-fachverfahren', 'konten-bezahlung']) {
      const r = done(s, id, tick());
      expect(r.transition).toBeNull();
      s = r.state;
    }
    expect(s.context.featureTags).toEqual(['payment']);
    let r = done(s, 'leistungsbeschreibung', tick());
    expect(r.transition).toMatchObject({ from: 'klaerung', to: 'auftakt', kind: 'advance' });
    expect(r.opened.map((x) => x.id)).toEqual(['auftakt-protokoll']);
    expect(r.state.context.leistungId).toBe('L-99001');
    s = r.state;

    r = done(s, 'auftakt-protokoll', tick());
    expect(r.transition?.to).toBe('prototyp');
    r = done(r.state, 'prototyp-bereitstellen', tick());
    expect(r.transition?.to).toBe('test');
    expect(r.state.context.prozess).toEqual({ name: 'KOMM24Hundesteueranmeldung', version: 'v1.0' });
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['test-durchfuehren']);
    r = done(r.state, 'test-durchfuehren', tick());
    expect(r.opened.map((x) => x.id)).toEqual(['freigabe']);
    r = done(r.state, 'freigabe', tick());
    expect(r.transition).toMatchObject({ from: 'test', to: 'zertifizierung', kind: 'advance' });
    expect(r.state.openTasks.map((x) => `${x.id}/${x.role}`)).toEqual([
      'zertifizierung/zertifizierer',
      'leistungsbeschreibung-final/redaktion',
      'rollout-planen/prozesseigner',
    ]);
    r = done(r.state, 'zertifizierung', tick());
    expect(r.transition).toBeNull(); // rollout planning still open
    expect(r.state.context.zertifizierungsReferenz).toBe('Z-2026-17');
    r = done(r.state, 'leistungsbeschreibung-final', tick());
    r = done(r.state, 'rollout-planen', tick());
    expect(r.transition).toMatchObject({ from: 'zertifizierung', to: 'produktivsetzung' });
    expect(r.state.context.mandanten).toEqual([M_LEIPZIG, M_PIRNA]);
    r = done(r.state, 'uebernahme-beantragen', tick());
    expect(r.opened.map((x) => `${x.id}/${x.role}`)).toEqual(['uebernahme-bestaetigen/awb']);
    r = done(r.state, 'uebernahme-bestaetigen', tick());
    expect(r.transition).toMatchObject({ from: 'produktivsetzung', to: 'aktivierung' });
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['deployment']);
    r = done(r.state, 'deployment', tick());
    expect(r.opened.map((x) => x.id)).toEqual([`aktivierung:${M_LEIPZIG}`, `aktivierung:${M_PIRNA}`]);

    // A Mandant admin of another Mandant may not act for Pirna.
    const leipzigOnly = actor('ma-leipzig', ['mandant-admin'], [M_LEIPZIG]);
    const refused = completeTask(r.state, `aktivierung:${M_PIRNA}`, leipzigOnly, VALID.aktivierung, tick());
    expect(refused).toMatchObject({ ok: false, error: { code: 'wrong-mandant' } });

    r = done(r.state, `aktivierung:${M_LEIPZIG}`, tick(), undefined, leipzigOnly);
    expect(r.opened.map((x) => x.id)).toEqual([`abnahmetest:${M_LEIPZIG}`]);
    // The productive acceptance test fails once: the same task reopens, Wartungsmodus stays on.
    r = done(r.state, `abnahmetest:${M_LEIPZIG}`, tick(), {
      ergebnis: 'fehlgeschlagen',
      eingangBeiBehoerdeGeprueft: false,
      befunde: 'Anhang fehlt',
    });
    expect(r.opened).toHaveLength(1);
    expect(r.opened[0]).toMatchObject({ id: `abnahmetest:${M_LEIPZIG}`, attempt: 2 });
    expect(r.state.openTasks.some((x) => x.id === `wartungsmodus-aus:${M_LEIPZIG}`)).toBe(false);
    r = done(r.state, `abnahmetest:${M_LEIPZIG}`, tick());
    r = done(r.state, `wartungsmodus-aus:${M_LEIPZIG}`, tick());
    expect(r.transition).toBeNull(); // Pirna still open
    r = done(r.state, `aktivierung:${M_PIRNA}`, tick());
    r = done(r.state, `abnahmetest:${M_PIRNA}`, tick());
    const goLive = now + 2 * H;
    r = done(r.state, `wartungsmodus-aus:${M_PIRNA}`, tick());
    expect(r.transition).toMatchObject({ from: 'aktivierung', to: 'betrieb', kind: 'advance' });
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['betriebspruefung']);
    expect(r.state.openTasks[0]!.dueAt).toBe(addCalendarDays(goLive, 365));
    expect(r.state.context.aktivierteMandanten).toEqual([M_LEIPZIG, M_PIRNA]);

    // Yearly review: Weiterbetrieb reopens it, Abschaltung ends Betrieb.
    r = done(r.state, 'betriebspruefung', tick());
    expect(r.opened[0]).toMatchObject({ id: 'betriebspruefung', attempt: 2 });
    r = done(r.state, 'betriebspruefung', tick(), { ergebnis: 'abschaltung', begruendung: 'Ersetzt durch EfA-Dienst' });
    expect(r.transition).toMatchObject({ from: 'betrieb', to: 'abschaltung', kind: 'shutdown' });
    expect(r.state.openTasks.map((x) => x.id)).toEqual([
      `deaktivierung:${M_LEIPZIG}`,
      `deaktivierung:${M_PIRNA}`,
      'datenaufbewahrung',
    ]);
    r = done(r.state, `deaktivierung:${M_LEIPZIG}`, tick());
    r = done(r.state, `deaktivierung:${M_PIRNA}`, tick());
    expect(r.ended).toBe(false);
    const end = tick();
    r = done(r.state, 'datenaufbewahrung', end);
    expect(r.ended).toBe(true);
    expect(r.state.endedAt).toBe(end);
    expect(r.state.openTasks).toEqual([]);
    expect(r.state.deadlines).toEqual([]);
    expect(r.state.history.map((h) => h.to)).toEqual([
      'klaerung',
      'auftakt',
      'prototyp',
      'test',
      'zertifizierung',
      'produktivsetzung',
      'aktivierung',
      'betrieb',
      'abschaltung',
      'abschaltung',
    ]);
    expect(r.state.history.at(-1)).toMatchObject({ kind: 'end', actor: 'pe-1', at: end });
    expect(r.state.history[1]).toMatchObject({
      from: 'klaerung',
      to: 'auftakt',
      actor: 'pe-1',
      reason: 'Klärung grundlegender Fragen abgeschlossen',
    });
    const abnahmen = r.state.completedTasks.filter((c) => c.id === `abnahmetest:${M_LEIPZIG}`);
    expect(abnahmen.map((c) => [c.attempt, c.reopened, c.fields.ergebnis])).toEqual([
      [1, true, 'fehlgeschlagen'],
      [2, false, 'bestanden'],
    ]);
    expect(
      completeTask(r.state, 'datenaufbewahrung', ACTORS.prozesseigner, VALID.datenaufbewahrung, tick()),
    ).toMatchObject({
      ok: false,
      error: { code: 'wrong-phase', message: 'Der Lebenszyklus ist beendet.' },
    });
  });

  it('loops test → prototyp until the Freigabe', () => {
    const inTest = driveTo('test');
    const entry = inTest.entry;
    let r = done(inTest, 'test-durchfuehren', T0 + 100 * H);
    const noReason = completeTask(
      r.state,
      'freigabe',
      ACTORS.prozesseigner,
      { entscheidung: 'abgelehnt' },
      T0 + 101 * H,
    );
    expect(noReason).toEqual({
      ok: false,
      error: {
        code: 'invalid-fields',
        message: 'Angaben zu „Finale Freigabe erteilen“ sind unvollständig oder ungültig.',
        fieldErrors: [{ path: 'aenderungen', message: 'Bei Ablehnung die nötigen Änderungen angeben.' }],
      },
    });
    r = done(r.state, 'freigabe', T0 + 102 * H, {
      entscheidung: 'abgelehnt',
      aenderungen: 'Fehlermeldung bei IBAN unklar',
    });
    expect(r.transition).toEqual({
      from: 'test',
      to: 'prototyp',
      kind: 'loop',
      reason: 'Freigabe abgelehnt: Fehlermeldung bei IBAN unklar',
      at: T0 + 102 * H,
    });
    expect(r.state.entry).toBe(entry + 1);
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['prototyp-bereitstellen']);
    r = done(r.state, 'prototyp-bereitstellen', T0 + 103 * H, {
      ...VALID['prototyp-bereitstellen'],
      prozess: { name: 'KOMM24Hundesteueranmeldung', version: 'v1.1' },
    });
    expect(r.transition?.to).toBe('test');
    expect(r.state.context.prozess?.version).toBe('v1.1');
    // Round two starts from scratch: tests again before the Freigabe.
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['test-durchfuehren']);
    r = done(r.state, 'test-durchfuehren', T0 + 104 * H);
    r = done(r.state, 'freigabe', T0 + 105 * H);
    expect(r.transition).toMatchObject({ from: 'test', to: 'zertifizierung', kind: 'advance' });
    expect(r.state.history.map((h) => h.to)).toEqual([
      'klaerung',
      'auftakt',
      'prototyp',
      'test',
      'prototyp',
      'test',
      'zertifizierung',
    ]);
    expect(r.state.completedTasks.filter((c) => c.templateId === 'freigabe').map((c) => c.fields.entscheidung)).toEqual(
      ['abgelehnt', 'erteilt'],
    );
  });

  it('sends a failed certification back to the prototype and keeps the rollout planning', () => {
    const inZert = driveTo('zertifizierung');
    let r = done(inZert, 'rollout-planen', T0 + 100 * H);
    r = done(r.state, 'zertifizierung', T0 + 101 * H, {
      ergebnis: 'nicht-bestanden',
      loggingGeprueft: true,
      endlosschleifenGeprueft: true,
      befunde: 'Endlosschleife im Nachforderungspfad',
    });
    expect(r.transition).toMatchObject({
      from: 'zertifizierung',
      to: 'prototyp',
      kind: 'loop',
      reason: 'Zertifizierung nicht bestanden: Endlosschleife im Nachforderungspfad',
    });
    expect(r.cancelled.map((x) => x.id)).toEqual(['leistungsbeschreibung-final']);
    const back = driveTo('zertifizierung', r.state, T0 + 110 * H);
    // Rollout planning survives the loop; certification and the Redaktion's task open again.
    expect(back.openTasks.map((x) => x.id)).toEqual(['zertifizierung', 'leistungsbeschreibung-final']);
    r = done(back, 'zertifizierung', T0 + 200 * H);
    r = done(r.state, 'leistungsbeschreibung-final', T0 + 201 * H);
    expect(r.transition).toMatchObject({ from: 'zertifizierung', to: 'produktivsetzung' });
    expect(r.state.history.map((h) => h.to).slice(4)).toEqual([
      'zertifizierung',
      'prototyp',
      'test',
      'zertifizierung',
      'produktivsetzung',
    ]);
  });
});
