import { describe, expect, it } from 'vitest';
import { memoryStore } from 'serviceflow';
import { describeSnapshotStoreContract } from './contract.js';

describeSnapshotStoreContract('memoryStore', async () => ({ store: memoryStore(), cleanup: async () => {} }), {
  propertyRuns: 200,
});

describe('memoryStore', () => {
  const seed = {
    id: 'inq-1',
    state: { n: 1 },
    stage: 'inquiry',
    wakeAt: 10,
    lastEventAt: 0,
    effects: [{ type: 'stage.changed', at: 0 }],
  };

  it('starts with the snapshots it is given, created at version 1 with their effects journaled', async () => {
    const store = memoryStore({ snapshots: [seed] });
    expect(await store.load('inq-1')).toEqual({
      id: 'inq-1',
      version: 1,
      state: { n: 1 },
      stage: 'inquiry',
      wakeAt: 10,
      lastEventAt: 0,
    });
    expect((await store.undispatched()).map((entry) => entry.id)).toEqual(['inq-1:1:0']);
  });

  it('refuses duplicate or malformed seed snapshots when it is created', () => {
    expect(() => memoryStore({ snapshots: [seed, seed] })).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => memoryStore({ snapshots: [{ ...seed, wakeAt: -0.5 }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('keeps separate stores apart', async () => {
    const one = memoryStore();
    const two = memoryStore();
    await one.create(seed);
    expect(await two.load('inq-1')).toBeUndefined();
  });

  it('has no close: it holds nothing outside the process heap', () => {
    expect(memoryStore().close).toBeUndefined();
  });
});
