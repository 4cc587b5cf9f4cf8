// What the Antrag history recorder's scenarios share: demo data, an activation with its Prozessparameter, the API
// calls a citizen and an authority make, and waits on what the workflow writes.
import fs from 'node:fs';
import path from 'node:path';
import { until, type Stack } from './stack';

const daten = {
  kennzeichen: 'L-AB 1234',
  halter: 'selbst',
  zone: 'A3',
  gueltigAb: '2026-12-01',
  wohnadresse: { strasse: 'Karl-Liebknecht-Straße', hausnummer: '12', plz: '04107', ort: 'Leipzig' },
};
const kurz = {
  'frist.aufbewahrung': '1s',
  'frist.transferLoeschen': '1s',
  'frist.bescheidWartezeit': '30s',
  'frist.zahlungAbfrage': '200ms',
};
export const gebuehr = {
  'gebuehr.betragCent': '3050',
  'epaybl.mandantNr': '014',
  'epaybl.bewirtschafterNr': 'L-ORD',
  'epaybl.haushaltsstelle': '1220.1100',
  'epaybl.buchungstext': 'Bewohnerparkausweis',
};
export const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');

export async function aktivierung(s: Stack, id: string, params: Record<string, string>, wartung?: 'hold') {
  await s.db
    .insertInto('organisationseinheit')
    .values({
      id: `oe-${id}`,
      mandant_id: 'leipzig',
      name: id,
      behoerdenkonto_id: 'bk-leipzig-ordnungsamt',
      email: null,
    })
    .execute();
  await s.db
    .insertInto('aktivierung')
    .values({
      id,
      onlinedienst_id: 'anwohnerparken',
      mandant_id: 'leipzig',
      oe_id: `oe-${id}`,
      leistung_id: '99102013000000',
      status: 'aktiv',
      wartungsmodus: wartung !== undefined,
      wartungsmodus_art: wartung ?? 'refuse',
      wartungsmodus_text: null,
    })
    .execute();
  await s.db
    .insertInto('prozessparameter')
    .values(
      Object.entries({ ...kurz, ...params }).map(([key, value]) => ({
        aktivierung_id: id,
        key,
        value,
        value_encrypted: null,
        protected: false,
      })),
    )
    .execute();
  fs.mkdirSync(path.join(s.transferRoot, id), { recursive: true });
}

export async function call(s: Stack, method: string, p: string, token: string | undefined, body?: unknown) {
  const res = await fetch(`${s.base}${p}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function submit(s: Stack, aktivierungId: string, key: string) {
  return call(s, 'POST', '/api/antraege', s.tokens['buerger-anna'], {
    aktivierungId,
    daten,
    antragsteller: { name: 'Anna Bürger', email: 'anna@example.org' },
  })
    .then((r) => r as { vorgangsnummer: string; statusToken: string })
    .catch((err) => {
      throw new Error(`${key}: ${err}`);
    });
}

export const kassenzeichen = (s: Stack, vn: string) =>
  until(
    async () =>
      (await s.db.selectFrom('zahlung').select('kassenzeichen').where('vorgangsnummer', '=', vn).executeTakeFirst())
        ?.kassenzeichen,
    'Kassenzeichen',
  );
export const zugestellt = (s: Stack, vn: string) =>
  until(
    async () =>
      (await s.db.selectFrom('zustellung').select('zugestellt_am').where('vorgangsnummer', '=', vn).executeTakeFirst())
        ?.zugestellt_am,
    'delivery',
  );

export const fcDestination = (s: Stack) =>
  s.fitconnect.createDestination({
    services: [
      {
        identifier: 'urn:de:fim:leika:leistung:99102013000000',
        submissionSchemas: [{ schemaUri: 'urn:xoev-de:xfall:standard:antrag', mimeType: 'application/json' }],
      },
    ],
  });
export const submissionId = async (s: Stack, vn: string) => {
  await zugestellt(s, vn);
  const z = await s.db
    .selectFrom('zustellung')
    .select('referenz')
    .where('vorgangsnummer', '=', vn)
    .executeTakeFirstOrThrow();
  return (JSON.parse(z.referenz!) as { submissionId: string }).submissionId;
};
