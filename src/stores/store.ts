/**
 * The persistence contract every store implements: snapshots of process state with optimistic
 * concurrency, the effect journal written in the same transaction (an outbox), and the due-time
 * index that lets a poller find inquiries whose `wakeAt` has passed.
 */

import { ConflictError, InvalidInputError, abbreviate } from '../errors.js';
import { isStorableText, UNSTORABLE_TEXT } from '../schemas/text.js';

/** A JSON value as stored (the persisted process state, an effect). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One inquiry (or any process instance) as a store holds it. */
export interface StoredSnapshot<State = unknown> {
  readonly id: string;
  /** Optimistic-concurrency version: 1 after `create`, +1 on every successful `save`. */
  readonly version: number;
  /** The persisted process state, plain JSON. */
  readonly state: State;
  /** The stage (top-level state) at the last save, for queries and dashboards. */
  readonly stage: string;
  /** When a `tick` would next change something, or `null`: indexed for due-time polling. */
  readonly wakeAt: number | null;
  /** The `at` of the last applied event. */
  readonly lastEventAt: number;
}

/** An effect as the journal keeps it. */
export interface JournalEntry<Effect = unknown> {
  /** Stable id: `${snapshotId}:${version}:${index}`, the same on every re-delivery. */
  readonly id: string;
  readonly snapshotId: string;
  /** The snapshot version whose save produced this effect. */
  readonly version: number;
  /** Position of the effect within that save. */
  readonly index: number;
  readonly type: string;
  readonly at: number;
  readonly effect: Effect;
  /** When the effect was handed to listeners (host clock), or `null` while undelivered. */
  readonly dispatchedAt: number | null;
}

/** What `create` and `save` write. */
export interface SnapshotWrite<State = unknown, Effect = unknown> {
  readonly id: string;
  readonly state: State;
  readonly stage: string;
  readonly wakeAt: number | null;
  readonly lastEventAt: number;
  /** The effects of this step, journaled atomically with the state. Each needs `type` and `at`. */
  readonly effects: readonly Effect[];
}

/**
 * Why a snapshot was parked: the stable code and the message of the error that keeps it from
 * being woken (`INCOMPATIBLE_STATE`, a state the store refuses, a tick that never moves `wakeAt`).
 */
export interface ParkReason {
  readonly code: string;
  readonly message: string;
}

/** What {@link SnapshotStore.park} writes. */
export interface ParkRequest {
  readonly id: string;
  /** The version the caller loaded; a snapshot saved since is not parked (`CONFLICT`). */
  readonly expectedVersion: number;
  /** When it was parked (the host's clock, epoch ms). */
  readonly at: number;
  readonly reason: ParkReason;
}

/** A parked snapshot, as {@link SnapshotStore.parked} lists it. */
export interface ParkedSnapshot {
  readonly id: string;
  /** The version after parking (parking bumps it, like a save). */
  readonly version: number;
  readonly stage: string;
  /** The wake-up it could not get; `due()` no longer offers it. */
  readonly wakeAt: number | null;
  readonly parkedAt: number;
  readonly reason: ParkReason;
}

/** Options of {@link SnapshotStore.due}. */
export interface DueQuery {
  /** Return snapshots whose `wakeAt` is at or before this instant. */
  readonly until: number;
  readonly limit?: number;
}

/**
 * Where snapshots live. Every method is async; implementations must make `create`/`save` and the
 * journal append one atomic write, and must reject a stale `expectedVersion` with a
 * `ConflictError` (code `CONFLICT`) without writing anything.
 */
