/**
 * The shells' cache of the snapshots they saved last: the restored process state and the version
 * the store gave it. A step on a cached inquiry skips the load and the restore (the zod check and
 * the migration of the stored JSON) and saves with the cached version as `expectedVersion`; if
 * anyone else saved since, the store answers `CONFLICT` and the step reloads. So the cache can be
 * stale, never wrong. Internal.
 */
import type { PersistedState } from '../schemas/state.js';
import type { AppliedEventIds } from './snapshot.js';

/** One cached inquiry. */
export interface CachedSnapshot {
  readonly version: number;
  /** The state as the process returned it (so `process.send` finds its own snapshot of it). */
  readonly state: PersistedState<unknown>;
  readonly wakeAt: number | null;
  /** The log position the state includes (BullMQ runner; 0 otherwise). */
  readonly appliedSequence: number;
  /** The event ids the state applied (in-process desk; none when absent). */
  readonly eventIds?: AppliedEventIds;
}

/** A bounded map of the most recently saved inquiries (least recently used out first). */
export interface SnapshotCache {
  get(id: string): CachedSnapshot | undefined;
  set(id: string, snapshot: CachedSnapshot): void;
  delete(id: string): void;
}

/** Creates a cache of at most `capacity` inquiries (0: caches nothing). */
export function snapshotCache(capacity: number): SnapshotCache {
  const entries = new Map<string, CachedSnapshot>();
  return {
    get(id) {
      const entry = entries.get(id);
      if (entry !== undefined) {
        // Re-insert: Map iteration order is insertion order, so the first key is the oldest use.
        entries.delete(id);
        entries.set(id, entry);
      }
      return entry;
    },
    set(id, snapshot) {
      if (capacity <= 0) return;
      entries.delete(id);
      entries.set(id, snapshot);
      if (entries.size > capacity) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
    },
    delete(id) {
      entries.delete(id);
    },
  };
}
