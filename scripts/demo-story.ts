// The story a newcomer sees after `npm start` (development only), told through the API as its users would tell it:
// the two demo Onlinedienste that take Anträge are imported as Bestand (their lifecycles run in Betrieb), a third
// (the Blaupause Schulanmeldung) waits in Test with its version on the Entwicklungssystem, and Anna Bürger has
// sent one Antrag of each kind. Running it again changes nothing: an Onlinedienst that exists answers 409, an Antrag is sent with an Idempotency-Key.
import { demoUsers, signToken } from '../api/auth';
import { deriveKeys } from '../runtime/keys';
import { SCHULANMELDUNG_LEISTUNG } from '../db/seed-schule';
import { schulanmeldungBisTest } from './demo-blaupause';

type Call = (
  method: string,
  path: string,
  user: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Response>;

export async function tellDemoStory(apiUrl: string, secrets: string[], say: (line: string) => void): Promise<void> {
  const { bearer } = deriveKeys(secrets);
  const tokens = new Map<string, string>();
  for (const user of demoUsers) tokens.set(user.id, await signToken(bearer, user, '10m'));
  const call: Call = (method, path, user, body, headers = {}) =>
    fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(user)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const told: string[] = [];

  for (const od of BESTAND) {
    const res = await call('POST', '/api/onlinedienste', 'pl-sk', od);
    if (res.status === 201) told.push(`${od.id} (Bestand, in Betrieb)`);
    else if (res.status !== 409) throw new Error(`demo: ${od.id} not imported: ${res.status} ${await res.text()}`);
  }

  // The Schulanmeldung is built with the Blaupause-Assistent; it waits in Test with its version on the
  // Entwicklungssystem (scripts/demo-blaupause.ts).
  const neu = await call('POST', '/api/onlinedienste', 'pe-smk', SCHULANMELDUNG);
  if (neu.status !== 201 && neu.status !== 409) {
    throw new Error(`demo: ${SCHULANMELDUNG.id} not created: ${neu.status} ${await neu.text()}`);
  }
  if (await schulanmeldungBisTest(call))
    told.push(`${SCHULANMELDUNG.id} (Blaupause, im Test, Version 1.0 auf dem Entwicklungssystem)`);

  for (const antrag of ANTRAEGE) {
    const res = await call('POST', '/api/antraege', 'buerger-anna', antrag.body, { 'idempotency-key': antrag.key });
    if (res.status === 201) told.push(`Antrag ${((await res.json()) as { vorgangsnummer: string }).vorgangsnummer}`);
    else if (res.status !== 200) throw new Error(`demo: Antrag not sent: ${res.status} ${await res.text()}`);
  }
  if (told.length) say(`demo story: ${told.join(', ')}`);
}

const kontakte = (prefix: string) => ({
  prozesseigner: `${prefix}.prozesseigner@smk.sachsen.example`,
  prozessmodellierer: `${prefix}.modellierung@seitenbau.example`,
  zertifizierer: `${prefix}.zertifizierung@pruefstelle.example`,
  testteam: `${prefix}.test@sid.sachsen.example`,
  redaktion: `${prefix}.redaktion@sk.sachsen.example`,
  projektleitung: `${prefix}.projektleitung@sk.sachsen.example`,
  awb: `${prefix}.awb@sid.sachsen.example`,
});

const BESTAND = [
  {
    id: 'anwohnerparken',
    name: 'Anwohnerparkausweis online beantragen',
    mandantId: 'leipzig',
    prozesseigner: 'pe-smk',
    kontakte: kontakte('anwohnerparken'),
    featureTags: ['payment', 'transfer-plain', 'form:upload'],
    leistungId: '99102013000000',
    bestand: {
      prozess: { name: 'bewohnerparken', version: '1.0' },
      formular: { name: 'bewohnerparken-antrag', version: '1.0' },
      zertifizierungsReferenz: 'Z-2025-041',
      aktivierteMandanten: ['leipzig'],
    },
  },
  {
    id: 'hundesteuer',
    name: 'Hundesteuer anmelden',
    mandantId: 'leipzig',
    prozesseigner: 'pe-smk',
    kontakte: kontakte('hundesteuer'),
    featureTags: ['fitconnect'],
    leistungId: '99050012104000',
    bestand: {
      prozess: { name: 'hundesteuer', version: '1.0' },
      formular: { name: 'hundesteuer-anmeldung', version: '1.0' },
      zertifizierungsReferenz: 'Z-2025-057',
      aktivierteMandanten: ['leipzig'],
    },
  },
];

const SCHULANMELDUNG = {
  id: 'schulanmeldung',
  name: 'Digitale Schulanmeldung',
  mandantId: 'leipzig',
  kontakte: kontakte('schulanmeldung'),
  featureTags: [],
  mandanten: ['leipzig'],
  leistungId: SCHULANMELDUNG_LEISTUNG,
  blaupause: true,
};

const ANTRAEGE = [
  {
    // A fee of 30,50 €: this one waits for its payment on the ePayBL simulator's pay page (link in the status page).
    key: 'demo-antrag-anwohnerparken-1',
    body: {
      aktivierungId: 'anwohnerparken-leipzig',
      antragsteller: { name: 'Anna Bürger', email: 'anna@example.org' },
      daten: {
        kennzeichen: 'L-AB 1234',
        halter: 'selbst',
        wohnadresse: { strasse: 'Markt', hausnummer: '1', plz: '04109', ort: 'Leipzig' },
        zone: 'A3',
        gueltigAb: '2027-01-01',
      },
    },
  },
  {
    key: 'demo-antrag-hundesteuer-1',
    body: {
      aktivierungId: 'hundesteuer-leipzig',
      antragsteller: { name: 'Anna Bürger', email: 'anna@example.org' },
      daten: {
        hund: { name: 'Bello', rasse: 'Dackel', geboren: '2024-05-01', chipnummer: '276098106543210' },
        haltungSeit: '2026-11-01',
        gefaehrlich: false,
        anschrift: { strasse: 'Markt', hausnummer: '1', plz: '04109', ort: 'Leipzig' },
      },
    },
  },
];
