/**
 * The safety net of a worker process: every `sweepInterval`, logs with entries no job applied (a
 * producer that died between its append and its job, a job that failed all its attempts) get a
 * drain job again, and inquiries whose `wakeAt` passed with no tick (a lost delayed job) a wake-up.
 */
import type { DeskClock, DeskTimer } from '../../desk/clock.js';
import type { SnapshotStore } from '../../stores/store.js';
import type { DeskJobs } from './desk-jobs.js';
import type { InquiryLog } from './inquiry-log.js';

/** What a sweep works with. */
export interface SweeperOptions {
  readonly clock: DeskClock;
  readonly log: InquiryLog;
  readonly store: SnapshotStore;
  readonly jobs: DeskJobs;
  /** ms between sweeps. */
  readonly interval: number;
  /** Only what has been waiting longer than this (ms) is swept. */
  readonly grace: number;
  readonly reportError: (error: unknown) => void;
}

/** The periodic sweep of one worker process. */
export class Sweeper {
  private timer: DeskTimer | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: SweeperOptions) {}

  /** Arms the first sweep; each sweep arms the next when it is done. */
  start(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimer(() => {
      this.sweeping = this.sweep().finally(() => this.start());
    }, this.options.interval);
  }

  /** Disarms the timer and waits for a sweep under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimer(this.timer);
    await this.sweeping?.catch(() => undefined);
  }

  private async sweep(): Promise<void> {
    const { clock, log, store, jobs } = this.options;
    try {
      const before = clock.now() - this.options.grace;
      for (const inquiryId of await log.stalePending(before, 500)) await jobs.scheduleDrain(inquiryId);
      // A deadline that passed with no tick: its wake-up job was lost, or failed all its attempts.
      for (const { id, wakeAt } of await store.due({ until: before, limit: 500 }))
        await jobs.scheduleWake(id, wakeAt, true);
    } catch (error) {
      this.options.reportError(error);
    }
  }
}
