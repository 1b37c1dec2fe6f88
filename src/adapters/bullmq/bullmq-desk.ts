/**
 * What a BullMQ desk offers its callers: the desk itself, where a submitted entry landed, the
 * options of one send and the stored inquiry as the desk reads it.
 */
import type { Queue, Worker } from 'bullmq';
import type { AnyServiceMachine, ProcessEventOf, ProcessInputOf, ServiceProcess } from '../../process/createProcess.js';
import type { SnapshotStore } from '../../stores/store.js';
import type { DeskEffectOf, DeskInquiry } from '../../desk/createServiceDesk.js';
import type { DeskEventSource } from '../../desk/effect-bus.js';
import type { LogEntries } from './inquiry-log.js';
import type { DeadLetter } from './payloads.js';

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
 * The service desk across many worker processes. See `createBullmqDesk`.
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
  /** The desk's shared BullMQ queue: wake-up jobs (and drain jobs of releases before partitions). */
  readonly queue: Queue;
  /**
   * The BullMQ worker of this process on the shared queue (`undefined` with `worker: false`), for
   * metrics and events. Drain jobs run on the workers of {@link BullmqDesk.partitionWorkers}.
   */
  readonly worker: Worker | undefined;
  /**
   * The BullMQ workers of the partitions this process drains now, by partition number (they change
   * as worker processes join and leave), for metrics and events.
   */
  partitionWorkers(): ReadonlyMap<number, Worker>;
  /** The BullMQ queue an inquiry's drain jobs go to: the queue of its partition. */
  drainQueue(inquiryId: string): Queue;
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
