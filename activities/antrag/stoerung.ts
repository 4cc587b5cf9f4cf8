// Störungen of an Antrag: what the workflow hands over when a step cannot go on (a failure no retry fixes, or one
// that outlasted the threshold) becomes a row per Antrag and cause, a note on the citizen's technical lane and — once
// per episode of the cause — a mail to whoever can fix it. Resolved when the step finally goes through.
import { createHash } from 'node:crypto';
import type { ActivityDeps } from '../deps';
import { mustExist } from '../deps';
import { sendNotificationOnce } from '../mail';
import { DEFAULT_AWB_EMAIL, recipientFor } from '../onlinedienst/recipients';
import { listProzessparameter } from '../../db/stores/aktivierung';
import { findAntrag } from '../../db/stores/antrag';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import { loadKontakte } from '../../db/stores/kontakte';
import { behebeStoerungen, meldeStoerung } from '../../db/stores/stoerung';
import {
  BEHEBBAR_DURCH_TEXT,
  DAUERHAFTE_FEHLER,
  SCHRITT_TEXT,
  behebtSichSelbst,
  istDauerhafterFehler,
  type BehebbarDurch,
  type StoerungArt,
  type StoerungFehler,
  type StoerungSchritt,
} from '../../domain/antrag/stoerung';

export interface StoerungInput {
  vorgangsnummer: string;
  schritt: StoerungSchritt;
  art: StoerungArt;
  fehler: StoerungFehler;
}

/** A cause's id in URLs: short, stable, the same for every Antrag stuck on it. */
export function ursacheIdOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

interface Ursache {
  key: string;
  was: string;
  behebbarDurch: BehebbarDurch;
}

async function ursacheOf(deps: ActivityDeps, input: StoerungInput, aktivierungId: string): Promise<Ursache> {
  const { fehler, schritt } = input;
  if (input.art === 'anhaltend') {
    // An outage is one cause for every Antrag it holds up, whichever activation.
    return {
      key: `anhaltend:${schritt}:${fehler.typ}`,
      was: `${SCHRITT_TEXT[schritt]} scheitert seit längerer Zeit vorübergehend: ${fehler.nachricht}`,
      behebbarDurch: 'awb',
    };
  }
  if (!istDauerhafterFehler(fehler.typ)) {
    return { key: `${schritt}:${fehler.typ}:${aktivierungId}`, was: fehler.nachricht, behebbarDurch: 'awb' };
  }
  const art = DAUERHAFTE_FEHLER[fehler.typ];
  const was = `${art.was}: ${fehler.nachricht}`;
  if (fehler.typ === 'KonfigurationsFehler' || fehler.typ === 'EmpfaengerFehler') {
    // The same mistake in the same activation is one cause; another mistake is another (and mailed again).
    const fingerprint = createHash('sha256').update(fehler.nachricht).digest('hex').slice(0, 12);
    const bereich = fehler.typ === 'KonfigurationsFehler' ? 'prozessparameter' : 'empfaenger';
    return { key: `${bereich}:${aktivierungId}:${fingerprint}`, was, behebbarDurch: art.behebbarDurch };
  }
  if (fehler.typ === 'EpayblKonfiguration') {
    // The operator's configuration is per ePayBL Mandant: every activation paying into it shares the cause.
    const params = await listProzessparameter(deps.db, [aktivierungId]);
    const nr = params.find((p) => p.key === 'epaybl.mandantNr' && !p.protected)?.value ?? aktivierungId;
    return { key: `epaybl:${fehler.code ?? '?'}:mandant-${nr}`, was, behebbarDurch: art.behebbarDurch };
  }
  return { key: `epaybl:${fehler.code ?? fehler.typ}:${aktivierungId}`, was, behebbarDurch: art.behebbarDurch };
}

