/** The worker outbox's marks: calls within a few milliseconds become one `markDispatched`. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withBatchedMarks } from '../../../../src/adapters/bullmq/batched-marks.js';
import { memoryStore, type SnapshotStore } from 'serviceflow';

function recordingStore(fail?: Error): { store: SnapshotStore; calls: [string[], number][] } {
  const calls: [string[], number][] = [];
  const store: SnapshotStore = {
    ...memoryStore(),
    async markDispatched(ids, at) {
      calls.push([[...ids], at]);
      if (fail !== undefined) throw fail;
    },
  };
  return { store, calls };
}

describe('withBatchedMarks', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the marks of one window in one call, stamped with the latest time', async () => {
    const { store, calls } = recordingStore();
    const batched = withBatchedMarks(store);
    const marks = [
      batched.markDispatched(['a:1:0'], 100),
      batched.markDispatched(['b:1:0', 'b:1:1'], 105),
      batched.markDispatched(['c:2:0'], 103),
    ];
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(30);
    await Promise.all(marks);
    expect(calls).toEqual([[['a:1:0', 'b:1:0', 'b:1:1', 'c:2:0'], 105]]);
    await Promise.all([batched.markDispatched(['d:1:0'], 200), vi.advanceTimersByTimeAsync(30)]);
    expect(calls).toHaveLength(2);
  });

  it('sends a full batch at once and ignores empty calls', async () => {
    const { store, calls } = recordingStore();
    const batched = withBatchedMarks(store);
    await batched.markDispatched([], 1);
    const ids = Array.from({ length: 2_000 }, (_, i) => `x:${i}:0`);
    await batched.markDispatched(ids, 1); // no timer needed
    expect(calls).toEqual([[ids, 1]]);
  });

  it('rejects every caller of a batch whose call failed', async () => {
    const failure = new Error('database down');
    const { store } = recordingStore(failure);
    const batched = withBatchedMarks(store);
    const marks = [batched.markDispatched(['a:1:0'], 1), batched.markDispatched(['b:1:0'], 2)].map((mark) =>
      mark.catch((error: unknown) => error),
    );
    await vi.advanceTimersByTimeAsync(30);
    expect(await Promise.all(marks)).toEqual([failure, failure]);
  });

  it('leaves every other method to the store', async () => {
    const inner = memoryStore();
    const batched = withBatchedMarks(inner);
    await batched.create({
      id: 'T-1',
      state: { n: 1 },
      stage: 'inquiry',
      wakeAt: null,
      lastEventAt: 0,
      effects: [{ type: 'x', at: 0 }],
    });
    expect((await inner.load('T-1'))?.version).toBe(1);
    expect(await batched.undispatched()).toHaveLength(1);
  });
});
