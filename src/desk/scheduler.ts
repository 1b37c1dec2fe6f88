/**
 * Who wakes inquiries up at their `wakeAt` while nobody sends them an event. The desk tells its
 * scheduler every new `wakeAt`; the scheduler calls `wake(id)` when it is due. Waking is always
 * safe: the desk reloads the inquiry and ticks it only if a deadline is really due.
 */
import type { SnapshotStore } from '../stores/store.js';
import type { DeskClock } from './clock.js';

/**
 * What a scheduler is given when the desk starts it.
 *
 * @example
 * ```ts
 * import { memoryStore, systemClock, timerScheduler, type SchedulerContext } from 'serviceflow';
 * // What a desk passes to its scheduler's start(); built by hand here to drive a scheduler alone.
 * const context: SchedulerContext = { clock: systemClock, store: memoryStore(), wake: async (id) => console.log('wake', id), reportError: console.error };
 * await timerScheduler().start(context);
 * ```
 */
export interface SchedulerContext {
  readonly clock: DeskClock;
  readonly store: SnapshotStore;
  /** Ticks the inquiry if a deadline is due (reloading it first); resolves when done, never rejects. */
  readonly wake: (id: string) => Promise<void>;
  /** Reports a failure of the scheduler's own work (a poll that failed) on the desk's `error` channel. */
  readonly reportError: (error: unknown) => void;
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
  /** The inquiry's next wake-up is now `wakeAt` (`null`: none); replaces any earlier one. */
  schedule(id: string, wakeAt: number | null): void;
  /** Stops waking; resolves when no wake-up it started is still running. */
  stop(): Promise<void>;
}
