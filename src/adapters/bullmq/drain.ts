/**
 * What a worker does with a job: drain an inquiry's log into the store, or turn a due wake-up into
 * a `tick` entry of the log. Idempotent by construction: the snapshot records the last applied
 * sequence number, every save checks the loaded version, and the dead-letter list records each
 * rejected entry once — so a job that is retried, delivered twice or raced by another changes
 * nothing that was done already.
 */
import type { AnyServiceMachine, ServiceProcess } from '../../process/createProcess.js';
import { IncompatibleStateError, ServiceFlowError } from '../../process/errors.js';
import type { PersistedState } from '../../schemas/state.js';
import { journalEntryId, type JournalEntry, type SnapshotStore, type StoredSnapshot } from '../../stores/store.js';
import type { DeskClock } from '../../desk/clock.js';
import type { Outbox } from '../../desk/outbox.js';
import { appliedSequenceOf, toSnapshotWrite } from '../../desk/snapshot.js';
import { snapshotCache, type CachedSnapshot } from '../../desk/snapshot-cache.js';
import { foldLog, type FoldResult } from './fold.js';
import type { InquiryLog, LogEntries } from './inquiry-log.js';
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
}

/** The job handlers of one worker process. */
export interface Drainer {
  /** Handles one job's data (validated here: malformed data is dead-lettered, not thrown). */
  handle(jobId: string | undefined, data: unknown): Promise<void>;
}

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
function needsWakeJob(loadedWakeAt: number | null | undefined, result: FoldResult): boolean {
  if (result.wakeAt === null) return false;
  return result.created || result.ticked || loadedWakeAt === undefined || loadedWakeAt === null || result.wakeAt < loadedWakeAt;
}

/** Creates the job handlers. */
export function createDrainer<TMachine extends AnyServiceMachine>(context: DrainerContext<TMachine>): Drainer {
  const { process, store, log, outbox, clock, scheduleWake, scheduleDrain, reportError } = context;
  const cache = snapshotCache(context.cacheSize);

  const toEntries = (id: string, version: number, effects: readonly unknown[]): JournalEntry[] =>
    effects.map((effect, index) => {
      const { type, at } = effect as { type: string; at: number };
      return { id: journalEntryId(id, version, index), snapshotId: id, version, index, type, at, effect, dispatchedAt: null };
    });

  /** The oldest entry left in the log (where the fold of an inquiry with no snapshot starts). */
  const firstOf = (entries: LogEntries): number => {
    let first = Number.POSITIVE_INFINITY;
    for (const sequence of entries.keys()) first = Math.min(first, sequence);
    return Number.isFinite(first) ? first : 1;
  };
  const checkNoGap = (inquiryId: string, from: number, entries: LogEntries): void => {
    if (entries.has(from)) return;
    const later = [...entries.keys()].filter((sequence) => sequence > from);
    if (later.length === 0) return;
    // The log is read before the snapshot is loaded, so entries after the applied ones cannot have
    // been trimmed yet: a hole means Redis lost data (no AOF, a failover to a stale replica).
    throw new IncompatibleStateError(
      `The event log of inquiry ${JSON.stringify(inquiryId)} has no entry ${from} but has ${Math.min(...later)}: Redis lost log entries (run Redis with appendonly yes)`,
      { path: ['sequence'], received: Math.min(...later), expected: `entry ${from}` },
    );
  };

  // Redis writes whose outcome the job need not wait for: they ride on the connection BullMQ
  // completes the job on, so they reach Redis before the completion does. If one is lost anyway,
  // the sweep puts it right (a re-drive, a re-scheduled wake-up); entries left untrimmed are
  // trimmed by the next drain.
  const inBackground = (work: Promise<unknown>, inquiryId: string): void => {
    work.catch((error: unknown) => reportError(error, inquiryId));
  };

  /**
   * The snapshot to fold from. The version this worker saved last is used without a load while the
   * log still holds the entry after it: whoever saves a later version trims that entry before its
   * job completes (on the connection BullMQ completes it on), so a missing entry is how a stale
   * cache shows, and a stale one that slips through (a worker that died between its save and its
   * trim) costs one `CONFLICT` and a reload, never a wrong state.
   */
  const load = async (inquiryId: string, entries: LogEntries): Promise<CachedSnapshot | undefined> => {
    const remembered = cache.get(inquiryId);
    if (remembered !== undefined && entries.has(remembered.appliedSequence + 1)) return remembered;
    const snapshot = await store.load(inquiryId);
    if (snapshot === undefined) return undefined;
    const appliedSequence = appliedSequenceOf(snapshot.state);
    checkNoGap(inquiryId, appliedSequence + 1, entries);
    const cached = cache.get(inquiryId);
    if (cached?.version === snapshot.version) return cached;
    return { version: snapshot.version, state: process.restore(snapshot.state) as PersistedState<unknown>, wakeAt: snapshot.wakeAt, appliedSequence };
  };

  async function drain(inquiryId: string): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // Read the log before loading the snapshot: then every entry after the applied ones is in
      // what we read (entries are trimmed only after a save that recorded them as applied).
      const entries = await log.readForDrain(inquiryId);
      const current = await load(inquiryId, entries);
      const from = current === undefined ? firstOf(entries) : current.appliedSequence + 1;
      const result = foldLog(process, inquiryId, current?.state, current?.wakeAt ?? null, entries, from);

      if (result.last < from) {
        // Nothing to apply: a duplicate or retried job. The attempt before it may have died
        // between its save and its wake-up job, so make sure of the wake-up (de-duplicated).
        if (current !== undefined) await scheduleWake(inquiryId, current.wakeAt);
        inBackground(log.settle(inquiryId, from - 1), inquiryId);
        return;
      }

      // The fold is a function of the log alone, so these rejections are final even if the save
      // below loses a race: record them (once per entry) before the entries can be trimmed.
      for (const rejected of result.rejected) {
        await log.deadLetter({
          key: `${inquiryId}#${rejected.sequence}`,
          inquiryId,
          sequence: rejected.sequence,
          payload: rejected.payload,
          reason: { code: rejected.code, message: rejected.message },
          at: clock.now(),
        });
      }

      if (result.state === undefined) {
        // No snapshot and no open entry among these: they were all refused.
        inBackground(log.settle(inquiryId, result.last), inquiryId);
        return;
      }

      const write = toSnapshotWrite(inquiryId, result.state, result.wakeAt, result.effects, result.last);
      let saved: StoredSnapshot;
      try {
        saved = current === undefined ? await store.create(write) : await store.save({ ...write, expectedVersion: current.version });
      } catch (error) {
        cache.delete(inquiryId);
        if (isConflict(error)) continue; // another worker saved first: reload and fold again
        throw error;
      }
      cache.set(inquiryId, { version: saved.version, state: result.state, wakeAt: result.wakeAt, appliedSequence: result.last });
      if (needsWakeJob(current?.wakeAt, result)) inBackground(scheduleWake(inquiryId, result.wakeAt), inquiryId);
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
    await log.append(inquiryId, [{ payload: JSON.stringify({ kind: 'tick', at: dueAt }), eventId: `tick-${dueAt}-${snapshot.version}` }]);
    await scheduleDrain(inquiryId);
  }

  return {
    async handle(jobId, data) {
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
      if (parsed.data.kind === 'drain') await drain(parsed.data.inquiryId);
      else await wake(parsed.data.inquiryId, parsed.data.dueAt);
    },
  };
}
