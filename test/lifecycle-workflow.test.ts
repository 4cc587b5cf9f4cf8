// The Onlinedienst lifecycle on the real dev server, driven through the HTTP API like the people in the roles
// would: the full path from Klärung to Abschaltung, the loops, the gate check, refusals, Prozessparameter.
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '../api/workflow-calls';
import { completeTaskUpdate } from '../messages/onlinedienst';
import { decryptParameter } from '../runtime/secrets';
import { rolloutStateQuery } from '../messages/rollout';
import { VALID, lifecycleStack, type LifecycleStack } from './harness/lifecycle';
import { PARAMETER_KEY } from './harness/stack';
import { eventually } from './harness/wait';
import { runChain } from './histories/scenarios';

let h: LifecycleStack;
beforeAll(async () => {
  h = await lifecycleStack();
});
afterAll(async () => {
  await h?.close();
});

async function registerLeipzig(id: string) {
  const res = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, {
    user: 'admin-leipzig',
    body: {
      organisationseinheitId: 'oe-leipzig-ordnungsamt',
      leistungId: '99102013000000',
      kontakt: `${id}.leipzig@example.org`,
    },
  });
  expect(res.status).toBe(200);
}

describe('Onlinedienst lifecycle workflow', () => {
  it('refuses wrong role, wrong phase, unknown tasks and invalid fields with problem+json', async () => {
    const { id } = await h.createOnlinedienst();
    const wrongRole = await h.complete(id, 'ist-prozess', { user: 'pm-seitenbau' });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.type).toContain('application/problem+json');
    expect(wrongRole.body).toMatchObject({
      code: 'wrong-role',
      detail: 'Aufgabe „Ist-Prozess erstellen und Weiterverarbeitung einplanen“ erledigt die Rolle Prozesseigner.',
    });
    const wrongPhase = await h.complete(id, 'freigabe', { user: 'pe-smk' });
    expect(wrongPhase.status).toBe(409);
    expect(wrongPhase.body.code).toBe('wrong-phase');
    expect(wrongPhase.body.detail).toContain('aktuelle Phase ist „Klärung grundlegender Fragen“');
    const unknown = await h.complete(id, 'kaffee-kochen', { user: 'pe-smk', fields: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('unknown-task');
    const invalid = await h.complete(id, 'rechtsgrundlagen', {
      user: 'pe-smk',
      fields: { rechtsgrundlagen: [], vertrauensniveau: 'mittel' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('invalid-fields');
    expect(invalid.body.invalidParams).toEqual([
      { name: 'rechtsgrundlagen', reason: 'Mindestens ein Eintrag erforderlich.' },
      { name: 'vertrauensniveau', reason: 'Erlaubt: „niedrig“, „substanziell“, „hoch“.' },
    ]);
    // A Mandant-Admin of another Mandant does not even see the Onlinedienst.
    expect((await h.api('GET', `/api/onlinedienste/${id}`, { user: 'admin-dresden' })).status).toBe(404);
    // Refusals change nothing: the five Klärung tasks are still open, nothing is completed.
    const v = await h.state(id);
    expect(v.openTasks.map((t) => t.id)).toEqual([
      'ist-prozess',
      'rechtsgrundlagen',
      'xoev-fachverfahren',
      'konten-bezahlung',
      'leistungsbeschreibung',
    ]);
    expect(v.completedTasks).toEqual([]);
    // Done once is done: completing it again is a conflict, not a silent no-op.
    await h.mustComplete(id, 'ist-prozess');
    const again = await h.complete(id, 'ist-prozess', { user: 'pe-smk' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('not-open');
  });

  it('goes the whole way from Klärung to Abschaltung: gate, rollout ticket, activation, events, recertification, shutdown', async () => {
    const { id, kontakte } = await h.createOnlinedienst();
    // Klärung → Auftakt → Prototyp
    let v = await h.driveTo(id, 'prototyp');
    expect(v.context.featureTags).toEqual(['payment', 'form:upload']);
    expect(v.openTasks.map((t) => `${t.id}/${t.role}`)).toEqual(['prototyp-bereitstellen/prozessmodellierer']);
    await h.waitForMailTo(kontakte.prozessmodellierer, /^Neue Aufgabe: Formular und Prozess erstellen/);

    // The gate before the test needs a recorded activation; Leipzig's master data is complete.
    await registerLeipzig(id);
    const toTest = await h.mustComplete(id, 'prototyp-bereitstellen');
    expect(toTest).toMatchObject({ status: 'erledigt', phase: 'test', gate: { gate: 'vor-test', passed: true } });
    expect(
      await h.db
        .selectFrom('onlinedienst')
        .select(['prozess_name', 'prozess_version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      prozess_name: 'KOMM24Bewohnerparken',
      prozess_version: 'v1.0',
    });

    // Test → Zertifizierung → Produktivsetzung
    v = await h.driveTo(id, 'produktivsetzung');
    // The Projektleitung releases the Produktivsetzung first; only then may the ticket be requested.
    expect(v.openTasks.map((t) => `${t.id}/${t.role}`)).toEqual(['produktivsetzung-freigeben/projektleitung']);
    expect((await h.complete(id, 'uebernahme-beantragen', {})).status).toBe(409);
    await h.mustComplete(id, 'produktivsetzung-freigeben', { user: 'pl-sk' });
    expect((await h.state(id)).openTasks.map((t) => t.id)).toEqual(['uebernahme-beantragen']);
    const requested = await h.mustComplete(id, 'uebernahme-beantragen', {
      fields: { ...VALID['uebernahme-beantragen'], ticketId: `SD-${id}` },
    });
    expect(requested.opened).toEqual(['uebernahme-bestaetigen']);
    v = await h.state(id);
    const ticketWf = v.rollout.active!.workflowId;
    expect(ticketWf).toBe(`rollout-${id}-1`);
    // The AWB confirms through the ticket, not by completing the task directly.
    const direct = await h.complete(id, 'uebernahme-bestaetigen', { user: 'awb-sid' });
    expect(direct.status).toBe(409);
    expect(direct.body.code).toBe('managed-by-ticket');

    await h.waitForMailTo(h.awbEmail, new RegExp(`^Neues Ticket: Übernahme auf das Produktivsystem – Ticket SD-${id}`));
    const cmd = (user: string, body: unknown) =>
      h.api('POST', `/api/rollout-tickets/${ticketWf}/befehle`, { user, body });
    expect((await cmd('pe-smk', { type: 'assign', assigneeId: 'awb-sid' })).body.code).toBe('wrong-role');
    expect((await cmd('awb-sid', { type: 'assign', assigneeId: 'awb-sid' })).status).toBe(200);
    const transferred = await cmd('awb-sid', { type: 'mark-transferred', produktivVersion: 'v1.0' });
    expect(transferred.status).toBe(200);
    expect(transferred.body.ticket.status).toBe('transferred');
    expect(transferred.body.sla.state).toBe('stopped');
    // The transfer completes the AWB's task in the lifecycle; the gate before go-live passes for Leipzig.
    v = await h.waitForPhase(id, 'aktivierung');
    expect(v.gate.last).toMatchObject({ gate: 'vor-go-live', passed: true });
    expect(v.openTasks.map((t) => t.id)).toEqual(['deployment']);
    expect((await cmd('pe-smk', { type: 'confirm', note: 'Danke' })).body.ticket.status).toBe('confirmed');
    const ticketRow = await eventually(async () => {
      const row = await h.db
        .selectFrom('rollout_ticket')
        .selectAll()
        .where('workflow_id', '=', ticketWf)
        .executeTakeFirst();
      return row?.status === 'confirmed' ? row : undefined;
    });
    expect(ticketRow).toMatchObject({
      ticket_id: `SD-${id}`,
      mandant_id: 'leipzig',
      assignee: 'awb-sid',
      sla_state: 'stopped',
    });
    await eventually(async () => (await h.state(id)).rollout.active === null, 15_000, 'ticket closed in the lifecycle');

    // Aktivierung: Wartungsmodus on for the productive acceptance test.
    await h.mustComplete(id, 'deployment');
    await h.mustComplete(id, 'aktivierung:leipzig', { user: 'admin-leipzig' });
    let aktivierung = await h.db
      .selectFrom('aktivierung')
      .selectAll()
      .where('id', '=', `${id}-leipzig`)
      .executeTakeFirstOrThrow();
    expect(aktivierung).toMatchObject({ status: 'aktiv', wartungsmodus: true });

    // Prozessparameter: protected values encrypted, never returned; the AWB reads but does not edit.
    const put = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, {
      user: 'admin-leipzig',
      body: {
        parameter: [
          { key: 'epayblPasswort', wert: 'geheim-4711', geschuetzt: true },
          { key: 'empfaengerPostfach', wert: 'ordnungsamt@leipzig.de' },
        ],
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.items.map((p: any) => [p.key, p.geschuetzt, p.wert])).toEqual([
      ['empfaengerPostfach', false, 'ordnungsamt@leipzig.de'],
      ['epayblPasswort', true, null],
    ]);
    expect(put.text).not.toContain('geheim-4711');
    const stored = await h.db
      .selectFrom('prozessparameter')
      .selectAll()
      .where('aktivierung_id', '=', `${id}-leipzig`)
      .where('key', '=', 'epayblPasswort')
      .executeTakeFirstOrThrow();
    expect(stored.value).toBeNull();
    expect(decryptParameter(PARAMETER_KEY, Buffer.from(stored.value_encrypted!))).toBe('geheim-4711');
    const awbRead = await h.api('GET', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, {
      user: 'awb-sid',
    });
    expect(awbRead.status).toBe(200);
    expect(awbRead.text).not.toContain('geheim-4711');
    expect(
      (
        await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, {
          user: 'awb-sid',
          body: {
            parameter: [{ key: 'x', wert: 'y' }],
          },
        })
      ).status,
    ).toBe(403);
    expect(
      (await h.api('GET', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, { user: 'admin-dresden' }))
        .status,
    ).toBe(404);
    const paramAudit = await h.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'aktivierung.prozessparameter.geaendert')
      .where('subject_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(paramAudit.details).toMatchObject({
      keys: ['epayblPasswort', 'empfaengerPostfach'],
      geschuetzt: ['epayblPasswort'],
    });
    expect(JSON.stringify(paramAudit.details)).not.toContain('geheim-4711');
    await eventually(
      async () => (await h.state(id)).mandantenStatus.leipzig?.parameterKeys?.length === 2,
      15_000,
      'workflow told about parameters',
    );

    // Productive acceptance test fails once (task reopens), then passes; the Mandant switches Wartungsmodus off.
    const failed = await h.mustComplete(id, 'abnahmetest:leipzig', {
      user: 'admin-leipzig',
      fields: { ergebnis: 'fehlgeschlagen', eingangBeiBehoerdeGeprueft: false, befunde: 'Anhang fehlt' },
    });
    expect(failed.opened).toEqual(['abnahmetest:leipzig']);
    await h.mustComplete(id, 'abnahmetest:leipzig', { user: 'admin-leipzig' });
    const live = await h.mustComplete(id, 'wartungsmodus-aus:leipzig', { user: 'admin-leipzig' });
    expect(live.transitions.map((t: any) => `${t.from}→${t.to}`)).toEqual(['aktivierung→betrieb']);
    aktivierung = await h.db
      .selectFrom('aktivierung')
      .selectAll()
      .where('id', '=', `${id}-leipzig`)
      .executeTakeFirstOrThrow();
    expect(aktivierung).toMatchObject({ status: 'aktiv', wartungsmodus: false });

    // Betrieb: a legal change, a configuration change order from the Mandant, an incident from the AWB.
    v = await h.waitForPhase(id, 'betrieb');
    expect(v.openTasks.map((t) => t.id)).toEqual(['betriebspruefung']);
    const legal = await h.api('POST', `/api/onlinedienste/${id}/ereignisse/rechtsaenderung`, {
      user: 'pe-smk',
      body: {
        titel: 'Neue Gebührenordnung',
        rechtsgrundlage: 'SächsVwKG § 5',
        beschreibung: 'Gebühr steigt auf 35 €',
        inKraftAb: '2030-01-01',
      },
    });
    expect(legal.status).toBe(201);
    expect(legal.body).toEqual({ taskId: 'rechtsaenderung:RA-1', dueAt: Date.parse('2030-01-01T00:00:00+01:00') });
    const order = await h.api('POST', `/api/onlinedienste/${id}/ereignisse/konfigurationsaenderung`, {
      user: 'admin-leipzig',
      body: {
        mandantId: 'leipzig',
        grund: 'Neue Zone',
        gueltigAb: '2029-07-01',
        abschnitte: ['Parkzone'],
        aenderung: 'Zone D ergänzen',
      },
    });
    expect(order.status).toBe(201);
    expect(order.body.taskId).toBe('konfigurationsaenderung:KA-2');
    const badOrder = await h.api('POST', `/api/onlinedienste/${id}/ereignisse/konfigurationsaenderung`, {
      user: 'admin-leipzig',
      body: {
        mandantId: 'leipzig',
        grund: 'x',
        gueltigAb: '2029-07-01',
        gueltigBis: '2029-01-01',
        abschnitte: [],
        aenderung: 'y',
      },
    });
    expect(badOrder.status).toBe(400);
    expect(badOrder.body.invalidParams).toEqual([
      { name: 'abschnitte', reason: 'Mindestens ein Eintrag erforderlich.' },
      { name: 'gueltigBis', reason: 'Darf nicht vor „gültig ab“ liegen.' },
    ]);
    expect(
      (
        await h.api('POST', `/api/onlinedienste/${id}/ereignisse/stoerung`, {
          user: 'admin-leipzig',
          body: { titel: 'x', beschreibung: 'y', seit: '2026-11-20T10:00:00+01:00', schwere: 'hoch' },
        })
      ).body.code,
    ).toBe('wrong-role');
    const incident = await h.api('POST', `/api/onlinedienste/${id}/ereignisse/stoerung`, {
      user: 'awb-sid',
      body: {
        titel: 'Upload bricht ab',
        beschreibung: 'Seit dem Update scheitern Uploads > 5 MB',
        seit: '2026-11-20T10:00:00+01:00',
        schwere: 'hoch',
      },
    });
    expect(incident.status).toBe(201);
    v = await h.state(id);
    expect(v.openTasks.map((t) => `${t.id}/${t.role}`)).toEqual([
      'betriebspruefung/prozesseigner',
      'rechtsaenderung:RA-1/prozesseigner',
      'konfigurationsaenderung:KA-2/prozessmodellierer',
      'stoerung:ST-3/prozesseigner',
    ]);
    expect(v.openTasks.find((t) => t.id === 'konfigurationsaenderung:KA-2')?.payload).toMatchObject({
      mandantId: 'leipzig',
      abschnitte: ['Parkzone'],
      gemeldetVon: 'admin-leipzig',
    });
    await h.mustComplete(id, 'rechtsaenderung:RA-1', {
      fields: { beschreibung: 'Gebühr angepasst', inKraftAb: '2030-01-01', umsetzung: 'ohne-rezertifizierung' },
    });
    await h.mustComplete(id, 'konfigurationsaenderung:KA-2', { fields: { umgesetztAm: '2029-06-20' } });
    await h.mustComplete(id, 'stoerung:ST-3', {
      fields: { ursache: 'Proxy-Limit', massnahmen: 'Limit erhöht', behoben: true },
    });

    // Recertification out of Betrieb and back.
    const recert = await h.mustComplete(id, 'betriebspruefung', {
      fields: { ergebnis: 'rezertifizierung', begruendung: 'Neue Bezahlkomponente' },
    });
    expect(recert.transitions[0]).toMatchObject({ from: 'betrieb', to: 'zertifizierung', kind: 'recertification' });
    v = await h.state(id);
    expect(v.recertification).toBe(true);
    expect(v.openTasks.map((t) => t.id)).toEqual(['zertifizierung']);
    const back = await h.mustComplete(id, 'zertifizierung', {
      fields: { ...VALID.zertifizierung, zertifikat: 'Z-2027-02' },
    });
    expect(back.transitions[0]).toMatchObject({ from: 'zertifizierung', to: 'betrieb', kind: 'recertification' });

    // Abschaltung: decided by the Prozesseigner only; open Anträge run out, Mandanten are told, retention at the end.
    expect(
      (
        await h.api('POST', `/api/onlinedienste/${id}/abschaltung`, {
          user: 'awb-sid',
          body: { begruendung: 'x', antraege: 'auslaufen' },
        })
      ).status,
    ).toBe(403);
    const noTarget = await h.api('POST', `/api/onlinedienste/${id}/abschaltung`, {
      user: 'pe-smk',
      body: { begruendung: 'Ersetzt durch EfA-Dienst', antraege: 'uebergeben' },
    });
    expect(noTarget.status).toBe(400);
    expect(noTarget.body.invalidParams).toEqual([
      { name: 'uebergabeAn', reason: 'Bei Übergabe angeben, wer die offenen Anträge übernimmt.' },
    ]);
    const shutdown = await h.api('POST', `/api/onlinedienste/${id}/abschaltung`, {
      user: 'pe-smk',
      body: { begruendung: 'Ersetzt durch EfA-Dienst', antraege: 'auslaufen' },
    });
    expect(shutdown.status).toBe(200);
    expect(shutdown.body.transitions[0]).toMatchObject({ from: 'betrieb', to: 'abschaltung', kind: 'shutdown' });
    await h.waitForMailTo(`${id}.leipzig@example.org`, /^Ankündigung: Abschaltung/);
    await h.waitForMailTo(h.awbEmail, new RegExp(`^Ankündigung: Abschaltung von „Bewohnerparken ${id}“`));
    aktivierung = await h.db
      .selectFrom('aktivierung')
      .selectAll()
      .where('id', '=', `${id}-leipzig`)
      .executeTakeFirstOrThrow();
    expect(aktivierung.wartungsmodus).toBe(true);
    v = await h.state(id);
    expect(v.openTasks.map((t) => t.id)).toEqual(['deaktivierung:leipzig', 'datenaufbewahrung']);
    expect(v.abschaltung).toMatchObject({ antraege: 'auslaufen', offeneAntraege: 0, drained: true });
    await h.mustComplete(id, 'deaktivierung:leipzig', { user: 'admin-leipzig' });
    await h.mustComplete(id, 'datenaufbewahrung');
    const outcome = (await h.handle(id).result()) as { history: Array<{ to: string }> };
    expect(outcome.history.map((x) => x.to)).toEqual([
      'klaerung',
      'auftakt',
      'prototyp',
      'test',
      'zertifizierung',
      'produktivsetzung',
      'aktivierung',
      'betrieb',
      'zertifizierung',
      'betrieb',
      'abschaltung',
      'abschaltung',
    ]);
    aktivierung = await h.db
      .selectFrom('aktivierung')
      .selectAll()
      .where('id', '=', `${id}-leipzig`)
      .executeTakeFirstOrThrow();
    expect(aktivierung.status).toBe('deaktiviert');
    expect(
      await h.db.selectFrom('prozessparameter').selectAll().where('aktivierung_id', '=', `${id}-leipzig`).execute(),
    ).toEqual([]);
    const row = await h.db
      .selectFrom('lifecycle')
      .selectAll()
      .where('onlinedienst_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.phase).toBe('abschaltung');
    expect(row.ended_at).not.toBeNull();

    // Every transition is in the audit log with actor, time and reason.
    const audit = await h.api('GET', `/api/onlinedienste/${id}/audit`, { user: 'pe-smk' });
    const transitions = audit.body.items.filter((e: any) => e.action === 'onlinedienst.phase.gewechselt');
    expect(transitions.map((e: any) => `${e.details.von}→${e.details.nach}`)).toEqual([
      'klaerung→auftakt',
      'auftakt→prototyp',
      'prototyp→test',
      'test→zertifizierung',
      'zertifizierung→produktivsetzung',
      'produktivsetzung→aktivierung',
      'aktivierung→betrieb',
      'betrieb→zertifizierung',
      'zertifizierung→betrieb',
      'betrieb→abschaltung',
    ]);
    expect(transitions[5]).toMatchObject({ actor: 'awb-sid', details: { grund: 'Produktivsetzung abgeschlossen' } });
    expect(transitions[9]).toMatchObject({
      actor: 'pe-smk',
      details: { grund: 'Abschaltung beschlossen: Ersetzt durch EfA-Dienst', art: 'shutdown' },
    });
    for (const e of transitions) expect(Date.parse(e.details.am)).toBeGreaterThan(0);
    const actions = audit.body.items.map((e: any) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'onlinedienst.lebenszyklus.gestartet',
        'onlinedienst.gate.bestanden',
        'rollout.beantragt',
        'rollout.mark-transferred',
        'aktivierung.geaendert',
        'onlinedienst.ereignis.stoerung',
        'onlinedienst.abschaltung.beschlossen',
        'onlinedienst.aufbewahrung.angewendet',
        'onlinedienst.beendet',
      ]),
    );
    // The protected value never entered the workflow history.
    const history = JSON.stringify(await h.handle(id).fetchHistory());
    expect(history).not.toContain('geheim-4711');
    const ticket = await h.client.workflow.getHandle(ticketWf).query(rolloutStateQuery);
    expect(ticket.ticket.log.map((e) => e.command)).toEqual(['request', 'assign', 'mark-transferred', 'confirm']);
  });

  it('loops test → prototyp until the Freigabe and a failed certification back to the prototype', async () => {
    const { id, kontakte } = await h.createOnlinedienst();
    await registerLeipzig(id);
    await h.driveTo(id, 'test');
    await h.mustComplete(id, 'test-durchfuehren');
    const rejected = await h.mustComplete(id, 'freigabe', {
      fields: { entscheidung: 'abgelehnt', aenderungen: 'Fehlermeldung bei IBAN unklar' },
    });
    expect(rejected.transitions).toEqual([
      expect.objectContaining({
        from: 'test',
        to: 'prototyp',
        kind: 'loop',
        reason: 'Freigabe abgelehnt: Fehlermeldung bei IBAN unklar',
      }),
    ]);
    await h.mustComplete(id, 'prototyp-bereitstellen', {
      fields: {
        ...VALID['prototyp-bereitstellen'],
        prozess: { name: 'KOMM24Bewohnerparken', version: 'v1.1' },
        aenderungen: 'IBAN-Hinweis',
      },
    });
    await h.mustComplete(id, 'test-durchfuehren');
    await h.mustComplete(id, 'freigabe');
    let v = await h.state(id);
    expect(v.phase).toBe('zertifizierung');
    expect(v.context.prozess).toEqual({ name: 'KOMM24Bewohnerparken', version: 'v1.1' });
    await h.mustComplete(id, 'rollout-planen');
    const failed = await h.mustComplete(id, 'zertifizierung', {
      fields: {
        ergebnis: 'nicht-bestanden',
        loggingGeprueft: true,
        endlosschleifenGeprueft: true,
        befunde: 'Endlosschleife im Nachforderungspfad',
      },
    });
    expect(failed.transitions[0]).toMatchObject({
      from: 'zertifizierung',
      to: 'prototyp',
      kind: 'loop',
      reason: 'Zertifizierung nicht bestanden: Endlosschleife im Nachforderungspfad',
    });
    v = await h.state(id);
    expect(v.phase).toBe('prototyp');
    // The Redaktion's open task was dropped with the loop; the modeller is asked again (new mail for the new entry).
    expect(v.openTasks.map((t) => t.id)).toEqual(['prototyp-bereitstellen']);
    await eventually(
      async () =>
        (await h.mailsTo(kontakte.prozessmodellierer)).filter((m) =>
          m.subject.startsWith('Neue Aufgabe: Formular und Prozess'),
        ).length === 3,
      15_000,
      'three prototype mails',
    );
    v = await h.driveTo(id, 'zertifizierung');
    // The rollout planning survives the loop: only certification and the Redaktion are open again.
    expect(v.openTasks.map((t) => t.id)).toEqual(['zertifizierung', 'leistungsbeschreibung-final']);
    await h.driveTo(id, 'produktivsetzung');
    v = await h.state(id);
    expect(v.history.map((x) => x.to)).toEqual([
      'klaerung',
      'auftakt',
      'prototyp',
      'test',
      'prototyp',
      'test',
      'zertifizierung',
      'prototyp',
      'test',
      'zertifizierung',
      'produktivsetzung',
    ]);
    const tasks = await h.db
      .selectFrom('lifecycle_task')
      .select(['task_id', 'status'])
      .where('onlinedienst_id', '=', id)
      .where('task_id', '=', 'leistungsbeschreibung-final')
      .orderBy('entry')
      .execute();
    expect(tasks.map((t) => t.status)).toEqual(['entfallen', 'erledigt']);
    // Continue-as-new at phase boundaries (once the commands right after a change are through): many runs, each
    // with a short history, each but the last ending in continue-as-new.
    const chain = await eventually(async () => {
      const runs = await runChain(h.client, `onlinedienst-${id}`);
      return runs.length >= 3 ? runs : undefined;
    });
    expect(chain.length).toBeLessThanOrEqual(v.history.length);
    for (const runId of chain) {
      const events = (await h.client.workflow.getHandle(`onlinedienst-${id}`, runId).fetchHistory()).events!;
      expect(events.length).toBeLessThan(150);
      if (runId !== chain.at(-1)) expect(events.at(-1)!.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    }
  });

  it('holds the phase while the gate check fails and releases it once the master data is maintained', async () => {
    const { id, kontakte } = await h.createOnlinedienst({ mandanten: ['dresden'] });
    await h.driveTo(id, 'prototyp');
    // Without any activation the gate before the test fails.
    let held = await h.complete(id, 'prototyp-bereitstellen');
    expect(held.status).toBe(202);
    expect(held.body).toMatchObject({
      status: 'gehalten',
      phase: 'prototyp',
      gate: { gate: 'vor-test', passed: false },
    });
    expect(held.body.gate.failures).toEqual([
      {
        code: 'aktivierung-fehlt',
        message: 'Es ist noch keine Aktivierung (Mandant, zuständige Stelle, Leistung) erfasst.',
        link: `/onlinedienste/${id}#akt-h`,
      },
    ]);

    // Dresden records its activation, but its master data is incomplete.
    const res = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/dresden`, {
      user: 'admin-dresden',
      body: {
        organisationseinheitId: 'oe-dresden-buergeramt',
        leistungId: '99102013000000',
        kontakt: `${id}.dresden@example.org`,
      },
    });
    expect(res.status).toBe(200);
    held = await h.api('POST', `/api/onlinedienste/${id}/gate-pruefung`, { user: 'pe-smk' });
    expect(held.status).toBe(202);
    expect(held.body.gate.activations[0].failures.map((f: any) => f.code)).toEqual([
      'leistung-not-linked',
      'behoerdenkonto-missing',
      'impressum-missing',
      'logo-missing',
      'datenschutzbeauftragter-missing',
    ]);
    let v = await h.state(id);
    expect(v.phase).toBe('prototyp');
    expect(v.gate.hold).toMatchObject({ gate: 'vor-test', taskId: 'prototyp-bereitstellen' });
    expect(v.openTasks.find((t) => t.id === 'prototyp-bereitstellen')?.heldByGate).toBe(true);
    const mail = await h.waitForMailTo(`${id}.dresden@example.org`, /^Gate-Prüfung nicht bestanden/);
    expect(mail.text).toContain('Im Mandanten „Landeshauptstadt Dresden“ ist kein Impressum gepflegt.');
    await h.waitForMailTo(kontakte.prozesseigner, /^Gate-Prüfung nicht bestanden/);
    // Other roles cannot push the phase past the gate by completing the task again.
    expect((await h.complete(id, 'prototyp-bereitstellen', { user: 'pe-smk' })).status).toBe(403);

    // The Mandant maintains its master data through the API: Impressum, Logo, Datenschutzbeauftragte, a
    // Behördenkonto, the Behördenkonto as channel of the zuständige Stelle and the link to the Leistung.
    const stammdaten = await h.api('PUT', '/api/mandanten/dresden', {
      user: 'admin-dresden',
      body: {
        name: 'Landeshauptstadt Dresden',
        impressum: 'Landeshauptstadt Dresden, Dr.-Külz-Ring 19, 01067 Dresden',
        logoUrl: 'https://www.dresden.de/logo.svg',
        datenschutzbeauftragteR: { name: 'Datenschutzbeauftragter Dresden', email: 'datenschutz@dresden.de' },
      },
    });
    expect(stammdaten.status).toBe(200);
    const konto = await h.api('POST', '/api/mandanten/dresden/behoerdenkonten', {
      user: 'admin-dresden',
      body: { id: 'bk-dresden-buergeramt', bezeichnung: 'Bürgeramt', postfachHandle: 'bk:dresden:buergeramt' },
    });
    expect(konto.status).toBe(201);
    held = await h.api('POST', `/api/onlinedienste/${id}/gate-pruefung`, { user: 'admin-dresden' });
    expect(held.status).toBe(202);
    expect(held.body.gate.activations[0].failures.map((f: any) => f.code)).toEqual([
      'leistung-not-linked',
      'behoerdenkonto-not-channel',
    ]);
    const oe = '/api/mandanten/dresden/organisationseinheiten/oe-dresden-buergeramt';
    const kanal = await h.api('PUT', `${oe}/kanal`, {
      user: 'admin-dresden',
      body: { behoerdenkontoId: 'bk-dresden-buergeramt' },
    });
    expect(kanal.status).toBe(200);
    expect((await h.api('PUT', `${oe}/zustaendigkeiten/99102013000000`, { user: 'admin-dresden' })).status).toBe(200);
    const passed = await h.api('POST', `/api/onlinedienste/${id}/gate-pruefung`, { user: 'admin-dresden' });
    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ status: 'erledigt', phase: 'test', gate: { passed: true } });
    v = await h.state(id);
    expect(v.gate.hold).toBeNull();
    expect(v.openTasks.map((t) => t.id)).toEqual(['test-durchfuehren']);
    // The held completion counts as the modeller's, the release as the Mandant's.
    const audit = await h.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('subject_id', '=', id)
      .where('action', 'like', 'onlinedienst.%')
      .orderBy('id')
      .execute();
    expect(audit.filter((a) => a.action.startsWith('onlinedienst.gate')).map((a) => `${a.action}/${a.actor}`)).toEqual([
      'onlinedienst.gate.nicht-bestanden/pm-seitenbau',
      'onlinedienst.gate.nicht-bestanden/pe-smk',
      'onlinedienst.gate.nicht-bestanden/admin-dresden',
      'onlinedienst.gate.bestanden/admin-dresden',
    ]);
    expect(audit.find((a) => a.action === 'onlinedienst.phase.gewechselt' && a.actor === 'pm-seitenbau')).toBeDefined();
    expect((await h.api('POST', `/api/onlinedienste/${id}/gate-pruefung`, { user: 'pe-smk' })).body.code).toBe(
      'no-gate-hold',
    );
  });

  it('scopes activations and Prozessparameter by Mandant and documents the routes', async () => {
    const { id } = await h.createOnlinedienst();
    await registerLeipzig(id);
    expect(
      (
        await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/dresden`, {
          user: 'admin-dresden',
          body: { organisationseinheitId: 'oe-dresden-buergeramt', leistungId: '99102013000000' },
        })
      ).status,
    ).toBe(200);
    // Another Mandant's admin cannot record an activation for Leipzig.
    expect(
      (
        await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, {
          user: 'admin-dresden',
          body: { organisationseinheitId: 'oe-leipzig-ordnungsamt', leistungId: '99102013000000' },
        })
      ).status,
    ).toBe(404);
    const unknownOe = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, {
      user: 'admin-leipzig',
      body: { organisationseinheitId: 'oe-gibt-es-nicht', leistungId: '99102013000000' },
    });
    expect(unknownOe.status).toBe(400);
    expect(unknownOe.body.invalidParams).toEqual([
      {
        name: 'organisationseinheitId',
        reason: 'Die zuständige Stelle oe-gibt-es-nicht ist nicht als Organisationseinheit angelegt.',
      },
    ]);

    const asLeipzig = await h.api('GET', `/api/onlinedienste/${id}/aktivierungen`, { user: 'admin-leipzig' });
    expect(asLeipzig.body.items.map((a: any) => a.mandantId)).toEqual(['leipzig']);
    const asAwb = await h.api('GET', `/api/onlinedienste/${id}/aktivierungen`, { user: 'awb-sid' });
    expect(asAwb.body.items.map((a: any) => a.mandantId)).toEqual(['dresden', 'leipzig']);
    expect(
      (
        await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, {
          user: 'admin-dresden',
          body: {
            parameter: [{ key: 'x', wert: 'y' }],
          },
        })
      ).status,
    ).toBe(404);
    const bad = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/dresden/prozessparameter`, {
      user: 'admin-dresden',
      body: {
        parameter: [{ key: '1-falsch', wert: 'y' }],
      },
    });
    expect(bad.status).toBe(400);
    const v = await h.state(id);
    expect(v.context.mandanten).toEqual(['leipzig', 'dresden']);
    // The Mandant-Admin's view of the lifecycle shows only its own Mandant.
    const scoped = await h.api('GET', `/api/onlinedienste/${id}`, { user: 'admin-dresden' });
    expect(scoped.status).toBe(200);
    expect(scoped.body.context.mandanten).toEqual(['dresden']);

    const doc = await h.api('GET', '/openapi.json');
    for (const path of [
      '/api/onlinedienste',
      '/api/onlinedienste/{id}',
      '/api/onlinedienste/{id}/aufgaben/{taskId}',
      // One route per kind of event, each with its own body schema.
      '/api/onlinedienste/{id}/ereignisse/rechtsaenderung',
      '/api/onlinedienste/{id}/ereignisse/konfigurationsaenderung',
      '/api/onlinedienste/{id}/ereignisse/stoerung',
      '/api/onlinedienste/{id}/abschaltung',
      '/api/onlinedienste/{id}/aktivierungen/{mandantId}/prozessparameter',
      '/api/rollout-tickets/{id}/befehle',
      '/api/releases',
      '/api/releases/{version}',
      '/api/releases/{version}/pruefungen.csv',
    ]) {
      expect(doc.body.paths[path], path).toBeDefined();
    }
    expect(doc.body.paths['/api/onlinedienste/{id}/aktivierungen/{mandantId}/prozessparameter'].put['x-roles']).toEqual(
      ['mandant-admin'],
    );
  });
});

describe('an Update sent again by the API (command)', () => {
  const ACTOR = { id: 'pe-smk', roles: ['prozesseigner' as const], mandanten: ['*'] };
  const completeIst = (id: string, updateId: string) =>
    h.handle(id).executeUpdate(completeTaskUpdate, {
      args: [{ taskId: 'ist-prozess', actor: ACTOR, fields: VALID['ist-prozess'] }],
      updateId,
    });
  const completions = async (id: string) =>
    (
      await h.db
        .selectFrom('audit_log')
        .select('details')
        .where('subject_id', '=', id)
        .where('action', '=', 'onlinedienst.aufgabe.erledigt')
        .execute()
    ).filter((r) => (r.details as { taskId: string }).taskId === 'ist-prozess');

  it('whose answer was lost goes again under its own id: the server answers with the first outcome, the task is completed once', async () => {
    const { id } = await h.createOnlinedienst();
    const ids: string[] = [];
    let first: unknown;
    const result = await command(`Onlinedienst ${id}`, async (updateId) => {
      ids.push(updateId);
      const r = await completeIst(id, updateId);
      if (ids.length === 1) {
        // The Update arrived and was applied, but its answer is lost on the way back, as in a call that times out.
        first = r;
        throw new WorkflowUpdateRPCTimeoutOrCancelledError('Workflow update call timeout or cancelled');
      }
      return r;
    });
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(result).toEqual(first);
    expect(result.status).toBe('erledigt');
    expect(await completions(id)).toHaveLength(1);
    // Under a new id the same completion is a new request, and the workflow refuses it: the task is done.
    await expect(completeIst(id, `${ids[0]}-neu`)).rejects.toThrow('Workflow Update failed');
  });

  it('dropped by the server before the workflow accepted it goes again under a new id and is applied once', async () => {
    const { id } = await h.createOnlinedienst();
    const ids: string[] = [];
    const result = await command(`Onlinedienst ${id}`, async (updateId) => {
      ids.push(updateId);
      if (ids.length === 1) {
        // What the client raises when the server aborts an Update whose workflow task failed (WorkflowNotReady).
        const grpc = Object.assign(
          new Error(
            '9 FAILED_PRECONDITION: Unable to perform workflow execution update due to unexpected workflow task failure.',
          ),
          {
            code: 9,
            details: 'Unable to perform workflow execution update due to unexpected workflow task failure.',
            metadata: {},
          },
        );
        throw new ServiceError('Workflow Update failed', { cause: grpc });
      }
      return completeIst(id, updateId);
    });
    expect(ids).toHaveLength(2);
    expect(ids[1]).not.toBe(ids[0]);
    expect(result.status).toBe('erledigt');
    expect(await completions(id)).toHaveLength(1);
  });
});
