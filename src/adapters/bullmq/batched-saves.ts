/**
 * The store as a worker's drains see it: the saves of drains that finish together go in one
 * statement. A worker's drains start in bursts, so they reach their saves together too. When the
 * store can save many snapshots at once (`saveMany`: `postgresStore` has it), the saves of a burst
 * (gathered as in tick-batches.ts) go as one statement and one transaction, each with its own
 * version check. Every outcome is the one `save` would give: a write whose version did not match,
 * and every write of a statement that failed, is saved again on its own, so that it gets its own
 * `CONFLICT`, its own refusal or its own success.
 */
import type { SnapshotStore, SnapshotWrite, StoredSnapshot } from '../../stores/store.js';
import { gatherTicks, type Waiting } from './tick-batches.js';

type SaveRequest = SnapshotWrite & { readonly expectedVersion: number };

/** Saves in one statement, at most. */
const MAX_BATCH = 64;

type WaitingSave = Waiting<SaveRequest, StoredSnapshot>;

/** The store with the saves of one burst batched; the store itself when it cannot save many at once. */
export function withBatchedSaves(store: SnapshotStore): SnapshotStore {
  if (store.saveMany === undefined) return store;
  const saveMany = store.saveMany.bind(store);

  // Each resolves once its saves have their outcomes (never rejects: the outcomes go to the callers).
  const saveAlone = ({ item: write, resolve, reject }: WaitingSave): Promise<void> =>
    // Through a promise, so that a store that throws instead of rejecting rejects this save only.
    Promise.resolve()
      .then(() => store.save(write))
      .then(resolve, reject);

  const send = async (batch: readonly WaitingSave[]): Promise<void> => {
    if (batch.length === 1) return saveAlone(batch[0]!);
    let saved: readonly (StoredSnapshot | undefined)[];
    try {
      saved = await saveMany(batch.map(({ item }) => item));
    } catch {
      await Promise.all(batch.map(saveAlone)); // nothing was written: each write finds its own outcome
      return;
    }
    await Promise.all(
      batch.map((one, index) => {
        const snapshot = saved[index];
        if (snapshot === undefined) return saveAlone(one); // its version moved: `save` says how
        one.resolve(snapshot);
        return undefined;
      }),
    );
  };

  const flush = async (waiting: readonly WaitingSave[]): Promise<void> => {
    // One write per snapshot in a statement: a second save of the same inquiry goes in the next
    // statement, sent once the first has its outcome.
    let rest = waiting;
    while (rest.length > 0) {
      const ids = new Set<string>();
      const batch: WaitingSave[] = [];
      const later: WaitingSave[] = [];
      for (const one of rest) {
        if (batch.length < MAX_BATCH && !ids.has(one.item.id)) {
          ids.add(one.item.id);
          batch.push(one);
        } else later.push(one);
      }
      if (later.length === 0) return send(batch);
      await send(batch);
      rest = later;
    }
  };
  const save = gatherTicks<SaveRequest, StoredSnapshot>((waiting) => void flush(waiting));

  return new Proxy(store, {
    get(target, key) {
      if (key === 'save') return save;
      const value: unknown = Reflect.get(target, key);
      // Bound, so that a store class with private fields still finds them.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
