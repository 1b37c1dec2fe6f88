import { describe, expect, it } from 'vitest';
import { memoryStore, type SnapshotStore, type SnapshotWrite } from 'serviceflow';
import { withBatchedSaves } from '../../../../src/adapters/bullmq/batched-saves.js';

type SaveRequest = SnapshotWrite & { readonly expectedVersion: number };

const write = (id: string, n = 1): SnapshotWrite => ({
  id,
  state: { id, n },
  stage: 'inquiry',
  wakeAt: null,
  lastEventAt: n,
  effects: [],
});

/** A memory store that can save many at once, the way postgresStore does, recording each call. */
function batchingStore(fail?: () => boolean) {
  const store = memoryStore();
  const calls: string[][] = [];
  const saveMany = async (writes: readonly SaveRequest[]) => {
    calls.push(writes.map(({ id }) => id));
    if (fail?.() === true) throw new Error('connection lost');
    const saved = [];
    for (const one of writes) {
      const current = await store.load(one.id);
      saved.push(current?.version === one.expectedVersion ? await store.save(one) : undefined);
    }
    return saved;
  };
  return { store: { ...store, saveMany } as SnapshotStore, calls };
}

const save = (store: SnapshotStore, id: string, expectedVersion: number, n = 2) =>
  store.save({ ...write(id, n), expectedVersion } satisfies SaveRequest);

describe('withBatchedSaves', () => {
  it('sends the saves of one tick as one saveMany, each answered with its own snapshot', async () => {
    const { store, calls } = batchingStore();
    for (const id of ['a', 'b', 'c']) await store.create(write(id));
    const batched = withBatchedSaves(store);
    const saved = await Promise.all(['a', 'b', 'c'].map((id) => save(batched, id, 1)));
    expect(saved.map(({ id, version }) => [id, version])).toEqual([
      ['a', 2],
      ['b', 2],
      ['c', 2],
    ]);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it('gives a write whose version moved the CONFLICT that save gives, and saves the others', async () => {
    const { store } = batchingStore();
    for (const id of ['a', 'b']) await store.create(write(id));
    const batched = withBatchedSaves(store);
    const [a, b] = await Promise.allSettled([save(batched, 'a', 1), save(batched, 'b', 7)]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { version: 2 } });
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(await store.load('b')).toMatchObject({ version: 1 });
  });

  it('saves every write of a failed saveMany on its own, so each gets its own outcome', async () => {
    let first = true;
    const { store, calls } = batchingStore(() => {
      const fail = first;
      first = false;
      return fail;
    });
    for (const id of ['a', 'b']) await store.create(write(id));
    const batched = withBatchedSaves(store);
    const [a, b] = await Promise.allSettled([save(batched, 'a', 1), save(batched, 'b', 5)]);
    expect(calls).toEqual([['a', 'b']]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { version: 2 } });
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
  });

  it('puts a second save of one snapshot in a statement of its own, after the first', async () => {
    const { store, calls } = batchingStore();
    for (const id of ['a', 'b']) await store.create(write(id));
    const batched = withBatchedSaves(store);
    const results = await Promise.allSettled([save(batched, 'a', 1), save(batched, 'a', 1), save(batched, 'b', 1)]);
    expect(calls).toEqual([['a', 'b']]); // the second 'a' went alone, through save
    expect(results.map(({ status }) => status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { code: 'CONFLICT' } });
  });

  it('saves a lone write and every other method through the store itself', async () => {
    const { store, calls } = batchingStore();
    await store.create(write('a'));
    const batched = withBatchedSaves(store);
    expect(await save(batched, 'a', 1)).toMatchObject({ version: 2 });
    expect(calls).toEqual([]);
    expect(await batched.load('a')).toMatchObject({ version: 2 });
    expect(await batched.list()).toEqual(['a']);
  });

  it('leaves a store that cannot save many at once as it is', () => {
    const store = memoryStore();
    expect(withBatchedSaves(store)).toBe(store);
  });
});
