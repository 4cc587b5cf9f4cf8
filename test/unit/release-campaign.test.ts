import { describe, expect, it } from 'vitest';
import {
  classifyOnlinedienst,
  csvCell,
  planReleaseCampaign,
  recordRecheck,
  renderCampaignCsv,
  summarizeCampaign,
  tagMatches,
  toCsv,
  type OnlinedienstProfile,
  type Release,
  type ReleaseCampaign,
} from '../../domain/release/campaign';
import { formatBerlin } from '../../domain/working-days';
import { ACTORS, t } from './lifecycle-fixtures';

describe('release campaign', () => {
  const release: Release = {
    version: '2026.4',
    releaseDate: '2026-11-16',
    changes: [
      { id: 'c1', title: 'ePayBL-Schnittstelle v3', tags: ['payment'], breaking: true },
      { id: 'c2', title: 'Neue Upload-Komponente', tags: ['form:upload'], breaking: false },
      { id: 'c3', title: 'xFall-Container Schema 2.0', tags: ['xfall'], breaking: true },
      { id: 'c4', title: 'Neues Layout', tags: ['ui'], breaking: false },
    ],
  };
  const dienste: OnlinedienstProfile[] = [
    {
      onlinedienstId: 'od-hund',
      name: 'Hundesteuer',
      prozesseigner: 'Stadt Pirna',
      featureTags: ['payment', 'form:upload'],
    },
    {
      onlinedienstId: 'od-schule',
      name: 'Schulanmeldung',
      prozesseigner: 'LaSuB',
      featureTags: ['fitconnect', 'form'],
    },
    { onlinedienstId: 'od-gewerbe', name: 'Gewerbeanzeige', prozesseigner: 'Stadt Leipzig', featureTags: ['xfall'] },
    { onlinedienstId: 'od-wohngeld', name: 'Wohngeld', prozesseigner: 'Landkreis', featureTags: ['fitconnect'] },
  ];
  const created = t('2026-11-10T09:00:00+01:00');

  function plan(): ReleaseCampaign {
    const r = planReleaseCampaign(release, dienste, created);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.campaign;
  }

  it('classifies Onlinedienste by the tags of breaking changes', () => {
    expect(tagMatches('form', 'form:upload')).toBe(true);
    expect(tagMatches('form:upload', 'form')).toBe(true);
    expect(tagMatches('form:upload', 'form:date')).toBe(false);
    expect(tagMatches('*', 'xfall')).toBe(true);
    expect(tagMatches('Payment', 'payment')).toBe(true);
    const hund = classifyOnlinedienst(release, dienste[0]!);
    expect(hund.classification).toBe('recertification-required');
    expect(hund.matchingChanges.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(hund.breakingChanges.map((c) => c.id)).toEqual(['c1']);
    const schule = classifyOnlinedienst(release, dienste[1]!);
    expect(schule).toMatchObject({ classification: 'regression-check', breakingChanges: [] });
    expect(schule.matchingChanges.map((c) => c.id)).toEqual(['c2']);
    expect(classifyOnlinedienst(release, dienste[2]!).classification).toBe('recertification-required');
    expect(classifyOnlinedienst(release, dienste[3]!).matchingChanges).toEqual([]);
  });

  it('sets deadlines relative to the release date and summarises the campaign at a given now', () => {
    const campaign = plan();
    const due = Object.fromEntries(campaign.tasks.map((x) => [x.onlinedienstId, formatBerlin(x.dueAt)]));
    // 5 working days from Mon 16 Nov (Buß- und Bettag skipped): Mon 16, Tue 17, Thu 19, Fri 20, Mon 23 → Tue 24 00:00.
    expect(due).toEqual({
      'od-hund': '2026-12-15 00:00',
      'od-schule': '2026-11-24 00:00',
      'od-gewerbe': '2026-12-15 00:00',
      'od-wohngeld': '2026-11-24 00:00',
    });

    const pe = ACTORS.prozesseigner;
    let c = campaign;
    const step = (id: string, report: unknown, at: number) => {
      const r = recordRecheck(c, id, report, pe, at);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      c = r.campaign;
    };
    expect(recordRecheck(c, 'od-hund', { result: 'recertified' }, pe, created)).toMatchObject({
      ok: false,
      error: { code: 'invalid-transition' },
    });
    expect(recordRecheck(c, 'od-hund', { result: 'finding' }, pe, created)).toMatchObject({
      ok: false,
      error: { code: 'invalid-report', fieldErrors: [{ path: 'finding', message: 'Befund angeben.' }] },
    });
    expect(recordRecheck(c, 'od-hund', { result: 'ok' }, ACTORS.awb, created)).toMatchObject({
      ok: false,
      error: { code: 'wrong-role' },
    });
    expect(recordRecheck(c, 'od-nix', { result: 'ok' }, pe, created)).toMatchObject({
      ok: false,
      error: { code: 'unknown-onlinedienst' },
    });

    step('od-hund', { result: 'recertifying', finding: 'ePayBL v3 anbinden' }, t('2026-11-17T09:00:00+01:00'));
    step('od-schule', { result: 'ok' }, t('2026-11-18T09:00:00+01:00'));
    step('od-gewerbe', { result: 'finding', finding: 'xFall-Export bricht ab' }, t('2026-11-19T09:00:00+01:00'));

    expect(summarizeCampaign(c, t('2026-11-20T12:00:00+01:00'))).toEqual({
      releaseVersion: '2026.4',
      total: 4,
      checkedOk: 1,
      failedWithFinding: 1,
      recertifying: 1,
      late: 0,
      notStarted: 1,
      recertificationRequired: 2,
      regressionCheck: 2,
      nextDueAt: t('2026-11-24T00:00:00+01:00'),
    });
    expect(summarizeCampaign(c, t('2026-11-25T12:00:00+01:00'))).toMatchObject({
      checkedOk: 1,
      failedWithFinding: 1,
      recertifying: 1,
      late: 1,
      notStarted: 0,
      nextDueAt: null,
    });
    step('od-hund', { result: 'recertified' }, t('2026-12-01T09:00:00+01:00'));
    expect(summarizeCampaign(c, t('2026-12-01T12:00:00+01:00'))).toMatchObject({
      checkedOk: 2,
      recertifying: 0,
      late: 1,
    });
    expect(c.tasks[0]).toMatchObject({ result: 'recertified', finding: 'ePayBL v3 anbinden', reportedBy: 'pe-1' });
  });

  it('renders CSV with proper quoting', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a,b', { delimiter: ';' })).toBe('a,b');
    expect(csvCell('sagt "Hallo"')).toBe('"sagt ""Hallo"""');
    expect(csvCell('Zeile 1\nZeile 2')).toBe('"Zeile 1\nZeile 2"');
    expect(csvCell('=SUMME(A1:A9)')).toBe("'=SUMME(A1:A9)");
    expect(
      toCsv([
        ['a', 'b'],
        ['c', ''],
      ]),
    ).toBe('a,b\r\nc,\r\n');

    const r = planReleaseCampaign(
      release,
      [
        {
          onlinedienstId: 'od-hund',
          name: 'Hundesteuer "An- und Abmeldung", Pirna',
          prozesseigner: '=Stadt Pirna',
          featureTags: ['payment'],
        },
        { onlinedienstId: 'od-wohngeld', name: 'Wohngeld', featureTags: [] },
      ],
      created,
    );
    if (!r.ok) throw new Error('plan failed');
    const reported = recordRecheck(
      r.campaign,
      'od-hund',
      { result: 'finding', finding: 'Zahlung bricht ab;\nsiehe "Ticket 12"' },
      ACTORS.prozesseigner,
      t('2026-11-17T14:30:00+01:00'),
    );
    if (!reported.ok) throw new Error('report failed');
    const csv = renderCampaignCsv(reported.campaign, t('2026-11-25T12:00:00+01:00'));
    expect(csv).toBe(
      'Release,Onlinedienst-ID,Onlinedienst,Prozesseigner,Einstufung,Betroffene Änderungen,Frist,Status,Befund,Gemeldet am\r\n' +
        '2026.4,od-hund,"Hundesteuer ""An- und Abmeldung"", Pirna",\'=Stadt Pirna,Rezertifizierung erforderlich,c1,2026-12-15 00:00,Befund,"Zahlung bricht ab;\nsiehe ""Ticket 12""",2026-11-17 14:30\r\n' +
        '2026.4,od-wohngeld,Wohngeld,,Regressionsprüfung,,2026-11-24 00:00,Überfällig,,\r\n',
    );
    const semicolon = renderCampaignCsv(reported.campaign, t('2026-11-20T12:00:00+01:00'), { delimiter: ';' });
    expect(semicolon.split('\r\n')[2]).toBe(
      '2026.4;od-wohngeld;Wohngeld;;Regressionsprüfung;;2026-11-24 00:00;Noch nicht geprüft;;',
    );
    expect(semicolon.split('\r\n')[1]).toContain('"Hundesteuer ""An- und Abmeldung"", Pirna"');

    expect(planReleaseCampaign({ ...release, releaseDate: '16.11.2026' }, dienste, created)).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-release',
        fieldErrors: [{ path: 'releaseDate', message: 'Ungültiges Datum (JJJJ-MM-TT).' }],
      },
    });
  });
});
