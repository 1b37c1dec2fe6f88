import type {
  AnyServiceMachine,
  ProcessEffectOf,
  ProcessEventOf,
  ProcessInputOf,
  ProcessStep,
  ProcessViewOf,
  ServiceProcess,
} from '../process/createProcess.js';
import { ConflictError, EventNotAllowedError, InvalidInputError, ServiceFlowError, abbreviate } from '../process/errors.js';
import type { PersistedState } from '../schemas/state.js';
import { memoryStore } from '../stores/memory.js';
import { journalEntryId, type JournalEntry, type SnapshotStore, type StoredSnapshot } from '../stores/store.js';
import { systemClock, type DeskClock } from './clock.js';
import { createEffectBus, eventSourceMethods, type DeskEventSource } from './effect-bus.js';
import { withFollowUps, type FollowUpOptions } from './follow-ups.js';
import { createOutbox, type OutboxOptions } from './outbox.js';
import type { DeskScheduler } from './scheduler.js';
import { appliedSequenceOf, lastEventAtOf, toSnapshotWrite } from './snapshot.js';
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
export type DeskEffectOf<TMachine extends AnyServiceMachine> = Extract<ProcessEffectOf<TMachine>, { readonly type: string }>;

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
  /** Starts an inquiry (`process.start`) and stores it at version 1. `CONFLICT` if the id exists. */
  open(input: ProcessInputOf<TMachine>): Promise<DeskStep<TMachine>>;
  /**
   * Applies one event to a stored inquiry. Calls for the same id run one after the other, in call
   * order. Rejects with the process's error (`INVALID_EVENT`, `EVENT_NOT_ALLOWED`, `OUT_OF_ORDER`,
   * `INCOMPATIBLE_STATE`) and nothing is written; with `INVALID_INPUT` for an unknown id; with
   * `CONFLICT` when other writers won every attempt.
   */
  send(id: string, event: ProcessEventOf<TMachine>): Promise<DeskStep<TMachine>>;
  /** The stored inquiry (migrated, read-only), or `undefined` for an unknown id. */
  get(id: string): Promise<DeskInquiry<TMachine> | undefined>;
  /**
   * Fires the inquiry's due deadlines now: ticks at each due `wakeAt` in turn until none is due by
   * `clock.now()`, in one save. Resolves with the step, or `null` when nothing was due. The
   * scheduler calls this; hosts without one can too.
   */
  wake(id: string): Promise<DeskStep<TMachine> | null>;
  /** Delivers every effect still undispatched in the store (after a crash); resolves with how many. */
  redeliver(): Promise<number>;
  /** Stops the scheduler and the outbox and waits for every step in flight. Idempotent. */
  close(): Promise<void>;
}

