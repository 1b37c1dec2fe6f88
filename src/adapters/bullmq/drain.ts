/**
 * What a worker does with a job: drain an inquiry's log into the store, or turn a due wake-up into
 * a `tick` entry of the log. Idempotent by construction: the snapshot records the last applied
 * sequence number, every save checks the loaded version, and the dead-letter list records each
 * rejected entry once — so a job that is retried, delivered twice or raced by another changes
 * nothing that was done already.
 */
import type { AnyServiceMachine, ServiceProcess } from '../../process/createProcess.js';
import { ServiceFlowError } from '../../errors.js';
import type { PersistedState } from '../../schemas/state.js';
import type { SnapshotStore, StoredSnapshot } from '../../stores/store.js';
import type { DeskClock } from '../../desk/clock.js';
import type { Outbox } from '../../desk/outbox.js';
import { toSnapshotWrite } from '../../desk/snapshot.js';
import { toEntries } from '../../desk/step-results.js';
import { snapshotCache, type CachedSnapshot, type SnapshotCache } from '../../desk/snapshot-cache.js';
import { describeError, type ErrorKind } from './error-kind.js';
import { applyEntries, type AppliedEntries, type RejectedEntry } from './apply-entries.js';
import { findDrainStart, type DrainStart } from './drain-load.js';
import type { DrainRead, InquiryLog, LogEntries } from './inquiry-log.js';
import { RunnerJobData } from './payloads.js';
import { ScheduledWakes } from './scheduled-wakes.js';

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
function needsWakeJob(loadedWakeAt: number | null | undefined, wakeAt: number | null, result: AppliedEntries): boolean {
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

/** One state written by {@link LogDrainer.applyOneByOne}: what it saved, and the effects to deliver. */
interface OneWrite {
  readonly state: PersistedState<unknown>;
  readonly wakeAt: number | null;
  readonly effects: readonly unknown[];
  readonly sequence: number;
}

/** Creates the job handlers. */
export function createDrainer<TMachine extends AnyServiceMachine>(context: DrainerContext<TMachine>): Drainer {
  return new LogDrainer(context);
}

/** The job handlers of one worker process, with the inquiries it saved last. */
class LogDrainer<TMachine extends AnyServiceMachine> implements Drainer {
  private readonly cache: SnapshotCache;
  /** The wake-up jobs this worker added that are not due yet. */
  private readonly wakes: ScheduledWakes;
  /** Jobs of this worker process running now. */
  private running = 0;

  constructor(private readonly context: DrainerContext<TMachine>) {
    this.cache = snapshotCache(context.cacheSize);
    this.wakes = new ScheduledWakes(context.cacheSize);
  }

  async handle(jobId: string | undefined, data: unknown, attempt: { readonly final: boolean }): Promise<void> {
    this.running++;
    try {
      await this.handleJob(jobId, data, attempt);
    } finally {
      // The trims this job owes ride on the next log read of a job still running; with none
      // running, they go now (as soon as they would have gone on their own before).
      if (--this.running === 0) void this.context.log.flushSettles();
    }
  }

  private async handleJob(
    jobId: string | undefined,
    data: unknown,
    attempt: { readonly final: boolean },
  ): Promise<void> {
    const parsed = RunnerJobData.safeParse(data);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      await this.context.log.deadLetter({
        key: `job:${jobId ?? 'unknown'}`,
        ...(jobId === undefined ? {} : { jobId }),
        payload: data ?? null,
        reason: {
          code: 'MALFORMED_PAYLOAD',
          message: `Job data is not a serviceflow job ({ kind: 'drain', inquiryId } or { kind: 'wake', inquiryId, dueAt })${first === undefined ? '' : `: ${first.path.map(String).join('.') || '(root)'}: ${first.message}`}`,
        },
        at: this.context.clock.now(),
      });
      return;
    }
    if (parsed.data.kind === 'drain') await this.drain(parsed.data.inquiryId, attempt.final);
    else await this.wake(parsed.data.inquiryId, parsed.data.dueAt);
  }

  private async drain(inquiryId: string, final: boolean): Promise<void> {
    const { process, store, log, outbox } = this.context;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // Read the log before loading the snapshot: then every entry after the applied ones is in
      // what we read (entries are trimmed only after a save that recorded them as applied).
      const read = await log.readForDrain(inquiryId);
      const { entries, deadLettered } = read;
      const start = await findDrainStart({ process, store, log, cache: this.cache }, inquiryId, entries);
      if (start.kind === 'refused') return this.refusedState(inquiryId, start, read, final);
      if (start.kind === 'settled') {
        // Nothing to apply: a duplicate or retried job. The attempt before it may have died
        // between its save and its wake-up job, so make sure of the wake-up (de-duplicated).
        await this.context.scheduleWake(inquiryId, start.wakeAt);
        log.settleLater(inquiryId, start.from - 1);
        return;
      }
      const { current, from } = start;
      const result = applyEntries(
        process,
        inquiryId,
        current?.state,
        current?.wakeAt ?? null,
        entries,
        from,
        deadLettered,
      );

      if (result.last < from) {
        // Nothing to apply (the cached state's next entry was trimmed meanwhile, or an empty log).
        if (current !== undefined) await this.context.scheduleWake(inquiryId, current.wakeAt);
        log.settleLater(inquiryId, from - 1);
        return;
      }

      if (holdsUnstorableText(entries, from, result.last)) {
        // Apply them one at a time, so that the outcome of every entry after a refused one is
        // decided from the state without it (and not recorded from the fold above first).
        if (await this.applyOneByOne(inquiryId, current, entries, from, result.last, deadLettered, final)) return;
        continue;
      }

      // The fold is a function of the log alone, so these rejections are final even if the save
      // below loses a race: record them (once per entry) before the entries can be trimmed.
      await this.recordRejections(inquiryId, result.rejected);

      if (result.state === undefined) {
        // No snapshot and no open entry among these: they were all refused.
        log.settleLater(inquiryId, result.last);
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
        this.cache.delete(inquiryId);
        if (isConflict(error)) continue; // another worker saved first: reload and fold again
        if (!this.isFinal(error, final)) throw error; // retried by BullMQ, with backoff
        // One of these entries makes a state the store will never take: find it, one at a time.
        // The refusals recorded above stand (each entry is applied or dead-lettered, once).
        const skip = new Set([...deadLettered, ...result.rejected.map((entry) => entry.sequence)]);
        if (await this.applyOneByOne(inquiryId, current, entries, from, result.last, skip, final)) return;
        continue;
      }
      this.cache.set(inquiryId, { version: saved.version, state: result.state, wakeAt, appliedSequence: result.last });
      if (needsWakeJob(current?.wakeAt, wakeAt, result)) this.scheduleWakeJob(inquiryId, wakeAt);
      await outbox.dispatch(toEntries(inquiryId, saved.version, result.effects));
      log.settleLater(inquiryId, result.last);
      return;
    }
    // Lost the race to save too often in a row: a follow-up job (de-duplicated) tries again.
    await this.context.scheduleDrain(inquiryId);
  }

  private async wake(inquiryId: string, dueAt: number): Promise<void> {
    const { store, log, scheduleWake, scheduleDrain } = this.context;
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

  /**
   * The stored state cannot be restored (`INCOMPATIBLE_STATE`: a version with no migration, a
   * tampered row). A newer worker may read it (a rolling upgrade), so the job is retried; on its
   * last attempt the waiting entries are dead-lettered with the reason and trimmed, so that they
   * do not wait forever. Entries after them apply once the state is fixed (or go the same way).
   */
  private async refusedState(
    inquiryId: string,
    start: Extract<DrainStart, { kind: 'refused' }>,
    read: DrainRead,
    final: boolean,
  ): Promise<void> {
    if (!final) throw start.error;
    const rejected: RejectedEntry[] = [];
    let last = start.from - 1;
    for (let sequence = start.from; ; sequence++) {
      const text = read.entries.get(sequence);
      if (text === undefined) break;
      last = sequence;
      if (read.deadLettered.has(sequence)) continue;
      rejected.push({
        sequence,
        payload: parseOrText(text),
        code: start.error instanceof ServiceFlowError ? start.error.code : 'INCOMPATIBLE_STATE',
        message: `Not applied: the stored state of inquiry ${JSON.stringify(inquiryId)} cannot be restored (${describeError(start.error)}). Fix or migrate the stored state, then re-drive this entry`,
      });
    }
    await this.recordRejections(inquiryId, rejected);
    this.context.log.settleLater(inquiryId, last);
  }

  /**
   * The store refused for good the write of a run of entries: applies them one at a time, one save
   * each, dead-letters the entries whose write the store refuses, and goes on with the rest from
   * the state before them. Entries in `skip` are dead letters already. Resolves `false` when
   * another worker saved first (the caller reloads and folds again).
   */
  private async applyOneByOne(
    inquiryId: string,
    current: CachedSnapshot | undefined,
    entries: LogEntries,
    from: number,
    last: number,
    skip: ReadonlySet<number>,
    final: boolean,
  ): Promise<boolean> {
    let base = current;
    let refusedTickAt: number | null = null;
    for (let sequence = from; sequence <= last; sequence++) {
      const text = entries.get(sequence);
      if (text === undefined) break;
      if (skip.has(sequence)) continue;
      const one = new Map([[sequence, text]]);
      const result = applyEntries(this.context.process, inquiryId, base?.state, base?.wakeAt ?? null, one, sequence);
      await this.recordRejections(inquiryId, result.rejected);
      refusedTickAt = result.refusedTickAt ?? refusedTickAt;
      if (result.state === undefined || !result.changed) continue;
      const written = { state: result.state, wakeAt: result.wakeAt, effects: result.effects, sequence };
      try {
        base = await this.writeOne(inquiryId, base, written);
        refusedTickAt = null;
      } catch (error) {
        this.cache.delete(inquiryId);
        if (isConflict(error)) return false;
        if (!this.isFinal(error, final)) throw error;
        const unknown = this.context.errorKind(error) === 'unknown';
        await this.recordRejections(inquiryId, [
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
        const wakeAt = parked(base.wakeAt, refusedTickAt);
        base = await this.writeOne(inquiryId, base, { state: base.state, wakeAt, effects: [], sequence: last });
      } catch (error) {
        this.cache.delete(inquiryId);
        if (isConflict(error)) return false;
        if (!this.isFinal(error, final)) throw error;
        // The store refuses the state it holds: the entries are dead letters, so a later drain
        // passes over them (see firstUnapplied).
        this.context.reportError(error, inquiryId);
      }
    }
    if (base !== undefined) this.inBackground(this.context.scheduleWake(inquiryId, base.wakeAt), inquiryId);
    this.context.log.settleLater(inquiryId, last);
    return true;
  }

  /** Saves one state over `base` (creates it when there is none), remembers it and delivers its effects. */
  private async writeOne(
    inquiryId: string,
    base: CachedSnapshot | undefined,
    write: OneWrite,
  ): Promise<CachedSnapshot> {
    const { store, outbox } = this.context;
    const snapshot = toSnapshotWrite(inquiryId, write.state, write.wakeAt, write.effects, write.sequence);
    const saved =
      base === undefined
        ? await store.create(snapshot)
        : await store.save({ ...snapshot, expectedVersion: base.version });
    const next = { version: saved.version, state: write.state, wakeAt: write.wakeAt, appliedSequence: write.sequence };
    this.cache.set(inquiryId, next);
    await outbox.dispatch(toEntries(inquiryId, saved.version, write.effects));
    return next;
  }

  private async recordRejections(inquiryId: string, rejected: readonly RejectedEntry[]): Promise<void> {
    for (const entry of rejected) {
      await this.context.log.deadLetter({
        key: `${inquiryId}#${entry.sequence}`,
        inquiryId,
        sequence: entry.sequence,
        payload: entry.payload,
        reason: { code: entry.code, message: entry.message },
        at: this.context.clock.now(),
      });
    }
  }

  /** Whether a failed write (or restore) is refused for good: dead-lettered, not retried. */
  private isFinal(error: unknown, final: boolean): boolean {
    const kind = this.context.errorKind(error);
    return kind === 'permanent' || (kind === 'unknown' && final);
  }

  /** Adds a wake-up job for `wakeAt` in the background, unless a pending one this worker added fires before it. */
  private scheduleWakeJob(inquiryId: string, wakeAt: number | null): void {
    if (wakeAt === null) return;
    const { clock, scheduleWake } = this.context;
    if (this.wakes.covers(inquiryId, wakeAt, clock.now())) return;
    const added = scheduleWake(inquiryId, wakeAt).then(() => this.wakes.added(inquiryId, wakeAt, clock.now()));
    this.inBackground(added, inquiryId);
  }

  // A Redis write whose outcome the job need not wait for. If one is lost, the sweep puts it
  // right (a re-drive, a re-scheduled wake-up).
  private inBackground(work: Promise<unknown>, inquiryId: string): void {
    work.catch((error: unknown) => this.context.reportError(error, inquiryId));
  }
}
