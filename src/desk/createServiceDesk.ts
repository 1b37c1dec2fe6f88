import type {
  AnyServiceMachine,
  ProcessEffectOf,
  ProcessEventOf,
  ProcessInputOf,
  ProcessStep,
  ProcessViewOf,
  ServiceProcess,
} from '../process/createProcess.js';
import {
  ConflictError,
  EventNotAllowedError,
  IncompatibleStateError,
  InvalidInputError,
  ServiceFlowError,
  abbreviate,
} from '../errors.js';
import type { PersistedState } from '../schemas/state.js';
import { memoryStore } from '../stores/memory.js';
import {
  isStorableText,
  journalEntryId,
  type JournalEntry,
  type ParkedSnapshot,
  type SnapshotStore,
  type StoredSnapshot,
} from '../stores/store.js';
import { systemClock, type DeskClock } from './clock.js';
import { createEffectBus, eventSourceMethods, type DeskEventSource } from './effect-bus.js';
import { withFollowUps, type FollowUpOptions } from './follow-ups.js';
import { createOutbox, type OutboxOptions } from './outbox.js';
import { StepRefusal, createParking } from './parking.js';
import type { DeskScheduler, WakeResult } from './scheduler.js';
import {
  appliedSequenceOf,
  appliedVersionOf,
  eventIdsOf,
  lastEventAtOf,
  stageOf,
  toSnapshotWrite,
  withEventId,
  type AppliedEventIds,
} from './snapshot.js';
import { snapshotCache, type CachedSnapshot } from './snapshot-cache.js';
import { timerScheduler } from './timer-scheduler.js';

/**
 * The effects of a desk's process, as its bus types them.
 *
 * @example
 * ```ts
 * import { inquiryMachine, type DeskEffectOf } from 'serviceflow';
 * type Effect = DeskEffectOf<typeof inquiryMachine>; // InquiryEffect
 * ```
 */
export type DeskEffectOf<TMachine extends AnyServiceMachine> = Extract<
  ProcessEffectOf<TMachine>,
  { readonly type: string }
>;

/**
 * Options of {@link createServiceDesk}.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, manualClock, memoryStore, type ServiceDeskOptions } from 'serviceflow';
 * const inquiries = createProcess(inquiryMachine);
 * const options: ServiceDeskOptions<typeof inquiryMachine> = { process: inquiries, store: memoryStore(), clock: manualClock(0) };
 * ```
 */
export interface ServiceDeskOptions<TMachine extends AnyServiceMachine> {
  /** The process whose inquiries the desk runs (`createProcess(machine, policies)`). */
  readonly process: ServiceProcess<TMachine>;
  /** Where snapshots and the effect journal live. Default: a fresh `memoryStore()`. */
  readonly store?: SnapshotStore;
  /**
   * Who ticks inquiries at their `wakeAt`. Default: `timerScheduler()` (timers in this process).
   * `false`: nobody; the host ticks (`desk.wake(id)`) or another process does.
   */
  readonly scheduler?: DeskScheduler | false;
  /** Where time comes from. Default: `systemClock`; `manualClock()` in tests. */
  readonly clock?: DeskClock;
  /**
   * How many times one step is attempted when the store reports `CONFLICT` (another writer saved
   * the inquiry between load and save): each attempt reloads and re-applies the event. Default 8.
   */
  readonly maxAttempts?: number;
  /** Re-delivery of effects that were saved but not delivered. Default on; `false` turns it off. */
  readonly outbox?: OutboxOptions | false;
  /**
   * How many inquiries the desk remembers as it saved them last (default 10 000; 0 turns it off).
   * A step on a remembered inquiry skips the load and saves with the remembered version; if
   * another writer saved since, the store answers `CONFLICT` and the step reloads, so a stale entry
   * costs a retry, never a lost update.
   */
  readonly cacheSize?: number;
  /**
   * Opening follow-ups: when a step reports `followUp.requested` (a customer wrote after the
   * reopen window or the close), the desk opens the follow-up inquiry before its listeners hear of
   * the request, exactly once, with the id `followUps.id` gives (default: the one in the request).
   * `false`: the desk does not open them; the host does, from the effect.
   */
  readonly followUps?: FollowUpOptions | false;
}

