import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotWrite } from 'serviceflow';
import { migrate, postgresStore, type PostgresClient, type PostgresStoreOptions } from 'serviceflow/postgres';
import {
  POSTGRES_SKIP_HINT,
  postgresAvailability,
  startPostgresServer,
  testPool,
  type PostgresTestServer,
} from '../support/postgres-server.js';
import { describeSnapshotStoreContract } from './contract.js';

// Every pg client shape is a PostgresClient, checked by the compiler.
void ((clients: [pg.Pool, pg.Client, pg.PoolClient]): PostgresClient[] => clients);

const availability = postgresAvailability();
if (availability.kind === 'none') {
  console.log(`[serviceflow] PostgreSQL server suite skipped: ${availability.reason}; ${POSTGRES_SKIP_HINT}.`);
}
const describeWithServer = availability.kind === 'none' ? describe.skip : describe;

describeWithServer('postgresStore on a PostgreSQL server through pg', () => {
  let server: PostgresTestServer;
  let pool: pg.Pool;

  beforeAll(async () => {
    server = await startPostgresServer(availability);
    pool = testPool({ ...server.config, max: 8 });
    await migrate(pool);
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  }, 60_000);

  async function emptyStore(options: PostgresStoreOptions = {}) {
    const prefix = options.tablePrefix ?? 'serviceflow_';
    const schema = options.schema === undefined ? '' : `"${options.schema}".`;
    await pool.query(`TRUNCATE ${schema}"${prefix}snapshots", ${schema}"${prefix}journal"`);
    return { store: postgresStore(pool, options), cleanup: async () => {} };
  }

  const write = (id: string, overrides: Partial<SnapshotWrite> = {}): SnapshotWrite => ({
    id,
    state: { id },
    stage: 'inquiry',
    wakeAt: null,
    lastEventAt: 0,
    effects: [],
    ...overrides,
  });

  describeSnapshotStoreContract('postgresStore on pg.Pool', () => emptyStore(), { propertyRuns: 30 });
  describeSnapshotStoreContract(
    'postgresStore on pg.Pool without prepared statements',
    () => emptyStore({ preparedStatements: false }),
    {
      propertyRuns: 10,
    },
  );

  describe('migrate', () => {
    it('is idempotent, even when several workers run it at the same time', async () => {
      const options = { tablePrefix: 'racing_' };
      await Promise.all([1, 2, 3, 4].map(() => migrate(pool, options)));
      await migrate(pool, options);
      const { rows } = await pool.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'racing_%' ORDER BY table_name`,
        [server.schema],
      );
      expect(rows.map((row) => row.table_name)).toEqual(['racing_journal', 'racing_snapshots']);
    });

    it('creates a schema of its own and prefixed tables the store then uses', async () => {
      const options = { schema: `${server.schema}_custom`, tablePrefix: 'desk_' };
      try {
        await migrate(pool, options);
        await migrate(pool, options);
        const { store } = await emptyStore(options);
        await store.create(write('inq-1', { effects: [{ type: 'x', at: 1 }] }));
        const { rows } = await pool.query(`SELECT id, version FROM "${options.schema}"."desk_snapshots"`);
        expect(rows).toEqual([{ id: 'inq-1', version: 1 }]);
        expect(await postgresStore(pool).load('inq-1')).toBeUndefined(); // the default tables are elsewhere
      } finally {
        await pool.query(`DROP SCHEMA IF EXISTS "${options.schema}" CASCADE`);
      }
    });
  });

  describe('clients', () => {
    it('works through a single connected pg.Client, migrate included', async () => {
      const client = new pg.Client(server.config);
      await client.connect();
      try {
        await migrate(client, { tablePrefix: 'single_' });
        const store = postgresStore(client, { tablePrefix: 'single_' });
        await store.create(write('inq-1'));
        await store.save({ ...write('inq-1', { state: { n: 2 }, wakeAt: 2 ** 53 - 1 }), expectedVersion: 1 });
        expect(await store.load('inq-1')).toMatchObject({ version: 2, state: { n: 2 }, wakeAt: 2 ** 53 - 1 });
      } finally {
        await client.end();
      }
    });

    it('works through a PoolClient checked out by the host', async () => {
      const connection = await pool.connect();
      try {
        await migrate(connection, { tablePrefix: 'checked_out_' });
        const store = postgresStore(connection, { tablePrefix: 'checked_out_' });
        await store.create(write('inq-1'));
        expect((await store.load('inq-1'))?.version).toBe(1);
      } finally {
        connection.release();
      }
    });
  });

  describe('prepared statements', () => {
    it('prepares its statements once per connection on a pg client, and not when told not to', async () => {
      const client = new pg.Client(server.config);
      await client.connect();
      try {
        const prepared = async () =>
          (
            await client.query<{ name: string }>(
              `SELECT name FROM pg_prepared_statements WHERE name LIKE 'serviceflow_%'`,
            )
          ).rows.length;
        await postgresStore(client, { preparedStatements: false }).load('x');
        expect(await prepared()).toBe(0);
        const store = postgresStore(client);
        await store.load('x');
        await store.load('y');
        await store.due({ until: 0 });
        expect(await prepared()).toBe(2);
      } finally {
        await client.end();
      }
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of two writers on separate pools win every round', async () => {
      const { store: first } = await emptyStore();
      const otherPool = testPool({ ...server.config, max: 4 });
      try {
        const second = postgresStore(otherPool);
        await first.create(write('inq-1'));
        for (let version = 1; version <= 20; version++) {
          const results = await Promise.allSettled(
            [first, second, first, second].map((store, writer) =>
              store.save({
                ...write('inq-1', { state: { writer }, effects: [{ type: 'won', at: version }] }),
                expectedVersion: version,
              }),
            ),
          );
          expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        }
        const journal = await first.journal('inq-1');
        expect(journal.map((entry) => entry.at)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
      } finally {
        await otherPool.end();
      }
    });
  });

  describe('rows written by hand', () => {
    it('refuses to create an id whose journal rows survived a hand-deleted snapshot row', async () => {
      const { store } = await emptyStore();
      await store.create(write('inq-1', { effects: [{ type: 'x', at: 1 }] }));
      await pool.query(`DELETE FROM serviceflow_snapshots WHERE id = 'inq-1'`);
      await expect(store.create(write('inq-1', { effects: [{ type: 'y', at: 2 }] }))).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect(await store.load('inq-1')).toBeUndefined();
    });

    it('returns bigint columns as numbers although pg reads them as strings', async () => {
      const { store } = await emptyStore();
      await store.create(write('inq-1', { wakeAt: 2 ** 53 - 1, lastEventAt: 2 ** 40 }));
      const raw = await pool.query(`SELECT wake_at FROM serviceflow_snapshots WHERE id = 'inq-1'`);
      expect(raw.rows[0]).toEqual({ wake_at: '9007199254740991' });
      expect(await store.load('inq-1')).toMatchObject({ wakeAt: 2 ** 53 - 1, lastEventAt: 2 ** 40 });
    });
  });
});
