/**
 * `createBullmqDesk`: puts the parts of a BullMQ desk together (the producer half, the jobs, the
 * worker half with its partitions and sweep, the outbox) and closes them in order.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { AnyServiceMachine, ProcessInputOf } from '../../process/createProcess.js';
import { systemClock } from '../../desk/clock.js';
import { createEffectBus, eventSourceMethods, type EffectBus } from '../../desk/effect-bus.js';
import { withFollowUps } from '../../desk/follow-ups.js';
import { createOutbox, type Outbox } from '../../desk/outbox.js';
import type { SnapshotStore } from '../../stores/store.js';
import { withBatchedMarks } from './batched-marks.js';
import { withBatchedSaves } from './batched-saves.js';
import type { BullmqDesk } from './bullmq-desk.js';
import { DeskJobs } from './desk-jobs.js';
import { createDrainer } from './drain.js';
import { DrainWorkers } from './drain-workers.js';
import { builtInErrorKind } from './error-kind.js';
import { inquiryLog, type InquiryLog } from './inquiry-log.js';
import { toInquiry, waitUntilApplied } from './inquiry-reads.js';
import { runnerKeys } from './keys.js';
import { Membership } from './membership.js';
import {
  heartbeatInterval,
  partitionCount,
  retryJobOptions,
  type BullmqDeskOptions,
  type BullmqWorkerOptions,
} from './options.js';
import { ownedPartitions } from './partitions.js';
import { Submissions } from './submissions.js';
import { Sweeper } from './sweeper.js';

export type { BullmqDesk, BullmqDeskInquiry, SendOptions, Submitted } from './bullmq-desk.js';
export type { BullmqDeskOptions, BullmqRetryOptions, BullmqWorkerOptions } from './options.js';

/** The Redis connection of a desk: the caller's instance (kept open), or one the desk opens and closes. */
function connect(connection: RedisOptions | Redis): { redis: Redis; owned: boolean } {
  if (connection instanceof Redis) return { redis: connection, owned: false };
  // Workers block on Redis: BullMQ needs commands that wait out a reconnect instead of failing.
  return { redis: new Redis({ ...connection, maxRetriesPerRequest: null }), owned: true };
}

/** The worker half of a desk: the BullMQ workers, the heartbeat that assigns them partitions, the sweep. */
interface WorkerHalf {
  readonly workers: DrainWorkers;
  readonly membership: Membership;
  readonly sweeper: Sweeper;
}

/**
 * The service desk across many worker processes on Redis (BullMQ), with state in any shared store
 * (PostgreSQL through `postgresStore`).
 *
 * - **Events are jobs, applied in order per inquiry.** `send` appends the event to the inquiry's
 *   event log in Redis under the next sequence number (one atomic Lua script) and adds a drain job
 *   for the inquiry to the queue of its partition (its id's hash modulo `partitions`),
 *   de-duplicated by BullMQ (`deduplication.keepLastIfActive`): at most one drain job per inquiry
 *   waits and one runs, so drains of one inquiry never overlap, and one drain
 *   applies every entry that arrived before it ran (in sequence order, in one save). While a drain
 *   that has not read the log yet is on its way (a per-inquiry marker in Redis, cleared by the
 *   drain as it reads, expiring after 10 s), `send` adds no job at all: one round trip. Upgrade
 *   workers before producers, so that every drain clears the marker.
 * - **Idempotent.** The snapshot records the last applied sequence number, and every save checks
 *   the loaded version: a job retried after its worker died, delivered twice or raced by another
 *   applies nothing twice. Entries are trimmed from Redis only after the save.
 * - **Partitions keep state where it is.** Each partition is drained by one live worker process
 *   (workers heartbeat in Redis; partition `p` belongs to the `p mod n`-th live worker), which
 *   folds from the state it saved last (`cacheSize` inquiries) without a load. A worker that joins
 *   or leaves moves partitions at once; one that dies moves them once its heartbeats expire. The
 *   first drain of a moved partition's inquiry loads it; anything stale is caught by the version
 *   check and reloaded.
 * - **Wake-ups are delayed jobs** with the job id `wake-<inquiry>-<dueAt>`, so every step that
 *   computes the same `wakeAt` schedules the same job once. A deadline an event moved later rides
 *   on the job already scheduled (when it fires, the worker finds the later deadline and schedules
 *   that); a due one appends a `tick` at the due time to the log, which a drain applies like any
 *   event. See `docs/scaling.md`.
 * - **Nothing is lost, nothing blocks.** Malformed payloads, events the process refuses, entries
 *   that make the process throw, and entries whose state the store refuses for good go to the
 *   dead-letter list with the reason, and the inquiry's later entries go on; transient errors
 *   (a lost connection, a timeout) are retried with backoff. A periodic sweep re-drives logs and
 *   wake-ups no job took care of.
 * - Effects reach this process's listeners after the save, at least once, with stable ids.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { migrate, postgresStore } from 'serviceflow/postgres';
 * import { createBullmqDesk } from 'serviceflow/bullmq';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL }); // Node's process
 * await migrate(pool);
 * const inquiries = createProcess(inquiryMachine);
 * const desk = createBullmqDesk({
 *   process: inquiries,
 *   store: postgresStore(pool),
 *   connection: { host: '127.0.0.1', port: 6379 },
 * });
 * desk.on('sla.breached', (effect) => console.log('breached', effect.inquiryId));
 * const submitted = await desk.open({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: Date.now() });
 * await desk.waitUntilApplied(submitted);
 * ```
 */
