/**
 * `serviceflow/bullmq`: the service desk across many worker processes, with events and wake-ups
 * as BullMQ jobs on Redis. Needs the optional peers `bullmq` and `ioredis`; the root entry never
 * loads them.
 *
 * @module serviceflow/bullmq
 */
export { createBullmqDesk } from './adapters/bullmq/createBullmqDesk.js';
export type {
  BullmqDesk,
  BullmqDeskOptions,
  BullmqDeskInquiry,
  BullmqRetryOptions,
  BullmqWorkerOptions,
  SendOptions,
  Submitted,
} from './adapters/bullmq/createBullmqDesk.js';
export type { ErrorKind } from './adapters/bullmq/error-kind.js';
export type { DeadLetter } from './adapters/bullmq/payloads.js';
export type { LogEntries } from './adapters/bullmq/inquiry-log.js';
