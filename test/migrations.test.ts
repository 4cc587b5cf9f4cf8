import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createMigrator, migrateToLatest } from '../db/client';
import { migrations } from '../db/migrations';
import { appendAudit } from '../db/stores/audit';
import { createTestDatabase } from './harness/servers';

const { db } = await createTestDatabase('mig');
afterAll(() => db.destroy());

describe('migrations', () => {
  it('creates the first schema', async () => {
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'aktivierung',
        'audit_log',
        'behoerdenkonto',
        'kysely_migration',
        'kysely_migration_lock',
        'leistung',
        'leistung_oe',
        'mail_outbox',
        'mandant',
        'onlinedienst',
        'onlinedienst_leistung',
        'organisationseinheit',
        'prozessparameter',
      ]),
    );
  });

  it('is idempotent: running again applies nothing', async () => {
    const again = await migrateToLatest(db);
    expect(again.results).toEqual([]);
  });

  it('keeps the audit log append-only', async () => {
    const id = await appendAudit(db, {
      actor: 'test',
      action: 'probe',
      subjectType: 'test',
      subjectId: '1',
      idempotencyKey: 'mig-1',
    });
    const sameId = await appendAudit(db, {
      actor: 'test',
      action: 'probe',
      subjectType: 'test',
      subjectId: '1',
      idempotencyKey: 'mig-1',
    });
    expect(sameId).toBe(id);
    await expect(db.updateTable('audit_log').set({ action: 'forged' }).where('id', '=', id).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom('audit_log').where('id', '=', id).execute()).rejects.toThrow(/append-only/);
    const row = await db.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.action).toBe('probe');
  });

  it('refuses a protected Prozessparameter stored in plain text', async () => {
    await db
      .insertInto('mandant')
      .values({
        id: 'm1',
        name: 'M',
        impressum: null,
        datenschutzerklaerung_url: null,
        datenschutzbeauftragte_r: 'null',
        logo_url: null,
      })
      .execute();
    await db
      .insertInto('organisationseinheit')
      .values({ id: 'oe1', mandant_id: 'm1', name: 'OE', behoerdenkonto_id: null, email: null })
      .execute();
    await db.insertInto('leistung').values({ id: 'l1', name: 'L', beschreibung: null }).execute();
    await db
      .insertInto('onlinedienst')
      .values({
        id: 'od1',
        name: 'OD',
        prozess_name: 'p',
        prozess_version: '1',
        formular_name: 'f',
        formular_version: '1',
        prozesseigner: 'pe',
        features: '[]',
      })
      .execute();
    await db
      .insertInto('aktivierung')
      .values({ id: 'a1', onlinedienst_id: 'od1', mandant_id: 'm1', oe_id: 'oe1', leistung_id: 'l1', status: 'aktiv' })
      .execute();
    await expect(
      db
        .insertInto('prozessparameter')
        .values({ aktivierung_id: 'a1', key: 'secret', value: 'plain', value_encrypted: null, protected: true })
        .execute(),
    ).rejects.toThrow(/prozessparameter_protected_encrypted/);
    await db
      .insertInto('prozessparameter')
      .values({
        aktivierung_id: 'a1',
        key: 'secret',
        value: null,
        value_encrypted: Buffer.from([1, 2, 3]),
        protected: true,
      })
      .execute();
    const stored = await db
      .selectFrom('prozessparameter')
      .selectAll()
      .where('key', '=', 'secret')
      .executeTakeFirstOrThrow();
    expect(stored.value).toBeNull();
    expect(Buffer.from(stored.value_encrypted!)).toEqual(Buffer.from([1, 2, 3]));
  });

  it('migrates down to nothing and up again', async () => {
    const { db: fresh } = await createTestDatabase('migdown');
    try {
      const migrator = createMigrator(fresh);
      const names = Object.keys(migrations);
      for (let i = 0; i < names.length; i++) {
        const step = await migrator.migrateDown();
        expect(step.error).toBeUndefined();
      }
      const remaining = await sql<{
        n: number;
      }>`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'audit_log'`.execute(
        fresh,
      );
      expect(remaining.rows[0]!.n).toBe(0);
      const up = await migrateToLatest(fresh);
      expect(up.results?.map((r) => r.migrationName)).toEqual(names);
    } finally {
      await fresh.destroy();
    }
  });
});
