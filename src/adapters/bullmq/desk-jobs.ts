/**
 * The jobs a desk adds: drain jobs on the queue of the inquiry's partition (de-duplicated per
 * inquiry: at most one waiting and one active), and wake-up jobs on the shared queue (delayed,
 * de-duplicated by inquiry and due time).
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { DeskClock } from '../../desk/clock.js';
import type { Appended, InquiryLog } from './inquiry-log.js';
import { drainDeduplicationId, wakeJobId } from './keys.js';
import { partitionOf, partitionQueueName } from './partitions.js';
import type { RunnerJobData } from './payloads.js';

/** What the jobs are added with. */
export interface DeskJobsOptions {
  readonly queueName: string;
  readonly prefix: string;
  readonly connection: ConnectionOptions;
  readonly partitions: number;
  /** Retries and retention of every job. */
  readonly jobOptions: JobsOptions;
  readonly clock: DeskClock;
  readonly log: InquiryLog;
  readonly reportError: (error: unknown) => void;
}

/** Adds the desk's jobs. */
export class DeskJobs {
  /** The shared queue (wake-ups). */
  readonly queue: Queue;
  private readonly partitionQueues = new Map<number, Queue>();

  constructor(private readonly options: DeskJobsOptions) {
    this.queue = this.openQueue(options.queueName);
  }

  /** Adds the drain job of an inquiry (de-duplicated) to its partition's queue. */
  async scheduleDrain(inquiryId: string): Promise<void> {
    await this.partitionQueue(inquiryId).add('drain', drainData(inquiryId), this.drainJobOptions(inquiryId));
  }

  /** Adds the drain job an append asked for; if that fails, the next append adds one again. */
  async drainAfter(inquiryId: string, appended: Appended): Promise<void> {
    if (!appended.needsDrain) return;
    try {
      await this.scheduleDrain(inquiryId);
    } catch (error) {
      await this.options.log.clearQueuedDrain(inquiryId).catch(() => undefined);
      throw error;
    }
  }

  /** Adds the drain jobs of many inquiries, one bulk add per partition; undoes the markers if that fails. */
  async drainAll(inquiryIds: readonly string[]): Promise<void> {
    const byPartition = new Map<Queue, string[]>();
    for (const inquiryId of inquiryIds) {
      const queue = this.partitionQueue(inquiryId);
      const ids = byPartition.get(queue);
      if (ids === undefined) byPartition.set(queue, [inquiryId]);
      else ids.push(inquiryId);
    }
    try {
      await Promise.all(
        [...byPartition].map(([queue, ids]) =>
          queue.addBulk(ids.map((id) => ({ name: 'drain', data: drainData(id), opts: this.drainJobOptions(id) }))),
        ),
      );
    } catch (error) {
      const { log } = this.options;
      await Promise.all(inquiryIds.map((inquiryId) => log.clearQueuedDrain(inquiryId).catch(() => undefined)));
      throw error;
    }
  }

  /**
   * Adds the wake-up job of an inquiry for `wakeAt` (none for `null`), de-duplicated by its id.
   * `replaceFailed` (the sweep's wake-ups of deadlines that passed with no tick): a job of that id
   * that failed all its attempts is removed first. Failed jobs are kept for inspection, and BullMQ
   * silently refuses a job whose id it still holds, so without this the deadline of a wake-up that
   * failed for good (its store down through every attempt) would never be woken.
   */
  async scheduleWake(inquiryId: string, wakeAt: number | null, replaceFailed = false): Promise<void> {
    if (wakeAt === null) return;
    const jobId = wakeJobId(inquiryId, wakeAt);
    if (replaceFailed) {
      const failed = await this.queue.getJob(jobId);
      if (failed !== undefined && (await failed.isFailed())) await failed.remove();
    }
    const data: RunnerJobData = { kind: 'wake', inquiryId, dueAt: wakeAt };
    await this.queue.add('wake', data, {
      ...this.options.jobOptions,
      jobId,
      delay: Math.max(0, wakeAt - this.options.clock.now()),
    });
  }

  /** Closes the queues (not the connection). */
  async close(): Promise<void> {
    await Promise.all([this.queue, ...this.partitionQueues.values()].map((queue) => queue.close()));
  }

  /** The queue of the inquiry's partition (opened on first use). */
  partitionQueue(inquiryId: string): Queue {
    const partition = partitionOf(inquiryId, this.options.partitions);
    let queue = this.partitionQueues.get(partition);
    if (queue === undefined) {
      queue = this.openQueue(partitionQueueName(this.options.queueName, partition));
      this.partitionQueues.set(partition, queue);
    }
    return queue;
  }

  private openQueue(name: string): Queue {
    const queue = new Queue(name, { connection: this.options.connection, prefix: this.options.prefix });
    queue.on('error', (error) => this.options.reportError(error));
    return queue;
  }

  private drainJobOptions(inquiryId: string): JobsOptions {
    return {
      ...this.options.jobOptions,
      deduplication: { id: drainDeduplicationId(inquiryId), keepLastIfActive: true },
    };
  }
}

function drainData(inquiryId: string): RunnerJobData {
  return { kind: 'drain', inquiryId };
}
