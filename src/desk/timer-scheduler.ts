import type { DeskTimer } from './clock.js';
import { retryDelay, type RetryOptions } from './retry.js';
import type { DeskScheduler, SchedulerContext } from './scheduler.js';
import { WakeUpQueue } from './wake-up-queue.js';

/**
 * Options of {@link timerScheduler}.
 *
 * @example
 * ```ts
 * import { timerScheduler, type TimerSchedulerOptions } from 'serviceflow';
 * const scheduler = timerScheduler({ recover: false } satisfies TimerSchedulerOptions);
 * ```
 */
export interface TimerSchedulerOptions {
  /**
   * Read every pending `wakeAt` from the store when the desk starts (default `true`), so that
   * deadlines of inquiries saved by an earlier run fire. Turn it off when the store is shared with
   * a scheduler elsewhere.
   */
  readonly recover?: boolean;
  /** How many wake-ups may run at once (default 64). */
  readonly concurrency?: number;
  /** The backoff of a wake-up that failed (and of a failed recovery read): see {@link RetryOptions}. */
  readonly retry?: RetryOptions;
}

/**
 * The default scheduler: wake-ups in process, on the desk's clock. One timer is armed for the
 * earliest `wakeAt` (a binary heap holds the rest), so a million pending deadlines cost a million
 * heap entries, not a million timers; delays beyond setTimeout's 24.8-day limit are handled by the
 * clock. For one process only: with several processes on one store, use {@link pollingScheduler}
 * (or the BullMQ runner).
 *
 * A wake-up that fails (the store threw) stays scheduled: it is retried after a capped
 * exponential backoff with jitter (`retry`), each failure reported on the desk's `error` channel
 * with its attempt, until it succeeds or the desk parks the inquiry as one that can never be woken.
 *
 * @example
 * ```ts
 * import { createProcess, createServiceDesk, inquiryMachine, timerScheduler } from 'serviceflow';
 * const inquiries = createProcess(inquiryMachine);
 * const desk = createServiceDesk({ process: inquiries, scheduler: timerScheduler({ concurrency: 16 }) });
 * ```
 */
export function timerScheduler(options: TimerSchedulerOptions = {}): DeskScheduler {
  return new TimerScheduler(options);
}

class TimerScheduler implements DeskScheduler {
  private readonly concurrency: number;
  private readonly queue = new WakeUpQueue();
  /** Failed attempts in a row per inquiry. */
  private readonly failures = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  /** Inquiries rescheduled while their wake-up ran: a step that succeeded meanwhile owns the schedule (no retry then). */
  private readonly rescheduled = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private context: SchedulerContext | undefined;
  private timer: DeskTimer | undefined;
  private recoveryTimer: DeskTimer | undefined;
  private stopped = false;

  constructor(private readonly options: TimerSchedulerOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 64);
  }

  start = async (given: SchedulerContext): Promise<void> => {
    this.context = given;
    if (this.options.recover !== false) await this.recover(1);
  };

  schedule = (id: string, wakeAt: number | null): void => {
    if (this.stopped) return;
    this.failures.delete(id);
    if (this.inFlight.has(id)) this.rescheduled.add(id);
    if (this.queue.set(id, wakeAt)) this.arm();
  };

  stop = async (): Promise<void> => {
    this.stopped = true;
    if (this.timer !== undefined) this.context?.clock.clearTimer(this.timer);
    if (this.recoveryTimer !== undefined) this.context?.clock.clearTimer(this.recoveryTimer);
    this.timer = undefined;
    this.recoveryTimer = undefined;
    await Promise.all(this.running);
  };

  /** Keeps one timer armed for the earliest pending wake-up. */
  private arm(): void {
    const context = this.context;
    if (context === undefined || this.stopped) return;
    const next = this.queue.next();
    if (this.timer !== undefined && (next === undefined || this.timer.at !== next)) {
      context.clock.clearTimer(this.timer);
      this.timer = undefined;
    }
    if (next === undefined || this.timer !== undefined) return;
    this.timer = context.clock.setTimer(this.fire, next - context.clock.now());
  }

  private fire = async (): Promise<void> => {
    this.timer = undefined;
    const context = this.context;
    if (context === undefined || this.stopped) return;
    const due = this.queue.takeDue(() => context.clock.now());
    this.arm();
    // Bounded parallelism: a burst of deadlines (a restart after a long outage) must not open
    // thousands of store round trips at once.
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < due.length && !this.stopped) await this.wakeOne(due[next++]!); // next < due.length
    };
    const work = Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, lane)).then(
      () => undefined,
    );
    this.running.add(work);
    await work;
    this.running.delete(work);
  };

  /** One wake-up; on failure it goes back on the queue at its retry time, unless a step rescheduled it. */
  private async wakeOne(id: string): Promise<void> {
    if (this.context === undefined) return;
    const { clock, wake, reportError } = this.context;
    this.inFlight.add(id);
    const result = await wake(id);
    this.inFlight.delete(id);
    const superseded = this.rescheduled.delete(id);
    if (result.outcome !== 'failed') {
      this.failures.delete(id);
      return;
    }
    const attempt = (this.failures.get(id) ?? 0) + 1;
    const retryAt = clock.now() + retryDelay(attempt, id, this.options.retry);
    reportError(result.error, { operation: 'wake', inquiryId: id, attempt, retryAt });
    if (superseded || this.stopped) return;
    this.failures.set(id, attempt);
    this.queue.put(id, retryAt);
    this.arm();
  }

  /** Reads every pending wake-up from the store; a failed read is retried like a failed wake-up. */
  private async recover(attempt: number): Promise<void> {
    this.recoveryTimer = undefined;
    if (this.context === undefined || this.stopped) return;
    const { clock, store, reportError } = this.context;
    try {
      for (const { id, wakeAt } of await store.due({ until: Number.MAX_SAFE_INTEGER })) {
        if (!this.queue.has(id) && !this.inFlight.has(id)) this.queue.put(id, wakeAt);
      }
      this.arm();
    } catch (error) {
      const retryAt = clock.now() + retryDelay(attempt, '', this.options.retry);
      reportError(error, { operation: 'schedule', attempt, retryAt });
      if (!this.stopped) this.recoveryTimer = clock.setTimer(() => this.recover(attempt + 1), retryAt - clock.now());
    }
  }
}
