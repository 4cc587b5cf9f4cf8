// The Digitale Schulanmeldung of the demo story, taken as far as its people would have by now: created as a
// Blaupause, Klärung and Auftakt done, the Prozessmodellierer's definition uploaded and running on the
// Entwicklungssystem, Leipzig's activation recorded with its required Prozessparameter, the Prototyp handed over.
// It waits in Test; the README says how a newcomer takes it to Betrieb. Each step is idempotent, so a start that
// stopped half way continues where it was.
import { SCHULAMT_OE, SCHULANMELDUNG_LEISTUNG } from '../db/seed-schule';
import { SCHULEN, schulanmeldungDefinition } from '../domain/formular/schulanmeldung';

export type DemoCall = (method: string, path: string, user: string, body?: unknown) => Promise<Response>;

export const SCHULANMELDUNG_ID = 'schulanmeldung';
const REF = { name: 'Schulanmeldung', version: '1.0' };

const ACTING: Record<string, string> = {
  prozesseigner: 'pe-smk',
  prozessmodellierer: 'pm-seitenbau',
  redaktion: 'redaktion-sk',
  projektleitung: 'pl-sk',
};

const FIELDS: Record<string, Record<string, unknown>> = {
  'ist-prozess': {
    istProzess: 'Anmeldung auf Papier im Sekretariat der Wunschschule; den Schulbezirk prüft das Schulamt',
    eAkte: false,
    fachverfahren: 'SaxSVS',
    bescheidUebermittlung: 'post',
  },
  rechtsgrundlagen: { rechtsgrundlagen: ['§ 27 SächsSchulG', '§ 4 SchulOGS'], vertrauensniveau: 'substanziell' },
  'xoev-fachverfahren': { xoevStandards: ['XSchule'], fachverfahren: ['SaxSVS'] },
  'konten-bezahlung': { bundId: true, meinUnternehmenskonto: false, bezahlung: false },
  leistungsbeschreibung: { leistungId: SCHULANMELDUNG_LEISTUNG, geprueft: true },
  'auftakt-protokoll': {
    datum: '2026-11-02',
    protokoll: 'Auftakt Digitale Schulanmeldung mit dem Amt für Schule',
    ziel: 'Schulanmeldung online mit Schulbezirk und zwei Wunschschulen',
    zeitplan: 'bis zum Anmeldezeitraum im Frühjahr',
    zustaendigkeiten: 'PE: SMK, Formular: Blaupause-Assistent, Test: SID',
    regeltermine: 'Donnerstag 9 Uhr',
    support: 'Servicedesk Amt24',
    tester: ['Amt für Schule Leipzig'],
  },
  'prototyp-bereitstellen': { prozess: REF, formular: REF, bitv: true, dinSpec66336: true, tr03172: true },
};

async function ok(res: Promise<Response>, what: string): Promise<Response> {
  const r = await res;
  if (r.status >= 300) throw new Error(`demo: ${what}: ${r.status} ${await r.text()}`);
  return r;
}

interface View {
  phase: string;
  openTasks: Array<{ id: string; role: string }>;
}

/** true when it moved the Schulanmeldung on (a fresh start), false when it was already in Test or beyond. */
export async function schulanmeldungBisTest(call: DemoCall): Promise<boolean> {
  const id = SCHULANMELDUNG_ID;
  const view = async () =>
    (await (await ok(call('GET', `/api/onlinedienste/${id}`, 'pe-smk'), 'state')).json()) as View;
  let v = await view();
  if (!['klaerung', 'auftakt', 'prototyp'].includes(v.phase)) return false;
  for (let i = 0; i < 20 && v.phase !== 'prototyp'; i++) {
    const task = v.openTasks[0];
    if (!task || !FIELDS[task.id]) throw new Error(`demo: unexpected task ${task?.id} in ${v.phase}`);
    await ok(
      call('POST', `/api/onlinedienste/${id}/aufgaben/${task.id}`, ACTING[task.role] ?? 'pe-smk', FIELDS[task.id]),
      task.id,
    );
    v = await view();
  }
  await ok(call('POST', `/api/onlinedienste/${id}/formulare`, 'pm-seitenbau', schulanmeldungDefinition), 'upload');
  await ok(
    call('POST', `/api/onlinedienste/${id}/formulare/1.0/bereitstellung`, 'pm-seitenbau', { stage: 'entwicklung' }),
    'Entwicklungssystem',
  );
  await ok(
    call('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, 'admin-leipzig', {
      organisationseinheitId: SCHULAMT_OE,
      leistungId: SCHULANMELDUNG_LEISTUNG,
      kontakt: 'schulamt@leipzig.de',
    }),
    'Aktivierung Leipzig',
  );
  await schulenEinrichten(call);
  await ok(
    call('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, 'admin-leipzig', {
      parameter: [
        { key: 'zustellung.modus', wert: 'transfer-plain' },
        { key: 'zustellung.verzeichnis', wert: 'schulamt-leipzig' },
      ],
    }),
    'Prozessparameter',
  );
  if ((await view()).phase === 'prototyp') {
    await ok(
      call(
        'POST',
        `/api/onlinedienste/${id}/aufgaben/prototyp-bereitstellen`,
        'pm-seitenbau',
        FIELDS['prototyp-bereitstellen'],
      ),
      'prototyp-bereitstellen',
    );
  }
  return true;
}

/**
 * Leipzig's schools as its Organisationseinheiten, each with its folder in the Transferverzeichnis: the first
 * Wunschschule of an Anmeldung receives it (prozess.empfaenger), so each needs its own channel.
 */
export async function schulenEinrichten(call: DemoCall): Promise<void> {
  for (const schule of SCHULEN) {
    const res = await call('POST', '/api/mandanten/leipzig/organisationseinheiten', 'admin-leipzig', {
      id: schule.wert,
      name: schule.label,
      veroeffentlicht: true,
    });
    if (res.status !== 201 && res.status !== 409) throw new Error(`demo: OE ${schule.wert}: ${res.status}`);
    await ok(
      call('PUT', `/api/mandanten/leipzig/organisationseinheiten/${schule.wert}/zustellkanal`, 'admin-leipzig', {
        verzeichnis: schule.wert,
      }),
      `Zustellkanal ${schule.wert}`,
    );
  }
}
