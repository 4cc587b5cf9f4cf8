// Delivery to the authority, per activation: Transferverzeichnis (plain or xFall) or FIT-Connect. An outage of
// the endpoint delays, never loses: the activity fails retryably (Temporal retries without an attempt limit),
// records how long the endpoint has been waiting, and alerts the AWB once per outage when it lasts too long.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from '../deps';
import { mustExist, required } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { sendNotificationOnce } from '../mail';
import { deliverPlain } from '../../integrations/transfer/plain';
import { deliverXFall } from '../../integrations/transfer/xfall';
import { safeFolderName } from '../../integrations/transfer/filenames';
import { buildAusgabeXml } from '../../integrations/transfer/ausgabe-xml';
import { findVersion } from '../../db/stores/formular';
import { ausgabeDaten, type Ausgabeformat } from '../../domain/formular/ausgabe';
import { LEDGER_DIR } from '../../integrations/transfer/cleanup';
import { isDeliveryError, type AntragPackage, type DeliveryResult } from '../../integrations/transfer/types';
import { paymentInformation, type SubmissionRef } from '../../integrations/fitconnect/client';
import { appendEreignis, setAntragStatus } from '../../db/stores/antrag-ereignis';
import { findAntrag, findZahlung, findZustellung } from '../../db/stores/antrag';
import { findAktivierung } from '../../db/stores/aktivierung';
import { listZustellDateien } from '../../db/stores/antrag-dokumente';
import {
  countWartende,
  incrementZustellversuche,
  insertZustellung,
  markEndpunktAlerted,
  markTransferGeloescht,
  markZustellungDelivered,
  markZustellungWaiting,
  recordEndpunktDown,
  replaceZustellReferenz,
} from '../../db/stores/zustellung';
import type { AktivierungsKonfiguration } from './konfiguration';

type Zustellung = AktivierungsKonfiguration['zustellung'];

export function transferDir(deps: ActivityDeps, zustellung: Zustellung): string {
  const dir = zustellung.verzeichnis ?? '';
  return path.isAbsolute(dir) ? dir : path.join(required(deps, 'transferRoot'), safeFolderName(dir));
}

async function paket(deps: ActivityDeps, vn: string): Promise<AntragPackage> {
  const { db } = deps;
  const antrag = mustExist(await findAntrag(db, vn), `Antrag ${vn}`);
  if (!antrag.form_data || !antrag.eingegangen_am)
    throw ApplicationFailure.nonRetryable(`Antrag ${vn} has no data to deliver`, 'KeineDaten');
  const aktivierung = mustExist(
    await findAktivierung(db, antrag.aktivierung_id),
    `Aktivierung ${antrag.aktivierung_id}`,
  );
  const dateien = await listZustellDateien(db, vn);
  const pdf = dateien.find((d) => d.art === 'antrag-pdf');
  if (!pdf?.content) throw new Error(`PDF of ${vn} missing`); // retryable: the receipt activity writes it first
  // The Fachverfahren receives the answers where the version's output mapping puts them, not the form's keys.
  const version = await findVersion(db, antrag.onlinedienst_id, antrag.formular_version);
  const format = version?.definition.prozess.zustellung.ausgabeformat;
  const abbilden = (f: Ausgabeformat) => (version ? ausgabeDaten(version.definition, antrag.form_data!, f) : null);
  const kopf = {
    vorgangsnummer: vn,
    onlinedienstId: antrag.onlinedienst_id,
    mandantId: antrag.mandant_id,
    leistungId: aktivierung.leistung_id,
    submittedAt: antrag.eingegangen_am.toISOString(),
  };
  const xml = format === 'xml' ? abbilden('xml') : null;
  return {
    ...kopf,
    formData: {
      ...(abbilden(format === 'xfall' ? 'xfall' : 'json') ?? antrag.form_data),
      antragsteller: antrag.antragsteller,
    },
    ...(xml
      ? { ausgabeXml: buildAusgabeXml({ ...kopf, formData: {}, pdf: new Uint8Array(), attachments: [] }, xml) }
      : {}),
    pdf: new Uint8Array(pdf.content),
    attachments: dateien
      .filter((d) => d.art === 'anlage' && d.content)
      .map((d) => ({
        id: d.id.split(':').pop()!,
        fileName: d.file_name,
        mediaType: d.media_type,
        content: new Uint8Array(d.content!),
      })),
  };
}

