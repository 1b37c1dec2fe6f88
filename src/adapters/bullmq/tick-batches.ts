/**
 * Calls made in one burst of a worker's synchronous work, gathered into one batch. A worker's jobs
 * start in bursts: BullMQ's replies for many of its jobs arrive in one chunk from Redis, so their
 * drains read their logs together and reach their saves together. A gathered call waits for
 * `process.nextTick`, which runs once the promise continuations of the burst have run: no timer
 * delays it, and a call made alone is a batch of one.
 */

/** A call waiting for its batch: what it asked for, and how to answer it. */
export interface Waiting<I, T> {
  readonly item: I;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/** A function whose calls of one burst are handed to `flush` together, to be answered there. */
export function gatherTicks<I, T>(flush: (waiting: Waiting<I, T>[]) => void): (item: I) => Promise<T> {
  let waiting: Waiting<I, T>[] = [];
  const flushAll = (): void => {
    const all = waiting;
    waiting = [];
    flush(all);
  };
  return (item) =>
    new Promise<T>((resolve, reject) => {
      if (waiting.push({ item, resolve, reject }) === 1) process.nextTick(flushAll);
    });
}
