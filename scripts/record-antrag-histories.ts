// npm run record:antrag-histories [-- --suffix=-v2] [--only=a,b] — runs the Antrag workflow through its main paths on a real
// stack and writes each finished history to test/histories/antrag/<scenario><suffix>.json. The replay test replays
// them against the current code, so a change that breaks running Anträge fails CI (wrap such changes in patched()).
// A recorded history is never overwritten (the script refuses): record new code beside it under a new suffix.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import { loadConfigOrExit } from '../runtime/config';
import { STACK_CALLBACK_SECRET, startStack, until, type Stack } from './stack';
import {
  gebuehr,
  pdf,
  aktivierung,
  call,
  submit,
  kassenzeichen,
  zugestellt,
  fcDestination,
  submissionId,
} from './record-antrag-helpers';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/histories/antrag');
const config = loadConfigOrExit();
const suffix = process.argv.find((a) => a.startsWith('--suffix='))?.slice('--suffix='.length) ?? '';
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

const scenarios: Record<string, (s: Stack) => Promise<string>> = {
  async 'bezahlt-zugestellt-nachforderung-bescheid'(s) {
    await aktivierung(s, 'rec-voll', { ...gebuehr, 'zustellung.modus': 'transfer-plain' });
    const { vorgangsnummer: vn, statusToken } = await submit(s, 'rec-voll', 'voll');
    s.epaybl.zahlung(await kassenzeichen(s, vn), 3050, 'GIROPAY');
    await zugestellt(s, vn);
    const sb = s.tokens['sb-leipzig'];
    await call(s, 'POST', `/api/antraege/${vn}/bearbeitung`, sb, { status: 'in-bearbeitung' });
    await call(s, 'POST', `/api/antraege/${vn}/bearbeitung`, sb, {
      status: 'nachforderung',
      text: 'Bitte Meldebescheinigung.',
      frist: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await call(s, 'POST', `/api/status/${statusToken}/nachforderung`, undefined, { text: 'Anbei.' });
    await call(s, 'POST', `/api/antraege/${vn}/bescheid`, sb, {
      dateiname: 'b.pdf',
      inhaltBase64: pdf,
      metadaten: { aktenzeichen: 'ORD-1', art: 'bewilligung', datum: '2026-11-24' },
    });
    return vn;
  },
  async 'nicht-bezahlt'(s) {
    await aktivierung(s, 'rec-unbezahlt', {
      ...gebuehr,
      'frist.zahlungErinnerung': '1s',
      'frist.zahlungAbbruch': '2s',
    });
    return (await submit(s, 'rec-unbezahlt', 'unbezahlt')).vorgangsnummer;
  },
  async 'abgelehnt-storno'(s) {
    const dest = await s.fitconnect.createDestination({ status: 'inactive' });
    await aktivierung(s, 'rec-storno', {
      ...gebuehr,
      'zustellung.modus': 'fitconnect',
      'fitconnect.destinationId': dest.destinationId,
    });
    const { vorgangsnummer: vn } = await submit(s, 'rec-storno', 'storno');
    const kz = await kassenzeichen(s, vn);
    s.epaybl.zahlung(kz, 3050, 'GIROPAY');
    await until(
      () => s.db.selectFrom('aufgabe').select('id').where('id', '=', `${vn}:storno`).executeTakeFirst(),
      'storno task',
    );
    s.epaybl.storno(kz);
    return vn;
  },
  async 'teilzahlung-erstattet'(s) {
    await aktivierung(s, 'rec-teilzahlung', {
      ...gebuehr,
      'frist.zahlungErinnerung': '1s',
      'frist.zahlungAbbruch': '2s',
    });
    const { vorgangsnummer: vn } = await submit(s, 'rec-teilzahlung', 'teilzahlung');
    const kz = await kassenzeichen(s, vn);
    s.epaybl.zahlung(kz, 1000, 'UEBERWEISUNGVOR');
    await until(
      () => s.db.selectFrom('aufgabe').select('id').where('id', '=', `${vn}:erstattung:teilzahlung`).executeTakeFirst(),
      'refund task',
    );
    s.epaybl.storno(kz);
    s.epaybl.rueckzahlung(kz, 1000);
    return vn;
  },
  async 'ueberzahlung-erstattet'(s) {
    await aktivierung(s, 'rec-ueberzahlung', {
      ...gebuehr,
      'zustellung.modus': 'transfer-plain',
      'frist.bescheidWartezeit': '1s',
    });
    const { vorgangsnummer: vn } = await submit(s, 'rec-ueberzahlung', 'ueberzahlung');
    const kz = await kassenzeichen(s, vn);
    s.epaybl.zahlung(kz, 3550, 'UEBERWEISUNGNACH');
    await until(
      () =>
        s.db.selectFrom('aufgabe').select('id').where('id', '=', `${vn}:erstattung:ueberzahlung`).executeTakeFirst(),
      'refund task',
    );
    s.epaybl.rueckzahlung(kz, 500);
    return vn;
  },
  /** Paid, delivered, paid a second time: the next look at the booked Kassenzeichen opens a refund; it comes back. */
  async 'nachzahlung-erstattet'(s) {
    await aktivierung(s, 'rec-nachzahlung', {
      ...gebuehr,
      'zustellung.modus': 'transfer-plain',
      'frist.nachzahlungPruefen': '300ms',
      'frist.bescheidWartezeit': '5s',
    });
    const { vorgangsnummer: vn } = await submit(s, 'rec-nachzahlung', 'nachzahlung');
    const kz = await kassenzeichen(s, vn);
    s.epaybl.zahlung(kz, 3050, 'GIROPAY');
    await zugestellt(s, vn);
    s.epaybl.zahlung(kz, 3050, 'UEBERWEISUNGNACH');
    await until(
      () =>
        s.db.selectFrom('aufgabe').select('id').where('id', '=', `${vn}:erstattung:nachzahlung-1`).executeTakeFirst(),
      'refund task',
    );
    s.epaybl.rueckzahlung(kz, 3050);
    return vn;
  },
  async 'fitconnect-angenommen'(s) {
    await aktivierung(s, 'rec-fc-an', {
      'zustellung.modus': 'fitconnect',
      'fitconnect.destinationId': (await fcDestination(s)).destinationId,
      'frist.fitconnectAbfrage': '200ms',
      'frist.bescheidWartezeit': '3s',
    });
    const { vorgangsnummer: vn } = await submit(s, 'rec-fc-an', 'fc-an');
    await s.fitconnect.acceptSubmission(await submissionId(s, vn));
    return vn;
  },
  // The authority answers after a while: with WARTE_FENSTER shorter than that, the workflow sleeps between looks.
  async 'fitconnect-spaet-angenommen'(s) {
    await aktivierung(s, 'rec-fc-spaet', {
      'zustellung.modus': 'fitconnect',
      'fitconnect.destinationId': (await fcDestination(s)).destinationId,
      'frist.fitconnectAbfrage': '200ms',
      'frist.bescheidWartezeit': '3s',
    });
    const { vorgangsnummer: vn } = await submit(s, 'rec-fc-spaet', 'fc-spaet');
    const id = await submissionId(s, vn);
    await new Promise((r) => setTimeout(r, 3000));
    await s.fitconnect.acceptSubmission(id);
    return vn;
  },
  async 'fitconnect-abgelehnt-bezahlt'(s) {
    await aktivierung(s, 'rec-fc-ab', {
      ...gebuehr,
      'zustellung.modus': 'fitconnect',
      'fitconnect.destinationId': (await fcDestination(s)).destinationId,
      'frist.fitconnectAbfrage': '200ms',
    });
    const { vorgangsnummer: vn } = await submit(s, 'rec-fc-ab', 'fc-ab');
    const kz = await kassenzeichen(s, vn);
    s.epaybl.zahlung(kz, 3050, 'GIROPAY');
    await s.fitconnect.rejectSubmission(await submissionId(s, vn), [
      { type: 'https://schema.fitko.de/fit-connect/events/problems/service-mismatch', title: 'Unzuständig' },
    ]);
    await until(
      () => s.db.selectFrom('aufgabe').select('id').where('id', '=', `${vn}:storno`).executeTakeFirst(),
      'storno task',
    );
    s.epaybl.storno(kz);
    return vn;
  },
  async 'transfer-ungeholt-geloescht'(s) {
    await aktivierung(s, 'rec-ungeholt', {
      'zustellung.modus': 'transfer-plain',
      'frist.transferAbfrage': '300ms',
      'frist.transferErinnerung': '1s',
      'frist.transferWarnung': '5s',
      // Long enough for the first Antrag of a fresh stack (its PDF takes seconds) to be delivered and looked at.
      'frist.transferLoeschen': '15s',
      'frist.behoerdeAntwort': '500ms',
      'frist.bescheidWartezeit': '1s',
    });
    return (await submit(s, 'rec-ungeholt', 'ungeholt')).vorgangsnummer;
  },
  async 'transfer-abgeholt-nachforderung-post'(s) {
    await aktivierung(s, 'rec-abgeholt', {
      'zustellung.modus': 'transfer-xfall',
      'frist.transferAbfrage': '300ms',
      'frist.transferLoeschen': '8s',
      'frist.nachforderungErinnerung': '2s',
    });
    const { vorgangsnummer: vn } = await submit(s, 'rec-abgeholt', 'abgeholt');
    await zugestellt(s, vn);
    const z = await s.db
      .selectFrom('zustellung')
      .select('referenz')
      .where('vorgangsnummer', '=', vn)
      .executeTakeFirstOrThrow();
    fs.rmSync(path.join(s.transferRoot, 'rec-abgeholt', z.referenz!));
    const sb = s.tokens['sb-leipzig'];
    await call(s, 'POST', `/api/antraege/${vn}/bearbeitung`, sb, {
      status: 'nachforderung',
      text: 'Bitte Meldebescheinigung.',
      frist: new Date(Date.now() + 3_000).toISOString(),
    });
    await until(
      async () =>
        (
          await s.db
            .selectFrom('antrag_ereignis')
            .select('id')
            .where('vorgangsnummer', '=', vn)
            .where('status', '=', 'nachforderung-frist-abgelaufen')
            .executeTakeFirst()
        )?.id,
      'Nachforderung deadline passed',
    );
    await call(s, 'POST', `/api/antraege/${vn}/bescheid`, sb, {
      dateiname: 'b.pdf',
      inhaltBase64: pdf,
      metadaten: { aktenzeichen: 'ORD-2', art: 'bewilligung', datum: '2026-12-04', versand: 'post' },
    });
    return vn;
  },
  // Polling every hour: the rejection can only arrive through the callback to our API.
  async 'fitconnect-callback-abgelehnt-bezahlt'(s) {
    const dest = await fcDestination(s);
    s.fitconnect.setSenderCallback(dest.destinationId, {
      url: `${s.base}/api/fitconnect/callback`,
      secret: STACK_CALLBACK_SECRET,
    });
    await aktivierung(s, 'rec-fc-cb', {
      ...gebuehr,
      'zustellung.modus': 'fitconnect',
      'fitconnect.destinationId': dest.destinationId,
      'frist.fitconnectAbfrage': '1h',
    });
    const { vorgangsnummer: vn } = await submit(s, 'rec-fc-cb', 'fc-cb');
    const kz = await kassenzeichen(s, vn);
    s.epaybl.zahlung(kz, 3050, 'GIROPAY');
    const id = await submissionId(s, vn);
    // Only once the poll's first look is over (it heartbeats before it sleeps) is the callback the one that tells.
    await until(async () => {
      const { raw } = await s.client.workflow.getHandle(antragWorkflowId(vn)).describe();
      return raw.pendingActivities?.some(
        (a) => a.activityType?.name === 'fitconnectErgebnisAbwarten' && a.lastHeartbeatTime,
      );
    }, 'first poll');
    await s.fitconnect.rejectSubmission(id, [
      { type: 'https://schema.fitko.de/fit-connect/events/problems/service-mismatch', title: 'Unzuständig' },
    ]);
    await until(
      () => s.db.selectFrom('aufgabe').select('id').where('id', '=', `${vn}:storno`).executeTakeFirst(),
      'storno task',
    );
    s.epaybl.storno(kz);
    return vn;
  },
  async 'wartung-gehalten-ohne-gebuehr'(s) {
    await aktivierung(
      s,
      'rec-wartung',
      { 'zustellung.modus': 'transfer-xfall', 'frist.bescheidWartezeit': '1s' },
      'hold',
    );
    const { vorgangsnummer: vn } = await submit(s, 'rec-wartung', 'wartung');
    await until(
      async () =>
        (await s.client.workflow.getHandle(antragWorkflowId(vn)).query<{ phase: string }>('antrag')).phase ===
        'wartet-wartung',
      'held',
    );
    await call(s, 'PUT', '/api/aktivierungen/rec-wartung/wartungsmodus', s.tokens['admin-leipzig'], { aktiv: false });
    return vn;
  },
};

/** The cause an Antrag waits on, once its Störung is recorded. */
const stoerungVon = (s: Stack, vn: string) =>
  until(
    async () =>
      (await s.db.selectFrom('stoerung').select('ursache_id').where('vorgangsnummer', '=', vn).executeTakeFirst())
        ?.ursache_id,
    'Störung',
  );

Object.assign(scenarios, {
  /** A typo in the fee waits as a Störung; fixed, retried in bulk, paid, delivered. */
  async 'stoerung-prozessparameter'(s: Stack) {
    await aktivierung(s, 'rec-stoerung-pp', {
      ...gebuehr,
      'gebuehr.betragCent': '30,50',
      'frist.bescheidWartezeit': '1s',
    });
    const { vorgangsnummer: vn } = await submit(s, 'rec-stoerung-pp', 'stoerung-pp');
    const id = await stoerungVon(s, vn);
    await s.db
      .updateTable('prozessparameter')
      .set({ value: '3050' })
      .where('aktivierung_id', '=', 'rec-stoerung-pp')
      .where('key', '=', 'gebuehr.betragCent')
      .execute();
    await call(s, 'POST', `/api/stoerungen/${id}/wiederholen`, s.tokens['awb-sid'], {});
    s.epaybl.zahlung(await kassenzeichen(s, vn), 3050, 'GIROPAY');
    return vn;
  },
  /** ePayBL -0611 waits as a Störung for the AWB; cleared, this one Antrag retried, paid, delivered. */
  async 'stoerung-epaybl-konfiguration'(s: Stack) {
    await aktivierung(s, 'rec-stoerung-0611', { ...gebuehr, 'frist.bescheidWartezeit': '1s' });
    s.epaybl.failNext('lesenTransaktion', '-0611', 100);
    const { vorgangsnummer: vn } = await submit(s, 'rec-stoerung-0611', 'stoerung-0611');
    const id = await stoerungVon(s, vn);
    s.epaybl.clearFaults();
    await call(s, 'POST', `/api/stoerungen/${id}/wiederholen`, s.tokens['awb-sid'], { vorgangsnummer: vn });
    s.epaybl.zahlung(await kassenzeichen(s, vn), 3050, 'GIROPAY');
    return vn;
  },
} satisfies Record<string, (s: Stack) => Promise<string>>);

const fileOf = (name: string) => path.join(out, `${name}${suffix}.json`);
const chosen = Object.keys(scenarios).filter((name) => !only || only.includes(name));
const existing = chosen.filter((name) => fs.existsSync(fileOf(name)));
if (existing.length > 0) {
  console.error(
    `would overwrite ${existing.map((name) => path.basename(fileOf(name))).join(', ')}: choose another --suffix`,
  );
  process.exit(2);
}

const stack = await startStack(config);
try {
  fs.mkdirSync(out, { recursive: true });
  for (const [name, run] of Object.entries(scenarios).filter(([name]) => chosen.includes(name))) {
    const vn = await run(stack);
    const handle = stack.client.workflow.getHandle(antragWorkflowId(vn));
    await handle.result();
    const history = await handle.fetchHistory();
    fs.writeFileSync(fileOf(name), JSON.stringify(history, null, 1));
    console.log(`recorded ${path.basename(fileOf(name))}: ${history.events?.length} events`);
  }
} finally {
  await stack.stop();
}