export function createBullmqDesk<TMachine extends AnyServiceMachine>(
  options: BullmqDeskOptions<TMachine>,
): BullmqDesk<TMachine> {
  const { process, store } = options;
  const jobOptions = retryJobOptions(options.retry); // checked before any connection opens
  const partitions = partitionCount(options.partitions);
  if (options.worker !== false) heartbeatInterval(options.worker ?? {});
  const queueName = options.queueName ?? 'serviceflow';
  const prefix = options.prefix ?? 'serviceflow';
  const clock = options.clock ?? systemClock;
  const { redis, owned: ownsRedis } = connect(options.connection);
  const keys = runnerKeys(prefix, queueName);
  const bus = createEffectBus();
  const reportSchedule = (error: unknown): void => bus.reportError(error, { operation: 'schedule' });
  const log = inquiryLog(redis, keys, {
    archive: options.archive === true,
    reportError: (error) => bus.reportError(error, { operation: 'drain' }),
  });
  // ioredis reports connection loss (a Redis restart) as 'error' events and reconnects by itself.
  if (ownsRedis) redis.on('error', reportSchedule);
  // BullMQ shares this connection for its queue commands and duplicates it for blocking ones.
  const jobs = new DeskJobs({
    queueName,
    prefix,
    connection: redis,
    partitions,
    jobOptions,
    clock,
    log,
    reportError: reportSchedule,
  });
  const submissions = new Submissions(process, log, jobs);
  // The follow-up's open entry: skipped when the store has it, de-duplicated by its event id while
  // it waits in the log, so a request delivered again opens nothing twice.
  const openFollowUp = async (input: unknown): Promise<void> => {
    const id = (input as { id: string }).id;
    if ((await store.load(id)) !== undefined) return;
    await submissions.open(input as ProcessInputOf<TMachine>, { eventId: `follow-up:${id}` });
  };
  const delivery = options.followUps === false ? bus : withFollowUps(bus, openFollowUp, options.followUps);
  const outbox = createOutbox(withBatchedMarks(store), delivery, clock, options.outbox);
  const workerHalf =
    options.worker === false
      ? undefined
      : startWorkerHalf({
          options: options as BullmqDeskOptions<AnyServiceMachine>,
          worker: options.worker ?? {},
          redis,
          log,
          jobs,
          outbox,
          bus,
          partitions,
        });
  let closed = false;

  const desk: BullmqDesk<TMachine> = {
    process,
    store,
    queue: jobs.queue,
    worker: workerHalf?.workers.shared,
    partitionWorkers: () => workerHalf?.workers.partitions ?? new Map(),
    drainQueue: (inquiryId) => jobs.partitionQueue(inquiryId),
    ...eventSourceMethods(bus, () => desk),
    open: (input, sendOptions) => submissions.open(input, sendOptions),
    send: (id, event, sendOptions) => submissions.send(id, event, sendOptions),
    sendMany: (events) => submissions.sendMany(events),
    redrive: (key) => submissions.redrive(key),
    async get(id) {
      const snapshot = await store.load(id);
      return snapshot === undefined ? undefined : toInquiry(process, snapshot);
    },
    waitUntilApplied: (submitted, waitOptions) => waitUntilApplied({ process, store, log }, submitted, waitOptions),
    deadLetters: ({ start = 0, count = 100 } = {}) => log.deadLetters(start, count),
    async logEntries(id) {
      const [archived, live] = await Promise.all([log.archived(id), log.read(id)]);
      return new Map([...archived, ...live].sort(([a], [b]) => a - b));
    },
    async close() {
      if (closed) return;
      closed = true;
      if (workerHalf !== undefined) {
        await workerHalf.sweeper.stop();
        await workerHalf.membership.stop();
        await workerHalf.workers.close();
      }
      await outbox.stop();
      await log.flushSettles();
      await jobs.close();
      if (ownsRedis) await redis.quit().catch(() => redis.disconnect());
    },
  };
  return desk;
}

