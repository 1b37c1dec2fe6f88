/**
 * How the desk's schedulers space out the retries of a wake-up that failed: capped exponential
 * backoff with jitter. The jitter is a hash of the inquiry id, the attempt and a seed rather than
 * `Math.random()`, so that a burst of failures (the database was down) spreads out, and the same
 * run on a `manualClock` retries at the same instants every time.
 */

/**
 * Options of the retries of failed wake-ups (`timerScheduler({ retry })`, `pollingScheduler({ retry })`).
 *
 * @example
 * ```ts
 * import { timerScheduler, type RetryOptions } from 'serviceflow';
 * const retry: RetryOptions = { initialDelay: 500, maxDelay: 60_000 };
 * const scheduler = timerScheduler({ retry });
 * ```
 */
export interface RetryOptions {
  /** The delay before the first retry, in ms (default 1000). Each further attempt doubles it. */
  readonly initialDelay?: number;
  /** The longest delay between two attempts, in ms (default 300 000: five minutes). */
  readonly maxDelay?: number;
  /** Seeds the jitter (default 0): the same seed, inquiry and attempt always give the same delay. */
  readonly seed?: number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry) of the wake-up of `key`:
 * `min(maxDelay, initialDelay × 2^(attempt − 1))`, of which the upper half is jitter ("equal
 * jitter": never less than half the capped delay, so a failing inquiry can never spin).
 */
export function retryDelay(attempt: number, key: string, options: RetryOptions = {}): number {
  const initial = Math.max(1, options.initialDelay ?? 1_000);
  const max = Math.max(initial, options.maxDelay ?? 300_000);
  const capped = Math.min(max, initial * 2 ** Math.min(Math.max(0, attempt - 1), 52));
  const unit = jitterHash(key, attempt, options.seed ?? 0) / 0x1_0000_0000;
  return Math.ceil(capped / 2 + (unit * capped) / 2);
}

// FNV-1a over the key, then the attempt and the seed mixed in (murmur3's finaliser): uniform enough
// to spread retries, and the same on every platform.
function jitterHash(key: string, attempt: number, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ attempt, 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