/** A retry overlapped a still running attempt, which created the FIT-Connect submission first. */
class AndererVersuch extends Error {
  constructor(vn: string) {
    super(`Die Zustellung von ${vn} läuft bereits in einem anderen Versuch`);
  }
}

export async function zustellen(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; zustellung: Zustellung },
): Promise<{ referenz: string; zugestelltAm: string; bereitsZugestellt: boolean }> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const z = input.zustellung;
  await insertZustellung(db, { vorgangsnummer: vn, modus: z.modus, endpunkt: z.endpunkt });
  const before = mustExist(await findZustellung(db, vn), `Zustellung ${vn}`);
  if (before.zugestellt_am) {
    return {
      referenz: before.referenz ?? '',
      zugestelltAm: before.zugestellt_am.toISOString(),
      bereitsZugestellt: true,
    };
  }
  await incrementZustellversuche(db, vn);

  let result: DeliveryResult;
  try {
    const pkg = await paket(deps, vn);
    if (z.modus === 'transfer-plain') result = await deliverPlain(transferDir(deps, z), pkg);
    else if (z.modus === 'transfer-xfall') result = await deliverXFall(transferDir(deps, z), pkg);
    else {
      const sender = required(deps, 'fitconnect');
      const fc = z.fitconnect!;
      const existing = before.referenz ? (JSON.parse(before.referenz) as SubmissionRef) : undefined;
      // The fee, as the authority needs it to see that it is paid (no row: the Onlinedienst charges none).
      const zahlung = await findZahlung(db, vn);
      const delivered = await sender.deliverOrResume(
        pkg,
        {
          destinationId: fc.destinationId,
          schemaUri: fc.schemaUri,
          serviceIdentifier: `urn:de:fim:leika:leistung:${fc.leistungId}`,
          ...(zahlung
            ? {
                paymentInformation: paymentInformation({
                  kassenzeichen: zahlung.kassenzeichen,
                  transaktionsnummer: zahlung.transaktionsnummer,
                  status: zahlung.status,
                  betragCent: zahlung.betrag_cent,
                  zahlverfahren: zahlung.zahlverfahren,
                }),
              }
            : {}),
        },
        {
          existing,
          // Persist the submission before uploading, so a crash resumes this submission instead of creating another.
          // Another attempt that persisted one first wins; this one stops before sending any data.
          onCreated: async (ref) => {
            if (!(await replaceZustellReferenz(db, vn, before.referenz, JSON.stringify(ref)))) {
              throw new AndererVersuch(vn);
            }
          },
        },
      );
      result = {
        ...delivered,
        reference: JSON.stringify({
          destinationId: delivered.destinationId,
          submissionId: delivered.submissionId,
          caseId: delivered.caseId,
        }),
      };
    }
  } catch (err) {
    // Not the endpoint's fault: retried, and the retry finds the other attempt's submission delivered or resumes it.
    if (err instanceof AndererVersuch) throw ApplicationFailure.retryable(err.message, 'ZustellungLaeuftBereits');
    const retryable = !isDeliveryError(err) || err.retryable;
    await endpunktGestoert(deps, vn, z.endpunkt, (err as Error).message);
    if (!retryable) {
      throw ApplicationFailure.nonRetryable(`Zustellung abgelehnt: ${(err as Error).message}`, 'ZustellungAbgelehnt', {
        code: isDeliveryError(err) ? err.code : undefined,
      });
    }
    throw ApplicationFailure.retryable(
      `Endpunkt ${z.endpunkt} nicht erreichbar: ${(err as Error).message}`,
      'EndpunktNichtErreichbar',
    );
  }

  const zugestelltAm = result.deliveredAt;
  await markZustellungDelivered(db, {
    vorgangsnummer: vn,
    endpunkt: z.endpunkt,
    referenz: result.reference,
    zugestelltAm: new Date(zugestelltAm),
  });
  const antrag = mustExist(await findAntrag(db, vn), `Antrag ${vn}`);
  await setAntragStatus(db, vn, { status: 'zugestellt', zustell_status: 'zugestellt' });
  await appendAudit(db, {
    actor: 'system',
    action: 'antrag.zugestellt',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: { modus: z.modus, endpunkt: z.endpunkt, referenz: result.reference, versuche: before.versuche + 1 },
    idempotencyKey: `${vn}:zugestellt`,
  });
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'zugestellt',
    key: `${vn}:zugestellt`,
    text: 'Ihr Antrag wurde der zuständigen Stelle zugestellt.',
  });
  return { referenz: result.reference, zugestelltAm, bereitsZugestellt: result.alreadyDelivered };
}