/**
 * One effect of a step, with its stable journal id (`${inquiryId}:${version}:${index}`).
 *
 * @example
 * ```ts
 * import { inquiryMachine, type ServiceDesk } from 'serviceflow';
 * declare const desk: ServiceDesk<typeof inquiryMachine>;
 * const step = await desk.send('T-1', { type: 'resolve', at: Date.now() });
 * for (const { id, effect } of step.effects) console.log(id, effect.type);
 * ```
 */
export interface DeskEffect<Effect> {
  readonly id: string;
  readonly effect: Effect;
}

/**
 * What `open`, `send` and `wake` resolve with: the inquiry after the step.
 *
 * @example
 * ```ts
 * import { inquiryMachine, type DeskStep, type ServiceDesk } from 'serviceflow';
 * declare const desk: ServiceDesk<typeof inquiryMachine>;
 * const { version, view, effects, wakeAt }: DeskStep<typeof inquiryMachine> = await desk.send('T-1', { type: 'agent.reply', agentId: 'ana', at: Date.now() });
 * ```
 */
export interface DeskStep<TMachine extends AnyServiceMachine> {
  readonly id: string;
  /** The stored version after the step (1 after `open`). */
  readonly version: number;
  /** The read model after the step. */
  readonly view: ProcessViewOf<TMachine>;
  /** The step's effects, in order, each with its journal id. */
  readonly effects: readonly DeskEffect<DeskEffectOf<TMachine>>[];
  /** When the inquiry next needs a tick, or `null`. */
  readonly wakeAt: number | null;
  /**
   * `true` when the `eventId` of this `send` (or `open`) was applied before: nothing was applied
   * now. `version` and `effects` are then those of the step that applied it (read back from the
   * journal), `view` and `wakeAt` the inquiry as the desk last saw it.
   */
  readonly duplicate?: boolean;
}

/**
 * Options of one `desk.send` or `desk.open`.
 *
 * @example
 * ```ts
 * import { inquiryMachine, type DeskSendOptions, type ServiceDesk } from 'serviceflow';
 * declare const desk: ServiceDesk<typeof inquiryMachine>;
 * declare const idempotencyKey: string; // e.g. the Idempotency-Key header of the HTTP request
 * const event = { type: 'resolve' as const, at: Date.now() };
 * await desk.send('T-1', event, { eventId: idempotencyKey } satisfies DeskSendOptions);
 * const retried = await desk.send('T-1', event, { eventId: idempotencyKey }); // not applied again
 * retried.duplicate; // true
 * ```
 */
export interface DeskSendOptions {
  /**
   * An id of your own for this event (at most 200 characters). The inquiry remembers the ids of
   * the last 1000 events sent with one, in the same save that applies the event; a send whose id
   * was applied already applies nothing and resolves with `duplicate: true`. So a send that failed
   * half-way (a save that committed, then lost its connection) can be retried safely.
   */
  readonly eventId?: string;
}

/**
 * What `get` resolves with: the stored inquiry.
 *
 * @example
 * ```ts
 * import { inquiryMachine, type DeskInquiry, type ServiceDesk } from 'serviceflow';
 * declare const desk: ServiceDesk<typeof inquiryMachine>;
 * const inquiry: DeskInquiry<typeof inquiryMachine> | undefined = await desk.get('T-1');
 * inquiry?.view.stage;
 * ```
 */
export interface DeskInquiry<TMachine extends AnyServiceMachine> {
  readonly id: string;
  readonly version: number;
  readonly view: ProcessViewOf<TMachine>;
  readonly wakeAt: number | null;
  /** The persisted state, migrated to the process's machine version (not written back by `get`). */
  readonly state: PersistedState<unknown>;
}

/**
 * Many inquiries in one process: a store, a scheduler and a typed event bus around one process.
 * See {@link createServiceDesk}.
 *
 * @example
 * ```ts
 * import { createProcess, createServiceDesk, inquiryMachine, type ServiceDesk } from 'serviceflow';
 * const inquiries = createProcess(inquiryMachine);
 * const desk: ServiceDesk<typeof inquiryMachine> = createServiceDesk({ process: inquiries });
 * ```
 */
