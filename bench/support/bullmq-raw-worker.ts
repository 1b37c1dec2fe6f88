/**
 * A worker process of the raw BullMQ baseline in bench/desk.bench.ts: a plain BullMQ worker whose
 * job (one event of one inquiry) runs the same writes as serviceflow's save, as one statement: the
 * inquiry's snapshot row (a state of the same size, precomputed from the same life) and its
 * journal rows. No log, no load, no step, no per-inquiry order: what BullMQ and PostgreSQL cost.
 * Reports over IPC how many jobs it completed.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { benchProcess, lifeOf } from './bench-process.js';
import type { BenchWorkerConfig } from './bullmq-worker.js';

/** The data of a raw job: the inquiry and which step of its life (0: the open). */
export interface RawJobData {
  readonly id: string;
  readonly step: number;
}

/** The same writes as `postgresStore`'s save (snapshot row and journal rows), as one upsert statement. */
const WRITE = `WITH written AS (
  INSERT INTO serviceflow_snapshots (id, version, state, stage, wake_at, last_event_at)
  VALUES ($1, 1, $2::jsonb, $3, $4, $5)
  ON CONFLICT (id) DO UPDATE
  SET version = serviceflow_snapshots.version + 1, state = EXCLUDED.state, stage = EXCLUDED.stage,
      wake_at = EXCLUDED.wake_at, last_event_at = EXCLUDED.last_event_at, updated_at = now()
  RETURNING id, version
), journaled AS (
  INSERT INTO serviceflow_journal (snapshot_id, version, idx, id, type, at, effect)
  SELECT w.id, w.version, (e.ord - 1)::integer, w.id || ':' || w.version || ':' || (e.ord - 1),
         e.effect ->> 'type', (e.effect ->> 'at')::bigint, e.effect
  FROM written w CROSS JOIN jsonb_array_elements($6::jsonb) WITH ORDINALITY AS e(effect, ord)
)
SELECT version FROM written`;

/** The statement's parameters for each step of the bench's life, as serviceflow would write them. */
function writesOfLife(): (string | number | null)[][] {
  const process_ = benchProcess();
  const t0 = Date.now();
  let step = process_.start({ id: 'X-template', channel: 'email', customer: { id: 'C-1' }, at: t0 });
  const writes: (string | number | null)[][] = [];
  const record = (): void => {
    const view = process_.view(step.state);
    writes.push([JSON.stringify(step.state), view.stage, step.wakeAt, view.lastEventAt, JSON.stringify(step.effects)]);
  };
  record();
  for (const event of lifeOf(t0)) {
    step = process_.send(step.state, event);
    record();
  }
  return writes;
}

const config = JSON.parse(process.env['SERVICEFLOW_BENCH_WORKER'] ?? '{}') as BenchWorkerConfig;
const pool = new pg.Pool({ ...config.pg, max: config.poolSize });
const writes = writesOfLife();
const connection = new Redis({ ...config.redis, maxRetriesPerRequest: null });
let completed = 0;
const worker = new Worker<RawJobData>(
  config.queueName,
  async (job) => {
    const write = writes[job.data.step] ?? writes[0]!; // step < writes.length for the bench's jobs
    await pool.query(WRITE, [job.data.id, ...write]);
    completed++;
  },
  { connection, prefix: 'serviceflow', concurrency: config.concurrency },
);
worker.on('error', (error) => process.send?.({ type: 'error', message: String(error) }));
setInterval(() => {
  if (completed === 0) return;
  process.send?.({ type: 'saves', completed });
  completed = 0;
}, 50).unref();
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop')
    void worker
      .close()
      .then(() => connection.quit())
      .then(() => pool.end())
      .then(() => process.exit(0));
});
process.send?.({ type: 'ready' });
