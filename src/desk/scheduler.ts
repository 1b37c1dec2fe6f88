/**
 * Who wakes inquiries up at their `wakeAt` while nobody sends them an event. The desk tells its
 * scheduler every new `wakeAt`; the scheduler calls `wake(id)` when it is due and, when the wake
 * failed, retries it later (with the backoff of the scheduler's `retry` option). Waking is always safe: the desk reloads the
 * inquiry and ticks it only if a deadline is really due.
 */
import type { ParkReason, SnapshotStore } from '../stores/store.js';
import type { DeskClock } from './clock.js';
import type { DeskErrorContext } from './effect-bus.js';

/**
 * How one wake-up went, as the desk tells its scheduler:
 * - `done`: woken, or nothing was due, or the inquiry is gone: nothing to retry;
 * - `failed`: a transient failure (the store threw, other writers won every attempt); the inquiry
 *   keeps its wake-up, and the scheduler retries it after a backoff and reports `error`;
 * - `parked`: it can never be woken as stored (`reason`); the desk parked it, never retry it until
 *   it is scheduled again (an operator's `desk.unpark(id)`, or a successful `send`).
 *
 * @example
 * ```ts
 * import type { WakeResult } from 'serviceflow';
 * const describe = (result: WakeResult): string =>
 *   result.outcome === 'parked' ? `parked: ${result.reason.code}` : result.outcome;
 * ```
 */
export type WakeResult =
  | { readonly outcome: 'done' }
  | { readonly outcome: 'failed'; readonly error: unknown }
  | { readonly outcome: 'parked'; readonly reason: ParkReason };

/**
 * What a scheduler is given when the desk starts it.
 *
 * @example
 * ```ts
 * import { memoryStore, systemClock, timerScheduler, type SchedulerContext } from 'serviceflow';
 * // What a desk passes to its scheduler's start(); built by hand here to drive a scheduler alone.
 * const context: SchedulerContext = {
 *   clock: systemClock,
 *   store: memoryStore(),
 *   wake: async (id) => (console.log('wake', id), { outcome: 'done' }),
 *   reportError: console.error,
 * };
 * await timerScheduler().start(context);
 * ```
 */
export interface SchedulerContext {
  readonly clock: DeskClock;
  readonly store: SnapshotStore;
  /** Ticks the inquiry if a deadline is due (reloading it first); resolves with the outcome, never rejects. */
  readonly wake: (id: string) => Promise<WakeResult>;
  /**
   * Reports a failure on the desk's `error` channel: a wake-up that failed (`operation: 'wake'`,
   * with the inquiry, the attempt and when it is retried) or the scheduler's own work (a poll).
   */
  readonly reportError: (error: unknown, context?: Partial<DeskErrorContext>) => void;
}

/**
 * The scheduler contract: {@link timerScheduler} (the default) and {@link pollingScheduler} ship
 * with serviceflow; the BullMQ runner schedules with delayed jobs instead.
 *
 * @example
 * ```ts
 * import type { DeskScheduler } from 'serviceflow';
 * // A scheduler that never wakes anything (the host sends its own ticks).
 * const manual: DeskScheduler = { start() {}, schedule() {}, async stop() {} };
 * ```
 */
export interface DeskScheduler {
  /** Called once by the desk before any `schedule`. */
  start(context: SchedulerContext): void | Promise<void>;
  /**
   * The inquiry's next wake-up is now `wakeAt` (`null`: none); replaces any earlier one, and any
   * retry in progress (the desk calls it after every successful step, and after an `unpark`).
   */
  schedule(id: string, wakeAt: number | null): void;
  /** Stops waking; resolves when no wake-up it started is still running. */
  stop(): Promise<void>;
}