type Apply = (state: PersistedState<unknown>) => ProcessStep<unknown, unknown> | null;

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
export function createServiceDesk<TMachine extends AnyServiceMachine>(options: ServiceDeskOptions<TMachine>): ServiceDesk<TMachine> {
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
    await openInquiry(input as ProcessInputOf<TMachine>).catch((error: unknown) => {
      if (!conflict(error)) throw error;
    });
  };
  const delivery = options.followUps === false ? bus : withFollowUps(bus, openFollowUp, options.followUps);
  const outbox = createOutbox(store, delivery, clock, options.outbox);
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
      return { id: journalEntryId(id, version, index), snapshotId: id, version, index, type, at, effect, dispatchedAt: null };
    });

  const finish = async (saved: StoredSnapshot, result: ProcessStep<unknown, unknown>): Promise<Step> => {
    const entries = toEntries(saved.id, saved.version, result.effects);
    await outbox.dispatch(entries);
    scheduler?.schedule(saved.id, result.wakeAt);
    // The view is computed on first read: a busy host that only needs the version pays nothing.
    let view: ProcessViewOf<TMachine> | undefined;
    return {
      id: saved.id,
      version: saved.version,
      get view() {
        return (view ??= process.view(result.state as never));
      },
      effects: entries.map((entry) => ({ id: entry.id, effect: entry.effect as DeskEffectOf<TMachine> })),
      wakeAt: result.wakeAt,
    };
  };

  const isConflict = conflict;

  const load = async (id: string): Promise<CachedSnapshot> => {
    const snapshot = await store.load(id);
    if (snapshot === undefined) throw unknownInquiry(id);
    const state = process.restore(snapshot.state) as PersistedState<unknown>;
    return { version: snapshot.version, state, wakeAt: snapshot.wakeAt, appliedSequence: appliedSequenceOf(snapshot.state) };
  };

  /** load → apply → save (retrying on CONFLICT) → deliver → schedule. `null`: apply had nothing to do. */
  const step = async (id: string, apply: Apply, what: string): Promise<Step | null> => {
    let lastConflict: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const cached = attempt === 1 ? cache.get(id) : undefined;
      const current = cached ?? (await load(id));
      let result: ProcessStep<unknown, unknown> | null;
      try {
        result = apply(current.state);
      } catch (error) {
        // A refusal must come from the stored state, not from a remembered one that may be stale.
        if (cached === undefined) throw error;
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
      const write = toSnapshotWrite(id, result.state, result.wakeAt, result.effects, current.appliedSequence);
      let saved: StoredSnapshot;
      try {
        saved = await store.save({ ...write, expectedVersion: current.version });
      } catch (error) {
        cache.delete(id);
        if (!isConflict(error)) throw error;
        lastConflict = error;
        if (cached !== undefined) attempt--; // a stale cache entry costs a reload, not an attempt
        continue;
      }
      cache.set(id, { version: saved.version, state: result.state, wakeAt: result.wakeAt, appliedSequence: current.appliedSequence });
      return finish(saved, result);
    }
    throw new ConflictError(
      `Gave up on ${what} for inquiry ${abbreviate(id)} after ${maxAttempts} attempts: another writer saved it first every time; nothing was applied`,
      { path: ['id'], received: id, expected: `at most ${maxAttempts - 1} concurrent saves in a row (maxAttempts)`, cause: lastConflict },
    );
  };

  const applyDueTicks: Apply = (state) => {
    const now = clock.now();
    let wakeAt = process.wakeAt(state as never);
    if (wakeAt === null || wakeAt > now) return null;
    let current: ProcessStep<unknown, unknown> = { state, effects: [], wakeAt };
    const effects: unknown[] = [];
    // Tick at each due time in turn (not at `now`): the record does not depend on how late the
    // timer fired, and an event stamped between two deadlines is not refused as out of order.
    while (wakeAt !== null && wakeAt <= now) {
      const at = Math.max(wakeAt, lastEventAtOf(current.state));
      current = process.send(current.state as never, { type: 'tick', at } as never) as ProcessStep<unknown, unknown>;
      effects.push(...current.effects);
      if (current.wakeAt !== null && current.wakeAt <= at) break; // no progress: never spin
      wakeAt = current.wakeAt;
    }
    return { state: current.state, effects, wakeAt: current.wakeAt };
  };

  async function openInquiry(input: ProcessInputOf<TMachine>): Promise<Step> {
    const result = process.start(input) as ProcessStep<unknown, unknown>;
    const id = (result.state.context as { id: string }).id;
    return serial(id, async () => {
      const saved = await store.create(toSnapshotWrite(id, result.state, result.wakeAt, result.effects, 0));
      cache.set(id, { version: saved.version, state: result.state, wakeAt: result.wakeAt, appliedSequence: 0 });
      return finish(saved, result);
    });
  }

  const wake = (id: string): Promise<Step | null> => serial(id, () => step(id, applyDueTicks, 'a wake-up'));

  const desk: ServiceDesk<TMachine> = {
    process,
    store,
    clock,
    ...eventSourceMethods(bus, () => desk),

    async open(input) {
      ensureOpen();
      return openInquiry(input);
    },

    async send(id, event) {
      ensureOpen();
      const applied = await serial(id, () =>
        step(id, (state) => process.send(state as never, event) as ProcessStep<unknown, unknown>, `event '${String((event as { type?: unknown }).type)}'`),
      );
      // `send` always applies (or throws), so `step` never returns null here.
      return applied as Step;
    },

    async get(id) {
      const snapshot = await store.load(id);
      if (snapshot === undefined) return undefined;
      const state = process.restore(snapshot.state);
      return { id, version: snapshot.version, view: process.view(state), wakeAt: snapshot.wakeAt, state: state as PersistedState<unknown> };
    },

    async wake(id) {
      ensureOpen();
      return wake(id);
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
      wake: async (id) => {
        if (closed) return;
        await wake(id).catch((error: unknown) => bus.reportError(error, { operation: 'wake', inquiryId: id }));
      },
      reportError: (error) => bus.reportError(error, { operation: 'schedule' }),
    });
    void Promise.resolve(started).catch((error: unknown) => bus.reportError(error, { operation: 'schedule' }));
  }
  outbox.start();
  return desk;
}
