/**
 * What a BullMQ desk is configured with: the options of `createBullmqDesk`, of its worker
 * half and of its retries, and the checks that turn them into BullMQ job options.
 */
import type { JobsOptions } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { AnyServiceMachine, ServiceProcess } from '../../process/createProcess.js';
import { abbreviate, InvalidConfigError } from '../../errors.js';
import type { SnapshotStore } from '../../stores/store.js';
import type { DeskClock } from '../../desk/clock.js';
import type { FollowUpOptions } from '../../desk/follow-ups.js';
import type { OutboxOptions } from '../../desk/outbox.js';
import type { ErrorKind } from './error-kind.js';

/**
 * Options of the worker half of a `createBullmqDesk` (`worker: false` runs none).
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, type SnapshotStore } from 'serviceflow';
 * import { createBullmqDesk, type BullmqWorkerOptions } from 'serviceflow/bullmq';
 * declare const store: SnapshotStore; // shared by every worker, e.g. postgresStore(pool)
 * const worker: BullmqWorkerOptions = { concurrency: 64, sweepInterval: 5_000 };
 * const desk = createBullmqDesk({ process: createProcess(inquiryMachine), store, connection: { host: '127.0.0.1', port: 6379 }, worker });
 * ```
 */
export interface BullmqWorkerOptions {
  /**
   * Drain jobs one worker process runs at once (default 32), shared among the partitions it owns;
   * wake-up jobs run beside them with the same limit. Jobs of one inquiry never overlap.
   */
  readonly concurrency?: number;
  /**
   * How often the worker tells Redis it is alive and looks at who else is, in ms (default 2 000). A
   * worker that missed three of them counts as gone: its partitions go to the others.
   */
  readonly heartbeatInterval?: number;
  /**
   * How long a job's lock lasts before BullMQ takes the job for stalled (its worker died) and
   * gives it to another worker, in ms (default 30 000; BullMQ renews it while the job runs).
   */
  readonly lockDuration?: number;
  /** How often stalled jobs are looked for, in ms (default 30 000). */
  readonly stalledInterval?: number;
  /** How often a job may stall before BullMQ fails it (default 5; the sweep re-drives it after). */
  readonly maxStalledCount?: number;
  /**
   * Every `sweepInterval` ms (default 10 000) a worker re-drives inquiries with log entries older
   * than `sweepGrace` ms (default 30 000) that no job applied — a producer that died between its
   * append and its job, a job that failed all its attempts — and schedules wake-ups of inquiries
   * whose `wakeAt` passed more than `sweepGrace` ago with no tick (a lost delayed job).
   */
  readonly sweepInterval?: number;
  readonly sweepGrace?: number;
  /**
   * How many inquiries a worker remembers as it saved them last (default 10 000; 0: none). A drain
   * of a remembered inquiry skips the load: with partitions, the drains of an inquiry land on the
   * worker that saved it last. If another worker saved it since (its partition moved), the drain
   * finds out (a hole in the log, or the store's `CONFLICT`) and reloads.
   */
  readonly cacheSize?: number;
  /**
   * Sorts an error a store write (or a restore) threw during a drain: `'transient'` is retried
   * with backoff however often, `'permanent'` dead-letters the entry that caused it at once (and
   * the inquiry's later entries go on), `'unknown'` is retried and dead-lettered when the job's
   * last attempt fails too; `undefined` leaves it to the built-in sorting (connection errors,
   * timeouts and SQLSTATE classes 08, 40, 53, 55, 57, 58 transient; SQLSTATE classes 22 and 54
   * and a store's `INVALID_INPUT` permanent). For stores whose driver reports its own errors.
   */
  readonly classifyError?: (error: unknown) => ErrorKind | undefined;
}

/**
 * How the desk's jobs are retried when they fail (see {@link BullmqDeskOptions.retry}).
 *
 * @example
 * ```ts
 * import type { BullmqRetryOptions } from 'serviceflow/bullmq';
 * const retry: BullmqRetryOptions = { attempts: 12, delay: 100 }; // 0.1 s, 0.2 s, 0.4 s, … 3.4 min in all
 * ```
 */
export interface BullmqRetryOptions {
  /** Attempts per job (default 12); at least 1. */
  readonly attempts?: number;
  /** The first retry's delay in ms (default 100), doubled at each further retry. */
  readonly delay?: number;
}

/**
 * Options of `createBullmqDesk`.
 *
 * @example
 * ```ts
 * import type { Pool } from 'pg';
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import type { BullmqDeskOptions } from 'serviceflow/bullmq';
 * import { postgresStore } from 'serviceflow/postgres';
 * declare const pool: Pool;
 * const options: BullmqDeskOptions<typeof inquiryMachine> = {
 *   process: createProcess(inquiryMachine),
 *   store: postgresStore(pool),
 *   connection: { host: '127.0.0.1', port: 6379 },
 *   queueName: 'helpdesk',
 * };
 * ```
 */
