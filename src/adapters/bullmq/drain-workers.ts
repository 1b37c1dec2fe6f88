/**
 * The BullMQ workers of one worker process: one on the desk's shared queue (wake-ups, and drain
 * jobs of releases before partitions) and one per partition the process owns now, started and
 * closed as the live workers change (see `membership.ts` and `partitions.ts`).
 */
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Drainer } from './drain.js';
import { partitionQueueName } from './partitions.js';

/** What the workers are built from. */
export interface DrainWorkersOptions {
  readonly queueName: string;
  readonly prefix: string;
  readonly connection: ConnectionOptions;
  readonly drainer: Drainer;
  /** Drain jobs the process runs at once, shared among its partitions (and the shared queue's limit). */
  readonly concurrency: number;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly maxStalledCount: number;
  /** Reports a worker's error or a failed job on the desk's `error` channel. */
  readonly reportError: (error: unknown, inquiryId?: string) => void;
}

/** The shared queue's worker and the partitions' workers of one process. */
export class DrainWorkers {
  /** The worker of the shared queue. */
  readonly shared: Worker;
  private readonly byPartition = new Map<number, Worker>();
  private readonly closing = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: DrainWorkersOptions) {
    this.shared = this.startWorker(options.queueName, options.concurrency);
  }

  /** The partitions' workers running now, by partition number. */
  get partitions(): ReadonlyMap<number, Worker> {
    return this.byPartition;
  }

  /**
   * Runs a worker on exactly the `owned` partitions: closes the others' (their running jobs
   * finish first; meanwhile the new owner may run the partition's next jobs, which the store's
   * version check keeps harmless) and shares the concurrency among the owned ones.
   */
  assign(owned: readonly number[]): void {
    if (this.closed) return;
    const keep = new Set(owned);
    for (const [partition, worker] of this.byPartition) {
      if (keep.has(partition)) continue;
      this.byPartition.delete(partition);
      this.track(worker.close());
    }
    const each = Math.max(1, Math.ceil(this.options.concurrency / Math.max(1, owned.length)));
    for (const partition of owned) {
      const worker = this.byPartition.get(partition);
      if (worker === undefined) {
        this.byPartition.set(partition, this.startWorker(partitionQueueName(this.options.queueName, partition), each));
      } else if (worker.concurrency !== each) {
        worker.concurrency = each;
      }
    }
  }

  /** Closes every worker, waiting for their running jobs. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = [this.shared, ...this.byPartition.values()];
    this.byPartition.clear();
    await Promise.all([...workers.map((worker) => worker.close()), ...this.closing]);
  }

  private track(closing: Promise<void>): void {
    const settled = closing.catch((error: unknown) => this.options.reportError(error));
    this.closing.add(settled);
    void settled.finally(() => this.closing.delete(settled));
  }

  private startWorker(queueName: string, concurrency: number): Worker {
    const { drainer, reportError } = this.options;
    const worker = new Worker(
      queueName,
      async (job: Job) => drainer.handle(job.id, job.data, { final: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) }),
      {
        connection: this.options.connection,
        prefix: this.options.prefix,
        concurrency,
        lockDuration: this.options.lockDuration,
        stalledInterval: this.options.stalledInterval,
        maxStalledCount: this.options.maxStalledCount,
      },
    );
    worker.on('error', (error) => reportError(error));
    worker.on('failed', (job, error) => {
      const inquiryId = (job?.data as { inquiryId?: unknown } | undefined)?.inquiryId;
      reportError(error, typeof inquiryId === 'string' ? inquiryId : undefined);
    });
    return worker;
  }
}
