import type { DeskTimer } from './clock.js';
import { retryDelay, type RetryOptions } from './retry.js';
import type { DeskScheduler, SchedulerContext } from './scheduler.js';

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

interface HeapItem {
  readonly id: string;
  readonly at: number;
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
  const concurrency = Math.max(1, options.concurrency ?? 64);
  const wakeAts = new Map<string, number>();
  const heap: HeapItem[] = [];
  // Failed attempts in a row per inquiry, and the inquiries rescheduled while their wake-up ran
  // (a step that succeeded meanwhile owns the schedule: no retry of the failed wake-up then).
  const failures = new Map<string, number>();
  const inFlight = new Set<string>();
  const rescheduled = new Set<string>();
  let context: SchedulerContext | undefined;
  let timer: DeskTimer | undefined;
  let recoveryTimer: DeskTimer | undefined;
  let stopped = false;
  const running = new Set<Promise<void>>();

  // Heap helpers: every index they dereference is checked against heap.length first (hence `!`).
  const push = (item: HeapItem): void => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break; // both indexes are inside the heap
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const pop = (): HeapItem | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && heap[left]!.at < heap[smallest]!.at) smallest = left;
      if (right < heap.length && heap[right]!.at < heap[smallest]!.at) smallest = right;
      if (smallest === i) break;
      [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
      i = smallest;
    }
    return top;
  };
  // A heap item is stale once the inquiry was rescheduled: only the latest wakeAt counts.
  const dropStale = (): void => {
    while (heap.length > 0 && wakeAts.get(heap[0]!.id) !== heap[0]!.at) pop();
  };

  const arm = (): void => {
    if (context === undefined || stopped) return;
    dropStale();
    const next = heap[0];
    if (timer !== undefined && (next === undefined || timer.at !== next.at)) {
      context.clock.clearTimer(timer);
      timer = undefined;
    }
    if (next === undefined || timer !== undefined) return;
    timer = context.clock.setTimer(fire, next.at - context.clock.now());
  };

  const put = (id: string, at: number): void => {
    wakeAts.set(id, at);
    push({ id, at });
  };

  // One wake-up; on failure it goes back on the heap at its retry time, unless a step rescheduled it.
  const wakeOne = async (id: string): Promise<void> => {
    if (context === undefined) return;
    const { clock, wake, reportError } = context;
    inFlight.add(id);
    const result = await wake(id);
    inFlight.delete(id);
    const superseded = rescheduled.delete(id);
    if (result.outcome !== 'failed') {
      failures.delete(id);
      return;
    }
    const attempt = (failures.get(id) ?? 0) + 1;
    const retryAt = clock.now() + retryDelay(attempt, id, options.retry);
    reportError(result.error, { operation: 'wake', inquiryId: id, attempt, retryAt });
    if (superseded || stopped) return;
    failures.set(id, attempt);
    put(id, retryAt);
    arm();
  };

  async function fire(): Promise<void> {
    timer = undefined;
    if (context === undefined || stopped) return;
    const { clock } = context;
    const due: string[] = [];
    for (dropStale(); heap.length > 0 && heap[0]!.at <= clock.now(); dropStale()) {
      const item = pop()!; // heap is non-empty
      wakeAts.delete(item.id);
      due.push(item.id);
    }
    arm();
    // Bounded parallelism: a burst of deadlines (a restart after a long outage) must not open
    // thousands of store round trips at once.
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < due.length && !stopped) await wakeOne(due[next++]!); // next < due.length
    };
    const work = Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, lane)).then(() => undefined);
    running.add(work);
    await work;
    running.delete(work);
  }

  // Reads every pending wake-up from the store; a failed read is retried like a failed wake-up.
  const recover = async (attempt: number): Promise<void> => {
    recoveryTimer = undefined;
    if (context === undefined || stopped) return;
    const { clock, store, reportError } = context;
    try {
      for (const { id, wakeAt } of await store.due({ until: Number.MAX_SAFE_INTEGER })) {
        if (!wakeAts.has(id) && !inFlight.has(id)) put(id, wakeAt);
      }
      arm();
    } catch (error) {
      const retryAt = clock.now() + retryDelay(attempt, '', options.retry);
      reportError(error, { operation: 'schedule', attempt, retryAt });
      if (!stopped) recoveryTimer = clock.setTimer(() => recover(attempt + 1), retryAt - clock.now());
    }
  };

  return {
    async start(given) {
      context = given;
      if (options.recover !== false) await recover(1);
    },
    schedule(id, wakeAt) {
      if (stopped) return;
      failures.delete(id);
      if (inFlight.has(id)) rescheduled.add(id);
      if (wakeAts.get(id) === (wakeAt ?? undefined)) return;
      if (wakeAt === null) {
        wakeAts.delete(id);
      } else {
        put(id, wakeAt);
      }
      // Rescheduled inquiries leave stale items behind; rebuild before they outnumber live ones.
      if (heap.length > 2 * wakeAts.size + 1_024) {
        heap.length = 0;
        for (const [key, at] of wakeAts) push({ id: key, at });
      }
      arm();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) context?.clock.clearTimer(timer);
      if (recoveryTimer !== undefined) context?.clock.clearTimer(recoveryTimer);
      timer = undefined;
      recoveryTimer = undefined;
      await Promise.all(running);
    },
  };
}
