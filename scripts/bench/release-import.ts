// bench:release, preparation (not timed): N Onlinedienste already in production, registered as the API registers
// them (onlinedienst and lifecycle rows with a Prozesseigner mailbox) and their lifecycles started in Betrieb.
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { REAL_TIME } from '../../domain/clock';
import { lifecycleWorkflowId, type LifecycleInput } from '../../messages/onlinedienst';
import { LifecyclePhaseKey, MandantIdKey, OnlinedienstIdKey, ProzesseignerKey } from '../../messages/search-attributes';
import { pool } from './load';

const MANDANTEN = 138; // Mandanten using processes in 2023: one Prozesseigner mailbox each
const FEATURES = [['payment'], ['xfall'], ['form:upload'], ['fitconnect'], ['fitconnect', 'form']];

export interface ImportOptions {
  db: Kysely<Database>;
  client: Client;
  /** `${prefix}-00000` … */
  ids: string[];
  prefix: string;
  taskQueue: string;
  concurrency: number;
}

export async function importLifecycles({
  db,
  client,
  ids,
  prefix,
  taskQueue,
  concurrency,
}: ImportOptions): Promise<void> {
  const n = ids.length;
  for (let i = 0; i < n; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    await db
      .insertInto('onlinedienst')
      .values(
        chunk.map((id, j) => ({
          id,
          name: `Onlinedienst ${id}`,
          prozess_name: `P-${id}`,
          prozess_version: 'v1.0',
          formular_name: `F-${id}`,
          formular_version: 'v1.0',
          prozesseigner: `pe-${(i + j) % MANDANTEN}`,
          features: JSON.stringify(FEATURES[(i + j) % FEATURES.length]),
        })),
      )
      .execute();
    await db
      .insertInto('lifecycle')
      .values(
        chunk.map((id, j) => ({
          onlinedienst_id: id,
          workflow_id: lifecycleWorkflowId(id),
          name: `Onlinedienst ${id}`,
          mandant_id: 'leipzig',
          prozesseigner: `pe-${(i + j) % MANDANTEN}`,
          kontakte: JSON.stringify({ prozesseigner: `pe-${(i + j) % MANDANTEN}@bench.example` }),
          feature_tags: JSON.stringify(FEATURES[(i + j) % FEATURES.length]),
          mandanten: JSON.stringify(['leipzig']),
          phase: 'betrieb',
          clock: JSON.stringify(REAL_TIME),
          seq: 0,
          ended_at: null,
          gate: null,
          release_check_state: null,
        })),
      )
      .execute();
  }
  await pool(ids, concurrency, async (id) => {
    const i = Number(id.slice(prefix.length + 1));
    const input: LifecycleInput = {
      onlinedienstId: id,
      name: `Onlinedienst ${id}`,
      mandantId: 'leipzig',
      prozesseigner: `pe-${i % MANDANTEN}`,
      startedBy: 'bench',
      featureTags: FEATURES[i % FEATURES.length]!,
      bestand: {
        prozess: { name: `P-${id}`, version: 'v1.0' },
        formular: { name: `F-${id}`, version: 'v1.0' },
        zertifizierungsReferenz: 'Z-B',
        aktivierteMandanten: ['leipzig'],
      },
    };
    await client.workflow.start('onlinedienstLifecycleWorkflow', {
      workflowId: lifecycleWorkflowId(id),
      taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: OnlinedienstIdKey, value: id },
        { key: MandantIdKey, value: 'leipzig' },
        { key: ProzesseignerKey, value: input.prozesseigner },
        { key: LifecyclePhaseKey, value: 'betrieb' },
      ],
    });
  });
}
