/**
 * The desk's only source of time: `now()` for stamping, timers for wake-ups. Inject a
 * {@link manualClock} in tests to move time by hand, deterministically.
 */

/**
 * A timer a {@link DeskClock} handed out; pass it back to `clearTimer`.
 *
 * @example
 * ```ts
 * import { systemClock, type DeskClock, type DeskTimer } from 'serviceflow';
 * const clock: DeskClock = systemClock;
 * const timer: DeskTimer = clock.setTimer(() => console.log('due'), 5_000);
 * timer.at; // when it falls due (epoch ms)
 * clock.clearTimer(timer);
 * ```
 */
export interface DeskTimer {
  readonly at: number;
}

/**
 * What the desk and its schedulers read time from.
 *
 * @example
 * ```ts
 * import { systemClock, type DeskClock } from 'serviceflow';
 * const clock: DeskClock = systemClock;
 * const timer = clock.setTimer(() => console.log('due'), 1_000);
 * clock.clearTimer(timer);
 * ```
 */
export interface DeskClock {
  /** The current instant, epoch milliseconds. */
  now(): number;
  /**
   * Calls `callback` once, `delayMs` from now (at once when `delayMs <= 0`). A callback may
   * return a promise: a manual clock waits for it before it moves on.
   */
  setTimer(callback: () => void | Promise<unknown>, delayMs: number): DeskTimer;
  /** Cancels a timer; a timer that already ran or was cleared is ignored. */
  clearTimer(timer: DeskTimer): void;
}

// setTimeout keeps its delay in a signed 32-bit integer: longer delays fire at once. Waits longer
// than this are split into hops.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface SystemTimer extends DeskTimer {
  handle: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The wall clock: `Date.now()` and `setTimeout`. Delays longer than setTimeout's limit
 * (2^31 − 1 ms, about 24.8 days) are waited in hops, so a deadline months away fires on time
 * instead of at once. Timers are `unref`'d: they never keep a Node process alive on their own.
 *
 * @example
 * ```ts
 * import { createProcess, createServiceDesk, inquiryMachine, systemClock } from 'serviceflow';
 * const inquiries = createProcess(inquiryMachine);
 * const desk = createServiceDesk({ process: inquiries, clock: systemClock });
 * ```
 */
export const systemClock: DeskClock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const timer: SystemTimer = { at: Date.now() + Math.max(0, delayMs), handle: undefined };
    const arm = (): void => {
      const remaining = timer.at - Date.now();
      timer.handle = setTimeout(
        () => {
          if (timer.at - Date.now() > 0) return arm();
          timer.handle = undefined;
          void Promise.resolve()
            .then(callback)
            .catch(() => undefined); // the desk reports its own errors; never an unhandled rejection
        },
        Math.min(Math.max(0, remaining), MAX_TIMEOUT_MS),
      );
      timer.handle.unref?.();
    };
    arm();
    return timer;
  },
  clearTimer(timer) {
    const handle = (timer as Partial<SystemTimer>).handle;
    if (handle !== undefined) clearTimeout(handle);
    (timer as Partial<SystemTimer>).handle = undefined;
  },
};

/**
 * A clock that only moves when told: {@link manualClock}.
 *
 * @example
 * ```ts
 * import { manualClock, type ManualClock } from 'serviceflow';
 * const clock: ManualClock = manualClock(Date.parse('2026-03-02T09:00:00Z'));
 * await clock.advance(60 * 60_000); // runs every timer due in that hour, in time order
 * clock.pending; // timers still waiting
 * ```
 */
export interface ManualClock extends DeskClock {
  /**
   * Moves time forward by `ms`, running every timer that falls due on the way in time order (time
   * stands at each timer's instant while it runs) and waiting for what each one started. Timers
   * set while advancing run too, when they fall inside the window.
   */
  advance(ms: number): Promise<void>;
  /** Moves time forward to `at` (never backwards), like {@link ManualClock.advance}. */
  advanceTo(at: number): Promise<void>;
  /** Runs the timers due at the current instant (e.g. those set with a delay of 0). */
  flush(): Promise<void>;
  /** How many timers are pending. */
  readonly pending: number;
  /** When the earliest pending timer is due, or `null`. */
  readonly nextTimerAt: number | null;
}

interface ManualTimer extends DeskTimer {
  readonly seq: number;
  readonly callback: () => void | Promise<unknown>;
}

/**
 * A virtual clock for tests and simulations: time stands still until you `advance` it, and
 * timers run deterministically, in order of due time (then of creation), each awaited before
 * the next. Starts at `start` (default 0).
 *
 * @example
 * ```ts
 * import { createProcess, createServiceDesk, inquiryMachine, manualClock, slaPolicy } from 'serviceflow';
 * const inquiries = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
 * const clock = manualClock(Date.parse('2026-03-02T09:00:00Z'));
 * const desk = createServiceDesk({ process: inquiries, clock });
 * desk.on('sla.breached', (effect) => console.log(effect.metric)); // 'firstResponse'
 * await desk.open({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: clock.now() });
 * await clock.advance(2 * 60 * 60_000); // fires the breach at its due time
 * ```
 */
export function manualClock(start = 0): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Set<ManualTimer>();

  const earliest = (): ManualTimer | undefined => {
    let first: ManualTimer | undefined;
    for (const timer of timers) {
      if (first === undefined || timer.at < first.at || (timer.at === first.at && timer.seq < first.seq)) first = timer;
    }
    return first;
  };

  const runUntil = async (target: number): Promise<void> => {
    for (let timer = earliest(); timer !== undefined && timer.at <= target; timer = earliest()) {
      timers.delete(timer);
      now = Math.max(now, timer.at);
      await timer.callback();
    }
    now = Math.max(now, target);
  };

  return {
    now: () => now,
    setTimer(callback, delayMs) {
      const timer: ManualTimer = { at: now + Math.max(0, delayMs), seq: seq++, callback };
      timers.add(timer);
      return timer;
    },
    clearTimer(timer) {
      timers.delete(timer as ManualTimer);
    },
    advance: (ms) => runUntil(now + Math.max(0, ms)),
    advanceTo: (at) => runUntil(Math.max(now, at)),
    flush: () => runUntil(now),
    get pending() {
      return timers.size;
    },
    get nextTimerAt() {
      return earliest()?.at ?? null;
    },
  };
}
