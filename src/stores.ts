/**
 * `serviceflow/stores`: what an author of a store of their own needs to keep the contract every
 * built-in store keeps. The contract itself is the `SnapshotStore` interface of `serviceflow`;
 * these are the checks and values its rules come down to, shared by `memoryStore` and
 * `postgresStore` so that a third store behaves exactly like them:
 *
 * - `checkSnapshotWrite`: refuses what no store could keep (before anything is written) and
 *   serialises the state and effects once;
 * - `checkQueryInteger`: checks the numbers a store method receives;
 * - `journalEntries`: the journal entries of a write (ids, versions, indexes, undispatched);
 * - `journalEntryId`: the stable id of a journal entry, the same on every re-delivery;
 * - `compareSnapshotIds`: the order of `list` (PostgreSQL's `COLLATE "C"`);
 * - `createConflict`, `saveConflict`: the `ConflictError`s of a taken id and of a stale version;
 * - `parkEntry`, `unparkEntry`: the journal entries that `park` and `unpark` write.
 *
 * Users of the built-in stores do not need this entry. docs/persistence.md walks through a store
 * built on it.
 *
 * @example
 * ```ts
 * import type { JournalEntry, SnapshotStore, StoredSnapshot } from 'serviceflow';
 * import { checkSnapshotWrite, createConflict, journalEntries } from 'serviceflow/stores';
 * const rows = new Map<string, StoredSnapshot>();
 * const journal: JournalEntry[] = [];
 * const create: SnapshotStore['create'] = async (write) => {
 *   const { stateJson, effects } = checkSnapshotWrite(write); // INVALID_INPUT before anything is written
 *   if (rows.has(write.id)) throw createConflict(write.id);
 *   const { id, stage, wakeAt, lastEventAt } = write;
 *   const row: StoredSnapshot = { id, version: 1, state: JSON.parse(stateJson), stage, wakeAt, lastEventAt };
 *   rows.set(id, row);
 *   // Ids 'T-1:1:0', 'T-1:1:1', …: the same on every re-delivery.
 *   journal.push(...journalEntries(id, 1, effects.map(({ json }) => JSON.parse(json))));
 *   return row;
 * };
 * ```
 *
 * @module serviceflow/stores
 */
export {
  checkSnapshotWrite,
  checkQueryInteger,
  journalEntries,
  journalEntryId,
  compareSnapshotIds,
  createConflict,
  saveConflict,
  parkEntry,
  unparkEntry,
  type CheckedSnapshotWrite,
} from './stores/store.js';
