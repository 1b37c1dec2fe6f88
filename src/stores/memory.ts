import {
  checkQueryInteger,
  checkSnapshotWrite,
  compareSnapshotIds,
  createConflict,
  journalEntryId,
  parkEntry,
  saveConflict,
  unparkEntry,
  type CheckedSnapshotWrite,
  type DueQuery,
  type JournalEntry,
  type ParkReason,
  type ParkedSnapshot,
  type SnapshotStore,
  type SnapshotWrite,
  type StoredSnapshot,
} from './store.js';

/**
 * Options of {@link memoryStore}.
 *
 * @example
 * ```ts
 * import { memoryStore } from 'serviceflow';
 * const store = memoryStore({
 *   snapshots: [{ id: 'inq-1', state: { n: 1 }, stage: 'inquiry', wakeAt: null, lastEventAt: 0, effects: [] }],
 * });
 * ```
 */
export interface MemoryStoreOptions {
  /** Snapshots to start with, each created at version 1 as `create` would (effects journaled too). */
  readonly snapshots?: readonly SnapshotWrite[];
}

// What the store keeps: JSON text, never the caller's objects, so no caller can reach inside.
interface MemorySnapshot {
  readonly id: string;
  readonly version: number;
  readonly stateJson: string;
  readonly stage: string;
  readonly wakeAt: number | null;
  readonly lastEventAt: number;
  /** Set by `park`, cleared by `unpark` and by the next `save`. */
  readonly parked: { readonly at: number; readonly reason: ParkReason } | null;
}

/** A journal entry as the memory store keeps it: the effect as JSON, the delivery mark settable. */
interface MemoryJournalRow extends Omit<JournalEntry, 'effect' | 'dispatchedAt'> {
  readonly effectJson: string;
  dispatchedAt: number | null;
}

/**
 * A {@link SnapshotStore} in process memory: for tests, simulations and single-process hosts that
 * do not need state to outlive the process.
 *
 * It follows the same contract as `postgresStore`: states and effects are copied as JSON on the way
 * in and out (mutating a returned object never changes the store, and a `Date` comes back as its
 * ISO string, as from PostgreSQL); a rejected `create`/`save` writes nothing; a stale
 * `expectedVersion` throws `ConflictError` (code `CONFLICT`); malformed writes throw
 * `InvalidInputError` (code `INVALID_INPUT`). Every call completes without yielding between its
 * check and its write, so two concurrent saves with the same `expectedVersion` never both win.
 * `due`, `list` and `undispatched` scan every snapshot (O(n log n)); fine for tens of thousands.
 *
 * @example
 * ```ts
 * import { memoryStore } from 'serviceflow';
 *
 * const store = memoryStore();
 * await store.create({ id: 'inq-1', state: { n: 1 }, stage: 'inquiry', wakeAt: 1_000, lastEventAt: 0, effects: [] });
 * const saved = await store.save({ id: 'inq-1', expectedVersion: 1, state: { n: 2 }, stage: 'resolution', wakeAt: null, lastEventAt: 500, effects: [] });
 * saved.version; // 2
 * ```
 */
export function memoryStore<State = unknown, Effect = unknown>(
  options: MemoryStoreOptions = {},
): SnapshotStore<State, Effect> {
  const tables = new MemoryTables();
  const { snapshots, journals, outbox } = tables;
  for (const seed of options.snapshots ?? []) tables.create(seed);

  return {
    async load(id) {
      const snapshot = snapshots.get(id);
      return snapshot === undefined ? undefined : toSnapshot<State>(snapshot);
    },

    async create(source) {
      return toSnapshot<State>(tables.create(source));
    },

    async save(source) {
      const expectedVersion = checkQueryInteger(source.expectedVersion, 'save', 'expectedVersion', 1);
      const checked = checkSnapshotWrite(source);
      const stored = snapshots.get(source.id);
      if (stored?.version !== expectedVersion) {
        throw saveConflict(source.id, expectedVersion, stored?.version);
      }
      return toSnapshot<State>(tables.write(source.id, stored.version + 1, checked, source));
    },

    async due(query: DueQuery) {
      const until = checkQueryInteger(query.until, 'due', 'until');
      const limit = optionalLimit(query.limit, 'due');
      const found: { id: string; wakeAt: number }[] = [];
      for (const { id, wakeAt, parked } of snapshots.values()) {
        if (wakeAt !== null && wakeAt <= until && parked === null) found.push({ id, wakeAt });
      }
      found.sort((a, b) => a.wakeAt - b.wakeAt || compareSnapshotIds(a.id, b.id));
      return take(found, limit);
    },

    async park(request) {
      const entry = parkEntry(request);
      const stored = snapshots.get(request.id);
      if (stored?.version !== request.expectedVersion)
        throw saveConflict(request.id, request.expectedVersion, stored?.version);
      const parked = { at: request.at, reason: entry.effect.reason };
      tables.mark(stored, parked, entry);
      return toParked({ ...stored, version: entry.version }, parked);
    },

    async unpark(id, at) {
      checkQueryInteger(at, 'unpark', 'at');
      const stored = snapshots.get(id);
      if (stored === undefined || stored.parked === null) return false;
      tables.mark(stored, null, unparkEntry(id, stored.version + 1, at));
      return true;
    },

    async parked(options = {}) {
      const limit = optionalLimit(options.limit, 'parked');
      const found: ParkedSnapshot[] = [];
      for (const snapshot of snapshots.values()) {
        if (snapshot.parked === null) continue;
        if (options.after !== undefined && compareSnapshotIds(snapshot.id, options.after) <= 0) continue;
        found.push(toParked(snapshot, snapshot.parked));
      }
      return take(
        found.sort((a, b) => compareSnapshotIds(a.id, b.id)),
        limit,
      );
    },

    async journal(id, options = {}) {
      const afterVersion = checkQueryInteger(options.afterVersion ?? 0, 'journal', 'afterVersion');
      const rows = journals.get(id) ?? [];
      return rows.filter((row) => row.version > afterVersion).map((row) => toEntry<Effect>(row));
    },

    async undispatched(options = {}) {
      const limit = optionalLimit(options.limit, 'undispatched');
      const rows = [...outbox.values()].sort(
        (a, b) =>
          a.at - b.at || compareSnapshotIds(a.snapshotId, b.snapshotId) || a.version - b.version || a.index - b.index,
      );
      return take(rows, limit).map((row) => toEntry<Effect>(row));
    },

    async markDispatched(ids, at) {
      checkQueryInteger(at, 'markDispatched', 'at');
      for (const id of ids) {
        const row = outbox.get(id);
        if (row === undefined) continue;
        row.dispatchedAt = at;
        outbox.delete(id);
      }
    },

    async list(options = {}) {
      const limit = optionalLimit(options.limit, 'list');
      const { stage, after } = options;
      const ids: string[] = [];
      for (const snapshot of snapshots.values()) {
        if (stage !== undefined && snapshot.stage !== stage) continue;
        if (after !== undefined && compareSnapshotIds(snapshot.id, after) <= 0) continue;
        ids.push(snapshot.id);
      }
      return take(ids.sort(compareSnapshotIds), limit);
    },
  };
}

