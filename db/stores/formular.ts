// Versions of an Onlinedienst's form+process definition, their certification evidence and their stages. A version
// is named by its number and its content hash; a new version gets the next number, an upload identical to the
// latest version is that version again.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Befund } from '../../domain/formular/befund';
import { canonicalJson } from '../../domain/formular/definition';
import type { Definition } from '../../domain/formular/format';
import type { Zertifizierungsergebnis } from '../../domain/formular/zertifizierung';
import type {
  Database,
  FormularDefinitionTable,
  FormularStageTable,
  FormularZertifizierungTable,
  Stage,
} from '../schema';

export type FormularVersion = Selectable<FormularDefinitionTable>;
export type FormularZertifizierung = Selectable<FormularZertifizierungTable>;
export type FormularStage = Selectable<FormularStageTable>;

export function inhaltsHash(def: Definition): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex');
}

const versionOrder = sql<number>`string_to_array(version, '.')::int[]`;

export async function listVersionen(db: Kysely<Database>, onlinedienstId: string): Promise<FormularVersion[]> {
  return db
    .selectFrom('formular_definition')
    .selectAll()
    .where('onlinedienst_id', '=', onlinedienstId)
    .orderBy(versionOrder)
    .execute();
}

export async function findVersion(
  db: Kysely<Database>,
  onlinedienstId: string,
  version: string,
): Promise<FormularVersion | undefined> {
  return db
    .selectFrom('formular_definition')
    .selectAll()
    .where('onlinedienst_id', '=', onlinedienstId)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** The next version ("2.0" after "1.0"); an upload equal to the latest version returns that one (created: false). */
export async function insertVersion(
  db: Kysely<Database>,
  v: { onlinedienstId: string; definition: Definition; createdBy: string; version?: string },
): Promise<{ row: FormularVersion; created: boolean }> {
  const hash = inhaltsHash(v.definition);
  return db.transaction().execute(async (trx) => {
    // One writer per Onlinedienst at a time, so two uploads never take the same number.
    await trx.selectFrom('onlinedienst').select('id').where('id', '=', v.onlinedienstId).forUpdate().execute();
    const latest = await trx
      .selectFrom('formular_definition')
      .selectAll()
      .where('onlinedienst_id', '=', v.onlinedienstId)
      .orderBy(versionOrder, 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest && latest.content_hash === hash && !v.version) return { row: latest, created: false };
    const version = v.version ?? `${latest ? Number(latest.version.split('.')[0]) + 1 : 1}.0`;
    const row = await trx
      .insertInto('formular_definition')
      .values({
        onlinedienst_id: v.onlinedienstId,
        version,
        definition: JSON.stringify(v.definition),
        content_hash: hash,
        zertifiziert_hash: null,
        created_by: v.createdBy,
      })
      .onConflict((oc) => oc.columns(['onlinedienst_id', 'version']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return { row, created: true };
    return { row: (await findVersion(trx, v.onlinedienstId, version))!, created: false };
  });
}

/** Replaces a draft's content; undefined when the version is certified (the trigger would refuse it anyway). */
export async function updateEntwurf(
  db: Kysely<Database>,
  onlinedienstId: string,
  version: string,
  definition: Definition,
): Promise<FormularVersion | undefined> {
  return db
    .updateTable('formular_definition')
    .set({ definition: JSON.stringify(definition), content_hash: inhaltsHash(definition), updated_at: new Date() })
    .where('onlinedienst_id', '=', onlinedienstId)
    .where('version', '=', version)
    .where((eb) => eb.or([eb('zertifiziert_hash', 'is', null), eb('zertifiziert_hash', '!=', eb.ref('content_hash'))]))
    .returningAll()
    .executeTakeFirst();
}

/** Stores the evidence; a passed result marks the version certified, for exactly the content it judged. */
export async function insertZertifizierung(
  db: Kysely<Database>,
  v: { onlinedienstId: string; version: string; contentHash: string; ergebnis: Zertifizierungsergebnis; by: string },
): Promise<FormularZertifizierung> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('formular_zertifizierung')
      .values({
        onlinedienst_id: v.onlinedienstId,
        version: v.version,
        content_hash: v.contentHash,
        regelwerk: v.ergebnis.regelwerk,
        bestanden: v.ergebnis.bestanden,
        befunde: JSON.stringify(v.ergebnis.befunde satisfies Befund[]),
        geprueft_von: v.by,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (v.ergebnis.bestanden) {
      await trx
        .updateTable('formular_definition')
        .set({ zertifiziert_hash: v.contentHash })
        .where('onlinedienst_id', '=', v.onlinedienstId)
        .where('version', '=', v.version)
        .where('content_hash', '=', v.contentHash)
        .execute();
    }
    return row;
  });
}

export async function listZertifizierungen(
  db: Kysely<Database>,
  onlinedienstId: string,
  version: string,
): Promise<FormularZertifizierung[]> {
  return db
    .selectFrom('formular_zertifizierung')
    .selectAll()
    .where('onlinedienst_id', '=', onlinedienstId)
    .where('version', '=', version)
    .orderBy('id')
    .execute();
}

export async function deployStage(
  db: Kysely<Database>,
  v: { onlinedienstId: string; stage: Stage; version: string; contentHash: string; by: string },
): Promise<FormularStage> {
  return db
    .insertInto('formular_stage')
    .values({
      onlinedienst_id: v.onlinedienstId,
      stage: v.stage,
      version: v.version,
      content_hash: v.contentHash,
      deployed_by: v.by,
    })
    .onConflict((oc) =>
      oc.columns(['onlinedienst_id', 'stage']).doUpdateSet({
        version: v.version,
        content_hash: v.contentHash,
        deployed_by: v.by,
        deployed_at: new Date(),
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listStages(db: Kysely<Database>, onlinedienstId: string): Promise<FormularStage[]> {
  return db
    .selectFrom('formular_stage')
    .selectAll()
    .where('onlinedienst_id', '=', onlinedienstId)
    .orderBy('stage')
    .execute();
}

/** The version running on the first of the stages that has one, with its definition. */
export async function versionAufStage(
  db: Kysely<Database>,
  onlinedienstId: string,
  stages: readonly Stage[],
): Promise<FormularVersion | undefined> {
  const rows = await db
    .selectFrom('formular_stage as s')
    .innerJoin('formular_definition as d', (j) =>
      j.onRef('d.onlinedienst_id', '=', 's.onlinedienst_id').onRef('d.version', '=', 's.version'),
    )
    .selectAll('d')
    .select('s.stage')
    .where('s.onlinedienst_id', '=', onlinedienstId)
    .where('s.stage', 'in', [...stages])
    .execute();
  for (const stage of stages) {
    const hit = rows.find((r) => r.stage === stage);
    if (hit) {
      const { stage: _stage, ...row } = hit;
      return row;
    }
  }
  return undefined;
}

/**
 * The version whose Prozessparameter an activation keeps: the one in production, else the one on the
 * Entwicklungssystem, else the latest. Undefined: the Onlinedienst has no definition yet.
 */
export async function massgeblicheVersion(
  db: Kysely<Database>,
  onlinedienstId: string,
): Promise<FormularVersion | undefined> {
  const staged = await versionAufStage(db, onlinedienstId, ['produktion', 'entwicklung']);
  if (staged) return staged;
  const all = await listVersionen(db, onlinedienstId);
  return all[all.length - 1];
}

/**
 * The Prozessparameter an activation may set: those of the version that counts now, plus those a new version on
 * the Entwicklungssystem declares besides (a change in Betrieb: the Mandant sets them before the switch). For a name
 * both declare, the version serving now decides the type. Null: no definition stored.
 */
export async function deklarierteParameter(
  db: Kysely<Database>,
  onlinedienstId: string,
): Promise<Definition['prozess']['parameter'] | null> {
  const jetzt = await massgeblicheVersion(db, onlinedienstId);
  if (!jetzt) return null;
  const neu = await versionAufStage(db, onlinedienstId, ['entwicklung']);
  const eigene = jetzt.definition.prozess.parameter;
  if (!neu || neu.content_hash === jetzt.content_hash) return eigene;
  const namen = new Set(eigene.map((p) => p.name));
  return [...eigene, ...neu.definition.prozess.parameter.filter((p) => !namen.has(p.name))];
}
