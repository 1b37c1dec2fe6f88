/**
 * A desk's steps on its stored inquiries: load (or take the remembered snapshot) → apply → save
 * with the loaded version as `expectedVersion`, retrying on `CONFLICT` → deliver the effects
 * through the outbox → schedule the next wake-up. Each step runs in its inquiry's chain. A retried
 * event id replays the step that applied it; a wake-up the stored inquiry can never take parks it.
 */
import { ConflictError, InvalidInputError, ServiceFlowError, abbreviate } from '../errors.js';
import type { AnyServiceMachine, ProcessInputOf, ProcessStep, ServiceProcess } from '../process/createProcess.js';
import type { PersistedState } from '../schemas/state.js';
import type { SnapshotStore, StoredSnapshot } from '../stores/store.js';
import type { DeskClock } from './clock.js';
import { dueTicks } from './due-ticks.js';
import type { Outbox } from './outbox.js';
import { StepRefusal, type Parking } from './parking.js';
import type { DeskScheduler, WakeResult } from './scheduler.js';
import type { DeskStep } from './service-desk.js';
import {
  appliedSequenceOf,
  appliedVersionOf,
  eventIdsOf,
  stageOf,
  toSnapshotWrite,
  withEventId,
  type AppliedEventIds,
} from './snapshot.js';
import type { CachedSnapshot, SnapshotCache } from './snapshot-cache.js';
import type { StepChains } from './step-chains.js';
import { toDeskStep, toEntries, type Apply } from './step-results.js';

/** What the steps work with: the desk's process, store, clock and the parts around them. */
export interface InquiryStepsParts<TMachine extends AnyServiceMachine> {
  readonly process: ServiceProcess<TMachine>;
  readonly store: SnapshotStore;
  readonly clock: DeskClock;
  readonly scheduler: DeskScheduler | undefined;
  readonly outbox: Outbox;
  readonly parking: Parking;
  readonly cache: SnapshotCache;
  readonly chains: StepChains;
  /** Attempts of one step when the store reports `CONFLICT`. */
  readonly maxAttempts: number;
  /** Whether the desk was closed (a wake-up the scheduler still calls then does nothing). */
  readonly isClosed: () => boolean;
}

/** What one wake-up came to: its step (or `null`), or why it failed and what the scheduler should do. */
type WakeAttempt<TMachine extends AnyServiceMachine> =
  { readonly step: DeskStep<TMachine> | null } | { readonly failed: unknown; readonly result: WakeResult };

const DONE: WakeResult = { outcome: 'done' };
const WAKE = 'a wake-up';

export class InquirySteps<TMachine extends AnyServiceMachine> {
  private readonly applyDueTicks: Apply;

  constructor(private readonly parts: InquiryStepsParts<TMachine>) {
    this.applyDueTicks = dueTicks(parts.process as ServiceProcess<AnyServiceMachine>, parts.clock);
  }

  /** Starts an inquiry (`process.start`) and stores it at version 1; a retried `eventId` replays the open. */
  async open(input: ProcessInputOf<TMachine>, eventId: string | undefined): Promise<DeskStep<TMachine>> {
    const { process, store, cache } = this.parts;
    const result = process.start(input) as ProcessStep<unknown, unknown>;
    const id = (result.state.context as { id: string }).id;
    return this.parts.chains.serial(id, async () => {
      const eventIds = withEventId([], eventId, 1);
      let saved: StoredSnapshot;
      try {
        saved = await store.create(toSnapshotWrite(id, result.state, result.wakeAt, result.effects, 0, eventIds));
      } catch (error) {
        return this.openAgain(id, eventId, error);
      }
      cache.set(id, {
        version: saved.version,
        state: result.state,
        wakeAt: result.wakeAt,
        appliedSequence: 0,
        eventIds,
      });
      return this.finish(saved, result);
    });
  }

  /** Applies `apply` to the stored inquiry in its chain; `what` names the step in errors. Rejects with a {@link StepRefusal} for what the stored inquiry refuses. */
  send(id: string, apply: Apply, what: string, eventId: string | undefined): Promise<DeskStep<TMachine>> {
    // A send always applies (or throws), so `run` never resolves with null here.
    return this.parts.chains.serial(id, () => this.run(id, apply, what, eventId)) as Promise<DeskStep<TMachine>>;
  }

