/**
 * The outbox dispatcher: hands the effects of a save to the bus, marks them dispatched in the
 * store's journal, and re-delivers whatever stayed undispatched (a listener that threw, a process
 * that died between its save and its delivery). Effects are therefore delivered at least once;
 * their journal id is the same on every delivery.
 */
import type { JournalEntry, SnapshotStore } from '../stores/store.js';
import type { DeskClock, DeskTimer } from './clock.js';
import type { EffectBus } from './effect-bus.js';

/**
 * Options of the outbox dispatcher (`createServiceDesk({ outbox })`).
 *
 * @example
 * ```ts
 * import { createProcess, createServiceDesk, inquiryMachine, type OutboxOptions } from 'serviceflow';
 * const outbox: OutboxOptions = { interval: 10_000, batch: 1_000 };
 * const desk = createServiceDesk({ process: createProcess(inquiryMachine), outbox });
 * ```
 */
export interface OutboxOptions {
  /**
   * Milliseconds between two sweeps of `store.undispatched()` (default 5000). An entry is
   * re-delivered when two consecutive sweeps found it undispatched (and no step of this desk is
   * delivering it), so a save's own delivery always gets a head start of one interval.
   */
  readonly interval?: number;
  /** How many undispatched entries one sweep reads (default 500). */
  readonly batch?: number;
}

/** The dispatcher as the shells use it. */
export interface Outbox {
  /** Delivers the effects of a save that just succeeded, then marks them (in the background). */
  dispatch(entries: readonly JournalEntry[]): Promise<void>;
  /** Delivers every undispatched entry now (start-up recovery); resolves with how many it delivered. */
  redeliver(): Promise<number>;
  /** Starts the periodic sweeps. */
  start(): void;
  /** Stops sweeping and waits for pending marks to reach the store. */
  stop(): Promise<void>;
}

/** Creates the outbox dispatcher of one desk. */
export function createOutbox(
  store: SnapshotStore,
  bus: EffectBus,
  clock: DeskClock,
  options: OutboxOptions | false = {},
): Outbox {
  const interval = options === false ? 0 : Math.max(1, options.interval ?? 5_000);
  const batch = options === false ? 0 : Math.max(1, options.batch ?? 500);
  const inFlight = new Set<string>();
  let seenLastSweep = new Set<string>();
  let timer: DeskTimer | undefined;
  let stopped = false;
  let sweeping: Promise<void> | undefined;

  // Marks are coalesced: while one markDispatched is on its way, ids queue up for the next, so a
  // busy desk writes one UPDATE per round trip instead of one per step.
  let pendingMarks: string[] = [];
  let marking: Promise<void> | undefined;
  const flushMarks = (): Promise<void> => {
    if (marking !== undefined) return marking;
    if (pendingMarks.length === 0) return Promise.resolve();
    const ids = pendingMarks;
    pendingMarks = [];
    marking = store
      .markDispatched(ids, clock.now())
      .catch((error: unknown) => bus.reportError(error, { operation: 'mark' }))
      .finally(() => {
        marking = undefined;
        if (pendingMarks.length > 0) void flushMarks();
      });
    return marking;
  };
  const mark = (ids: readonly string[]): void => {
    if (ids.length === 0) return;
    for (const id of ids) pendingMarks.push(id);
    void flushMarks();
  };

  const deliver = async (entries: readonly JournalEntry[], redelivery: boolean): Promise<number> => {
    for (const entry of entries) inFlight.add(entry.id);
    try {
      const delivered = await bus.deliver(entries, redelivery);
      mark(delivered);
      return delivered.length;
    } finally {
      for (const entry of entries) inFlight.delete(entry.id);
    }
  };

  const sweep = async (): Promise<void> => {
    try {
      const pending = await store.undispatched({ limit: batch });
      const stale = pending.filter((entry) => seenLastSweep.has(entry.id) && !inFlight.has(entry.id));
      seenLastSweep = new Set(pending.map((entry) => entry.id));
      if (stale.length > 0) await deliver(stale, true);
    } catch (error) {
      bus.reportError(error, { operation: 'outbox' });
    }
  };

  const arm = (): void => {
    if (stopped || interval === 0) return;
    timer = clock.setTimer(() => (sweeping = sweep().finally(arm)), interval);
  };

  return {
    dispatch: async (entries) => void (await deliver(entries, false)),
    async redeliver() {
      let total = 0;
      for (;;) {
        const pending = (await store.undispatched({ limit: 500 })).filter((entry) => !inFlight.has(entry.id));
        if (pending.length === 0) return total;
        const delivered = await deliver(pending, true);
        total += delivered;
        await flushMarks();
        while (marking !== undefined) await marking;
        // Entries whose listeners keep failing stay undispatched: stop rather than loop on them.
        if (delivered < pending.length) return total;
      }
    },
    start: arm,
    async stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimer(timer);
      timer = undefined;
      await sweeping?.catch(() => undefined);
      while (marking !== undefined || pendingMarks.length > 0) await (marking ?? flushMarks());
    },
  };
}