export interface ServiceDesk<TMachine extends AnyServiceMachine> extends DeskEventSource<DeskEffectOf<TMachine>> {
  readonly process: ServiceProcess<TMachine>;
  readonly store: SnapshotStore;
  readonly clock: DeskClock;
  /**
   * Starts an inquiry (`process.start`) and stores it at version 1. `CONFLICT` if the id exists,
   * unless it was opened with the same `eventId` (then it resolves with `duplicate: true`).
   */
  open(input: ProcessInputOf<TMachine>, options?: DeskSendOptions): Promise<DeskStep<TMachine>>;
  /**
   * Applies one event to a stored inquiry. Calls for the same id run one after the other, in call
   * order. Rejects with the process's error (`INVALID_EVENT`, `EVENT_NOT_ALLOWED`, `OUT_OF_ORDER`,
   * `INCOMPATIBLE_STATE`) and nothing is written; with `INVALID_INPUT` for an unknown id; with
   * `CONFLICT` when other writers won every attempt; with the store's error when the store failed
   * (then the event may or may not have been applied: retry with the same `eventId`).
   */
  send(id: string, event: ProcessEventOf<TMachine>, options?: DeskSendOptions): Promise<DeskStep<TMachine>>;
  /** The stored inquiry (migrated, read-only), or `undefined` for an unknown id. */
  get(id: string): Promise<DeskInquiry<TMachine> | undefined>;
  /**
   * Fires the inquiry's due deadlines now: ticks at each due `wakeAt` in turn until none is due by
   * `clock.now()`, in one save. Resolves with the step, or `null` when nothing was due. The
   * scheduler calls this; hosts without one can too. An inquiry that can never be woken as stored
   * (`INCOMPATIBLE_STATE`, a state the store refuses) is parked, then the refusal rejects.
   */
  wake(id: string): Promise<DeskStep<TMachine> | null>;
  /**
   * The parked inquiries, in id order: those that can never be woken as stored, each with its
   * reason (`{ code, message }`) and when it was parked. See the desk's `parked` event.
   */
  parked(options?: { limit?: number; after?: string }): Promise<ParkedSnapshot[]>;
  /**
   * Clears an inquiry's park mark (after you fixed what kept it from waking: deployed a migration,
   * repaired the row) and hands it back to the scheduler, which wakes it at once. Resolves `false`
   * when it was not parked. If it still cannot be woken, it is parked again (a new `parked` event).
   */
  unpark(id: string): Promise<boolean>;
  /** Delivers every effect still undispatched in the store (after a crash); resolves with how many. */
  redeliver(): Promise<number>;
  /** Stops the scheduler and the outbox and waits for every step in flight. Idempotent. */
  close(): Promise<void>;
}

type Apply = (state: PersistedState<unknown>, current: CachedSnapshot) => ProcessStep<unknown, unknown> | null;

const DONE: WakeResult = { outcome: 'done' };
const WAKE = 'a wake-up';
const MAX_EVENT_ID_LENGTH = 200;

function checkEventId(eventId: unknown): string | undefined {
  if (eventId === undefined) return undefined;
  if (
    typeof eventId !== 'string' ||
    eventId === '' ||
    eventId.length > MAX_EVENT_ID_LENGTH ||
    !isStorableText(eventId)
  ) {
    throw new InvalidInputError(
      `Invalid eventId ${abbreviate(eventId)}: expected a non-empty string of at most ${MAX_EVENT_ID_LENGTH} characters`,
      {
        path: ['eventId'],
        received: eventId,
        expected: `a non-empty string of at most ${MAX_EVENT_ID_LENGTH} characters, without NUL characters or unpaired surrogates`,
      },
    );
  }
  return eventId;
}

// `send` and `open` reject with what the process or the store refused, not with its wrapper.
const unwrapRefusal = (error: unknown): never => {
  throw error instanceof StepRefusal ? error.error : error;
};

/**
 * The step of a wake-up: ticks at each due `wakeAt` in turn until none is due by `clock.now()`;
 * `null` when nothing was due. A tick that leaves the inquiry due is refused (`INCOMPATIBLE_STATE`)
 * rather than repeated forever.
 */
