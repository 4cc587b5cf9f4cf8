// Form+process definitions as versioned data (domain/formular/format.ts): the versions of each Onlinedienst with
// their content hash, the evidence of each automatic certification (bound to the hash it judged), and which version
// runs on which stage. A certified version can no longer change or disappear; the database itself refuses it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('formular_definition')
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull().references('onlinedienst.id'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    // sha-256 of the definition's canonical JSON (keys sorted, no whitespace)
    .addColumn('content_hash', 'text', (c) => c.notNull())
    // the content hash a passed certification judged; equal to content_hash while the version is certified
    .addColumn('zertifiziert_hash', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('formular_definition_pk', ['onlinedienst_id', 'version'])
    .execute();
  await sql`
    create function formular_definition_immutable() returns trigger language plpgsql as $$
    begin
      if old.zertifiziert_hash is not null and old.zertifiziert_hash = old.content_hash then
        if tg_op = 'DELETE' or new.content_hash <> old.content_hash or new.definition <> old.definition then
          raise exception 'formular_definition %/% is certified and immutable (% refused)',
            old.onlinedienst_id, old.version, tg_op using errcode = 'P0001';
        end if;
      end if;
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger formular_definition_certified_immutable before update or delete on formular_definition
      for each row execute function formular_definition_immutable()`.execute(db);

  await db.schema
    .createTable('formular_zertifizierung')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('regelwerk', 'text', (c) => c.notNull())
    .addColumn('bestanden', 'boolean', (c) => c.notNull())
    .addColumn('befunde', 'jsonb', (c) => c.notNull())
    .addColumn('geprueft_von', 'text', (c) => c.notNull())
    .addColumn('geprueft_am', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('formular_zertifizierung_version_fk', ['onlinedienst_id', 'version'], 'formular_definition', [
      'onlinedienst_id',
      'version',
    ])
    .execute();
  await db.schema
    .createIndex('formular_zertifizierung_version_idx')
    .on('formular_zertifizierung')
    .columns(['onlinedienst_id', 'version', 'id'])
    .execute();

  await db.schema
    .createTable('formular_stage')
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull().check(sql`stage in ('entwicklung', 'produktion')`))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('deployed_by', 'text', (c) => c.notNull())
    .addColumn('deployed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('formular_stage_pk', ['onlinedienst_id', 'stage'])
    .addForeignKeyConstraint('formular_stage_version_fk', ['onlinedienst_id', 'version'], 'formular_definition', [
      'onlinedienst_id',
      'version',
    ])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('formular_stage').execute();
  await db.schema.dropTable('formular_zertifizierung').execute();
  await db.schema.dropTable('formular_definition').execute();
  await sql`drop function formular_definition_immutable()`.execute(db);
}
