/**
 * What a worker does with a job: drain an inquiry's log into the store, or turn a due wake-up into
 * a `tick` entry of the log. Idempotent by construction: the snapshot records the last applied
 * sequence number, every save checks the loaded version, and the dead-letter list records each
 * rejected entry once — so a job that is retried, delivered twice or raced by another changes
 * nothing that was done already.
 */
import type { AnyServiceMachine, ServiceProcess } from '../../process/createProcess.js';
import { IncompatibleStateError, ServiceFlowError } from '../../errors.js';
import type { PersistedState } from '../../schemas/state.js';
import { journalEntryId, type JournalEntry, type SnapshotStore, type StoredSnapshot } from '../../stores/store.js';
import type { DeskClock } from '../../desk/clock.js';
import type { Outbox } from '../../desk/outbox.js';
import { appliedSequenceOf, toSnapshotWrite } from '../../desk/snapshot.js';
import { snapshotCache, type CachedSnapshot } from '../../desk/snapshot-cache.js';
import { describeError, type ErrorKind } from './error-kind.js';
import { foldLog, type FoldResult, type RejectedEntry } from './fold.js';
import type { DrainRead, InquiryLog, LogEntries } from './inquiry-log.js';
import { RunnerJobData } from './payloads.js';

/** What the drainer works with. */
export interface DrainerContext<TMachine extends AnyServiceMachine> {
  readonly process: ServiceProcess<TMachine>;
  readonly store: SnapshotStore;
  readonly log: InquiryLog;
  readonly outbox: Outbox;
  readonly clock: DeskClock;
  /** Adds the (de-duplicated) wake-up job of an inquiry for `wakeAt`. */
  readonly scheduleWake: (inquiryId: string, wakeAt: number | null) => Promise<void>;
  /** Adds the (de-duplicated) drain job of an inquiry. */
  readonly scheduleDrain: (inquiryId: string) => Promise<void>;
  /** Reports a failure of background work (a trim, a wake-up job) on the desk's `error` channel. */
  readonly reportError: (error: unknown, inquiryId: string) => void;
  /** How many inquiries the worker remembers as it saved them last (skipping their load). */
  readonly cacheSize: number;
  /** Sorts an error of a store write or a restore: retried, dead-lettered, or retried until the job's last attempt. */
  readonly errorKind: (error: unknown) => ErrorKind;
}

/** The job handlers of one worker process. */
export interface Drainer {
  /**
   * Handles one job's data (validated here: malformed data is dead-lettered, not thrown). On the
   * job's `final` attempt, an error of unknown kind counts as permanent: what it refuses is
   * dead-lettered instead of thrown.
   */
  handle(jobId: string | undefined, data: unknown, attempt: { readonly final: boolean }): Promise<void>;
}

/** The dead-letter code of an entry whose resulting state (or effects) the store refused to write. */
export const STORE_REFUSED = 'STORE_REFUSED';

// A drain reloads and folds again when it loses the race to save, but hands over to a follow-up
// job after this many rounds, so one contended inquiry cannot hog a slot.
const MAX_ROUNDS = 8;

const isConflict = (error: unknown): boolean => error instanceof ServiceFlowError && error.code === 'CONFLICT';

/**
 * Whether a save needs a wake-up job of its own. Every stored `wakeAt` has a wake-up job due at or
 * before it: the job of an earlier deadline, when it fires and finds the deadline moved later,
 * schedules the later one (it cannot fire a deadline early: it ticks only when the stored `wakeAt`
 * is due). So only a deadline earlier than the loaded one, a first one, or one after a tick (whose
 * job is used up) needs a job; a deadline moved later — what most events do — rides on the job
 * already scheduled.
 */
function needsWakeJob(loadedWakeAt: number | null | undefined, wakeAt: number | null, result: FoldResult): boolean {
  if (wakeAt === null) return false;
  return (
    result.created || result.ticked || loadedWakeAt === undefined || loadedWakeAt === null || wakeAt < loadedWakeAt
  );
}

