/**
 * Where the BullMQ runner keeps its own data in Redis, next to BullMQ's queue keys, and how
 * inquiry ids become job ids (BullMQ refuses `:` in custom job ids, and integer-looking ids).
 */

/** The Redis keys of one runner (one queue). */
export interface RunnerKeys {
  /** The counter that numbers an inquiry's log entries (the last sequence number handed out). */
  sequence(inquiryId: string): string;
  /** The inquiry's event log: a hash of sequence number → entry JSON, trimmed once applied. */
  log(inquiryId: string): string;
  /** Applied entries moved out of the log when the runner runs with `archive: true`. */
  archive(inquiryId: string): string;
  /** Producer-chosen event ids → sequence numbers, so a retried send is appended once. */
  eventIds(inquiryId: string): string;
  /**
   * Set (with a time to live) by the append that adds a drain job, deleted by every drain as it
   * reads the log: while it is set, a drain that has not read the log yet is on its way, so
   * further appends need no job of their own.
   */
  drainQueued(inquiryId: string): string;
  /** Sorted set of inquiries with unapplied entries, scored by when they became pending. */
  readonly pending: string;
  /** Sorted set of the live worker processes, scored by when their last heartbeat expires. */
  readonly workers: string;
  /** The dead-letter list: one JSON record per payload that could not be applied. */
  readonly deadLetters: string;
  /** Which dead letters were recorded already (so a retried job records each once). */
  readonly deadLetterIndex: string;
}

/** The keys of the runner on `queueName`, under `prefix` (next to BullMQ's `${prefix}:${queueName}:…`). */
export function runnerKeys(prefix: string, queueName: string): RunnerKeys {
  // A segment of our own, so no key can meet one of BullMQ's (`…:wait`, `…:${jobId}`, …).
  const root = `${prefix}:${queueName}:inquiries`;
  return {
    sequence: (id) => `${root}:seq:${id}`,
    log: (id) => `${root}:log:${id}`,
    archive: (id) => `${root}:archive:${id}`,
    eventIds: (id) => `${root}:ids:${id}`,
    drainQueued: (id) => `${root}:queued:${id}`,
    pending: `${root}:pending`,
    workers: `${root}:workers`,
    deadLetters: `${root}:dead-letters`,
    deadLetterIndex: `${root}:dead-letters:index`,
  };
}

/** An inquiry id as part of a job id: `%` and `:` escaped, so the mapping stays one-to-one. */
export function jobIdPart(inquiryId: string): string {
  return inquiryId.replace(/%/g, '%25').replace(/:/g, '%3A');
}

/** The job id of the wake-up of an inquiry at `dueAt`: the same for every step that schedules it. */
export function wakeJobId(inquiryId: string, dueAt: number): string {
  return `wake-${jobIdPart(inquiryId)}-${dueAt}`;
}

/** The deduplication id of an inquiry's drain job: at most one waiting and one active at a time. */
export function drainDeduplicationId(inquiryId: string): string {
  return `drain-${jobIdPart(inquiryId)}`;
}
