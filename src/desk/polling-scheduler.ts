import type { DeskTimer } from './clock.js';
import { retryDelay, type RetryOptions } from './retry.js';
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
  /**
   * Milliseconds from the start of one poll of `store.due()` to the start of the next (default
   * 1000): the wake-up granularity. Never shorter, whatever `due()` returns.
   */
  readonly interval?: number;
  /** How many due inquiries one poll wakes at most (default 100): at most `batch / interval` wake-ups a ms. */
  readonly batch?: number;
  /** How many wake-ups of one poll run at once (default 16). */
  readonly concurrency?: number;
  /** The backoff of a wake-up that failed: see {@link RetryOptions}. */
  readonly retry?: RetryOptions;
}

/**
 * A scheduler for several processes sharing one store: every `interval` it asks the store which
 * inquiries are due (`store.due({ until: now })`, served by the store's due-time index) and wakes
 * them. Processes may poll the same inquiry at once; the store's version check lets one tick win,
 * and the loser, reloading, finds nothing due. Wake-ups fire up to `interval` late (the effects
 * are stamped with their due times all the same).
 *
 * A wake-up that fails stays due in the store; this process skips it until its retry time (capped
 * exponential backoff with jitter, `retry`) and asks `due()` for that many more rows, so failing
 * inquiries never crowd out the others. What can never be woken is parked by the desk, and `due()`
 * stops offering it.
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
  // Inquiries whose wake-up failed (or that the desk parked without a store that can park): the
  // attempts so far and the instant before which this process does not wake them again.
  const backoff = new Map<string, { readonly attempt: number; readonly until: number }>();
  let context: SchedulerContext | undefined;
  let timer: DeskTimer | undefined;
  let stopped = false;
  let polling: Promise<void> | undefined;

  const arm = (delay: number): void => {
    if (context === undefined || stopped) return;
    timer = context.clock.setTimer(() => (polling = poll()), delay);
  };

  const wakeOne = async (id: string): Promise<void> => {
    if (context === undefined) return;
    const { clock, wake, reportError } = context;
    const result = await wake(id);
    if (result.outcome === 'done') {
      backoff.delete(id);
    } else if (result.outcome === 'parked') {
      backoff.set(id, { attempt: 0, until: Number.POSITIVE_INFINITY });
    } else {
      const attempt = (backoff.get(id)?.attempt ?? 0) + 1;
      const retryAt = clock.now() + retryDelay(attempt, id, options.retry);
      reportError(result.error, { operation: 'wake', inquiryId: id, attempt, retryAt });
      backoff.set(id, { attempt, until: retryAt });
    }
  };

  async function poll(): Promise<void> {
    timer = undefined;
    if (context === undefined || stopped) return;
    const { clock, store, reportError } = context;
    const startedAt = clock.now();
    try {
      let waiting = 0;
      for (const { until } of backoff.values()) if (until > startedAt) waiting++;
      const rows = await store.due({ until: startedAt, limit: batch + waiting });
      const due = rows.filter(({ id }) => (backoff.get(id)?.until ?? startedAt) <= startedAt).slice(0, batch);
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < due.length && !stopped) await wakeOne(due[next++]!.id); // next < due.length
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, lane));
    } catch (error) {
      reportError(error, { operation: 'schedule' });
    } finally {
      arm(Math.max(0, startedAt + interval - clock.now()));
    }
  }

  return {
    start(given) {
      context = given;
      arm(0);
    },
    schedule(id) {
      // The store's due-time index is the schedule; a step that succeeded ends any backoff.
      backoff.delete(id);
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) context?.clock.clearTimer(timer);
      timer = undefined;
      await polling?.catch(() => undefined);
    },
  };
}