function dueTicks(process: ServiceProcess<AnyServiceMachine>, clock: DeskClock): Apply {
  return (state, current) => {
    const now = clock.now();
    let wakeAt = process.wakeAt(state as never);
    if (wakeAt === null || wakeAt > now) {
      // Nothing due. A stored wakeAt that is due but not the process's own is corrected (a write
      // without effects): left as it is, the store's due() would offer the inquiry forever.
      const stale = current.wakeAt !== null && current.wakeAt <= now && current.wakeAt !== wakeAt;
      return stale ? { state, effects: [], wakeAt } : null;
    }
    let stepped: ProcessStep<unknown, unknown> = { state, effects: [], wakeAt };
    const effects: unknown[] = [];
    // Tick at each due time in turn (not at `now`): the record does not depend on how late the
    // timer fired, and an event stamped between two deadlines is not refused as out of order.
    for (let ticks = 0; wakeAt !== null && wakeAt <= now; ticks++) {
      const at = Math.max(wakeAt, lastEventAtOf(stepped.state));
      const next = process.send(stepped.state as never, { type: 'tick', at } as never) as ProcessStep<unknown, unknown>;
      if (next.wakeAt !== null && next.wakeAt <= at) {
        // A tick that leaves the inquiry due: ticking again would do the same, forever. Keep the
        // ticks that moved on; on the first one, the stored state itself is at fault.
        if (ticks > 0) break;
        throw new IncompatibleStateError(
          `A tick at ${at} leaves the inquiry due at ${next.wakeAt}: its stored state never gets past that deadline`,
          { path: ['wakeAt'], received: next.wakeAt, expected: `a wake-up after the tick at ${at}, or null` },
        );
      }
      effects.push(...next.effects);
      stepped = next;
      wakeAt = next.wakeAt;
    }
    return { state: stepped.state, effects, wakeAt: stepped.wakeAt };
  };
}

/**
 * Creates a service desk: many inquiries of one process, persisted in a store, woken at their
 * deadlines, with their effects on a typed event bus.
 *
 * One step is: load the inquiry → `process.send` → save with the loaded version as
 * `expectedVersion` (on `CONFLICT`: reload and re-apply, at most `maxAttempts` times) → deliver the
 * effects to listeners, only after the save succeeded → schedule the new `wakeAt`. Steps of one
 * inquiry never overlap inside a desk. Effects are delivered at least once, each with its stable
 * journal id; the outbox re-delivers those a listener failed on or a crash cut off.
 *
 * Stored states written by an earlier machine version are migrated on load (`process.restore`,
 * with the process's `migrations`) or refused with `INCOMPATIBLE_STATE`.
 *
 * @example
 * ```ts
 * import { createProcess, createServiceDesk, inquiryMachine, slaPolicy } from 'serviceflow';
 *
 * const inquiries = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
 * const desk = createServiceDesk({ process: inquiries });
 * desk.on('sla.breached', (effect, { id }) => console.log(id, effect.metric, 'breached'));
 *
 * await desk.open({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: Date.now() });
 * const step = await desk.send('T-1', { type: 'agent.reply', agentId: 'ana', at: Date.now() });
 * step.view.sla.firstResponse?.status; // 'met'
 * await desk.close();
 * ```
 */
