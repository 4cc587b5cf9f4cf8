// The demo Onlinedienste's form+process definitions as version 1.0: certified by the automatic certification (its
// evidence stored like any other) and running on both stages, as they did when their forms were code.
import type { Kysely } from 'kysely';
import { DEMO_DEFINITIONEN } from '../domain/formular/demo-definitionen';
import { definitionSchema } from '../domain/formular/format';
import { zertifiziere } from '../domain/formular/zertifizierung';
import type { Database } from './schema';
import { inhaltsHash } from './stores/formular';

export async function seedFormulare(trx: Kysely<Database>): Promise<void> {
  for (const demo of DEMO_DEFINITIONEN) {
    const definition = definitionSchema.parse(demo.definition);
    const hash = inhaltsHash(definition);
    const ergebnis = zertifiziere(definition);
    if (!ergebnis.bestanden)
      throw new Error(`demo definition ${demo.onlinedienstId}: ${JSON.stringify(ergebnis.befunde)}`);
    const inserted = await trx
      .insertInto('formular_definition')
      .values({
        onlinedienst_id: demo.onlinedienstId,
        version: demo.version,
        definition: JSON.stringify(definition),
        content_hash: hash,
        zertifiziert_hash: hash,
        created_by: 'seed',
      })
      .onConflict((oc) => oc.columns(['onlinedienst_id', 'version']).doNothing())
      .returning('version')
      .executeTakeFirst();
    if (!inserted) continue;
    await trx
      .insertInto('formular_zertifizierung')
      .values({
        onlinedienst_id: demo.onlinedienstId,
        version: demo.version,
        content_hash: hash,
        regelwerk: ergebnis.regelwerk,
        bestanden: true,
        befunde: JSON.stringify([]),
        geprueft_von: 'seed',
      })
      .execute();
    await trx
      .insertInto('formular_stage')
      .values(
        (['entwicklung', 'produktion'] as const).map((stage) => ({
          onlinedienst_id: demo.onlinedienstId,
          stage,
          version: demo.version,
          content_hash: hash,
          deployed_by: 'seed',
        })),
      )
      .onConflict((oc) => oc.columns(['onlinedienst_id', 'stage']).doNothing())
      .execute();
  }
}
