/**
 * BullMQ desks on a throwaway Redis for one `describe` block: starts the server before its tests,
 * closes every desk after each test, and stops the server after them all.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { memoryStore, type inquiryMachine, type SnapshotStore } from 'serviceflow';
import { createBullmqDesk, type BullmqDesk, type BullmqDeskOptions } from 'serviceflow/bullmq';
import { startRedisServer, type RedisAvailability, type RedisTestServer } from '../../../support/redis-server.js';

type Options = BullmqDeskOptions<typeof inquiryMachine>;
export type Desk = BullmqDesk<typeof inquiryMachine>;

export interface DesksOnRedis {
  /** A plain connection for writing behind the desks' backs. */
  readonly admin: Redis;
  /** A desk on a queue of its own (unless `queueName` is given) over `memoryStore` (unless `store` is). */
  deskWith(options?: Partial<Options>): { desk: Desk; store: SnapshotStore; queueName: string };
}

export function desksOnRedis(
  availability: RedisAvailability,
  name: string,
  defaults: Pick<Options, 'process'> & Partial<Options>,
): DesksOnRedis {
  let server: RedisTestServer;
  let admin: Redis;
  let queueCount = 0;
  const open: Desk[] = [];
  beforeAll(async () => {
    server = await startRedisServer(availability);
    admin = new Redis({ host: server.host, port: server.port, maxRetriesPerRequest: null });
  }, 60_000);
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((desk) => desk.close()));
  });
  return {
    get admin() {
      return admin;
    },
    deskWith(options = {}) {
      const queueName = options.queueName ?? `${name}-${globalThis.process.pid}-${++queueCount}`;
      const store = options.store ?? memoryStore();
      const desk = createBullmqDesk({
        store,
        connection: { host: server.host, port: server.port },
        queueName,
        worker: { concurrency: 8, sweepInterval: 200, sweepGrace: 300, lockDuration: 2_000, stalledInterval: 1_000 },
        ...defaults,
        ...options,
      });
      open.push(desk);
      return { desk, store, queueName };
    },
  };
}