  /** Fires the inquiry's due deadlines in its chain; rejects with what refused (the inquiry is then parked). */
  wake(id: string): Promise<DeskStep<TMachine> | null> {
    return this.parts.chains.serial(id, async () => {
      const attempt = await this.attemptWake(id, 'throw');
      if ('failed' in attempt) throw attempt.failed;
      return attempt.step;
    });
  }

  /** What the scheduler calls: never rejects; tells it whether to retry. */
  wakeForScheduler(id: string): Promise<WakeResult> {
    return this.parts.chains.serial(id, async () => {
      if (this.parts.isClosed()) return DONE;
      const parkedReason = this.parts.parking.parkedInMemory(id);
      if (parkedReason !== undefined) return { outcome: 'parked', reason: parkedReason };
      const attempt = await this.attemptWake(id, 'skip');
      if (!('failed' in attempt)) return DONE;
      if (attempt.result.outcome === 'parked') this.parts.cache.delete(id);
      return attempt.result;
    });
  }

  /** One wake-up inside the inquiry's chain: a refusal parks the inquiry. */
  private async attemptWake(id: string, missing: 'throw' | 'skip'): Promise<WakeAttempt<TMachine>> {
    try {
      return { step: await this.run(id, this.applyDueTicks, WAKE, undefined, missing) };
    } catch (error) {
      if (error instanceof StepRefusal)
        return { failed: error.error, result: await this.parts.parking.park(id, error) };
      return { failed: error, result: { outcome: 'failed', error } };
    }
  }

