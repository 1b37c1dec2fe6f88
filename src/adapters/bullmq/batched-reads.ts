/**
 * The log reads of drains that start together, sent as one script call (gathered as in
 * tick-batches.ts): in the desk bench, about eight reads a call at window 1000. Each caller gets
 * its own inquiry's read or the call's error; a read that fails on its own (a log key that is not
 * a hash) fails only its caller.
 */
import { gatherTicks, type Waiting } from './tick-batches.js';

/** Reads in one call, at most: one script call holds Redis for all of them. */
const MAX_BATCH = 64;

/**
 * Gathers the reads of one burst into calls of `send`, which answers each inquiry's read in order:
 * its value, or an `Error` that fails that read alone.
 */
export class BatchedReads<T> {
  /** Reads one inquiry's log, in the call of this burst's reads. */
  readonly read: (inquiryId: string) => Promise<T>;

  constructor(send: (inquiryIds: readonly string[]) => Promise<readonly (T | Error)[]>) {
    const sendBatch = (batch: readonly Waiting<string, T>[]): void => {
      send(batch.map(({ item }) => item)).then(
        (reads) =>
          batch.forEach(({ item: inquiryId, resolve, reject }, index) => {
            const read = reads[index];
            if (read === undefined) reject(new Error(`The log read of inquiry ${inquiryId} got no answer`));
            else if (read instanceof Error) reject(read);
            else resolve(read);
          }),
        (error: unknown) => batch.forEach(({ reject }) => reject(error)),
      );
    };
    this.read = gatherTicks<string, T>((waiting) => {
      for (let start = 0; start < waiting.length; start += MAX_BATCH)
        sendBatch(waiting.slice(start, start + MAX_BATCH));
    });
  }
}