export async function stoerungMelden(deps: ActivityDeps, input: StoerungInput): Promise<{ ursacheId: string }> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const antrag = mustExist(await findAntrag(db, vn), `Antrag ${vn}`);
  const gemeinsam = await ursacheOf(deps, input, antrag.aktivierung_id);
  // The same fault seen by a poll that goes on is a cause of its own: it needs no "try again" and clears itself.
  const ursache = behebtSichSelbst(input.schritt) ? { ...gemeinsam, key: `abfrage:${gemeinsam.key}` } : gemeinsam;
  const ursacheId = ursacheIdOf(ursache.key);
  const selbst = behebtSichSelbst(input.schritt);
  const details = [
    input.fehler.code ? `Code ${input.fehler.code}` : undefined,
    input.fehler.ePaymentId ? `ePayment-Id ${input.fehler.ePaymentId}` : undefined,
    input.fehler.nachricht,
  ]
    .filter(Boolean)
    .join(' · ');
  const { folge, eroeffnet } = await meldeStoerung(db, {
    vorgangsnummer: vn,
    ursacheId,
    ursacheKey: ursache.key,
    art: input.art,
    schritt: input.schritt,
    fehlerTyp: input.fehler.typ,
    was: ursache.was,
    details,
    mandantId: antrag.mandant_id,
    onlinedienstId: antrag.onlinedienst_id,
    aktivierungId: antrag.aktivierung_id,
    behebbarDurch: ursache.behebbarDurch,
  });
  deps.log.error(
    { vorgangsnummer: vn, ursacheId, ursache: ursache.key, art: input.art, typ: input.fehler.typ },
    selbst ? 'Payment poll on a Störung; polling on' : 'Antrag waits on a Störung',
  );
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'verzoegert',
    key: `${vn}:stoerung:${ursacheId}:${folge}`,
    text: selbst
      ? 'Der Eingang Ihrer Zahlung kann wegen einer technischen Störung derzeit nicht abgefragt werden. Ihre Zahlung geht nicht verloren; sie wird erkannt, sobald die Störung behoben ist.'
      : 'Ihr Antrag verzögert sich wegen einer technischen Störung. Er geht nicht verloren und wird fortgesetzt, sobald sie behoben ist.',
  });
  if (!eroeffnet) return { ursacheId }; // the Antrag that opened this episode mails; one mail per episode
  const awb = deps.awbEmail ?? DEFAULT_AWB_EMAIL;
  const to =
    ursache.behebbarDurch === 'awb'
      ? awb
      : ((await recipientFor(
          db,
          awb,
          antrag.onlinedienst_id,
          await loadKontakte(db, antrag.onlinedienst_id),
          'mandant-admin',
          antrag.mandant_id,
        )) ?? awb);
  const base = deps.publicBaseUrl ?? '';
  await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
    idempotencyKey: `stoerung:${ursacheId}:${folge}`,
    to,
    subject: `Störung: ${DAUERHAFTE_FEHLER[input.fehler.typ as keyof typeof DAUERHAFTE_FEHLER]?.was ?? SCHRITT_TEXT[input.schritt]} (${antrag.aktivierung_id})`,
    text:
      `Guten Tag,\n\n${selbst ? 'bei ' : ''}Anträge${selbst ? 'n' : ''} der Aktivierung ${antrag.aktivierung_id} ` +
      `(Mandant ${antrag.mandant_id}, Onlinedienst ${antrag.onlinedienst_id}) ` +
      `${selbst ? 'kann der Zahlungseingang in ePayBL nicht abgefragt werden' : 'können nicht weiterbearbeitet werden'}:` +
      `\n\n${ursache.was}\n\n` +
      `Beheben kann das: ${BEHEBBAR_DURCH_TEXT[ursache.behebbarDurch]}.\n` +
      (selbst
        ? 'Die Anträge gehen nicht verloren: die Abfrage läuft weiter, und die Störung schließt sich selbst, sobald ' +
          'ePayBL wieder antwortet. Ein „Wiederholen“ ist nicht nötig.\n\n'
        : 'Die Anträge gehen nicht verloren; sie warten, bis die Ursache behoben ist. Danach setzt „Wiederholen“ sie fort:\n' +
          `POST ${base}/api/stoerungen/${ursacheId}/wiederholen\n\n`) +
      'Diese Nachricht kommt einmal je Ursache, gleich wie viele Anträge betroffen sind.\n\nIhr Amt24-Betrieb\n',
  });
  return { ursacheId };
}

export async function stoerungBehoben(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; schritt?: StoerungSchritt },
): Promise<void> {
  const vn = input.vorgangsnummer;
  for (const row of await behebeStoerungen(deps.db, vn, input.schritt)) {
    await appendEreignis(deps.db, {
      vorgangsnummer: vn,
      spur: 'technisch',
      status: 'fortgesetzt',
      key: `${vn}:stoerung-behoben:${row.ursache_id}:${row.meldungen}`,
      text: 'Die Störung ist behoben; Ihr Antrag wird fortgesetzt.',
    });
  }
}