export interface SnapshotStore<State = unknown, Effect = unknown> {
  /** The snapshot with this id, or `undefined`. */
  load(id: string): Promise<StoredSnapshot<State> | undefined>;
  /** Writes a new snapshot at version 1; `CONFLICT` if the id exists. */
  create(write: SnapshotWrite<State, Effect>): Promise<StoredSnapshot<State>>;
  /**
   * Replaces the snapshot if its version is still `expectedVersion`; `CONFLICT` otherwise. A
   * successful save clears a park mark (the new state is woken as usual).
   */
  save(write: SnapshotWrite<State, Effect> & { readonly expectedVersion: number }): Promise<StoredSnapshot<State>>;
  /**
   * Optional: saves several snapshots, of distinct ids, in one atomic write, each with its own
   * version check as in `save`. Resolves, in order, with each saved snapshot, or `undefined` for a
   * write whose version did not match (nothing is written for it). Throws when the write fails or
   * a write is invalid, and then nothing of any write is written. The BullMQ runner's workers use
   * it for the saves of drains that finish together (one transaction instead of one each); without
   * it they save one write at a time. `postgresStore` has it.
   */
  saveMany?(
    writes: readonly (SnapshotWrite<State, Effect> & { readonly expectedVersion: number })[],
  ): Promise<readonly (StoredSnapshot<State> | undefined)[]>;
  /** Snapshots with `wakeAt <= until` that are not parked, earliest first. */
  due(query: DueQuery): Promise<{ id: string; wakeAt: number }[]>;
  /**
   * Parks a snapshot that can never be woken as it is stored, if its version is still
   * `expectedVersion` (`CONFLICT` otherwise, nothing written): `due()` stops offering it until
   * `unpark` or the next successful `save`. Bumps the version and journals one entry
   * `{ type: 'inquiry.parked', inquiryId, at, reason }`, already marked dispatched at `at` (it is a
   * record for operators, not an effect for listeners), in the same atomic write.
   *
   * Optional, like `unpark` and `parked`, so that stores written before parking existed keep
   * working: without them the desk keeps unwakeable inquiries parked in its own memory only.
   * `memoryStore` and `postgresStore` have all three.
   */
  park?(request: ParkRequest): Promise<ParkedSnapshot>;
  /**
   * Clears a park mark, so that `due()` offers the snapshot again. Bumps the version and journals
   * `{ type: 'inquiry.unparked', inquiryId, at }` (marked dispatched). Resolves `false`, writing
   * nothing, when the snapshot is not parked (or does not exist).
   */
  unpark?(id: string, at: number): Promise<boolean>;
  /** Parked snapshots in id order (`after`: only ids after this one). */
  parked?(options?: { limit?: number; after?: string }): Promise<ParkedSnapshot[]>;
  /** The journal of one snapshot, oldest first; `afterVersion` skips older steps. */
  journal(id: string, options?: { afterVersion?: number }): Promise<JournalEntry<Effect>[]>;
  /** Journal entries not yet marked dispatched, oldest first (the outbox). */
  undispatched(options?: { limit?: number }): Promise<JournalEntry<Effect>[]>;
  /** Marks journal entries as handed to listeners. Unknown ids are ignored. */
  markDispatched(ids: readonly string[], at: number): Promise<void>;
  /** Snapshot ids, optionally filtered by stage, in id order. */
  list(options?: { stage?: string; limit?: number; after?: string }): Promise<string[]>;
  /** Releases resources the store opened itself (never a client the host passed in). */
  close?(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Helpers every store shares (and that authors of their own stores can reuse): the stable journal
// id, the checks a write must pass before anything is written, and the id order of `list`.
// ---------------------------------------------------------------------------------------------

/**
 * The stable id of a journal entry: `${snapshotId}:${version}:${index}`.
 *
 * The same effect gets the same id on every re-delivery, so listeners can de-duplicate.
 *
 * @example
 * ```ts
 * import { journalEntryId } from 'serviceflow/stores';
 * journalEntryId('inq-1', 3, 0); // 'inq-1:3:0'
 * ```
 */
export function journalEntryId(snapshotId: string, version: number, index: number): string {
  return `${snapshotId}:${version}:${index}`;
}

/**
 * The journal entries of one write: one per effect, in order, each with its stable
 * {@link journalEntryId}, the write's `version`, its `index` in the write, the effect's `type` and
 * `at`, and `dispatchedAt: null` (not delivered yet). What `create` (version 1) and `save` (the new
 * version) journal with the snapshot, and what the desk hands to the outbox.
 *
 * @param snapshotId - The inquiry's id.
 * @param version - The version the write produced.
 * @param effects - The write's effects, in order, each with a `type` and an `at` (in a store: the
 *   effects as {@link checkSnapshotWrite} serialised them, parsed back).
 * @returns One entry per effect, in the effects' order.
 *
 * @example
 * ```ts
 * import { checkSnapshotWrite, journalEntries } from 'serviceflow/stores';
 * const write = { id: 'inq-1', state: {}, stage: 'inquiry', wakeAt: null, lastEventAt: 0, effects: [{ type: 'stage.changed', at: 0 }] };
 * const { effects } = checkSnapshotWrite(write);
 * const [entry] = journalEntries('inq-1', 1, effects.map(({ json }) => JSON.parse(json)));
 * entry?.id; // 'inq-1:1:0'
 * entry?.dispatchedAt; // null
 * ```
 */
export function journalEntries<TEffect extends { readonly type: string; readonly at: number }>(
  snapshotId: string,
  version: number,
  effects: readonly TEffect[],
): JournalEntry<TEffect>[] {
  return effects.map((effect, index) => ({
    id: journalEntryId(snapshotId, version, index),
    snapshotId,
    version,
    index,
    type: effect.type,
    at: effect.at,
    effect,
    dispatchedAt: null,
  }));
}

/**
 * A {@link SnapshotWrite} that passed {@link checkSnapshotWrite}, serialised once.
 *
 * @example
 * ```ts
 * import { checkSnapshotWrite, type CheckedSnapshotWrite } from 'serviceflow/stores';
 * const { stateJson, effects }: CheckedSnapshotWrite = checkSnapshotWrite({
 *   id: 'inq-1', state: { n: 1 }, stage: 'inquiry', wakeAt: null, lastEventAt: 0,
 *   effects: [{ type: 'inquiry.received', at: 0 }],
 * });
 * effects[0]?.json; // '{"type":"inquiry.received","at":0}'
 * ```
 */
export interface CheckedSnapshotWrite {
  /** `JSON.stringify(write.state)`. */
  readonly stateJson: string;
  /** One entry per effect, in order: its `type`, its `at` and `JSON.stringify(effect)`. */
  readonly effects: readonly { readonly type: string; readonly at: number; readonly json: string }[];
}

// UNSTORABLE_TEXT: PostgreSQL's text and jsonb refuse NUL characters and unpaired surrogates, so
// every store refuses them and a state that works on memoryStore keeps working on postgresStore.
export { isStorableText };

/** `text` with every NUL character and unpaired surrogate replaced by U+FFFD. Internal. */
export const toStorableText = (text: string): string => text.replace(new RegExp(UNSTORABLE_TEXT.source, 'g'), '\ufffd');

// The same two, as JSON.stringify escapes them (an even number of backslashes before the escape).
const UNSTORABLE_JSON = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/;

/**
 * Checks a write against the store contract before anything is written, and serialises its state
 * and effects once. Throws `InvalidInputError` (code `INVALID_INPUT`) naming the offending field.
 *
 * Rules: `id` is a non-empty string; `stage` a string; `lastEventAt` and a non-null `wakeAt` are
 * safe integers (epoch ms); `state` and every effect are JSON-serialisable (a `Date` becomes its
 * ISO string, `undefined` properties are dropped, a `bigint` or a cycle is refused); every effect
 * is an object with a non-empty string `type` and a safe-integer `at`; no string anywhere holds a
 * NUL character or an unpaired surrogate (PostgreSQL cannot store them). (`save` checks its
 * `expectedVersion` with {@link checkQueryInteger}.)
 *
 * @example
 * ```ts
 * import { checkSnapshotWrite } from 'serviceflow/stores';
 * const checked = checkSnapshotWrite({ id: 'inq-1', state: { n: 1 }, stage: 'inquiry', wakeAt: null, lastEventAt: 0, effects: [] });
 * checked.stateJson; // '{"n":1}'
 * ```
 */
export function checkSnapshotWrite(write: SnapshotWrite): CheckedSnapshotWrite {
  if (typeof write !== 'object' || write === null) refuse([], write, 'a snapshot write object');
  checkText(write.id, ['id'], 'a non-empty string', true);
  checkText(write.stage, ['stage'], 'a string (the stage at this save)', false);
  if (write.wakeAt !== null) checkEpochMs(write.wakeAt, ['wakeAt'], 'null or epoch milliseconds (a safe integer)');
  checkEpochMs(write.lastEventAt, ['lastEventAt'], 'epoch milliseconds (a safe integer)');
  const stateJson = toStorableJson(write.state, ['state']);
  if (!Array.isArray(write.effects)) refuse(['effects'], write.effects, 'an array of effects');
  const effects = write.effects.map((effect: unknown, index) => {
    const path = ['effects', index];
    if (typeof effect !== 'object' || effect === null || Array.isArray(effect)) {
      refuse(path, effect, 'an effect object with a string `type` and an epoch-ms `at`');
    }
    const { type, at } = effect as { type?: unknown; at?: unknown };
    checkText(type, [...path, 'type'], 'a non-empty string', true);
    checkEpochMs(at, [...path, 'at'], 'epoch milliseconds (a safe integer)');
    return { type, at, json: toStorableJson(effect, path) };
  });
  return { stateJson, effects };
}

/**
 * Checks a {@link ParkRequest} and builds the journal entry a store writes with it (version = the
 * parked version, index 0, already dispatched at `at`). Throws `InvalidInputError` (code
 * `INVALID_INPUT`) for a malformed request.
 *
 * @example
 * ```ts
 * import { parkEntry } from 'serviceflow/stores';
 * const entry = parkEntry({ id: 'inq-1', expectedVersion: 3, at: 1_000, reason: { code: 'INCOMPATIBLE_STATE', message: 'unknown machine version' } });
 * entry.id; // 'inq-1:4:0'
 * entry.type; // 'inquiry.parked'
 * ```
 */
export function parkEntry(
  request: ParkRequest,
): JournalEntry<{ type: 'inquiry.parked'; inquiryId: string; at: number; reason: ParkReason }> {
  if (typeof request !== 'object' || request === null)
    refuse([], request, 'a park request object', undefined, 'park request');
  checkText(request.id, ['id'], 'a non-empty string', true, 'park request');
  const expectedVersion = checkQueryInteger(request.expectedVersion, 'park', 'expectedVersion', 1);
  checkQueryInteger(request.at, 'park', 'at');
  const reason = request.reason as Partial<ParkReason> | null;
  if (typeof reason !== 'object' || reason === null)
    refuse(['reason'], reason, 'a reason { code, message }', undefined, 'park request');
  checkText(reason.code, ['reason', 'code'], 'a non-empty string', true, 'park request');
  checkText(reason.message, ['reason', 'message'], 'a string', false, 'park request');
  const version = expectedVersion + 1;
  const effect = {
    type: 'inquiry.parked' as const,
    inquiryId: request.id,
    at: request.at,
    reason: { code: reason.code, message: reason.message },
  };
  return {
    id: journalEntryId(request.id, version, 0),
    snapshotId: request.id,
    version,
    index: 0,
    type: effect.type,
    at: request.at,
    effect,
    dispatchedAt: request.at,
  };
}

/**
 * The journal entry of an `unpark` at `version` (the version after it), already dispatched at `at`.
 *
 * @example
 * ```ts
 * import { unparkEntry } from 'serviceflow/stores';
 * unparkEntry('inq-1', 5, 2_000).effect; // { type: 'inquiry.unparked', inquiryId: 'inq-1', at: 2_000 }
 * ```
 */
export function unparkEntry(
  id: string,
  version: number,
  at: number,
): JournalEntry<{ type: 'inquiry.unparked'; inquiryId: string; at: number }> {
  const effect = { type: 'inquiry.unparked' as const, inquiryId: id, at };
  return {
    id: journalEntryId(id, version, 0),
    snapshotId: id,
    version,
    index: 0,
    type: effect.type,
    at,
    effect,
    dispatchedAt: at,
  };
}

/**
 * Orders snapshot ids as every store's `list` does: by Unicode code point, which is what
 * PostgreSQL's `COLLATE "C"` does on UTF-8 text (and not quite JavaScript's default sort, which
 * compares UTF-16 code units).
 *
 * @example
 * ```ts
 * import { compareSnapshotIds } from 'serviceflow/stores';
 * ['b', 'a', '\u{1F600}', '\uFF5E'].sort(compareSnapshotIds); // ['a', 'b', '\uFF5E', '\u{1F600}']
 * ```
 */
export function compareSnapshotIds(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/**
 * Checks a number a store method receives (`due`'s `until` and `limit`, `journal`'s
 * `afterVersion`, `markDispatched`'s `at`, a `limit`): a safe integer >= `min`. Throws
 * `InvalidInputError` (code `INVALID_INPUT`) otherwise.
 *
 * @example
 * ```ts
 * import { checkQueryInteger } from 'serviceflow/stores';
 * checkQueryInteger(100, 'due', 'limit', 0); // 100
 * checkQueryInteger(-1, 'due', 'limit', 0); // throws INVALID_INPUT
 * ```
 */
export function checkQueryInteger(
  value: unknown,
  method: string,
  field: string,
  min = Number.MIN_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const expected = min === Number.MIN_SAFE_INTEGER ? 'a safe integer' : `an integer >= ${min}`;
    throw new InvalidInputError(
      `Invalid ${method} call: ${field} must be ${expected} (received ${abbreviate(value)})`,
      {
        path: [field],
        received: value,
        expected,
      },
    );
  }
  return value;
}

/**
 * The `ConflictError` of a `create` whose id is taken.
 *
 * @example
 * ```ts
 * import { createConflict } from 'serviceflow/stores';
 * const error = createConflict('inq-1');
 * error.code; // 'CONFLICT'
 * error.path; // ['id']
 * ```
 */
export function createConflict(id: string): ConflictError {
  return new ConflictError(`Cannot create snapshot ${abbreviate(id)}: a snapshot with this id already exists`, {
    path: ['id'],
    received: id,
    expected: 'an id not yet in the store',
  });
}

/**
 * The `ConflictError` of a `save` whose `expectedVersion` is stale, or whose id does not exist
 * (`storedVersion` undefined).
 *
 * @example
 * ```ts
 * import { saveConflict } from 'serviceflow/stores';
 * const error = saveConflict('inq-1', 3, 4); // expected version 3, but the store holds version 4
 * error.message; // 'Cannot save snapshot "inq-1": expected version 3 but the store holds version 4 (…)'
 * ```
 */
export function saveConflict(id: string, expectedVersion: number, storedVersion: number | undefined): ConflictError {
  if (storedVersion === undefined) {
    return new ConflictError(
      `Cannot save snapshot ${abbreviate(id)}: no snapshot with this id exists (create it first)`,
      {
        path: ['id'],
        received: id,
        expected: 'the id of an existing snapshot',
      },
    );
  }
  return new ConflictError(
    `Cannot save snapshot ${abbreviate(id)}: expected version ${expectedVersion} but the store holds version ${storedVersion} (another writer saved first; reload and retry)`,
    { path: ['expectedVersion'], received: expectedVersion, expected: `version ${storedVersion}` },
  );
}

// Moves surrogates above the rest of the BMP, so comparing code units compares code points.
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

function checkText(
  value: unknown,
  path: (string | number)[],
  expected: string,
  nonEmpty: boolean,
  what?: string,
): asserts value is string {
  if (typeof value !== 'string' || (nonEmpty && value === '')) refuse(path, value, expected, undefined, what);
  if (UNSTORABLE_TEXT.test(value))
    refuse(path, value, `${expected} without NUL characters or unpaired surrogates`, undefined, what);
}

function checkEpochMs(value: unknown, path: (string | number)[], expected: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) refuse(path, value, expected);
}

function toStorableJson(value: unknown, path: (string | number)[]): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    refuse(path, value, 'a JSON-serialisable value (no bigint, no cycles)', error);
  }
  if (json === undefined) refuse(path, value, 'a JSON-serialisable value');
  if (UNSTORABLE_JSON.test(json))
    refuse(path, value, 'JSON whose strings hold no NUL characters or unpaired surrogates');
  return json;
}

function refuse(
  path: (string | number)[],
  received: unknown,
  expected: string,
  cause?: unknown,
  what = 'snapshot write',
): never {
  const where = path.length === 0 ? `the ${what === 'snapshot write' ? 'write' : 'request'}` : path.join('.');
  throw new InvalidInputError(`Invalid ${what}: ${where} must be ${expected} (received ${abbreviate(received)})`, {
    path,
    received,
    expected,
    cause,
  });
}
