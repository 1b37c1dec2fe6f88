import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, postgresStore, type PostgresStoreOptions } from 'serviceflow/postgres';
import { migrationStatements } from '../internal/internals.js';
import { describeSnapshotStoreContract } from './contract.js';

// One embedded database for the whole file: PGlite takes seconds to boot, a TRUNCATE takes a millisecond.
let db: PGlite;
const custom: PostgresStoreOptions = { schema: 'helpdesk', tablePrefix: 'sf_' };

beforeAll(async () => {
  db = new PGlite();
  await migrate(db);
  await migrate(db, custom);
}, 120_000);

afterAll(async () => {
  await db.close();
});

async function emptyStore(options: PostgresStoreOptions = {}) {
  const prefix = options.tablePrefix ?? 'serviceflow_';
  const schema = options.schema === undefined ? '' : `"${options.schema}".`;
  await db.query(`TRUNCATE ${schema}"${prefix}snapshots", ${schema}"${prefix}journal"`);
  return { store: postgresStore(db, options), cleanup: async () => {} };
}

describeSnapshotStoreContract('postgresStore on PGlite', () => emptyStore(), { propertyRuns: 40 });
describeSnapshotStoreContract('postgresStore on PGlite, schema helpdesk + prefix sf_', () => emptyStore(custom), {
  propertyRuns: 10,
});

async function tablesIn(schema: string): Promise<string[]> {
  const result = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  return result.rows.map((row) => row.table_name);
}

describe('migrate on PGlite', () => {
  it('creates the snapshot and journal tables with the default prefix in the search path', async () => {
    expect(await tablesIn('public')).toEqual(expect.arrayContaining(['serviceflow_journal', 'serviceflow_snapshots']));
  });

  it('creates the schema and prefixed tables it is asked for', async () => {
    expect(await tablesIn('helpdesk')).toEqual(['sf_journal', 'sf_snapshots']);
  });

  it('is idempotent: running it again changes nothing and keeps the data', async () => {
    const { store } = await emptyStore();
    await store.create({
      id: 'kept',
      state: { n: 1 },
      stage: 'inquiry',
      wakeAt: 1,
      lastEventAt: 0,
      effects: [{ type: 'x', at: 0 }],
    });
    const indexes = async () =>
      (
        await db.query<{ indexname: string }>(
          `SELECT indexname FROM pg_indexes WHERE tablename LIKE 'serviceflow_%' ORDER BY indexname`,
        )
      ).rows;
    const before = await indexes();
    await migrate(db);
    await migrate(db);
    expect(await indexes()).toEqual(before);
    expect(before.map((row) => row.indexname)).toEqual([
      'serviceflow_journal_id_key',
      'serviceflow_journal_pkey',
      'serviceflow_journal_undispatched_idx',
      'serviceflow_snapshots_parked_idx',
      'serviceflow_snapshots_pkey',
      'serviceflow_snapshots_stage_idx',
      'serviceflow_snapshots_wake_at_idx',
    ]);
    expect((await store.load('kept'))?.version).toBe(1);
    expect(await store.journal('kept')).toHaveLength(1);
  });

  it('upgrades tables created by serviceflow 0.1 (no park columns) in place, keeping their rows', async () => {
    await db.query(`CREATE TABLE "old_snapshots" (id text COLLATE "C" PRIMARY KEY, version integer NOT NULL, state jsonb NOT NULL,
      stage text COLLATE "C" NOT NULL, wake_at bigint, last_event_at bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(
      `INSERT INTO "old_snapshots" (id, version, state, stage, wake_at, last_event_at) VALUES ('kept', 1, '{}', 'inquiry', 5, 0)`,
    );
    await migrate(db, { tablePrefix: 'old_' });
    const store = postgresStore(db, { tablePrefix: 'old_' });
    expect(await store.due({ until: 10 })).toEqual([{ id: 'kept', wakeAt: 5 }]);
    await store.park?.({ id: 'kept', expectedVersion: 1, at: 9, reason: { code: 'INCOMPATIBLE_STATE', message: 'x' } });
    expect(await store.due({ until: 10 })).toEqual([]);
  });

  it('refuses a table prefix or schema that is not a plain identifier with INVALID_CONFIG', async () => {
    for (const options of [
      { tablePrefix: 'x"; DROP TABLE y; --' },
      { tablePrefix: 'Upper_' },
      { tablePrefix: 'x'.repeat(40) },
      { schema: '' },
      { schema: '1st' },
    ]) {
      expect(() => postgresStore(db, options)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
      await expect(migrate(db, options)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    }
    expect(() => postgresStore(db, { tablePrefix: '' })).not.toThrow();
  });

  it('tells the host to run migrate when the tables are missing', async () => {
    const store = postgresStore(db, { tablePrefix: 'never_migrated_' });
    await expect(store.load('x')).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(/run migrate/),
    });
  });

  it('leaves nothing behind when a migration fails half-way', async () => {
    await db.query(`CREATE TABLE "half_journal" (id int)`); // a table in the way of the journal's index
    await expect(migrate(db, { tablePrefix: 'half_' })).rejects.toThrow();
    expect((await tablesIn('public')).filter((name) => name.startsWith('half_'))).toEqual(['half_journal']);
    await db.query(`DROP TABLE "half_journal"`);
  });

  it('documents exactly the SQL it runs (docs/persistence.md)', () => {
    const docs = readFileSync(new URL('../../docs/persistence.md', import.meta.url), 'utf8');
    expect(docs).toContain(`${migrationStatements().join(';\n\n')};`);
  });
});

describe('postgresStore on PGlite', () => {
  it('refuses preparedStatements: true, which only a pg client supports', () => {
    expect(() => postgresStore(db, { preparedStatements: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });

  it('never closes the client the host passed in', async () => {
    const { store } = await emptyStore();
    expect(store.close).toBeUndefined();
    expect(db.closed).toBe(false);
  });

  it('reads and writes the same rows through any store over the same tables', async () => {
    const { store: one } = await emptyStore();
    const two = postgresStore(db);
    await one.create({ id: 'shared', state: { n: 1 }, stage: 'inquiry', wakeAt: null, lastEventAt: 0, effects: [] });
    await two.save({
      id: 'shared',
      expectedVersion: 1,
      state: { n: 2 },
      stage: 'resolution',
      wakeAt: null,
      lastEventAt: 1,
      effects: [],
    });
    expect(await one.load('shared')).toMatchObject({ version: 2, state: { n: 2 } });
    await expect(
      one.save({ id: 'shared', expectedVersion: 1, state: {}, stage: 'x', wakeAt: null, lastEventAt: 2, effects: [] }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
