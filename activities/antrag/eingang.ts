// Receipt of an Antrag: the PDF of exactly what was submitted (its hash into the audit log), the timeline entry
// and the Eingangsbestätigung. Each part is idempotent, so a retried activity completes what is missing.
import { createHash } from 'node:crypto';
import type { ActivityDeps } from '../deps';
import { mustExist, required } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { sendNotificationOnce } from '../mail';
import { datumZeit } from '../../domain/anzeige';
import { formularAnsicht } from '../../domain/formular/ansicht';
import { findVersion } from '../../db/stores/formular';
import { statusToken } from '../../runtime/tokens';
import { appendEreignis, markAntragEingegangen } from '../../db/stores/antrag-ereignis';
import { findAntrag, insertDatei } from '../../db/stores/antrag';
import { findAntragPdfHash, listAnlagen } from '../../db/stores/antrag-dokumente';
import { findMandant } from '../../db/stores/mandant';
import { ladeKonfiguration, type AktivierungsKonfiguration } from './konfiguration';
import { renderAntragPdf } from './pdf';

export function statusUrl(deps: ActivityDeps, vorgangsnummer: string): string {
  return `${required(deps, 'publicBaseUrl')}/status/${statusToken(required(deps, 'linkKeys').status, vorgangsnummer)}`;
}

export async function antragEingang(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; eingegangenAm: string },
): Promise<{ konfiguration: AktivierungsKonfiguration; pdfSha256: string }> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const antrag = mustExist(await findAntrag(db, vn), `Antrag ${vn}`);
  // The version the Antrag was submitted with decides its steps, however the Onlinedienst has changed since.
  const version = await findVersion(db, antrag.onlinedienst_id, antrag.formular_version);
  const konfiguration = await ladeKonfiguration(
    db,
    required(deps, 'parameterKey'),
    antrag.aktivierung_id,
    version ? { definition: version.definition, daten: antrag.form_data ?? {} } : undefined,
  );

  await markAntragEingegangen(db, vn, new Date(input.eingegangenAm));

  let pdf = await findAntragPdfHash(db, vn);
  if (!pdf) {
    if (!version) throw new Error(`Formular ${antrag.onlinedienst_id}@${antrag.formular_version} unbekannt`);
    const formular = formularAnsicht(version.definition, version.version);
    const mandant = mustExist(await findMandant(db, antrag.mandant_id), `Mandant ${antrag.mandant_id}`);
    const anlagen = await listAnlagen(db, vn);
    const bytes = await renderAntragPdf({
      vorgangsnummer: vn,
      eingegangenAm: input.eingegangenAm,
      formular,
      mandantName: mandant.name,
      daten: antrag.form_data ?? {},
      antragsteller: antrag.antragsteller ?? { name: '–', email: '–' },
      anlagen: anlagen.map((a) => ({ fileName: a.file_name, size: a.size, sha256: a.sha256 })),
      test: antrag.test,
    });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await insertDatei(db, {
      id: `${vn}:antrag-pdf`,
      vorgangsnummer: vn,
      art: 'antrag-pdf',
      fileName: `Antrag-${vn}.pdf`,
      mediaType: 'application/pdf',
      content: Buffer.from(bytes),
      sha256,
    });
    pdf = mustExist(await findAntragPdfHash(db, vn), `PDF of ${vn}`);
  }

  await appendAudit(db, {
    actor: 'system',
    action: 'antrag.eingegangen',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: antrag.mandant_id,
    details: {
      pdfSha256: pdf.sha256,
      onlinedienstId: antrag.onlinedienst_id,
      formularVersion: antrag.formular_version,
      test: antrag.test,
    },
    idempotencyKey: `${vn}:eingang`,
  });
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'eingegangen',
    key: `${vn}:eingegangen`,
    text: 'Ihr Antrag ist eingegangen.',
    details: { eingegangenAm: input.eingegangenAm },
  });
  if (antrag.antragsteller) {
    await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: `${vn}:eingangsbestaetigung`,
      to: antrag.antragsteller.email,
      subject: `Eingangsbestätigung – Vorgangsnummer ${vn}`,
      text:
        `Guten Tag ${antrag.antragsteller.name},\n\n` +
        `Ihr Antrag ist am ${formatBerlin(input.eingegangenAm)} eingegangen.\n` +
        `Vorgangsnummer: ${vn}\n\n` +
        `Den Stand Ihres Antrags sehen Sie jederzeit hier:\n${statusUrl(deps, vn)}\n\n` +
        'Bitte bewahren Sie diese Nachricht auf.\n\nIhr Amt24-Serviceportal Sachsen\n',
    });
  }
  return { konfiguration, pdfSha256: pdf.sha256 };
}

export function formatBerlin(iso: string): string {
  return datumZeit(new Date(iso));
}