/** The store's three tables: snapshots, each inquiry's journal, and the journal rows not yet dispatched. */
class MemoryTables {
  readonly snapshots = new Map<string, MemorySnapshot>();
  readonly journals = new Map<string, MemoryJournalRow[]>();
  readonly outbox = new Map<string, MemoryJournalRow>();

  /** Writes a checked snapshot at `version` and journals its effects, undispatched. */
  write(id: string, version: number, checked: CheckedSnapshotWrite, source: SnapshotWrite): MemorySnapshot {
    const snapshot: MemorySnapshot = {
      id,
      version,
      stateJson: checked.stateJson,
      stage: source.stage,
      wakeAt: source.wakeAt,
      lastEventAt: source.lastEventAt,
      parked: null,
    };
    this.snapshots.set(id, snapshot);
    let journal = this.journals.get(id);
    if (journal === undefined) this.journals.set(id, (journal = []));
    checked.effects.forEach((effect, index) => {
      const row: MemoryJournalRow = {
        id: journalEntryId(id, version, index),
        snapshotId: id,
        version,
        index,
        type: effect.type,
        at: effect.at,
        effectJson: effect.json,
        dispatchedAt: null,
      };
      journal.push(row);
      this.outbox.set(row.id, row);
    });
    return snapshot;
  }

  create(source: SnapshotWrite): MemorySnapshot {
    const checked = checkSnapshotWrite(source);
    if (this.snapshots.has(source.id)) throw createConflict(source.id);
    return this.write(source.id, 1, checked, source);
  }

  /** Park and unpark bump the version and journal one entry, already dispatched (a record, not an effect). */
  mark(snapshot: MemorySnapshot, parked: MemorySnapshot['parked'], entry: JournalEntry): void {
    this.snapshots.set(snapshot.id, { ...snapshot, version: entry.version, parked });
    this.journals.get(snapshot.id)?.push({ ...entry, effectJson: JSON.stringify(entry.effect) });
  }
}

function toSnapshot<State>(snapshot: MemorySnapshot): StoredSnapshot<State> {
  return {
    id: snapshot.id,
    version: snapshot.version,
    // The store holds what a caller handed in as `State`; parsing gives the caller a fresh copy.
    state: JSON.parse(snapshot.stateJson) as State,
    stage: snapshot.stage,
    wakeAt: snapshot.wakeAt,
    lastEventAt: snapshot.lastEventAt,
  };
}

function toEntry<Effect>(row: MemoryJournalRow): JournalEntry<Effect> {
  return {
    id: row.id,
    snapshotId: row.snapshotId,
    version: row.version,
    index: row.index,
    type: row.type,
    at: row.at,
    effect: JSON.parse(row.effectJson) as Effect,
    dispatchedAt: row.dispatchedAt,
  };
}

function toParked(snapshot: MemorySnapshot, parked: NonNullable<MemorySnapshot['parked']>): ParkedSnapshot {
  return {
    id: snapshot.id,
    version: snapshot.version,
    stage: snapshot.stage,
    wakeAt: snapshot.wakeAt,
    parkedAt: parked.at,
    reason: { ...parked.reason },
  };
}

const take = <T>(items: T[], limit: number | undefined): T[] => (limit === undefined ? items : items.slice(0, limit));

const optionalLimit = (limit: number | undefined, method: string): number | undefined =>
  limit === undefined ? undefined : checkQueryInteger(limit, method, 'limit', 0);