/** Starts the worker half: the BullMQ workers, the heartbeat that hands them partitions, the sweep and the outbox. */
function startWorkerHalf(parts: {
  readonly options: BullmqDeskOptions<AnyServiceMachine>;
  readonly worker: BullmqWorkerOptions;
  readonly redis: Redis;
  readonly log: InquiryLog;
  readonly jobs: DeskJobs;
  readonly outbox: Outbox;
  readonly bus: EffectBus;
  readonly partitions: number;
}): WorkerHalf {
  const { options, worker, redis, log, jobs, outbox, bus, partitions } = parts;
  const store: SnapshotStore = options.store;
  const clock = options.clock ?? systemClock;
  const drainer = createDrainer({
    process: options.process,
    store: withBatchedSaves(store),
    log,
    outbox,
    clock,
    scheduleWake: (inquiryId, wakeAt) => jobs.scheduleWake(inquiryId, wakeAt),
    scheduleDrain: (inquiryId) => jobs.scheduleDrain(inquiryId),
    reportError: (error, inquiryId) => bus.reportError(error, { operation: 'drain', inquiryId }),
    cacheSize: worker.cacheSize ?? 10_000,
    errorKind: (error) => worker.classifyError?.(error) ?? builtInErrorKind(error),
  });
  const workers = new DrainWorkers({
    queueName: options.queueName ?? 'serviceflow',
    prefix: options.prefix ?? 'serviceflow',
    connection: redis,
    drainer,
    concurrency: worker.concurrency ?? 32,
    lockDuration: worker.lockDuration ?? 30_000,
    stalledInterval: worker.stalledInterval ?? 30_000,
    maxStalledCount: worker.maxStalledCount ?? 5,
    reportError: (error, inquiryId) =>
      bus.reportError(error, { operation: 'drain', ...(inquiryId === undefined ? {} : { inquiryId }) }),
  });
  const membersKey = runnerKeys(options.prefix ?? 'serviceflow', options.queueName ?? 'serviceflow').workers;
  const workerId = randomUUID();
  const membership = new Membership(
    redis,
    membersKey,
    workerId,
    heartbeatInterval(worker),
    (members) => workers.assign(ownedPartitions(members, workerId, partitions)),
    (error) => bus.reportError(error, { operation: 'schedule' }),
  );
  membership.start();
  const sweeper = new Sweeper({
    clock,
    log,
    store,
    jobs,
    interval: worker.sweepInterval ?? 10_000,
    grace: worker.sweepGrace ?? 30_000,
    reportError: (error) => bus.reportError(error, { operation: 'schedule' }),
  });
  sweeper.start();
  outbox.start();
  return { workers, membership, sweeper };
}