export interface BullmqDeskOptions<TMachine extends AnyServiceMachine> {
  readonly process: ServiceProcess<TMachine>;
  /** Where state lives: shared by every worker (`postgresStore`, or any store several processes can reach). */
  readonly store: SnapshotStore;
  /**
   * Redis: ioredis options (the desk opens and closes its own connections) or an ioredis instance
   * (the desk uses it and never closes it). Run Redis with `appendonly yes` and
   * `maxmemory-policy noeviction`: event logs and jobs must survive a restart.
   */
  readonly connection: RedisOptions | Redis;
  /** The BullMQ queue (default `'serviceflow'`). No `:`. */
  readonly queueName?: string;
  /**
   * How many partitions the drains are spread over (default 16, at most 1024): an inquiry's drain
   * jobs always go to the partition its id hashes to, and each partition is drained by one live
   * worker at a time, which keeps the inquiries it saved last in memory. The same on every producer
   * and worker of a queue; at least the number of worker processes (a worker with no partition only
   * runs wake-ups). See `docs/scaling.md`.
   */
  readonly partitions?: number;
  /** Prefix of every Redis key, BullMQ's and the desk's (default `'serviceflow'`). */
  readonly prefix?: string;
  /** Run a worker in this process (default), or only produce (`false`: an API server). */
  readonly worker?: BullmqWorkerOptions | false;
  /** Where time comes from: wake-up delays and dead-letter stamps. Default `systemClock`. */
  readonly clock?: DeskClock;
  /** Re-delivery of effects saved but not delivered (default on), as on the in-process desk. */
  readonly outbox?: OutboxOptions | false;
  /** Keep applied log entries in an archive hash per inquiry instead of deleting them (audits, tests). */
  readonly archive?: boolean;
  /**
   * Opening follow-ups, as on the in-process desk: the worker that saved a `followUp.requested`
   * appends the follow-up's `open` entry (event id `follow-up:<id>`, unless the store has the
   * inquiry already) before its listeners hear of the request; exactly once per id. `false`: the
   * host opens them.
   */
  readonly followUps?: FollowUpOptions | false;
  /**
   * How a failed job is retried (default 12 attempts, exponential backoff from 100 ms). Set on the
   * producer side: jobs carry it. A drain that fails with an error of unknown kind (see
   * {@link BullmqWorkerOptions.classifyError}) on its last attempt dead-letters what it could not
   * write instead of failing again.
   */
  readonly retry?: BullmqRetryOptions;
}

/** The partitions every desk of a queue uses unless told otherwise. */
export const DEFAULT_PARTITIONS = 16;

/** The partition count of the options, checked: the same on every producer and worker of a queue. */
export function partitionCount(partitions: number | undefined): number {
  const count = partitions ?? DEFAULT_PARTITIONS;
  if (!Number.isSafeInteger(count) || count < 1 || count > 1_024) {
    throw new InvalidConfigError(`Invalid partitions ${abbreviate(count)}: expected an integer from 1 to 1024`, {
      path: ['partitions'],
      received: count,
      expected: 'an integer from 1 to 1024',
    });
  }
  return count;
}

/** The heartbeat interval of the worker options, checked (a positive integer of ms, default 2 000). */
export function heartbeatInterval(worker: BullmqWorkerOptions): number {
  const interval = worker.heartbeatInterval ?? 2_000;
  if (!Number.isSafeInteger(interval) || interval < 1) {
    throw new InvalidConfigError(
      `Invalid worker.heartbeatInterval ${abbreviate(interval)}: expected milliseconds (an integer >= 1)`,
      { path: ['worker', 'heartbeatInterval'], received: interval, expected: 'an integer >= 1' },
    );
  }
  return interval;
}

/** BullMQ options of the desk's jobs, from the retry options (checked before any connection opens). */
export function retryJobOptions(retry: BullmqRetryOptions = {}): JobsOptions {
  const attempts = retry.attempts ?? 12;
  const delay = retry.delay ?? 100;
  if (!Number.isSafeInteger(attempts) || attempts < 1) {
    throw new InvalidConfigError(`Invalid retry.attempts ${abbreviate(attempts)}: expected an integer of at least 1`, {
      path: ['retry', 'attempts'],
      received: attempts,
      expected: 'an integer >= 1',
    });
  }
  if (!Number.isSafeInteger(delay) || delay < 0) {
    throw new InvalidConfigError(`Invalid retry.delay ${abbreviate(delay)}: expected milliseconds (an integer >= 0)`, {
      path: ['retry', 'delay'],
      received: delay,
      expected: 'an integer >= 0',
    });
  }
  return { attempts, backoff: { type: 'exponential', delay }, removeOnComplete: true, removeOnFail: { count: 10_000 } };
}
