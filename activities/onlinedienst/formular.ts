// The lifecycle's hold on the form+process definition: the Blaupause's automatic certification of the version on
// the Entwicklungssystem (evidence stored, bound to the hash it judged) and the transfer of exactly the certified
// hash to the Produktivsystem. Both are idempotent by content: the same hash gives the same result and the same stage.
import { ApplicationFailure } from '@temporalio/activity';
import { appendAudit } from '../../db/stores/audit';
import {
  deployStage,
  findVersion,
  insertZertifizierung,
  listZertifizierungen,
  versionAufStage,
} from '../../db/stores/formular';
import { aenderungsumfang } from '../../domain/formular/aenderungsumfang';
import type { Befund } from '../../domain/formular/befund';
import { zertifiziere } from '../../domain/formular/zertifizierung';
import type { ActivityDeps } from '../deps';

export const AUTOMATIK = 'automatische-zertifizierung';

export interface AutoZertifizierung {
  /** false: nothing runs on the Entwicklungssystem to certify */
  gefunden: boolean;
  version?: string;
  contentHash?: string;
  bestanden?: boolean;
  befunde?: Befund[];
  /** the evidence's reference, e.g. `AUTO-12-3f9a…` */
  zertifikat?: string;
}

export const zertifikatsReferenz = (id: number, hash: string) => `AUTO-${id}-${hash.slice(0, 12)}`;

export async function zertifiziereAufEntwicklung(
  deps: ActivityDeps,
  input: { onlinedienstId: string },
): Promise<AutoZertifizierung> {
  const row = await versionAufStage(deps.db, input.onlinedienstId, ['entwicklung']);
  if (!row) return { gefunden: false };
  // A retry finds the evidence of its first attempt: the checks are a function of the content.
  const earlier = (await listZertifizierungen(deps.db, input.onlinedienstId, row.version)).find(
    (z) => z.content_hash === row.content_hash && z.geprueft_von === AUTOMATIK,
  );
  const evidence =
    earlier ??
    (await insertZertifizierung(deps.db, {
      onlinedienstId: input.onlinedienstId,
      version: row.version,
      contentHash: row.content_hash,
      ergebnis: zertifiziere(row.definition),
      by: AUTOMATIK,
    }));
  return {
    gefunden: true,
    version: row.version,
    contentHash: row.content_hash,
    bestanden: evidence.bestanden,
    befunde: evidence.befunde as Befund[],
    zertifikat: zertifikatsReferenz(evidence.id, row.content_hash),
  };
}

/** Deploys the certified content to production; refuses (non-retryable) a version whose certified hash differs. */
export async function uebertrageAufProduktion(
  deps: ActivityDeps,
  input: { onlinedienstId: string; version: string; contentHash: string; by: string; ticketId: string },
): Promise<void> {
  const row = await findVersion(deps.db, input.onlinedienstId, input.version);
  if (!row || row.zertifiziert_hash !== input.contentHash || row.content_hash !== input.contentHash) {
    throw ApplicationFailure.create({
      type: 'NichtZertifiziert',
      nonRetryable: true,
      message: `Version ${input.version} mit Hash ${input.contentHash} ist nicht zertifiziert.`,
    });
  }
  await deployStage(deps.db, {
    onlinedienstId: input.onlinedienstId,
    stage: 'produktion',
    version: input.version,
    contentHash: input.contentHash,
    by: input.by,
  });
  await appendAudit(deps.db, {
    actor: input.by,
    action: 'formular.bereitgestellt',
    subjectType: 'onlinedienst',
    subjectId: input.onlinedienstId,
    details: { version: input.version, stage: 'produktion', contentHash: input.contentHash, ticketId: input.ticketId },
    idempotencyKey: `produktion:${input.ticketId}:${input.contentHash}`,
  });
}

export interface Umfang {
  /** false: no stored version on one of the two stages; the size is unknown and counts as large */
  gefunden: boolean;
  version?: string;
  contentHash?: string;
  produktionVersion?: string;
  umfang: 'klein' | 'gross';
  gruende: string[];
}

/** The size of a change: the version on the Entwicklungssystem against the one still serving on the Produktivsystem. */
export async function pruefeAenderungsumfang(deps: ActivityDeps, input: { onlinedienstId: string }): Promise<Umfang> {
  const [neu, alt] = await Promise.all([
    versionAufStage(deps.db, input.onlinedienstId, ['entwicklung']),
    versionAufStage(deps.db, input.onlinedienstId, ['produktion']),
  ]);
  if (!neu || !alt) {
    return { gefunden: false, umfang: 'gross', gruende: ['Keine gespeicherte Version zum Vergleich'] };
  }
  return {
    gefunden: true,
    version: neu.version,
    contentHash: neu.content_hash,
    produktionVersion: alt.version,
    ...aenderungsumfang(alt.definition, neu.definition),
  };
}

export const PRUEFER_REGELWERK = 'unabhaengige-zertifizierung';

/**
 * The independent Zertifizierer's "bestanden" certifies the version on the Entwicklungssystem (the one whose
 * findings the task showed), bound to its content hash as the automatic path does: the version becomes immutable.
 * `contentHash`, when the Zertifizierer named it, must be that version's. A retry finds its first evidence.
 */
export async function zertifiziereDurchPruefer(
  deps: ActivityDeps,
  input: { onlinedienstId: string; by: string; zertifikat: string; contentHash?: string },
): Promise<{ gebunden: boolean; version?: string; contentHash?: string }> {
  const row = await versionAufStage(deps.db, input.onlinedienstId, ['entwicklung']);
  if (!row || (input.contentHash !== undefined && input.contentHash !== row.content_hash)) return { gebunden: false };
  const earlier = (await listZertifizierungen(deps.db, input.onlinedienstId, row.version)).find(
    (z) => z.content_hash === row.content_hash && z.geprueft_von === input.by && z.regelwerk === PRUEFER_REGELWERK,
  );
  if (!earlier) {
    // The automatic findings go with the evidence as what the Zertifizierer saw; the decision was theirs.
    const automatisch = zertifiziere(row.definition);
    await insertZertifizierung(deps.db, {
      onlinedienstId: input.onlinedienstId,
      version: row.version,
      contentHash: row.content_hash,
      ergebnis: { regelwerk: PRUEFER_REGELWERK, bestanden: true, befunde: automatisch.befunde },
      by: input.by,
    });
    await appendAudit(deps.db, {
      actor: input.by,
      action: 'formular.zertifizierung.bestanden',
      subjectType: 'onlinedienst',
      subjectId: input.onlinedienstId,
      details: { version: row.version, contentHash: row.content_hash, zertifikat: input.zertifikat },
      idempotencyKey: `pruefer:${input.onlinedienstId}:${row.content_hash}:${input.by}`,
    });
  }
  return { gebunden: true, version: row.version, contentHash: row.content_hash };
}
