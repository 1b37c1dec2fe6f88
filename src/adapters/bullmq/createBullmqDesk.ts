import { Queue, Worker, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type * as z from 'zod';
import type {
  AnyServiceMachine,
  ProcessEventOf,
  ProcessInputOf,
  ProcessStep,
  ServiceProcess,
} from '../../process/createProcess.js';
import {
  abbreviate,
  describeZodError,
  InvalidConfigError,
  InvalidEventError,
  InvalidInputError,
} from '../../errors.js';
import type { PersistedState } from '../../schemas/state.js';
import type { SnapshotStore } from '../../stores/store.js';
import { systemClock, type DeskClock, type DeskTimer } from '../../desk/clock.js';
import type { DeskEffectOf, DeskInquiry } from '../../desk/createServiceDesk.js';
import { createEffectBus, eventSourceMethods, type DeskEventSource } from '../../desk/effect-bus.js';
import { withFollowUps, type FollowUpOptions } from '../../desk/follow-ups.js';
import { createOutbox, type OutboxOptions } from '../../desk/outbox.js';
import { appliedSequenceOf } from '../../desk/snapshot.js';
import { withBatchedMarks } from './batched-marks.js';
import { createDrainer } from './drain.js';
import { builtInErrorKind, type ErrorKind } from './error-kind.js';
import { inquiryLog, type Appended, type LogAppend, type LogEntries } from './inquiry-log.js';
import { drainDeduplicationId, runnerKeys, wakeJobId } from './keys.js';
import type { DeadLetter, RunnerJobData } from './payloads.js';

/**
 * Options of the worker half of a {@link createBullmqDesk} (`worker: false` runs none).
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
  /** Jobs one worker process runs at once (default 32). Jobs of one inquiry never overlap. */
  readonly concurrency?: number;
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
   * of a remembered inquiry skips the load; if another worker saved it since, the drain finds out
   * (a hole in the log, or the store's `CONFLICT`) and reloads.
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
 * Options of {@link createBullmqDesk}.
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

/**
 * Where an event landed in its inquiry's log: apply order is sequence order.
 *
 * @example
 * ```ts
 * import { inquiryMachine } from 'serviceflow';
 * import type { BullmqDesk, Submitted } from 'serviceflow/bullmq';
 * declare const desk: BullmqDesk<typeof inquiryMachine>;
 * const submitted: Submitted = await desk.send('T-1', { type: 'resolve', at: Date.now() });
 * await desk.waitUntilApplied(submitted);
 * ```
 */
export interface Submitted {
  readonly id: string;
  /** The entry's position in the inquiry's log (1 for its first entry). */
  readonly sequence: number;
}

/**
 * Options of one send.
 *
 * @example
 * ```ts
 * import { inquiryMachine } from 'serviceflow';
 * import type { BullmqDesk, SendOptions } from 'serviceflow/bullmq';
 * declare const desk: BullmqDesk<typeof inquiryMachine>;
 * declare const idempotencyKey: string; // e.g. the Idempotency-Key header of the HTTP request
 * const event = { type: 'resolve' as const, at: Date.now() };
 * await desk.send('T-1', event, { eventId: idempotencyKey } satisfies SendOptions);
 * await desk.send('T-1', event, { eventId: idempotencyKey }); // a retry: not appended again
 * ```
 */
export interface SendOptions {
  /**
   * An id of your own for this event. A send with an id the inquiry's log has seen in the last
   * 24 hours is not appended again (it resolves with the first sequence number), so a send that
   * failed half-way can be retried safely. Without one, each call gets a random id, which still
   * makes the desk's own reconnect-and-resend after a Redis restart harmless.
   */
  readonly eventId?: string;
}

/**
 * The stored inquiry as the BullMQ desk reads it: {@link DeskInquiry} plus the last sequence
 * number of its log that the state includes.
 *
 * @example
 * ```ts
 * import { inquiryMachine } from 'serviceflow';
 * import type { BullmqDesk, BullmqDeskInquiry } from 'serviceflow/bullmq';
 * declare const desk: BullmqDesk<typeof inquiryMachine>;
 * const inquiry: BullmqDeskInquiry<typeof inquiryMachine> | undefined = await desk.get('T-1');
 * inquiry?.appliedSequence; // the last log entry the stored state includes
 * ```
 */
export interface BullmqDeskInquiry<TMachine extends AnyServiceMachine> extends DeskInquiry<TMachine> {
  readonly appliedSequence: number;
}

/**
 * The service desk across many worker processes. See {@link createBullmqDesk}.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createProcess, inquiryMachine, type SnapshotStore } from 'serviceflow';
 * import { createBullmqDesk, type BullmqDesk } from 'serviceflow/bullmq';
 * declare const store: SnapshotStore; // shared by every worker, e.g. postgresStore(pool)
 * const connection = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null }); // yours: the desk never closes it
 * const inquiries = createProcess(inquiryMachine);
 * const desk: BullmqDesk<typeof inquiryMachine> = createBullmqDesk({ process: inquiries, store, connection });
 * ```
 */
export interface BullmqDesk<TMachine extends AnyServiceMachine> extends DeskEventSource<DeskEffectOf<TMachine>> {
  readonly process: ServiceProcess<TMachine>;
  readonly store: SnapshotStore;
  /** The BullMQ queue the desk's jobs go through (for dashboards and metrics). */
  readonly queue: Queue;
  /** The BullMQ worker of this process (`undefined` with `worker: false`), for metrics and events. */
  readonly worker: Worker | undefined;
  /**
   * Validates the input and appends an `open` entry to the inquiry's log; a worker applies it.
   * Throws `INVALID_INPUT` at once for a bad input. Resolves when the entry and its job are in Redis.
   */
  open(input: ProcessInputOf<TMachine>, options?: SendOptions): Promise<Submitted>;
  /**
   * Validates the event's shape and appends it to the inquiry's log; a worker applies it, in log
   * order. Throws `INVALID_EVENT` at once for a malformed event; an event the process then refuses
   * (`EVENT_NOT_ALLOWED`, `OUT_OF_ORDER`, an unknown inquiry) goes to the dead-letter list.
   */
  send(id: string, event: ProcessEventOf<TMachine>, options?: SendOptions): Promise<Submitted>;
  /** Sends many events in two round trips (one per Redis pipeline); order is kept per inquiry. */
  sendMany(
    events: readonly { readonly id: string; readonly event: ProcessEventOf<TMachine>; readonly eventId?: string }[],
  ): Promise<Submitted[]>;
  /** The stored inquiry (migrated, read-only), or `undefined`. */
  get(id: string): Promise<BullmqDeskInquiry<TMachine> | undefined>;
  /**
   * Resolves once the store holds the inquiry with the entry applied (or dead-lettered), polling
   * every `interval` ms (default 20); rejects after `timeout` ms (default 30 000).
   */
  waitUntilApplied(
    submitted: Submitted,
    options?: { timeout?: number; interval?: number },
  ): Promise<BullmqDeskInquiry<TMachine>>;
  /** Dead letters, oldest first: entries and jobs that could not be applied, with the reason. */
  deadLetters(options?: { start?: number; count?: number }): Promise<DeadLetter[]>;
  /**
   * Re-drives a dead-lettered log entry once its cause is fixed (a store limit raised, a bug in a
   * policy fixed, a stored state migrated): appends its payload again at the end of its inquiry's
   * log (so it applies after whatever came since, and is refused again with a new dead letter if
   * it still cannot apply) and takes the dead letter off the list. Retrying a re-drive appends the
   * entry once. Throws `INVALID_INPUT` for an unknown key or a job's dead letter (malformed job
   * data has nothing to re-drive).
   *
   * @example
   * ```ts
   * import { inquiryMachine } from 'serviceflow';
   * import type { BullmqDesk } from 'serviceflow/bullmq';
   * declare const desk: BullmqDesk<typeof inquiryMachine>;
   * for (const letter of await desk.deadLetters()) {
   *   if (letter.reason.code === 'STORE_REFUSED') await desk.waitUntilApplied(await desk.redrive(letter.key));
   * }
   * ```
   */
  redrive(key: string): Promise<Submitted>;
  /** The entries of an inquiry's log: unapplied ones, and with `archive: true` the applied ones too. */
  logEntries(id: string): Promise<LogEntries>;
  /** Stops the worker (waiting for its jobs), the sweeps and the outbox, and closes what the desk opened. */
  close(): Promise<void>;
}

function jobOptions(retry: BullmqRetryOptions = {}): JobsOptions {
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

function eventSchemaOf(process: ServiceProcess<AnyServiceMachine>): z.ZodType | undefined {
  const events = (process.machine.schemas as { events?: unknown } | undefined)?.events;
  return typeof events === 'object' && events !== null && typeof (events as z.ZodType).safeParse === 'function'
    ? (events as z.ZodType)
    : undefined;
}

const randomEventId = (): string => `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

/**
 * The service desk across many worker processes on Redis (BullMQ), with state in any shared store
 * (PostgreSQL through `postgresStore`).
 *
 * - **Events are jobs, applied in order per inquiry.** `send` appends the event to the inquiry's
 *   event log in Redis under the next sequence number (one atomic Lua script) and adds a drain job
 *   for the inquiry, de-duplicated by BullMQ (`deduplication.keepLastIfActive`): at most one drain
 *   job per inquiry waits and one runs, so drains of one inquiry never overlap, and one drain
 *   applies every entry that arrived before it ran (in sequence order, in one save). While a drain
 *   that has not read the log yet is on its way (a per-inquiry marker in Redis, cleared by the
 *   drain as it reads, expiring after 10 s), `send` adds no job at all: one round trip. Upgrade
 *   workers before producers, so that every drain clears the marker.
 * - **Idempotent.** The snapshot records the last applied sequence number, and every save checks
 *   the loaded version: a job retried after its worker died, delivered twice or raced by another
 *   applies nothing twice. Entries are trimmed from Redis only after the save. A worker folds from
 *   the state it saved last (`cacheSize` inquiries) without a load while the log still holds the
 *   next entry; anything stale is caught by the version check and reloaded.
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
  const DRAIN_JOB = jobOptions(options.retry); // checked before any connection opens
  const queueName = options.queueName ?? 'serviceflow';
  const prefix = options.prefix ?? 'serviceflow';
  const clock = options.clock ?? systemClock;
  const ownsRedis = !(options.connection instanceof Redis);
  // Workers block on Redis: BullMQ needs commands that wait out a reconnect instead of failing.
  const connectionOptions: RedisOptions | undefined =
    options.connection instanceof Redis ? undefined : { ...options.connection, maxRetriesPerRequest: null };
  const redis = options.connection instanceof Redis ? options.connection : new Redis(connectionOptions ?? {});
  // BullMQ shares this connection for its queue commands and duplicates it for blocking ones.
  const bullConnection: ConnectionOptions = redis;
  const queue = new Queue(queueName, { connection: bullConnection, prefix });
  const keys = runnerKeys(prefix, queueName);
  const log = inquiryLog(redis, keys, { archive: options.archive === true });
  const bus = createEffectBus();
  // The follow-up's open entry: skipped when the store has it, de-duplicated by its event id while
  // it waits in the log, so a request delivered again opens nothing twice.
  const openFollowUp = async (input: unknown): Promise<void> => {
    const id = (input as { id: string }).id;
    if ((await store.load(id)) !== undefined) return;
    await desk.open(input as ProcessInputOf<TMachine>, { eventId: `follow-up:${id}` });
  };
  const delivery = options.followUps === false ? bus : withFollowUps(bus, openFollowUp, options.followUps);
  const outbox = createOutbox(withBatchedMarks(store), delivery, clock, options.outbox);
  const eventSchema = eventSchemaOf(process as ServiceProcess<AnyServiceMachine>);
  queue.on('error', (error) => bus.reportError(error, { operation: 'schedule' }));
  // ioredis reports connection loss (a Redis restart) as 'error' events and reconnects by itself.
  if (ownsRedis) redis.on('error', (error: unknown) => bus.reportError(error, { operation: 'schedule' }));

  const drainJobOptions = (inquiryId: string): JobsOptions => ({
    ...DRAIN_JOB,
    deduplication: { id: drainDeduplicationId(inquiryId), keepLastIfActive: true },
  });
  const scheduleDrain = async (inquiryId: string): Promise<void> => {
    await queue.add('drain', { kind: 'drain', inquiryId } satisfies RunnerJobData, drainJobOptions(inquiryId));
  };
  /** Adds the drain job an append asked for; if that fails, the next append adds one again. */
  const drainAfter = async (inquiryId: string, appended: Appended): Promise<void> => {
    if (!appended.needsDrain) return;
    try {
      await scheduleDrain(inquiryId);
    } catch (error) {
      await log.clearQueuedDrain(inquiryId).catch(() => undefined);
      throw error;
    }
  };
  const scheduleWake = async (inquiryId: string, wakeAt: number | null): Promise<void> => {
    if (wakeAt === null) return;
    await queue.add('wake', { kind: 'wake', inquiryId, dueAt: wakeAt } satisfies RunnerJobData, {
      ...DRAIN_JOB,
      jobId: wakeJobId(inquiryId, wakeAt),
      delay: Math.max(0, wakeAt - clock.now()),
    });
  };

  const workerOptions = options.worker === false ? undefined : (options.worker ?? {});
  const drainer = createDrainer({
    process,
    store,
    log,
    outbox,
    clock,
    scheduleWake,
    scheduleDrain,
    reportError: (error, inquiryId) => bus.reportError(error, { operation: 'drain', inquiryId }),
    cacheSize: workerOptions?.cacheSize ?? 10_000,
    errorKind: (error) => workerOptions?.classifyError?.(error) ?? builtInErrorKind(error),
  });
  const worker =
    workerOptions === undefined
      ? undefined
      : new Worker(
          queueName,
          async (job) => drainer.handle(job.id, job.data, { final: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) }),
          {
            connection: bullConnection,
            prefix,
            concurrency: workerOptions.concurrency ?? 32,
            lockDuration: workerOptions.lockDuration ?? 30_000,
            stalledInterval: workerOptions.stalledInterval ?? 30_000,
            maxStalledCount: workerOptions.maxStalledCount ?? 5,
          },
        );
  worker?.on('error', (error) => bus.reportError(error, { operation: 'drain' }));
  worker?.on('failed', (job, error) => {
    const inquiryId = (job?.data as { inquiryId?: unknown } | undefined)?.inquiryId;
    bus.reportError(error, { operation: 'drain', ...(typeof inquiryId === 'string' ? { inquiryId } : {}) });
  });

  // The safety net: logs with entries no job applied, and wake-ups no delayed job fired.
  let sweepTimer: DeskTimer | undefined;
  let sweeping: Promise<void> | undefined;
  let closed = false;
  const sweepInterval = workerOptions?.sweepInterval ?? 10_000;
  const sweepGrace = workerOptions?.sweepGrace ?? 30_000;
  const sweep = async (): Promise<void> => {
    try {
      const before = clock.now() - sweepGrace;
      for (const inquiryId of await log.stalePending(before, 500)) await scheduleDrain(inquiryId);
      for (const { id, wakeAt } of await store.due({ until: before, limit: 500 })) await scheduleWake(id, wakeAt);
    } catch (error) {
      bus.reportError(error, { operation: 'schedule' });
    }
  };
  const armSweep = (): void => {
    if (closed || workerOptions === undefined) return;
    sweepTimer = clock.setTimer(() => (sweeping = sweep().finally(armSweep)), sweepInterval);
  };
  armSweep();
  if (workerOptions !== undefined) outbox.start();

  const validateEvent = (event: unknown): void => {
    if (eventSchema === undefined) return;
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      const { message, details } = describeZodError('event', event, parsed.error);
      throw new InvalidEventError(message, details);
    }
  };
  const checkId = (id: unknown): string => {
    if (typeof id !== 'string' || id === '') {
      throw new InvalidInputError(`Invalid inquiry id ${abbreviate(id)}: expected a non-empty string`, {
        path: ['id'],
        received: id,
        expected: 'a non-empty string',
      });
    }
    return id;
  };
  const entry = (payload: unknown, eventId: string | undefined): LogAppend => ({
    payload: JSON.stringify(payload),
    eventId: eventId ?? randomEventId(),
  });

  const toInquiry = (
    id: string,
    version: number,
    rawState: unknown,
    wakeAt: number | null,
  ): BullmqDeskInquiry<TMachine> => {
    const state = process.restore(rawState);
    return {
      id,
      version,
      view: process.view(state),
      wakeAt,
      state: state as PersistedState<unknown>,
      appliedSequence: appliedSequenceOf(rawState),
    };
  };

  const desk: BullmqDesk<TMachine> = {
    process,
    store,
    queue,
    worker,
    ...eventSourceMethods(bus, () => desk),

    async open(input, sendOptions = {}) {
      const step = process.start(input) as ProcessStep<unknown, unknown>; // validates: INVALID_INPUT here, not in a worker
      const id = checkId((step.state.context as { id?: unknown }).id);
      const appended = await log.append(id, [entry({ kind: 'open', input }, sendOptions.eventId)]);
      await drainAfter(id, appended);
      return { id, sequence: appended.sequences[0] ?? 0 };
    },

    async send(id, event, sendOptions = {}) {
      checkId(id);
      validateEvent(event);
      const appended = await log.append(id, [entry({ kind: 'event', event }, sendOptions.eventId)]);
      await drainAfter(id, appended);
      return { id, sequence: appended.sequences[0] ?? 0 };
    },

    async sendMany(events) {
      const byInquiry = new Map<string, { index: number; item: LogAppend }[]>();
      events.forEach(({ id, event, eventId }, index) => {
        checkId(id);
        validateEvent(event);
        let list = byInquiry.get(id);
        if (list === undefined) byInquiry.set(id, (list = []));
        list.push({ index, item: entry({ kind: 'event', event }, eventId) });
      });
      const batches = [...byInquiry].map(([inquiryId, items]) => ({ inquiryId, items: items.map(({ item }) => item) }));
      const appended = await log.appendMany(batches);
      const submitted: Submitted[] = new Array<Submitted>(events.length);
      [...byInquiry.values()].forEach((items, batch) =>
        items.forEach(({ index }, position) => {
          submitted[index] = { id: events[index]!.id, sequence: appended[batch]?.sequences[position] ?? 0 }; // index < events.length
        }),
      );
      const drains = batches
        .filter((_, batch) => appended[batch]?.needsDrain !== false)
        .map(({ inquiryId }) => inquiryId);
      if (drains.length > 0) {
        await queue
          .addBulk(
            drains.map((inquiryId) => ({
              name: 'drain',
              data: { kind: 'drain', inquiryId } satisfies RunnerJobData,
              opts: drainJobOptions(inquiryId),
            })),
          )
          .catch(async (error: unknown) => {
            await Promise.all(drains.map((inquiryId) => log.clearQueuedDrain(inquiryId).catch(() => undefined)));
            throw error;
          });
      }
      return submitted;
    },

    async get(id) {
      const snapshot = await store.load(id);
      return snapshot === undefined ? undefined : toInquiry(id, snapshot.version, snapshot.state, snapshot.wakeAt);
    },

    async waitUntilApplied(submitted, waitOptions = {}) {
      const timeout = waitOptions.timeout ?? 30_000;
      const interval = waitOptions.interval ?? 20;
      const deadline = Date.now() + timeout;
      for (;;) {
        const snapshot = await store.load(submitted.id);
        if (snapshot !== undefined && appliedSequenceOf(snapshot.state) >= submitted.sequence) {
          return toInquiry(submitted.id, snapshot.version, snapshot.state, snapshot.wakeAt);
        }
        // An inquiry whose entries were all refused has no snapshot. A drain records refusals
        // before it saves what the entries before them opened, so that is certain only once no
        // entry up to this one is left in the log (entries leave it after the save), and the
        // store still has no snapshot after that.
        if (
          snapshot === undefined &&
          (await log.wasDeadLettered(`${submitted.id}#${submitted.sequence}`)) &&
          ![...(await log.read(submitted.id)).keys()].some((sequence) => sequence <= submitted.sequence) &&
          (await store.load(submitted.id)) === undefined
        ) {
          throw new InvalidInputError(
            `Entry ${submitted.sequence} of inquiry ${abbreviate(submitted.id)} was refused (see deadLetters()) and no inquiry was opened`,
            {
              path: ['id'],
              received: submitted.id,
              expected: 'an opened inquiry',
            },
          );
        }
        if (Date.now() >= deadline) {
          throw new InvalidInputError(
            `Entry ${submitted.sequence} of inquiry ${abbreviate(submitted.id)} was not applied within ${timeout} ms: is a worker running?`,
            {
              path: ['sequence'],
              received: submitted.sequence,
              expected: `applied within ${timeout} ms`,
            },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    },

    deadLetters: ({ start = 0, count = 100 } = {}) => log.deadLetters(start, count),
    async redrive(key) {
      const letter = typeof key === 'string' ? await log.findDeadLetter(key) : undefined;
      if (letter === undefined) {
        throw new InvalidInputError(`No dead letter with key ${abbreviate(key)}: expected a key from deadLetters()`, {
          path: ['key'],
          received: key,
          expected: 'a key from deadLetters()',
        });
      }
      if (letter.inquiryId === undefined || letter.sequence === undefined) {
        throw new InvalidInputError(
          `Dead letter ${abbreviate(key)} is a job whose data was malformed: there is no log entry to re-drive`,
          {
            path: ['key'],
            received: key,
            expected: 'the key of a log entry (`inquiryId#sequence`)',
          },
        );
      }
      // The payload as it was in the log (a dead letter keeps the raw text of an entry that was not JSON).
      const payload = typeof letter.payload === 'string' ? letter.payload : JSON.stringify(letter.payload);
      const appended = await log.append(letter.inquiryId, [{ payload, eventId: `redrive-${key}` }]);
      await drainAfter(letter.inquiryId, appended);
      await log.takeDeadLetter(key);
      return { id: letter.inquiryId, sequence: appended.sequences[0] ?? 0 };
    },
    async logEntries(id) {
      const [archived, live] = await Promise.all([log.archived(id), log.read(id)]);
      return new Map([...archived, ...live].sort(([a], [b]) => a - b));
    },

    async close() {
      if (closed) return;
      closed = true;
      if (sweepTimer !== undefined) clock.clearTimer(sweepTimer);
      await sweeping?.catch(() => undefined);
      await worker?.close();
      await outbox.stop();
      await queue.close();
      if (ownsRedis) await redis.quit().catch(() => redis.disconnect());
    },
  };
  return desk;
}
