import type { DeskTimer } from './clock.js';
import type { DeskScheduler, SchedulerContext } from './scheduler.js';

/**
 * Options of {@link pollingScheduler}.
 *
 * @example
 * ```ts
 * import { pollingScheduler, type PollingSchedulerOptions } from 'serviceflow';
 * const scheduler = pollingScheduler({ interval: 500, batch: 200 } satisfies PollingSchedulerOptions);
 * ```
 */
export interface PollingSchedulerOptions {
  /** Milliseconds between two polls of `store.due()` (default 1000): the wake-up granularity. */
  readonly interval?: number;
  /** How many due inquiries one poll wakes (default 100); a full batch polls again at once. */
  readonly batch?: number;
  /** How many wake-ups of one poll run at once (default 16). */
  readonly concurrency?: number;
}

/**
 * A scheduler for several processes sharing one store: every `interval` it asks the store which
 * inquiries are due (`store.due({ until: now })`, served by the store's due-time index) and wakes
 * them. Processes may poll the same inquiry at once; the store's version check lets one tick win,
 * and the loser, reloading, finds nothing due. Wake-ups fire up to `interval` late (the effects
 * are stamped with their due times all the same).
 *
 * @example
 * ```ts
 * import type { Pool } from 'pg';
 * import { createProcess, createServiceDesk, inquiryMachine, pollingScheduler } from 'serviceflow';
 * import { postgresStore } from 'serviceflow/postgres';
 * declare const pool: Pool; // shared by every process of the desk
 * const inquiries = createProcess(inquiryMachine);
 * const desk = createServiceDesk({ process: inquiries, store: postgresStore(pool), scheduler: pollingScheduler({ interval: 1_000 }) });
 * ```
 */
export function pollingScheduler(options: PollingSchedulerOptions = {}): DeskScheduler {
  const interval = Math.max(1, options.interval ?? 1_000);
  const batch = Math.max(1, options.batch ?? 100);
  const concurrency = Math.max(1, options.concurrency ?? 16);
  let context: SchedulerContext | undefined;
  let timer: DeskTimer | undefined;
  let stopped = false;
  let polling: Promise<void> | undefined;

  const arm = (delay: number): void => {
    if (context === undefined || stopped) return;
    timer = context.clock.setTimer(() => (polling = poll()), delay);
  };

  async function poll(): Promise<void> {
    timer = undefined;
    if (context === undefined || stopped) return;
    const { clock, store, wake } = context;
    let full = false;
    try {
      const due = await store.due({ until: clock.now(), limit: batch });
      full = due.length === batch;
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < due.length && !stopped) await wake(due[next++]!.id); // next < due.length
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, lane));
    } catch (error) {
      context.reportError(error);
    } finally {
      // A full batch means more may be due: poll again at once rather than an interval later.
      arm(full ? 0 : interval);
    }
  }

  return {
    start(given) {
      context = given;
      arm(0);
    },
    schedule() {
      // The store's due-time index is the schedule: nothing to remember in process.
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) context?.clock.clearTimer(timer);
      timer = undefined;
      await polling?.catch(() => undefined);
    },
  };
}
