/**
 * The log reads of drains that start together, sent as one script call. A worker's jobs start in
 * bursts: BullMQ's replies for many of its jobs arrive in one chunk from Redis, and each job's
 * drain begins by reading its inquiry's log. A read waits until the burst's synchronous work is
 * done (`process.nextTick`, which runs once the promise continuations of the burst have run), so
 * that all of them go in one call: in the desk bench, about eight reads a call at window 1000.
 * The read is not delayed by any timer, and each caller gets its own inquiry's read or the call's
 * error; a read that fails on its own (a log key that is not a hash) fails only its caller.
 */

/** Reads in one call, at most: one script call holds Redis for all of them. */
const MAX_BATCH = 64;

interface WaitingRead<T> {
  readonly inquiryId: string;
  readonly resolve: (read: T) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the reads of one tick into calls of `send`, which answers each inquiry's read in order:
 * its value, or an `Error` that fails that read alone.
 */
export class BatchedReads<T> {
  private waiting: WaitingRead<T>[] = [];

  constructor(private readonly send: (inquiryIds: readonly string[]) => Promise<readonly (T | Error)[]>) {}

  /** Reads one inquiry's log, in the call of this tick's reads. */
  read(inquiryId: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.waiting.push({ inquiryId, resolve, reject }) === 1) process.nextTick(() => this.flush());
    });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (let start = 0; start < waiting.length; start += MAX_BATCH) {
      const batch = waiting.slice(start, start + MAX_BATCH);
      this.send(batch.map(({ inquiryId }) => inquiryId)).then(
        (reads) =>
          batch.forEach(({ inquiryId, resolve, reject }, index) => {
            const read = reads[index];
            if (read === undefined) reject(new Error(`The log read of inquiry ${inquiryId} got no answer`));
            else if (read instanceof Error) reject(read);
            else resolve(read);
          }),
        (error: unknown) => batch.forEach(({ reject }) => reject(error)),
      );
    }
  }
}
