// A task that names the form+process version (Prototyp bereitgestellt, Übernahme beantragt) must name one that is
// stored for this Onlinedienst: on the Entwicklungssystem when the Prototyp is handed over, certified when the
// transfer is requested. Onlinedienste without any stored version (built elsewhere, by a Dienstleister) keep
// naming theirs freely.
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { listStages, listVersionen, versionAufStage } from '../../../db/stores/formular';
import { zertifiziere } from '../../../domain/formular/zertifizierung';
import { HttpProblem } from '../../problem';

const versionOf = (v: unknown): string | undefined =>
  typeof v === 'object' && v !== null && typeof (v as { version?: unknown }).version === 'string'
    ? (v as { version: string }).version
    : undefined;

const refuse = (name: string, reason: string, detail: string) =>
  new HttpProblem(422, 'Version passt nicht', detail, { invalidParams: [{ name, reason }] });

export async function pruefeFormularBezug(
  db: Kysely<Database>,
  onlinedienstId: string,
  taskId: string,
  fields: Record<string, unknown>,
): Promise<void> {
  if (taskId === 'zertifizierung') return pruefeZertifizierterHash(db, onlinedienstId, fields);
  if (taskId !== 'prototyp-bereitstellen' && taskId !== 'uebernahme-beantragen') return;
  const version = versionOf(fields.formular);
  if (version === undefined) return; // the workflow names the missing field
  const versionen = await listVersionen(db, onlinedienstId);
  if (versionen.length === 0) return;
  const row = versionen.find((v) => v.version === version);
  if (!row) {
    throw refuse('formular.version', 'Version unbekannt', `Von ${onlinedienstId} gibt es keine Version ${version}.`);
  }
  if (taskId === 'prototyp-bereitstellen') {
    const dev = (await listStages(db, onlinedienstId)).find((s) => s.stage === 'entwicklung');
    if (dev?.version !== version || dev.content_hash !== row.content_hash) {
      throw refuse(
        'formular.version',
        'nicht auf dem Entwicklungssystem',
        `Version ${version} läuft nicht auf dem Entwicklungssystem; erst bereitstellen, dann übergeben.`,
      );
    }
    return;
  }
  if (row.zertifiziert_hash !== row.content_hash) {
    throw refuse('formular.version', 'nicht zertifiziert', `Version ${version} ist nicht zertifiziert.`);
  }
  if (versionOf(fields.prozess) !== version) {
    throw refuse(
      'prozess.version',
      'muss die Version des Formulars sein',
      `Prozess und Formular sind eine Definition: Version ${version}.`,
    );
  }
}

/** A Zertifizierer naming the hash judged names the version on the Entwicklungssystem, which "bestanden" certifies. */
async function pruefeZertifizierterHash(
  db: Kysely<Database>,
  onlinedienstId: string,
  fields: Record<string, unknown>,
): Promise<void> {
  if (typeof fields.inhaltsHash !== 'string' || fields.ergebnis !== 'bestanden') return;
  const row = await versionAufStage(db, onlinedienstId, ['entwicklung']);
  if (row?.content_hash !== fields.inhaltsHash) {
    throw refuse(
      'inhaltsHash',
      'nicht die Version auf dem Entwicklungssystem',
      row
        ? `Auf dem Entwicklungssystem läuft Version ${row.version} mit Hash ${row.content_hash}.`
        : 'Auf dem Entwicklungssystem läuft keine Version.',
    );
  }
}

interface TaskWithPayload {
  id: string;
  payload?: Record<string, unknown>;
}

/**
 * The independent Zertifizierer decides, but sees what the automatic checks find in the version on the
 * Entwicklungssystem: the open Zertifizierung task carries them (version, hash, findings by JSON pointer).
 */
export async function mitAutomatischenBefunden<V extends { openTasks: TaskWithPayload[] }>(
  db: Kysely<Database>,
  onlinedienstId: string,
  view: V,
): Promise<V> {
  if (!view.openTasks.some((t) => t.id === 'zertifizierung')) return view;
  const row = await versionAufStage(db, onlinedienstId, ['entwicklung']);
  if (!row) return view;
  const ergebnis = zertifiziere(row.definition);
  const automatischePruefung = {
    version: row.version,
    contentHash: row.content_hash,
    regelwerk: ergebnis.regelwerk,
    bestanden: ergebnis.bestanden,
    befunde: ergebnis.befunde,
  };
  return {
    ...view,
    openTasks: view.openTasks.map((t) =>
      t.id === 'zertifizierung' ? { ...t, payload: { ...t.payload, automatischePruefung } } : t,
    ),
  };
}
