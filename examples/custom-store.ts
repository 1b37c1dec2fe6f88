/**
 * Your own SnapshotStore over any key-value API: a complete store that passes the same contract
 * suite as memoryStore and postgresStore (test/stores/custom-store-example.test.ts).
 *
 * Run it: `npx tsx examples/custom-store.ts`.
 */
import { pathToFileURL } from 'node:url';
import type { JournalEntry, ParkedSnapshot, SnapshotStore, SnapshotWrite, StoredSnapshot } from 'serviceflow';
import {
  checkQueryInteger,
  checkSnapshotWrite,
  compareSnapshotIds,
  createConflict,
  journalEntries,
  parkEntry,
  saveConflict,
  unparkEntry,
} from 'serviceflow/stores';

/** A key-value database: Redis, a SQLite table, IndexedDB, files in a folder… */
export interface KeyValue {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  values(): Promise<string[]>;
}

// #region store
type Parked = Pick<ParkedSnapshot, 'parkedAt' | 'reason'>;
type Row = { snapshot: StoredSnapshot; journal: JournalEntry[]; parked?: Parked }; // one key per snapshot: a write is one set()

export function keyValueStore(kv: KeyValue): SnapshotStore {
  let tail: Promise<unknown> = Promise.resolve(); // one writer at a time, so check-then-set is atomic
  const locked = <T>(work: () => Promise<T>): Promise<T> => (tail = tail.then(work, work));
  const parse = (text: string) => JSON.parse(text) as Row;
  const get = async (id: string) => {
    const text = await kv.get(id);
    return text === undefined ? undefined : parse(text);
  };
  const all = async () => (await kv.values()).map(parse);
  const take = <T>(items: T[], limit?: number) =>
    items.slice(0, limit === undefined ? undefined : checkQueryInteger(limit, 'query', 'limit', 0));
  const byOutboxOrder = (a: JournalEntry, b: JournalEntry) =>
    a.at - b.at || compareSnapshotIds(a.snapshotId, b.snapshotId) || a.version - b.version || a.index - b.index;

  async function put(write: SnapshotWrite, row?: Row): Promise<StoredSnapshot> {
    const { stateJson, effects } = checkSnapshotWrite(write); // INVALID_INPUT before anything is written
    const { id, stage, wakeAt, lastEventAt } = write;
    const version = (row?.snapshot.version ?? 0) + 1;
    const snapshot = { id, version, state: JSON.parse(stateJson) as unknown, stage, wakeAt, lastEventAt };
    const parsed = effects.map(({ json }) => JSON.parse(json) as { type: string; at: number });
    const added = journalEntries(id, version, parsed); // ids `${id}:${version}:${index}`, none dispatched
    await kv.set(id, JSON.stringify({ snapshot, journal: [...(row?.journal ?? []), ...added] }));
    return snapshot;
  }

  return {
    load: async (id) => (await get(id))?.snapshot,
    create: (write) =>
      locked(async () => {
        if ((await get(write.id)) !== undefined) throw createConflict(write.id);
        return put(write);
      }),
    save: (write) =>
      locked(async () => {
        const expected = checkQueryInteger(write.expectedVersion, 'save', 'expectedVersion', 1);
        const row = await get(write.id);
        if (row?.snapshot.version !== expected) throw saveConflict(write.id, expected, row?.snapshot.version);
        return put(write, row);
      }),
    async due({ until, limit }) {
      const due = (await all()).flatMap(({ snapshot: { id, wakeAt }, parked }) =>
        wakeAt !== null && wakeAt <= until && !parked ? [{ id, wakeAt }] : [],
      );
      return take(
        due.sort((a, b) => a.wakeAt - b.wakeAt || compareSnapshotIds(a.id, b.id)),
        limit,
      );
    },
    // Parking: a version bump, a mark that keeps the row out of due(), one journal entry born dispatched.
    park: (request) =>
      locked(async () => {
        const entry = parkEntry(request); // INVALID_INPUT for a malformed request
        const row = await get(request.id);
        if (row?.snapshot.version !== request.expectedVersion)
          throw saveConflict(request.id, request.expectedVersion, row?.snapshot.version);
        const snapshot = { ...row.snapshot, version: entry.version };
        const parked = { parkedAt: request.at, reason: entry.effect.reason };
        await kv.set(request.id, JSON.stringify({ snapshot, journal: [...row.journal, entry], parked }));
        return {
          id: snapshot.id,
          version: snapshot.version,
          stage: snapshot.stage,
          wakeAt: snapshot.wakeAt,
          ...parked,
        };
      }),
    unpark: (id, at) =>
      locked(async () => {
        checkQueryInteger(at, 'unpark', 'at');
        const row = await get(id);
        if (!row?.parked) return false;
        const snapshot = { ...row.snapshot, version: row.snapshot.version + 1 };
        await kv.set(
          id,
          JSON.stringify({ snapshot, journal: [...row.journal, unparkEntry(id, snapshot.version, at)] }),
        );
        return true;
      }),
    async parked({ after, limit } = {}) {
      const rows = (await all()).filter(
        (row) => row.parked && (after === undefined || compareSnapshotIds(row.snapshot.id, after) > 0),
      );
      const parked = rows.map(({ snapshot: { id, version, stage, wakeAt }, parked }) => ({
        id,
        version,
        stage,
        wakeAt,
        ...(parked as Parked),
      }));
      return take(
        parked.sort((a, b) => compareSnapshotIds(a.id, b.id)),
        limit,
      );
    },
    journal: async (id, { afterVersion = 0 } = {}) =>
      ((await get(id))?.journal ?? []).filter((entry) => entry.version > afterVersion),
    async undispatched({ limit } = {}) {
      const open = (await all()).flatMap((row) => row.journal.filter((entry) => entry.dispatchedAt === null));
      return take(open.sort(byOutboxOrder), limit);
    },
    markDispatched: (ids, at) =>
      locked(async () => {
        for (const row of await all()) {
          const journal = row.journal.map((e) =>
            e.dispatchedAt === null && ids.includes(e.id) ? { ...e, dispatchedAt: at } : e,
          );
          if (journal.some((e, i) => e !== row.journal[i]))
            await kv.set(row.snapshot.id, JSON.stringify({ ...row, journal }));
        }
      }),
    async list({ stage, after, limit } = {}) {
      const wanted = (s: StoredSnapshot) =>
        (stage ?? s.stage) === s.stage && (after === undefined || compareSnapshotIds(s.id, after) > 0);
      return take(
        (await all())
          .map((row) => row.snapshot)
          .filter(wanted)
          .map((s) => s.id)
          .sort(compareSnapshotIds),
        limit,
      );
    },
  };
}
// #endregion store

/** The simplest {@link KeyValue}: a Map (swap in Redis, SQLite, IndexedDB, a file…). */
export function mapKeyValue(map = new Map<string, string>()): KeyValue {
  return {
    get: async (key) => map.get(key),
    set: async (key, value) => void map.set(key, value),
    values: async () => [...map.values()],
  };
}

async function demo(): Promise<void> {
  const store = keyValueStore(mapKeyValue());
  await store.create({
    id: 'inq-1',
    state: { stage: 'inquiry' },
    stage: 'inquiry',
    wakeAt: 60_000,
    lastEventAt: 0,
    effects: [{ type: 'stage.changed', at: 0 }],
  });
  await store.save({
    id: 'inq-1',
    expectedVersion: 1,
    state: { stage: 'resolution' },
    stage: 'resolution',
    wakeAt: null,
    lastEventAt: 1_000,
    effects: [],
  });
  const stale = await store
    .save({
      id: 'inq-1',
      expectedVersion: 1,
      state: {},
      stage: 'closed',
      wakeAt: null,
      lastEventAt: 2_000,
      effects: [],
    })
    .catch((error: Error) => error.message);
  console.log({ loaded: await store.load('inq-1'), journal: await store.journal('inq-1'), stale });
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) await demo();
