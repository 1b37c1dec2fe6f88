/**
 * The shapes of a service desk: its options, what its steps resolve with, and the desk itself.
 * {@link createServiceDesk} builds one.
 */
import type {
  AnyServiceMachine,
  ProcessEffectOf,
  ProcessEventOf,
  ProcessInputOf,
  ProcessViewOf,
  ServiceProcess,
} from '../process/createProcess.js';
import type { PersistedState } from '../schemas/state.js';
import type { ParkedSnapshot, SnapshotStore } from '../stores/store.js';
import type { DeskClock } from './clock.js';
import type { DeskEventSource } from './effect-bus.js';
import type { FollowUpOptions } from './follow-ups.js';
import type { OutboxOptions } from './outbox.js';
import type { DeskScheduler } from './scheduler.js';

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
