/**
 * The store as a worker's outbox sees it: `markDispatched` calls that arrive within a short window
 * become one call. The outbox already sends one mark while the previous one is on its way; a busy
 * worker still sends dozens a second, each one statement that PostgreSQL plans and runs and that
 * touches the journal's undispatched index. A mark that waits a few milliseconds changes nothing
 * the outbox relies on: it re-delivers only entries that two sweeps, seconds apart, found unmarked.
 */
import type { SnapshotStore } from '../../stores/store.js';

/** Marks are sent at most this often (ms), unless a batch fills up first. */
const MARK_WINDOW_MS = 25;
const MAX_BATCH = 2_000;

interface MarkBatch {
  readonly ids: string[];
  at: number;
  /** Settles when the batch's one `markDispatched` did. */
  readonly sent: Promise<void>;
  /** Sends the batch now (once: later calls do nothing). */
  flush(): void;
}

/**
 * The store with batched marks: every other method is the store's own. A batch is stamped with
 * the latest `at` of its calls (at most {@link MARK_WINDOW_MS} after the earliest delivery).
 */
export function withBatchedMarks(store: SnapshotStore): SnapshotStore {
  let open: MarkBatch | undefined;

  const start = (): MarkBatch => {
    let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
    const sent = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const batch: MarkBatch = {
      ids: [],
      at: 0,
      sent,
      flush() {
        if (open !== batch) return;
        open = undefined;
        clearTimeout(timer);
        // Through a promise, so that a store that throws instead of rejecting cannot throw in a timer.
        Promise.resolve()
          .then(() => store.markDispatched(batch.ids, batch.at))
          .then(settle?.resolve, settle?.reject);
      },
    };
    const timer = setTimeout(() => batch.flush(), MARK_WINDOW_MS);
    return batch;
  };

  return {
    load: (id) => store.load(id),
    create: (write) => store.create(write),
    save: (write) => store.save(write),
    due: (query) => store.due(query),
    journal: (id, options) => store.journal(id, options),
    undispatched: (options) => store.undispatched(options),
    list: (options) => store.list(options),
    markDispatched(ids, at) {
      if (ids.length === 0) return Promise.resolve();
      const batch = (open ??= start());
      for (const id of ids) batch.ids.push(id);
      batch.at = Math.max(batch.at, at);
      if (batch.ids.length >= MAX_BATCH) batch.flush();
      return batch.sent;
    },
  };
}