/**
 * The `wakeAt` to store: `null` (parked) for a deadline whose tick was just refused (dead-lettered)
 * with nothing applied after it, so that neither a wake-up job nor the sweep wakes it again and
 * again. The state still holds the deadline: the next event that applies schedules it anew, and
 * re-driving the tick's dead letter fires it.
 */
function parked(wakeAt: number | null, refusedTickAt: number | null): number | null {
  return wakeAt !== null && refusedTickAt !== null && wakeAt <= refusedTickAt ? null : wakeAt;
}

// A NUL or a lone surrogate as a JSON escape (any case: producers other than JSON.stringify): no
// store can keep them (PostgreSQL refuses both), so an entry holding one probably makes a state
// the store refuses. An escaped surrogate pair matches too, which costs only a slower drain.
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** Whether one of the entries `from`…`last` probably makes a state the store refuses (see above). */
function holdsUnstorableText(entries: LogEntries, from: number, last: number): boolean {
  for (let sequence = from; sequence <= last; sequence++) {
    const text = entries.get(sequence);
    if (text !== undefined && text.includes('\\u') && UNSTORABLE_ESCAPE.test(text)) return true;
  }
  return false;
}

/** An entry's payload for a dead letter: its JSON, or the raw text when it is not JSON. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Creates the job handlers. */
export function createDrainer<TMachine extends AnyServiceMachine>(context: DrainerContext<TMachine>): Drainer {
  const { process, store, log, outbox, clock, scheduleWake, scheduleDrain, reportError, errorKind } = context;
  const cache = snapshotCache(context.cacheSize);

  const toEntries = (id: string, version: number, effects: readonly unknown[]): JournalEntry[] =>
    effects.map((effect, index) => {
      const { type, at } = effect as { type: string; at: number };
      return {
        id: journalEntryId(id, version, index),
        snapshotId: id,
        version,
        index,
        type,
        at,
        effect,
        dispatchedAt: null,
      };
    });

  /** The oldest entry left in the log (where the fold of an inquiry with no snapshot starts). */
  const firstOf = (entries: LogEntries): number => {
    let first = Number.POSITIVE_INFINITY;
    for (const sequence of entries.keys()) first = Math.min(first, sequence);
    return Number.isFinite(first) ? first : 1;
  };
  /**
   * The first entry to fold: `from`, or — when entries from `from` on were dead-lettered and
   * trimmed without a save (the stored state could not be restored) — the first one after them.
   */
  const firstUnapplied = async (inquiryId: string, from: number, entries: LogEntries): Promise<number> => {
    if (entries.has(from)) return from;
    const later = [...entries.keys()].filter((sequence) => sequence > from);
    if (later.length === 0) return from;
    const next = Math.min(...later);
    if (await log.allDeadLettered(inquiryId, from, next - 1)) return next;
    // The log is read before the snapshot is loaded, so entries after the applied ones cannot have
    // been trimmed yet: a hole means Redis lost data (no AOF, a failover to a stale replica).
    throw new IncompatibleStateError(
      `The event log of inquiry ${JSON.stringify(inquiryId)} has no entry ${from} but has ${next}: Redis lost log entries (run Redis with appendonly yes)`,
      { path: ['sequence'], received: next, expected: `entry ${from}` },
    );
  };

  // Redis writes whose outcome the job need not wait for: they ride on the connection BullMQ
  // completes the job on, so they reach Redis before the completion does. If one is lost anyway,
  // the sweep puts it right (a re-drive, a re-scheduled wake-up); entries left untrimmed are
  // trimmed by the next drain.
  const inBackground = (work: Promise<unknown>, inquiryId: string): void => {
    work.catch((error: unknown) => reportError(error, inquiryId));
  };

  /** Whether a failed write (or restore) is refused for good: dead-lettered, not retried. */
  const isFinal = (error: unknown, final: boolean): boolean => {
    const kind = errorKind(error);
    return kind === 'permanent' || (kind === 'unknown' && final);
  };
  const recordRejections = async (inquiryId: string, rejected: readonly RejectedEntry[]): Promise<void> => {
    for (const entry of rejected) {
      await log.deadLetter({
        key: `${inquiryId}#${entry.sequence}`,
        inquiryId,
        sequence: entry.sequence,
        payload: entry.payload,
        reason: { code: entry.code, message: entry.message },
        at: clock.now(),
      });
    }
  };

  type Loaded =
    /** The state to fold from (`undefined`: no snapshot yet), and the first entry to fold. */
    | { readonly kind: 'state'; readonly current: CachedSnapshot | undefined; readonly from: number }
    /** Nothing after the applied entries: the state need not be restored. */
    | { readonly kind: 'settled'; readonly wakeAt: number | null; readonly from: number }
    /** The stored state cannot be restored. */
    | { readonly kind: 'refused'; readonly from: number; readonly error: unknown };

  /**
   * The snapshot to fold from. The version this worker saved last is used without a load while the
   * log still holds the entry after it: whoever saves a later version trims that entry before its
   * job completes (on the connection BullMQ completes it on), so a missing entry is how a stale
   * cache shows, and a stale one that slips through (a worker that died between its save and its
   * trim) costs one `CONFLICT` and a reload, never a wrong state.
   */
  const load = async (inquiryId: string, entries: LogEntries): Promise<Loaded> => {
    const remembered = cache.get(inquiryId);
    if (remembered !== undefined && entries.has(remembered.appliedSequence + 1)) {
      return { kind: 'state', current: remembered, from: remembered.appliedSequence + 1 };
    }
    const snapshot = await store.load(inquiryId);
    if (snapshot === undefined) return { kind: 'state', current: undefined, from: firstOf(entries) };
    const appliedSequence = appliedSequenceOf(snapshot.state);
    const from = await firstUnapplied(inquiryId, appliedSequence + 1, entries);
    if (!entries.has(from)) return { kind: 'settled', wakeAt: snapshot.wakeAt, from };
    const cached = cache.get(inquiryId);
    if (cached?.version === snapshot.version) return { kind: 'state', current: cached, from };
    let state: PersistedState<unknown>;
    try {
      state = process.restore(snapshot.state) as PersistedState<unknown>;
    } catch (error) {
      return { kind: 'refused', from, error };
    }
    return {
      kind: 'state',
      current: { version: snapshot.version, state, wakeAt: snapshot.wakeAt, appliedSequence },
      from,
    };
  };

  /**
   * The stored state cannot be restored (`INCOMPATIBLE_STATE`: a version with no migration, a
   * tampered row). A newer worker may read it (a rolling upgrade), so the job is retried; on its
   * last attempt the waiting entries are dead-lettered with the reason and trimmed, so that they
   * do not wait forever. Entries after them apply once the state is fixed (or go the same way).
   */
  async function refusedState(
    inquiryId: string,
    loaded: Extract<Loaded, { kind: 'refused' }>,
    read: DrainRead,
    final: boolean,
  ): Promise<void> {
    if (!final) throw loaded.error;
    const rejected: RejectedEntry[] = [];
    let last = loaded.from - 1;
    for (let sequence = loaded.from; ; sequence++) {
      const text = read.entries.get(sequence);
      if (text === undefined) break;
      last = sequence;
      if (read.deadLettered.has(sequence)) continue;
      rejected.push({
        sequence,
        payload: parseOrText(text),
        code: loaded.error instanceof ServiceFlowError ? loaded.error.code : 'INCOMPATIBLE_STATE',
        message: `Not applied: the stored state of inquiry ${JSON.stringify(inquiryId)} cannot be restored (${describeError(loaded.error)}). Fix or migrate the stored state, then re-drive this entry`,
      });
    }
    await recordRejections(inquiryId, rejected);
    inBackground(log.settle(inquiryId, last), inquiryId);
  }

  /**
   * The store refused for good the write of a run of entries: applies them one at a time, one save
   * each, dead-letters the entries whose write the store refuses, and goes on with the rest from
   * the state before them. Entries in `skip` are dead letters already. Resolves `false` when
   * another worker saved first (the caller reloads and folds again).
   */
  async function applyOneByOne(
    inquiryId: string,
    current: CachedSnapshot | undefined,
    entries: LogEntries,
    from: number,
    last: number,
    skip: ReadonlySet<number>,
    final: boolean,
  ): Promise<boolean> {
    let base = current;
    const write = async (
      state: PersistedState<unknown>,
      wakeAt: number | null,
      effects: readonly unknown[],
      sequence: number,
    ): Promise<void> => {
      const snapshot = toSnapshotWrite(inquiryId, state, wakeAt, effects, sequence);
      const saved =
        base === undefined
          ? await store.create(snapshot)
          : await store.save({ ...snapshot, expectedVersion: base.version });
      base = { version: saved.version, state, wakeAt, appliedSequence: sequence };
      cache.set(inquiryId, base);
      await outbox.dispatch(toEntries(inquiryId, saved.version, effects));
    };
    let refusedTickAt: number | null = null;
    for (let sequence = from; sequence <= last; sequence++) {
      const text = entries.get(sequence);
      if (text === undefined) break;
      if (skip.has(sequence)) continue;
      const result = foldLog(
        process,
        inquiryId,
        base?.state,
        base?.wakeAt ?? null,
        new Map([[sequence, text]]),
        sequence,
      );
      await recordRejections(inquiryId, result.rejected);
      refusedTickAt = result.refusedTickAt ?? refusedTickAt;
      if (result.state === undefined || !result.changed) continue;
      try {
        await write(result.state, result.wakeAt, result.effects, sequence);
        refusedTickAt = null;
      } catch (error) {
        cache.delete(inquiryId);
        if (isConflict(error)) return false;
        if (!isFinal(error, final)) throw error;
        const unknown = errorKind(error) === 'unknown';
        await recordRejections(inquiryId, [
          {
            sequence,
            payload: parseOrText(text),
            code: STORE_REFUSED,
            message: `The store refused to write the state after this entry${unknown ? ' on the last attempt of its job' : ''}: ${describeError(error)}`,
          },
        ]);
        const entry = parseOrText(text) as { kind?: unknown; at?: unknown };
        if (entry.kind === 'tick' && typeof entry.at === 'number') refusedTickAt = entry.at;
      }
    }
    // Refused entries at the end: the stored state records that it includes them too.
    if (base !== undefined && base.appliedSequence < last) {
      try {
        await write(base.state, parked(base.wakeAt, refusedTickAt), [], last);
      } catch (error) {
        cache.delete(inquiryId);
        if (isConflict(error)) return false;
        if (!isFinal(error, final)) throw error;
        // The store refuses the state it holds: the entries are dead letters, so a later drain
        // passes over them (see firstUnapplied).
        reportError(error, inquiryId);
      }
    }
    if (base !== undefined) inBackground(scheduleWake(inquiryId, base.wakeAt), inquiryId);
    inBackground(log.settle(inquiryId, last), inquiryId);
    return true;
  }

  async function drain(inquiryId: string, final: boolean): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // Read the log before loading the snapshot: then every entry after the applied ones is in
      // what we read (entries are trimmed only after a save that recorded them as applied).
      const read = await log.readForDrain(inquiryId);
      const { entries, deadLettered } = read;
      const loaded = await load(inquiryId, entries);
      if (loaded.kind === 'refused') return refusedState(inquiryId, loaded, read, final);
      if (loaded.kind === 'settled') {
        // Nothing to apply: a duplicate or retried job. The attempt before it may have died
        // between its save and its wake-up job, so make sure of the wake-up (de-duplicated).
        await scheduleWake(inquiryId, loaded.wakeAt);
        inBackground(log.settle(inquiryId, loaded.from - 1), inquiryId);
        return;
      }
      const { current, from } = loaded;
      const result = foldLog(process, inquiryId, current?.state, current?.wakeAt ?? null, entries, from, deadLettered);

      if (result.last < from) {
        // Nothing to apply (the cached state's next entry was trimmed meanwhile, or an empty log).
        if (current !== undefined) await scheduleWake(inquiryId, current.wakeAt);
        inBackground(log.settle(inquiryId, from - 1), inquiryId);
        return;
      }

      if (holdsUnstorableText(entries, from, result.last)) {
        // Apply them one at a time, so that the outcome of every entry after a refused one is
        // decided from the state without it (and not recorded from the fold above first).
        if (await applyOneByOne(inquiryId, current, entries, from, result.last, deadLettered, final)) return;
        continue;
      }

      // The fold is a function of the log alone, so these rejections are final even if the save
      // below loses a race: record them (once per entry) before the entries can be trimmed.
      await recordRejections(inquiryId, result.rejected);

      if (result.state === undefined) {
        // No snapshot and no open entry among these: they were all refused.
        inBackground(log.settle(inquiryId, result.last), inquiryId);
        return;
      }

      const wakeAt = parked(result.wakeAt, result.refusedTickAt);
      const write = toSnapshotWrite(inquiryId, result.state, wakeAt, result.effects, result.last);
      let saved: StoredSnapshot;
      try {
        saved =
          current === undefined
            ? await store.create(write)
            : await store.save({ ...write, expectedVersion: current.version });
      } catch (error) {
        cache.delete(inquiryId);
        if (isConflict(error)) continue; // another worker saved first: reload and fold again
        if (!isFinal(error, final)) throw error; // retried by BullMQ, with backoff
        // One of these entries makes a state the store will never take: find it, one at a time.
        // The refusals recorded above stand (each entry is applied or dead-lettered, once).
        const skip = new Set([...deadLettered, ...result.rejected.map((entry) => entry.sequence)]);
        if (await applyOneByOne(inquiryId, current, entries, from, result.last, skip, final)) return;
        continue;
      }
      cache.set(inquiryId, { version: saved.version, state: result.state, wakeAt, appliedSequence: result.last });
      if (needsWakeJob(current?.wakeAt, wakeAt, result)) inBackground(scheduleWake(inquiryId, wakeAt), inquiryId);
      await outbox.dispatch(toEntries(inquiryId, saved.version, result.effects));
      inBackground(log.settle(inquiryId, result.last), inquiryId);
      return;
    }
    // Lost the race to save too often in a row: a follow-up job (de-duplicated) tries again.
    await scheduleDrain(inquiryId);
  }

  async function wake(inquiryId: string, dueAt: number): Promise<void> {
    const snapshot = await store.load(inquiryId);
    if (snapshot === undefined || snapshot.wakeAt === null) return;
    // Moved later by an event since: this job stood for the later deadline too (see needsWakeJob).
    if (snapshot.wakeAt > dueAt) return scheduleWake(inquiryId, snapshot.wakeAt);
    // The event id makes a retried wake-up append its tick once (per stored version, so a deadline
    // that comes back to the same instant later still gets a tick of its own).
    const appended = await log.append(inquiryId, [
      { payload: JSON.stringify({ kind: 'tick', at: dueAt }), eventId: `tick-${dueAt}-${snapshot.version}` },
    ]);
    // This very tick was dead-lettered already (the stored state cannot be restored, so nothing
    // could park the deadline): waking it again would refuse it again.
    if (await log.wasDeadLettered(`${inquiryId}#${appended.sequences[0] ?? 0}`)) return;
    await scheduleDrain(inquiryId);
  }

  return {
    async handle(jobId, data, attempt) {
      const parsed = RunnerJobData.safeParse(data);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        await log.deadLetter({
          key: `job:${jobId ?? 'unknown'}`,
          ...(jobId === undefined ? {} : { jobId }),
          payload: data ?? null,
          reason: {
            code: 'MALFORMED_PAYLOAD',
            message: `Job data is not a serviceflow job ({ kind: 'drain', inquiryId } or { kind: 'wake', inquiryId, dueAt })${first === undefined ? '' : `: ${first.path.map(String).join('.') || '(root)'}: ${first.message}`}`,
          },
          at: clock.now(),
        });
        return;
      }
      if (parsed.data.kind === 'drain') await drain(parsed.data.inquiryId, attempt.final);
      else await wake(parsed.data.inquiryId, parsed.data.dueAt);
    },
  };
}
