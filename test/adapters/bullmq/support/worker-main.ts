/**
 * One worker process of the reliability scenarios (started by the test with `fork`, killed with
 * SIGKILL by some of them): a BullMQ desk with a worker over a PostgreSQL store.
 * Configuration comes in SERVICEFLOW_WORKER as JSON; the process says `ready` over IPC.
 */
import pg from 'pg';
import { postgresStore } from 'serviceflow/postgres';
import { createBullmqDesk } from 'serviceflow/bullmq';
import { reliabilityProcess } from './reliability-process.js';

export interface WorkerConfig {
  readonly redis: { readonly host: string; readonly port: number };
  readonly pg: pg.PoolConfig;
  readonly queueName: string;
  readonly concurrency: number;
}

const config = JSON.parse(process.env['SERVICEFLOW_WORKER'] ?? '{}') as WorkerConfig;
const pool = new pg.Pool({ ...config.pg, max: 12 });
const desk = createBullmqDesk({
  process: reliabilityProcess(),
  store: postgresStore(pool),
  connection: config.redis,
  queueName: config.queueName,
  archive: true,
  outbox: { interval: 1_000 },
  worker: {
    concurrency: config.concurrency,
    lockDuration: 3_000,
    stalledInterval: 1_000,
    maxStalledCount: 20,
    sweepInterval: 1_000,
    sweepGrace: 2_000,
  },
});
let errors = 0;
desk.on('error', (error) => {
  // Expected while Redis restarts or a sibling is killed; counted for the test's log.
  if (errors++ < 3) process.send?.({ type: 'error', message: String(error) });
});
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop')
    void desk
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0));
});
process.send?.({ type: 'ready' });