async function endpunktGestoert(deps: ActivityDeps, vn: string, endpunkt: string, fehler: string): Promise<void> {
  const { db } = deps;
  // One transaction: whoever reads (the AWB board, /metrics) sees the waiting delivery and its endpoint down together.
  const status = await db.transaction().execute(async (trx) => {
    await markZustellungWaiting(trx, vn, fehler);
    return recordEndpunktDown(trx, endpunkt, fehler);
  });
  await setAntragStatus(db, vn, { zustell_status: 'wartet-auf-endpunkt' });
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'zustellung-verzoegert',
    key: `${vn}:zustellung-verzoegert`,
    text: 'Die Zustellung an die Behörde verzögert sich; sie wird automatisch nachgeholt.',
  });
  const downSince = status.down_since!;
  const alertAfter = deps.endpointAlertAfterMs ?? 4 * 3_600_000;
  const alreadyAlerted = status.alert_sent_for && status.alert_sent_for.getTime() === downSince.getTime();
  if (!alreadyAlerted && Date.now() - downSince.getTime() >= alertAfter && deps.awbEmail) {
    const wartend = await countWartende(db, endpunkt);
    await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: `endpunkt:${endpunkt}:${downSince.toISOString()}`,
      to: deps.awbEmail,
      subject: `Fachverfahren nicht erreichbar: ${endpunkt}`,
      text:
        `Der Endpunkt ${endpunkt} ist seit ${downSince.toISOString()} nicht erreichbar.\n` +
        `Wartende Anträge: ${wartend}\nLetzter Fehler: ${fehler}\n\n` +
        'Die Anträge werden automatisch zugestellt, sobald der Endpunkt wieder erreichbar ist.\n',
    });
    await markEndpunktAlerted(db, endpunkt, downSince);
  }
}

/** Removes the Vorgang from the Transferverzeichnis after the retention period (default 90 days). */
export async function transferLoeschen(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; zustellung: Zustellung },
): Promise<{ geloescht: string[] }> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const geloescht: string[] = [];
  if (input.zustellung.modus !== 'fitconnect') {
    const dir = transferDir(deps, input.zustellung);
    const stem = safeFolderName(vn);
    for (const name of [stem, `${stem}.xml`, path.join(LEDGER_DIR, stem), path.join(LEDGER_DIR, `${stem}.xml`)]) {
      const target = path.join(dir, name);
      try {
        await fs.rm(target, { recursive: true });
        geloescht.push(name);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
  await markTransferGeloescht(db, vn);
  const antrag = mustExist(await findAntrag(db, vn), `Antrag ${vn}`);
  await appendAudit(db, {
    actor: 'system',
    action: 'transfer.geloescht',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: { geloescht, modus: input.zustellung.modus },
    idempotencyKey: `${vn}:transfer-geloescht`,
  });
  return { geloescht };
}
