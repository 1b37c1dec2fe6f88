/**
 * A worker process of bench/desk.bench.ts: a BullMQ desk over PostgreSQL that reports over IPC,
 * for every save, which log position it applied and when, how long each drain job took, and how
 * many store calls (one SQL statement each) it made, by method.
 */
import pg from 'pg';
import type { SnapshotStore, SnapshotWrite } from 'serviceflow';
import { postgresStore } from 'serviceflow/postgres';
import { createBullmqDesk } from 'serviceflow/bullmq';
import { benchProcess } from './bench-process.js';

export interface BenchWorkerConfig {
  readonly redis: { readonly host: string; readonly port: number };
  readonly pg: pg.PoolConfig;
  readonly queueName: string;
  readonly concurrency: number;
  /** Connections of the worker's pg pool. */
  readonly poolSize: number;
  /** Partition queues of the desk (the desk's default when absent). */
  readonly partitions?: number | undefined;
}

/** One save as reported: inquiry id, applied sequence, saved at (epoch ms), unused. */
export type SaveReport = [string, number, number, number];

const config = JSON.parse(process.env['SERVICEFLOW_BENCH_WORKER'] ?? '{}') as BenchWorkerConfig;
const pool = new pg.Pool({ ...config.pg, max: config.poolSize });
// Every store call (one SQL statement each), by method, for the bench's cost figures.
let storeCalls: Record<string, number> = {};
const count = (method: string): void => {
  storeCalls[method] = (storeCalls[method] ?? 0) + 1;
};
const base = postgresStore(pool);
let reports: SaveReport[] = [];
const saved = (write: SnapshotWrite): void => {
  reports.push([write.id, (write.state as { appliedSequence?: number }).appliedSequence ?? 0, Date.now(), 0]);
};
const store: SnapshotStore = {
  ...base,
  async load(id) {
    count('load');
    return base.load(id);
  },
  async create(write) {
    count('create');
    const result = await base.create(write);
    saved(write);
    return result;
  },
  async save(write) {
    count('save');
    const result = await base.save(write);
    saved(write);
    return result;
  },
  // The saves of drains that finish together, one statement (the runner batches them).
  async saveMany(writes) {
    count('saveMany');
    const result = await base.saveMany!(writes); // postgresStore has it
    writes.forEach((write, index) => {
      if (result[index] !== undefined) saved(write);
    });
    return result;
  },
  async markDispatched(ids, at) {
    count('markDispatched');
    return base.markDispatched(ids, at);
  },
  async due(query) {
    count('due');
    return base.due(query);
  },
  async undispatched(options) {
    count('undispatched');
    return base.undispatched(options);
  },
};
let steps: number[] = [];
setInterval(() => {
  if (reports.length === 0 && steps.length === 0 && Object.keys(storeCalls).length === 0) return;
  process.send?.({ type: 'saves', reports, steps, storeCalls });
  reports = [];
  steps = [];
  storeCalls = {};
}, 50).unref();

const desk = createBullmqDesk({
  process: benchProcess(),
  store,
  connection: config.redis,
  queueName: config.queueName,
  ...(config.partitions === undefined ? {} : { partitions: config.partitions }),
  worker: { concurrency: config.concurrency },
});
// A step: one drain job, from the moment the worker took it to its completion. Drain jobs run on
// the workers of the partitions this process owns, which come and go with the heartbeats.
const watched = new WeakSet<object>();
const watchWorkers = (): void => {
  for (const worker of desk.partitionWorkers().values()) {
    if (watched.has(worker)) continue;
    watched.add(worker);
    worker.on('completed', (job) => {
      if (job.name === 'drain' && job.processedOn !== undefined && job.finishedOn !== undefined)
        steps.push(job.finishedOn - job.processedOn);
    });
  }
};
setInterval(watchWorkers, 20).unref();
desk.on('error', (error) => process.send?.({ type: 'error', message: String(error) }));
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop')
    void desk
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0));
});
process.send?.({ type: 'ready' });