export function createServiceDesk<TMachine extends AnyServiceMachine>(
  options: ServiceDeskOptions<TMachine>,
): ServiceDesk<TMachine> {
  type Step = DeskStep<TMachine>;
  const { process } = options;
  const store = options.store ?? memoryStore();
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler === false ? undefined : (options.scheduler ?? timerScheduler());
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const bus = createEffectBus();
  const conflict = (error: unknown): boolean => error instanceof ServiceFlowError && error.code === 'CONFLICT';
  // A follow-up is opened once: its id exists already when a request is delivered again.
  const openFollowUp = async (input: unknown): Promise<void> => {
    await openInquiry(input as ProcessInputOf<TMachine>, undefined).catch((error: unknown) => {
      if (!conflict(error)) throw error;
    });
  };
  const delivery = options.followUps === false ? bus : withFollowUps(bus, openFollowUp, options.followUps);
  const outbox = createOutbox(store, delivery, clock, options.outbox);
  const parking = createParking(store, bus, clock);
  const chains = new Map<string, Promise<unknown>>();
  const cache = snapshotCache(options.cacheSize ?? 10_000);
  let closed = false;
  let closing: Promise<void> | undefined;

  // Steps of one inquiry run one after the other, in call order, whatever the previous one did.
  const serial = <T>(id: string, work: () => Promise<T>): Promise<T> => {
    const result = (chains.get(id) ?? Promise.resolve()).then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    chains.set(id, tail);
    void tail.then(() => {
      if (chains.get(id) === tail) chains.delete(id);
    });
    return result;
  };

  const ensureOpen = (): void => {
    if (closed) {
      throw new EventNotAllowedError('The service desk is closed: open, send and wake are not allowed after close()', {
        expected: 'a desk that was not closed',
      });
    }
  };

  const unknownInquiry = (id: string): InvalidInputError =>
    new InvalidInputError(`No inquiry with id ${abbreviate(id)} in the store: open it first (desk.open)`, {
      path: ['id'],
      received: id,
      expected: 'the id of an opened inquiry',
    });

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

  const toStep = (
    id: string,
    version: number,
    state: PersistedState<unknown>,
    entries: readonly JournalEntry[],
    wakeAt: number | null,
    duplicate: boolean,
  ): Step => {
    // The view is computed on first read: a busy host that only needs the version pays nothing.
    let view: ProcessViewOf<TMachine> | undefined;
    return {
      id,
      version,
      get view() {
        return (view ??= process.view(state as never));
      },
      effects: entries.map((entry) => ({ id: entry.id, effect: entry.effect as DeskEffectOf<TMachine> })),
      wakeAt,
      ...(duplicate ? { duplicate } : {}),
    };
  };

  const finish = async (saved: StoredSnapshot, result: ProcessStep<unknown, unknown>): Promise<Step> => {
    const entries = toEntries(saved.id, saved.version, result.effects);
    await outbox.dispatch(entries);
    scheduler?.schedule(saved.id, result.wakeAt);
    return toStep(saved.id, saved.version, result.state, entries, result.wakeAt, false);
  };

  // A retried event id: the step that applied it, its effects read back from the journal. The first
  // attempt may have died before it scheduled the wake-up, so schedule it again.
  const replay = async (id: string, current: CachedSnapshot, version: number): Promise<Step> => {
    const entries = (await store.journal(id, { afterVersion: version - 1 })).filter(
      (entry) => entry.version === version,
    );
    scheduler?.schedule(id, current.wakeAt);
    return toStep(id, version, current.state, entries, current.wakeAt, true);
  };

  // A write that failed without a verdict (a lost connection) may have committed with a wake-up the
  // scheduler never heard of: wake the inquiry now, which reloads it and schedules what is stored.
  const afterUncertainWrite = (id: string, error: unknown): void => {
    if (!(error instanceof ServiceFlowError)) scheduler?.schedule(id, clock.now());
  };

  const isConflict = conflict;

  const load = async (id: string): Promise<CachedSnapshot | undefined> => {
    const snapshot = await store.load(id);
    if (snapshot === undefined) return undefined;
    let state: PersistedState<unknown>;
    try {
      state = process.restore(snapshot.state) as PersistedState<unknown>;
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
  };

  const refusalOf = (error: unknown, current: CachedSnapshot): StepRefusal =>
    new StepRefusal(error, { version: current.version, stage: stageOf(current.state.value), wakeAt: current.wakeAt });

  /**
   * load → apply → save (retrying on CONFLICT) → deliver → schedule. `null`: apply had nothing to
   * do, or (`missing: 'skip'`) the inquiry is gone. What the process or the store's checks refuse
   * in the stored inquiry throws a {@link StepRefusal}; a store failure throws as it is.
   */
  const step = async (
    id: string,
    apply: Apply,
    what: string,
    eventId?: string,
    missing: 'throw' | 'skip' = 'throw',
  ): Promise<Step | null> => {
    let lastConflict: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const cached = attempt === 1 ? cache.get(id) : undefined;
      const current = cached ?? (await load(id));
      if (current === undefined) {
        if (missing === 'skip') return null;
        throw unknownInquiry(id);
      }
      const eventIds: AppliedEventIds = current.eventIds ?? [];
      const appliedAt = eventId === undefined ? undefined : appliedVersionOf(eventIds, eventId);
      if (appliedAt !== undefined) return replay(id, current, appliedAt);
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
          if (what !== WAKE) afterUncertainWrite(id, error); // a failed wake-up is retried by the scheduler
          throw error;
        }
        lastConflict = error;
        if (cached !== undefined) attempt--; // a stale cache entry costs a reload, not an attempt
        continue;
      }
      parking.saved(id);
      cache.set(id, {
        version: saved.version,
        state: result.state,
        wakeAt: result.wakeAt,
        appliedSequence: current.appliedSequence,
        eventIds: nextEventIds,
      });
      return finish(saved, result);
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
  };

  const applyDueTicks = dueTicks(process, clock);

  /** One wake-up inside the inquiry's chain: a refusal parks the inquiry. */
  const attemptWake = async (
    id: string,
    missing: 'throw' | 'skip',
  ): Promise<{ step: Step | null } | { failed: unknown; result: WakeResult }> => {
    try {
      return { step: await step(id, applyDueTicks, WAKE, undefined, missing) };
    } catch (error) {
      if (error instanceof StepRefusal) return { failed: error.error, result: await parking.park(id, error) };
      return { failed: error, result: { outcome: 'failed', error } };
    }
  };

  // What the scheduler calls: never rejects; tells it whether to retry.
  const wakeForScheduler = (id: string): Promise<WakeResult> =>
    serial(id, async () => {
      if (closed) return DONE;
      const parkedReason = parking.parkedInMemory(id);
      if (parkedReason !== undefined) return { outcome: 'parked', reason: parkedReason };
      const attempt = await attemptWake(id, 'skip');
      if (!('failed' in attempt)) return DONE;
      if (attempt.result.outcome === 'parked') cache.delete(id);
      return attempt.result;
    });

  async function openInquiry(input: ProcessInputOf<TMachine>, eventId: string | undefined): Promise<Step> {
    const result = process.start(input) as ProcessStep<unknown, unknown>;
    const id = (result.state.context as { id: string }).id;
    return serial(id, async () => {
      const eventIds = withEventId([], eventId, 1);
      let saved: StoredSnapshot;
      try {
        saved = await store.create(toSnapshotWrite(id, result.state, result.wakeAt, result.effects, 0, eventIds));
      } catch (error) {
        afterUncertainWrite(id, error);
        if (eventId === undefined || !isConflict(error)) throw error;
        // Opened before with this eventId (a create whose answer was lost): the same step again.
        let current: CachedSnapshot | undefined;
        try {
          current = await load(id);
        } catch (loadError) {
          throw loadError instanceof StepRefusal ? error : loadError; // a transient failure: retry the open
        }
        const appliedAt = current === undefined ? undefined : appliedVersionOf(current.eventIds ?? [], eventId);
        if (current === undefined || appliedAt === undefined) throw error;
        return replay(id, current, appliedAt);
      }
      cache.set(id, {
        version: saved.version,
        state: result.state,
        wakeAt: result.wakeAt,
        appliedSequence: 0,
        eventIds,
      });
      return finish(saved, result);
    });
  }

  const desk: ServiceDesk<TMachine> = {
    process,
    store,
    clock,
    ...eventSourceMethods(bus, () => desk),

    async open(input, sendOptions = {}) {
      ensureOpen();
      return openInquiry(input, checkEventId(sendOptions.eventId));
    },

    async send(id, event, sendOptions = {}) {
      ensureOpen();
      const eventId = checkEventId(sendOptions.eventId);
      const what = `event '${String((event as { type?: unknown }).type)}'`;
      const apply: Apply = (state) => process.send(state as never, event) as ProcessStep<unknown, unknown>;
      // `send` always applies (or throws), so `step` never returns null here.
      return serial(id, () => step(id, apply, what, eventId)).catch(unwrapRefusal) as Promise<Step>;
    },

    async get(id) {
      const snapshot = await store.load(id);
      if (snapshot === undefined) return undefined;
      const state = process.restore(snapshot.state);
      return {
        id,
        version: snapshot.version,
        view: process.view(state),
        wakeAt: snapshot.wakeAt,
        state: state as PersistedState<unknown>,
      };
    },

    async wake(id) {
      ensureOpen();
      return serial(id, async () => {
        const attempt = await attemptWake(id, 'throw');
        if ('failed' in attempt) throw attempt.failed;
        return attempt.step;
      });
    },

    parked: (parkedOptions) => parking.list(parkedOptions),

    async unpark(id) {
      ensureOpen();
      if (!(await parking.unpark(id))) return false;
      cache.delete(id);
      // A wake-up now is always safe: it reloads, ticks what is due and schedules the next one.
      scheduler?.schedule(id, clock.now());
      return true;
    },

    redeliver: () => outbox.redeliver(),

    close() {
      closing ??= (async () => {
        closed = true;
        await scheduler?.stop();
        while (chains.size > 0) await Promise.all(chains.values());
        await outbox.stop();
      })();
      return closing;
    },
  };

  if (scheduler !== undefined) {
    const started = scheduler.start({
      clock,
      store,
      wake: wakeForScheduler,
      reportError: (error, context) => bus.reportError(error, { operation: 'schedule', ...context }),
    });
    void Promise.resolve(started).catch((error: unknown) => bus.reportError(error, { operation: 'schedule' }));
  }
  outbox.start();
  return desk;
}
