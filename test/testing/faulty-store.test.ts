import { describe, expect, it } from 'vitest';
import { memoryStore, type SnapshotWrite } from 'serviceflow';
import { faultyStore, InjectedStoreFault, type FaultyStore } from 'serviceflow/testing';

const write = (id: string, wakeAt: number | null = null): SnapshotWrite => ({
  id,
  state: { id },
  stage: 'inquiry',
  wakeAt,
  lastEventAt: 0,
  effects: [{ type: 'x', at: 0 }],
});

async function outcome(promise: Promise<unknown>): Promise<'ok' | 'before' | 'after'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (!(error instanceof InjectedStoreFault)) throw error;
    return error.fault.timing;
  }
}

async function calls(store: FaultyStore, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) seen.push(await outcome(store.load(`id-${i}`)));
  return seen;
}

describe('faultyStore', () => {
  it('fails the same calls for the same seed, others for another seed, at about failRate', async () => {
    const first = await calls(faultyStore(memoryStore(), { seed: 3, failRate: 0.2 }), 2_000);
    expect(await calls(faultyStore(memoryStore(), { seed: 3, failRate: 0.2 }), 2_000)).toEqual(first);
    expect(await calls(faultyStore(memoryStore(), { seed: 4, failRate: 0.2 }), 2_000)).not.toEqual(first);
    const failed = first.filter((result) => result !== 'ok').length;
    expect(failed).toBeGreaterThan(300);
    expect(failed).toBeLessThan(500);
  });

  it("commits a write that fails 'after' (a lost acknowledgement), and nothing on 'before'", async () => {
    const base = memoryStore();
    const store = faultyStore(base, { failRate: 0 });
    store.failNext('create', { timing: 'before' });
    expect(await outcome(store.create(write('a')))).toBe('before');
    expect(await base.load('a')).toBeUndefined();
    store.failNext('create', { timing: 'after' });
    expect(await outcome(store.create(write('a')))).toBe('after');
    expect((await base.load('a'))?.version).toBe(1);
    expect(await base.journal('a')).toHaveLength(1);
  });

  it('fails only the methods in failOn, only while enabled, and counts what it injected', async () => {
    const store = faultyStore(memoryStore(), { failRate: 1, failOn: ['save'], lostAckShare: 0 });
    await store.create(write('a'));
    expect(await outcome(store.load('a'))).toBe('ok');
    expect(await outcome(store.save({ ...write('a'), expectedVersion: 1 }))).toBe('before');
    store.enabled = false;
    expect(await outcome(store.save({ ...write('a'), expectedVersion: 1 }))).toBe('ok');
    expect(store.faults).toEqual({ calls: 4, injected: 1, before: 1, after: 0, byMethod: { save: 1 } });
    expect(store.log).toEqual([{ method: 'save', timing: 'before', call: 3 }]);
  });

  it('throws an ECONNRESET-like error by default, or the one you build', async () => {
    const store = faultyStore(memoryStore(), { failRate: 0 });
    store.failNext('due');
    await expect(store.due({ until: 1 })).rejects.toMatchObject({
      name: 'InjectedStoreFault',
      code: 'ECONNRESET',
      message: expect.stringMatching(/due #1 failed before/),
    });
    const custom = faultyStore(memoryStore(), { failRate: 0, error: (fault) => new Error(`boom ${fault.method}`) });
    custom.failNext('list', { times: 2 });
    await expect(custom.list()).rejects.toThrow('boom list');
    await expect(custom.list()).rejects.toThrow('boom list');
    await expect(custom.list()).resolves.toEqual([]);
  });

  it('wraps park, unpark and parked when the store has them, and passes everything else through', async () => {
    const store = faultyStore(memoryStore(), { failRate: 0 });
    await store.create(write('a', 5));
    store.failNext('park', { timing: 'after' });
    const reason = { code: 'INCOMPATIBLE_STATE', message: 'x' };
    expect(await outcome(store.park?.({ id: 'a', expectedVersion: 1, at: 9, reason }) ?? Promise.resolve())).toBe(
      'after',
    );
    expect(await store.parked?.()).toEqual([expect.objectContaining({ id: 'a', reason })]);
    expect(await store.due({ until: 10 })).toEqual([]);
    const { park: _park, unpark: _unpark, parked: _parked, ...older } = memoryStore();
    expect(faultyStore(older).park).toBeUndefined();
  });
});
