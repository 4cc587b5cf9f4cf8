// The citizen's Antrag on a stack with the simulators: activations of Anwohnerparken for Leipzig with the
// Prozessparameter a test needs, the fee parameters, submitting over HTTP, and reading the workflow and its rows.
import fs from 'node:fs';
import path from 'node:path';
import type { ApiDeps } from '../../api/deps';
import { antragWorkflowId } from '../../domain/vorgangsnummer';
import { antragQuery } from '../../messages/antrag';
import type { Logger } from '../../runtime/logger';
import { encryptParameter } from '../../runtime/secrets';
import type { WorkerTuning } from '../../worker/worker';
import { LEISTUNG, PARAMETER_KEY, startStack } from './stack';
import { uniqueId } from './servers';
import { eventually } from './wait';

export const SCHEMA = 'urn:xoev-de:xfall:standard:antrag';

export type AntragStack = Awaited<ReturnType<typeof antragStack>>;

export async function antragStack(
  opts: {
    endpointAlertAfterMs?: number;
    log?: Logger;
    app?: Partial<ApiDeps>;
    worker?: boolean;
    api?: boolean;
    workerTuning?: WorkerTuning;
  } = {},
) {
  const s = await startStack({
    name: 'antrag',
    externals: true,
    ...(opts.workerTuning ? { workerTuning: opts.workerTuning } : {}),
    ...(opts.worker === false ? { worker: false } : {}),
    ...(opts.api === false ? { api: false } : {}),
    app: { deliveryMaxRetryInterval: '2s', ...opts.app },
    ...(opts.endpointAlertAfterMs !== undefined ? { endpointAlertAfterMs: opts.endpointAlertAfterMs } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const { epaybl, fitconnect, transferRoot } = s.externals!;
  const { db, client } = s;
  const destination = await fitconnect.createDestination({
    services: [
      {
        identifier: `urn:de:fim:leika:leistung:${LEISTUNG}`,
        submissionSchemas: [{ schemaUri: SCHEMA, mimeType: 'application/json' }],
      },
    ],
  });

  /** A fresh activation of Anwohnerparken (or `extra.onlinedienstId`) for Leipzig with the given Prozessparameter. */
  async function aktivierung(
    params: Record<string, string>,
    extra: {
      wartungsmodus?: boolean;
      art?: 'refuse' | 'hold';
      text?: string;
      geschuetzt?: Record<string, string>;
      /** another Onlinedienst than the seeded Anwohnerparken (a test's own copy of it) */
      onlinedienstId?: string;
    } = {},
  ) {
    const id = uniqueId('akt');
    // One activation per (Onlinedienst, Mandant, OE): each test activation gets an OE of its own.
    await db
      .insertInto('organisationseinheit')
      .values({
        id: `oe-${id}`,
        mandant_id: 'leipzig',
        name: `OE ${id}`,
        behoerdenkonto_id: 'bk-leipzig-ordnungsamt',
        email: null,
      })
      .execute();
    await db
      .insertInto('leistung_oe')
      .values({ leistung_id: LEISTUNG, oe_id: `oe-${id}` })
      .execute();
    await db
      .insertInto('aktivierung')
      .values({
        id,
        onlinedienst_id: extra.onlinedienstId ?? 'anwohnerparken',
        mandant_id: 'leipzig',
        oe_id: `oe-${id}`,
        leistung_id: LEISTUNG,
        status: 'aktiv',
        wartungsmodus: extra.wartungsmodus ?? false,
        wartungsmodus_art: extra.art ?? 'refuse',
        wartungsmodus_text: extra.text ?? null,
      })
      .execute();
    const all = { 'frist.aufbewahrung': '365d', 'frist.transferLoeschen': '90d', ...params };
    // The Transferverzeichnis is the authority's share; the activity treats a missing one as an outage.
    fs.mkdirSync(path.join(transferRoot, id), { recursive: true });
    await db
      .insertInto('prozessparameter')
      .values(
        Object.entries(all).map(([key, value]) => ({
          aktivierung_id: id,
          key,
          value,
          value_encrypted: null,
          protected: false,
        })),
      )
      .execute();
    const geschuetzt = Object.entries(extra.geschuetzt ?? {});
    if (geschuetzt.length > 0)
      await db
        .insertInto('prozessparameter')
        .values(
          geschuetzt.map(([key, value]) => ({
            aktivierung_id: id,
            key,
            value: null,
            value_encrypted: encryptParameter(PARAMETER_KEY, value),
            protected: true,
          })),
        )
        .execute();
    return id;
  }

  const gebuehr = (betragCent = 3050) => ({
    'gebuehr.betragCent': String(betragCent),
    'epaybl.mandantNr': '014',
    'epaybl.bewirtschafterNr': 'L-ORD',
    'epaybl.haushaltsstelle': '1220.1100',
    'epaybl.buchungstext': 'Bewohnerparkausweis <Zone A> & "Test"',
    'frist.zahlungAbfrage': '200ms',
  });

  /** POST /api/antraege as a citizen (or `user`), optionally with an Idempotency-Key. */
  const submit = (body: Record<string, unknown>, o: { user?: string; key?: string } = {}) =>
    s.api('POST', '/api/antraege', {
      user: o.user ?? 'buerger-anna',
      body,
      ...(o.key ? { headers: { 'idempotency-key': o.key } } : {}),
    });

  const handle = (vn: string) => client.workflow.getHandle(antragWorkflowId(vn));
  const sicht = (vn: string) => handle(vn).query(antragQuery);
  const antrag = (vn: string) =>
    db.selectFrom('antrag').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirstOrThrow();
  const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000) => eventually(fn, ms, what);
  /** The delivery row once the Antrag is delivered. */
  const zugestellt = (vn: string, ms = 30_000) =>
    waitFor(
      'delivered',
      async () => {
        const z = await db.selectFrom('zustellung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst();
        return z?.zugestellt_am ? z : undefined;
      },
      ms,
    );

  return {
    ...s,
    epaybl,
    fitconnect,
    transferRoot,
    destination,
    aktivierung,
    gebuehr,
    submit,
    handle,
    sicht,
    antrag,
    waitFor,
    zugestellt,
  };
}

export const anwohnerparken = (overrides: Record<string, unknown> = {}) => ({
  kennzeichen: 'L-AB 1234',
  halter: 'selbst',
  wohnadresse: { strasse: 'Karl-Liebknecht-Straße', hausnummer: '12', plz: '04107', ort: 'Leipzig' },
  zone: 'A3',
  gueltigAb: '2026-12-01',
  ...overrides,
});

export const antragsteller = (email: string) => ({ name: 'Anna Bürger', email });

/**
 * Pays (or aborts) on the ePayBL simulator's pay page as a browser would and returns the back-link into our API,
 * checking that it points at `apiBase`.
 */
export async function payPage(paypageUrl: string, action: 'bezahlen' | 'abbrechen', apiBase: string): Promise<string> {
  const login = await fetch(paypageUrl, { redirect: 'manual' });
  if (login.status !== 303) throw new Error(`pay page login: ${login.status}`);
  const pageUrl = new URL(login.headers.get('location')!, paypageUrl);
  const html = await (await fetch(pageUrl)).text();
  const formAction = new RegExp(`action="([^"]+/${action})"`).exec(html)?.[1];
  if (!formAction) throw new Error(`pay page has no ${action} form`);
  const posted = await fetch(new URL(formAction, pageUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'zahlverfahren=GIROPAY',
  });
  const backlink = posted.headers.get('location');
  if (posted.status !== 303 || !backlink) throw new Error(`pay page ${action}: ${posted.status}`);
  if (!backlink.startsWith(`${apiBase}/api/zahlung/rueckkehr`)) throw new Error(`back-link elsewhere: ${backlink}`);
  return backlink;
}
