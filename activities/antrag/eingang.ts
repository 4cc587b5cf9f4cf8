// Receipt of an Antrag: the PDF of exactly what was submitted (its hash into the audit log), the timeline entry
// and the Eingangsbestätigung. Each part is idempotent, so a retried activity completes what is missing.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ActivityDeps } from '../deps';
import { required } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { sendNotificationOnce } from '../mail';
import { findFormular } from '../../domain/formulare';
import { statusToken } from '../../runtime/tokens';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import { ladeKonfiguration, type AktivierungsKonfiguration } from './konfiguration';
import { renderAntragPdf } from './pdf';

export function statusUrl(deps: ActivityDeps, vorgangsnummer: string): string {
  return `${required(deps, 'publicBaseUrl')}/status/${statusToken(required(deps, 'linkSecret'), vorgangsnummer)}`;
}

export async function antragEingang(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; eingegangenAm: string },
): Promise<{ konfiguration: AktivierungsKonfiguration; pdfSha256: string }> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const antrag = await db.selectFrom('antrag').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirstOrThrow();
  const konfiguration = await ladeKonfiguration(db, required(deps, 'parameterKey'), antrag.aktivierung_id);

  await db
    .updateTable('antrag')
    .set({
      eingegangen_am: sql`coalesce(eingegangen_am, ${new Date(input.eingegangenAm)})`,
      status: 'eingegangen',
      updated_at: sql`now()`,
    })
    .where('vorgangsnummer', '=', vn)
    .where('status', '=', 'angenommen')
    .execute();

  let pdf = await db
    .selectFrom('antrag_datei')
    .select(['sha256'])
    .where('id', '=', `${vn}:antrag-pdf`)
    .executeTakeFirst();
  if (!pdf) {
    const formular = findFormular(antrag.onlinedienst_id, antrag.formular_version);
    if (!formular) throw new Error(`Formular ${antrag.onlinedienst_id}@${antrag.formular_version} unbekannt`);
    const mandant = await db
      .selectFrom('mandant')
      .select('name')
      .where('id', '=', antrag.mandant_id)
      .executeTakeFirstOrThrow();
    const anlagen = await db
      .selectFrom('antrag_datei')
      .select(['file_name', 'size', 'sha256'])
      .where('vorgangsnummer', '=', vn)
      .where('art', '=', 'anlage')
      .orderBy('file_name')
      .execute();
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
    await db
      .insertInto('antrag_datei')
      .values({
        id: `${vn}:antrag-pdf`,
        vorgangsnummer: vn,
        art: 'antrag-pdf',
        file_name: `Antrag-${vn}.pdf`,
        media_type: 'application/pdf',
        size: bytes.length,
        sha256,
        content: Buffer.from(bytes),
        metadata: '{}',
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    pdf = await db
      .selectFrom('antrag_datei')
      .select(['sha256'])
      .where('id', '=', `${vn}:antrag-pdf`)
      .executeTakeFirstOrThrow();
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
  return new Intl.DateTimeFormat('de-DE', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(new Date(iso));
}
