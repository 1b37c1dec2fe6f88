import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotStore } from 'serviceflow';
import { migrate, postgresStore } from 'serviceflow/postgres';
import {
  postgresAvailability,
  startPostgresServer,
  testPool,
  type PostgresTestServer,
} from '../support/postgres-server.js';
import { effect, write } from './contract.js';

/** The saveMany behaviour every PostgreSQL client gives. */
function describeSaveMany(name: string, open: () => Promise<{ store: SnapshotStore; close: () => Promise<void> }>) {
  describe(name, () => {
    let store: SnapshotStore;
    let close: () => Promise<void>;
    let saveMany: NonNullable<SnapshotStore['saveMany']>;
    beforeAll(async () => {
      ({ store, close } = await open());
      saveMany = store.saveMany!.bind(store);
    }, 120_000);
    afterAll(async () => close?.());

    it('is there', () => expect(store.saveMany).toBeTypeOf('function'));

    it('saves each write whose version matches, as save would, and nothing of the others', async () => {
      for (const id of ['m-1', 'm-2', 'm-3', 'm-4']) await store.create(write(id, { effects: [effect('opened', 1)] }));
      await store.save({ ...write('m-3'), expectedVersion: 1 }); // m-3 is at version 2 now
      const saved = await saveMany([
        {
          ...write('m-1', {
            state: { n: 1 },
            stage: 'assigned',
            wakeAt: 5_000,
            lastEventAt: 9,
            effects: [effect('a', 9), effect('b', 9)],
          }),
          expectedVersion: 1,
        },
        { ...write('m-3', { state: { n: 3 } }), expectedVersion: 1 },
        { ...write('m-2', { state: { n: 2 }, lastEventAt: 7 }), expectedVersion: 1 },
      ]);
      expect(saved.map((snapshot) => snapshot?.version)).toEqual([2, undefined, 2]);
      expect(saved[0]).toMatchObject({ id: 'm-1', state: { n: 1 }, stage: 'assigned', wakeAt: 5_000, lastEventAt: 9 });
      expect(await store.load('m-1')).toMatchObject({
        version: 2,
        state: { n: 1 },
        stage: 'assigned',
        wakeAt: 5_000,
        lastEventAt: 9,
      });
      expect(await store.load('m-2')).toMatchObject({ version: 2, state: { n: 2 }, wakeAt: null, lastEventAt: 7 });
      expect(await store.load('m-3')).toMatchObject({ version: 2, state: { inquiryId: 'm-3', step: 0 } });
      expect(await store.load('m-4')).toMatchObject({ version: 1 });
      expect((await store.journal('m-1')).map(({ id, type, version, index }) => [id, type, version, index])).toEqual([
        ['m-1:1:0', 'opened', 1, 0],
        ['m-1:2:0', 'a', 2, 0],
        ['m-1:2:1', 'b', 2, 1],
      ]);
      expect((await store.journal('m-2')).map(({ id }) => id)).toEqual(['m-2:1:0']);
      expect((await store.journal('m-3', { afterVersion: 1 })).map(({ id }) => id)).toEqual([]);
    });

    it('writes nothing when one write is refused, and refuses writes of one snapshot twice', async () => {
      for (const id of ['r-1', 'r-2']) await store.create(write(id));
      await expect(
        saveMany([
          { ...write('r-1', { state: { n: 1 } }), expectedVersion: 1 },
          { ...write('r-2', { state: { text: 'nul \u0000' } }), expectedVersion: 1 },
        ]),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(
        saveMany([
          { ...write('r-1'), expectedVersion: 1 },
          { ...write('r-1'), expectedVersion: 1 },
        ]),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect(await store.load('r-1')).toMatchObject({ version: 1, state: { inquiryId: 'r-1', step: 0 } });
      expect(await store.load('r-2')).toMatchObject({ version: 1 });
    });
  });
}

describeSaveMany('postgresStore.saveMany on PGlite', async () => {
  const db = new PGlite();
  await migrate(db);
  return { store: postgresStore(db), close: () => db.close() };
});

const availability = postgresAvailability();
describe.skipIf(availability.kind === 'none')('on a PostgreSQL server', () => {
  let server: PostgresTestServer;
  describeSaveMany('postgresStore.saveMany on pg.Pool (prepared statements)', async () => {
    server = await startPostgresServer(availability);
    const pool: pg.Pool = testPool({ ...server.config, max: 4 });
    await migrate(pool);
    return {
      store: postgresStore(pool),
      close: async () => {
        await pool.end();
        await server.stop();
      },
    };
  });
});