  /**
   * load → apply → save (retrying on CONFLICT) → deliver → schedule. `null`: apply had nothing to
   * do, or (`missing: 'skip'`) the inquiry is gone. What the process or the store's checks refuse
   * in the stored inquiry throws a {@link StepRefusal}; a store failure throws as it is.
   */
  private async run(
    id: string,
    apply: Apply,
    what: string,
    eventId?: string,
    missing: 'throw' | 'skip' = 'throw',
  ): Promise<DeskStep<TMachine> | null> {
    const { store, cache, scheduler, maxAttempts } = this.parts;
    let lastConflict: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const cached = attempt === 1 ? cache.get(id) : undefined;
      const current = cached ?? (await this.load(id));
      if (current === undefined) {
        if (missing === 'skip') return null;
        throw unknownInquiry(id);
      }
      const eventIds: AppliedEventIds = current.eventIds ?? [];
      const appliedAt = eventId === undefined ? undefined : appliedVersionOf(eventIds, eventId);
      if (appliedAt !== undefined) return this.replay(id, current, appliedAt);
      let result: ProcessStep<unknown, unknown> | null;
      try {
        result = apply(current.state, current);
      } catch (error) {
        // A refusal must come from the stored state, not from a remembered one that may be stale.
        if (cached === undefined) throw refusalOf(error, current);
        cache.delete(id);
        attempt--;
        continue;
      }
      if (result === null) {
        if (cached !== undefined) {
          cache.delete(id);
          attempt--;
          continue;
        }
        scheduler?.schedule(id, current.wakeAt);
        return null;
      }
      const nextEventIds = withEventId(eventIds, eventId, current.version + 1);
      const write = toSnapshotWrite(
        id,
        result.state,
        result.wakeAt,
        result.effects,
        current.appliedSequence,
        nextEventIds,
      );
      let saved: StoredSnapshot;
      try {
        saved = await store.save({ ...write, expectedVersion: current.version });
      } catch (error) {
        cache.delete(id);
        // The store's checks refused the new state (INVALID_INPUT): applying it again cannot help.
        if (error instanceof InvalidInputError && cached === undefined) throw refusalOf(error, current);
        if (!isConflict(error) && !(error instanceof InvalidInputError)) {
          if (what !== WAKE) this.afterUncertainWrite(id, error); // a failed wake-up is retried by the scheduler
          throw error;
        }
        lastConflict = error;
        if (cached !== undefined) attempt--; // a stale cache entry costs a reload, not an attempt
        continue;
      }
      this.parts.parking.saved(id);
      cache.set(id, {
        version: saved.version,
        state: result.state,
        wakeAt: result.wakeAt,
        appliedSequence: current.appliedSequence,
        eventIds: nextEventIds,
      });
      return this.finish(saved, result);
    }
    throw new ConflictError(
      `Gave up on ${what} for inquiry ${abbreviate(id)} after ${maxAttempts} attempts: another writer saved it first every time; nothing was applied`,
      {
        path: ['id'],
        received: id,
        expected: `at most ${maxAttempts - 1} concurrent saves in a row (maxAttempts)`,
        cause: lastConflict,
      },
    );
  }

  /** A create that failed: with an `eventId` it may have been opened before (a create whose answer was lost). */
  private async openAgain(id: string, eventId: string | undefined, error: unknown): Promise<DeskStep<TMachine>> {
    this.afterUncertainWrite(id, error);
    if (eventId === undefined || !isConflict(error)) throw error;
    let current: CachedSnapshot | undefined;
    try {
      current = await this.load(id);
    } catch (loadError) {
      throw loadError instanceof StepRefusal ? error : loadError; // a transient failure: retry the open
    }
    const appliedAt = current === undefined ? undefined : appliedVersionOf(current.eventIds ?? [], eventId);
    if (current === undefined || appliedAt === undefined) throw error;
    return this.replay(id, current, appliedAt);
  }

  private async load(id: string): Promise<CachedSnapshot | undefined> {
    const snapshot = await this.parts.store.load(id);
    if (snapshot === undefined) return undefined;
    let state: PersistedState<unknown>;
    try {
      state = this.parts.process.restore(snapshot.state) as PersistedState<unknown>;
    } catch (error) {
      throw new StepRefusal(error, snapshot);
    }
    const eventIds = eventIdsOf(snapshot.state);
    return {
      version: snapshot.version,
      state,
      wakeAt: snapshot.wakeAt,
      appliedSequence: appliedSequenceOf(snapshot.state),
      eventIds,
    };
  }

  /** Delivers a saved step's effects, schedules its wake-up and hands it back. */
  private async finish(saved: StoredSnapshot, result: ProcessStep<unknown, unknown>): Promise<DeskStep<TMachine>> {
    const entries = toEntries(saved.id, saved.version, result.effects);
    await this.parts.outbox.dispatch(entries);
    this.parts.scheduler?.schedule(saved.id, result.wakeAt);
    return toDeskStep(this.parts.process, saved.id, saved.version, result.state, entries, result.wakeAt, false);
  }

  /**
   * A retried event id: the step that applied it, its effects read back from the journal. The
   * first attempt may have died before it scheduled the wake-up, so schedule it again.
   */
  private async replay(id: string, current: CachedSnapshot, version: number): Promise<DeskStep<TMachine>> {
    const entries = (await this.parts.store.journal(id, { afterVersion: version - 1 })).filter(
      (entry) => entry.version === version,
    );
    this.parts.scheduler?.schedule(id, current.wakeAt);
    return toDeskStep(this.parts.process, id, version, current.state, entries, current.wakeAt, true);
  }

  /**
   * A write that failed without a verdict (a lost connection) may have committed with a wake-up
   * the scheduler never heard of: wake the inquiry now, which reloads it and schedules what is stored.
   */
  private afterUncertainWrite(id: string, error: unknown): void {
    if (!(error instanceof ServiceFlowError)) this.parts.scheduler?.schedule(id, this.parts.clock.now());
  }
}

const isConflict = (error: unknown): boolean => error instanceof ServiceFlowError && error.code === 'CONFLICT';

const unknownInquiry = (id: string): InvalidInputError =>
  new InvalidInputError(`No inquiry with id ${abbreviate(id)} in the store: open it first (desk.open)`, {
    path: ['id'],
    received: id,
    expected: 'the id of an opened inquiry',
  });

const refusalOf = (error: unknown, current: CachedSnapshot): StepRefusal =>
  new StepRefusal(error, { version: current.version, stage: stageOf(current.state.value), wakeAt: current.wakeAt });
