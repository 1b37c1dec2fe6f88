/**
 * One measured run of bench/desk.bench.ts on BullMQ: worker processes (serviceflow's BullMQ desk,
 * or the raw BullMQ baseline), a producer that keeps at most `window` events unapplied, and the
 * figures of the run. Both kinds see the same Redis, PostgreSQL, worker count, concurrency, pg
 * pool, life of an inquiry (an open and 10 events) and warm-up.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { createBullmqDesk } from 'serviceflow/bullmq';
import { postgresStore } from 'serviceflow/postgres';
import { quantile } from '../harness.js';
import { benchProcess, lifeOf } from './bench-process.js';
import type { RawJobData } from './bullmq-raw-worker.js';
import type { BenchWorkerConfig, SaveReport } from './bullmq-worker.js';
import { costMeter } from './cost.js';

const EVENTS_PER_INQUIRY = lifeOf(0).length;

/** What a run measures. */
export interface BullmqRunSpec {
  /** serviceflow's BullMQ desk, or plain BullMQ jobs running the same writes. */
  readonly kind: 'serviceflow' | 'raw';
  readonly workers: number;
  readonly inquiries: number;
  /** Events submitted but not applied, at most. */
  readonly window: number;
  readonly concurrency: number;
  readonly poolSize: number;
  readonly warmUpInquiries: number;
  readonly producerLanes: number;
  /** Partition queues of serviceflow's desk (its default when absent). */
  readonly partitions?: number | undefined;
}

/** The servers of the bench. */
export interface BenchServers {
  readonly redis: { readonly host: string; readonly port: number };
  readonly pg: pg.PoolConfig;
  readonly pool: pg.Pool;
}

/** The figures of one run: events/s first, then what else was measured. */
export interface BullmqRunFigures {
  readonly eventsPerSec: number;
  readonly figures: Record<string, unknown>;
}

interface BenchChild {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

interface WorkerMessage {
  readonly type?: string;
  readonly reports?: SaveReport[];
  readonly completed?: number;
  readonly steps?: number[];
  readonly storeCalls?: Record<string, number>;
  readonly message?: string;
}

/** What the workers reported: events applied, drain times, store calls, errors. */
class Progress {
  applied = 0;
  submitted = 0;
  counting = false;
  readonly appliedOf = new Map<string, number>();
  readonly savedAt = new Map<string, number[]>();
  readonly submittedAt = new Map<string, number[]>();
  readonly stepMs: number[] = [];
  readonly storeCalls: Record<string, number> = {};
  readonly errors: string[] = [];

  onMessage(message: WorkerMessage): void {
    if (message.type === 'error' && message.message !== undefined) this.errors.push(message.message);
    for (const [method, calls] of Object.entries(message.storeCalls ?? {}))
      if (this.counting) this.storeCalls[method] = (this.storeCalls[method] ?? 0) + calls;
    for (const ms of message.steps ?? []) this.stepMs.push(ms);
    this.applied += message.completed ?? 0;
    for (const [id, sequence, at] of message.reports ?? []) this.saved(id, sequence, at);
  }

  stamp(id: string, sequence: number): void {
    let times = this.submittedAt.get(id);
    if (times === undefined) this.submittedAt.set(id, (times = []));
    times[sequence] = Date.now();
    this.submitted++;
  }

  /** Submit → saved, per event of these inquiries (serviceflow runs only). */
  endToEnd(ids: readonly string[]): number[] {
    const latencies: number[] = [];
    for (const id of ids) {
      const sent = this.submittedAt.get(id) ?? [];
      const done = this.savedAt.get(id) ?? [];
      for (let s = 1; s < sent.length; s++) latencies.push((done[s] ?? Number.NaN) - (sent[s] ?? Number.NaN));
    }
    return latencies;
  }

  async waitFor(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`bench: ${what} timed out (${this.errors.slice(0, 3).join('; ')})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private saved(id: string, sequence: number, at: number): void {
    const before = this.appliedOf.get(id) ?? 0;
    if (sequence <= before) return;
    this.appliedOf.set(id, sequence);
    this.applied += sequence - before;
    let times = this.savedAt.get(id);
    if (times === undefined) this.savedAt.set(id, (times = []));
    for (let s = before + 1; s <= sequence; s++) times[s] = at;
  }
}

/** What the run's producer does: open inquiries, send one event to each of many. */
interface BenchProducer {
  open(ids: readonly string[], at: number): Promise<void>;
  send(ids: readonly string[], step: number, at: number): Promise<void>;
  deadLetters(): Promise<number>;
  close(): Promise<void>;
}

function serviceflowProducer(
  spec: BullmqRunSpec,
  servers: BenchServers,
  queueName: string,
  progress: Progress,
): BenchProducer {
  const desk = createBullmqDesk({
    process: benchProcess(),
    store: postgresStore(servers.pool),
    connection: servers.redis,
    queueName,
    ...(spec.partitions === undefined ? {} : { partitions: spec.partitions }),
    worker: false,
  });
  return {
    async open(ids, at) {
      await Promise.all(
        ids.map(async (id) =>
          progress.stamp(id, (await desk.open({ id, channel: 'email', customer: { id: 'C-1' }, at })).sequence),
        ),
      );
    },
    async send(ids, step, at) {
      const event = lifeOf(at)[step - 1]!; // 1 <= step <= the life's length
      const submitted = await desk.sendMany(ids.map((id) => ({ id, event })));
      for (const { id, sequence } of submitted) progress.stamp(id, sequence);
    },
    deadLetters: async () => (await desk.deadLetters({ count: 1_000 })).length,
    close: () => desk.close(),
  };
}

function rawProducer(
  _spec: BullmqRunSpec,
  servers: BenchServers,
  queueName: string,
  progress: Progress,
): BenchProducer {
  const connection = new Redis({ ...servers.redis, maxRetriesPerRequest: null });
  const queue = new Queue<RawJobData>(queueName, { connection, prefix: 'serviceflow' });
  // The desk's default retries and retention, so that both keep the same records in Redis.
  const opts = { attempts: 12, backoff: { type: 'exponential', delay: 100 }, removeOnComplete: true };
  const add = async (ids: readonly string[], step: number): Promise<void> => {
    await queue.addBulk(ids.map((id) => ({ name: 'event', data: { id, step }, opts })));
    for (const id of ids) progress.stamp(id, step + 1);
  };
  return {
    open: (ids) => add(ids, 0),
    send: (ids, step) => add(ids, step),
    deadLetters: async () => queue.getFailedCount(),
    async close() {
      await queue.close();
      await connection.quit();
    },
  };
}

function startWorker(spec: BullmqRunSpec, servers: BenchServers, queueName: string, progress: Progress) {
  const config: BenchWorkerConfig = {
    redis: servers.redis,
    pg: servers.pg,
    queueName,
    concurrency: spec.concurrency,
    poolSize: spec.poolSize,
    partitions: spec.partitions,
  };
  const script = spec.kind === 'raw' ? './bullmq-raw-worker.ts' : './bullmq-worker.ts';
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env['SERVICEFLOW_BENCH_PROFILE'] === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${process.env['SERVICEFLOW_BENCH_PROFILE']}`]),
      ...(process.env['SERVICEFLOW_BENCH_NODE_ARGS']?.split(' ').filter((arg) => arg !== '') ?? []),
    ],
    env: { ...process.env, SERVICEFLOW_BENCH_WORKER: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const worker: BenchChild = { child, exited: new Promise((resolve) => child.once('exit', () => resolve())) };
  child.on('message', (message: WorkerMessage) => progress.onMessage(message));
  const ready = new Promise<BenchChild>((resolve) =>
    child.on('message', (message: WorkerMessage) => message.type === 'ready' && resolve(worker)),
  );
  return ready;
}

/**
 * Opens the inquiries and walks each through its life, event by event across all of them, in
 * batches of 500 (opens: 200); `producerLanes` lanes, each with its own share, send at once.
 * Within a lane the batches go in order (every inquiry's open, then every inquiry's first event,
 * …), several at once while the window has room for them, so that the window fills even when one
 * batch's round trips take longer than the workers need to apply it. A batch waits for the
 * batches of the step before that hold the same inquiries, so each inquiry's events are appended
 * in the order of its life. At window 1000 that leaves at most two batches of 500 unapplied,
 * never two events of one inquiry; at 4000, about two events per inquiry.
 */
async function drive(spec: BullmqRunSpec, producer: BenchProducer, progress: Progress, ids: readonly string[]) {
  const until = progress.applied + ids.length * (EVENTS_PER_INQUIRY + 1);
  const at = Date.now();
  let reserved = 0; // events of batches on their way: not yet counted as submitted
  const room = (): boolean => progress.submitted + reserved - progress.applied < spec.window;
  const lane = async (mine: readonly string[]): Promise<void> => {
    const batches: { step: number; start: number; end: number }[] = [];
    for (let start = 0; start < mine.length; start += 200)
      batches.push({ step: 0, start, end: Math.min(mine.length, start + 200) });
    for (let step = 1; step <= EVENTS_PER_INQUIRY; step++)
      for (let start = 0; start < mine.length; start += 500)
        batches.push({ step, start, end: Math.min(mine.length, start + 500) });
    const sending: { step: number; start: number; end: number; done: Promise<void> }[] = [];
    for (const batch of batches) {
      await progress.waitFor(room, 'window');
      // The earlier batches of the same inquiries first: their events come before this one's.
      const earlier = sending.filter((other) => other.start < batch.end && batch.start < other.end);
      await Promise.all(earlier.map((other) => other.done));
      const slice = mine.slice(batch.start, batch.end);
      reserved += slice.length;
      const done = (batch.step === 0 ? producer.open(slice, at) : producer.send(slice, batch.step, at)).finally(() => {
        reserved -= slice.length;
      });
      const entry = { ...batch, done };
      sending.push(entry);
      void done.then(() => sending.splice(sending.indexOf(entry), 1));
    }
    await Promise.all(sending.map((entry) => entry.done));
  };
  const lanes = spec.producerLanes;
  await Promise.all(Array.from({ length: lanes }, (_, k) => lane(ids.filter((_, i) => i % lanes === k))));
  await progress.waitFor(() => progress.applied >= until, 'all events applied');
}

/** Inquiries of the measured run whose stored state does not hold their whole life. */
async function lostInquiries(spec: BullmqRunSpec, pool: pg.Pool, prefix: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    spec.kind === 'raw'
      ? `SELECT count(*) AS n FROM serviceflow_snapshots WHERE id LIKE $1 AND version = $2`
      : `SELECT count(*) AS n FROM serviceflow_snapshots WHERE id LIKE $1 AND (state->>'appliedSequence')::int = $2`,
    [`${prefix}%`, EVENTS_PER_INQUIRY + 1],
  );
  return spec.inquiries - Number(rows[0]?.n ?? 0);
}

/** One measured run; throws when an event was lost or dead-lettered. */
export async function runBullmq(spec: BullmqRunSpec, servers: BenchServers): Promise<BullmqRunFigures> {
  await servers.pool.query('TRUNCATE serviceflow_snapshots, serviceflow_journal');
  // Redis starts empty too: what earlier runs left (their queues, logs, dead letters) grows the
  // append-only file, whose rewrites fork a copy of the whole dataset, so that every later run —
  // more so the kind that writes more per event — paid for the runs before it.
  const flush = new Redis({ ...servers.redis, maxRetriesPerRequest: null });
  await flush.flushall();
  flush.disconnect();
  const queueName = `bench-${spec.kind}-${spec.workers}-${Date.now()}`;
  const progress = new Progress();
  const workers = await Promise.all(
    Array.from({ length: spec.workers }, () => startWorker(spec, servers, queueName, progress)),
  );
  const producer = (spec.kind === 'raw' ? rawProducer : serviceflowProducer)(spec, servers, queueName, progress);
  const meterConnection = new Redis({ ...servers.redis, maxRetriesPerRequest: null });
  const meter = await costMeter(
    workers.map((worker) => worker.child.pid ?? 0),
    meterConnection,
    servers.pool,
  );
  // Warm-up, not measured: worker processes fresh from start-up spend a good part of their CPU on
  // JIT compilation for the first few thousand jobs (and a desk's workers settle their partitions).
  await drive(
    spec,
    producer,
    progress,
    Array.from({ length: spec.warmUpInquiries }, (_, i) => `W-${i}`),
  );
  await new Promise((resolve) => setTimeout(resolve, 200)); // the last reports and counts
  progress.stepMs.length = 0;
  const prefix = spec.kind === 'raw' ? 'X-' : 'B-';
  const ids = Array.from({ length: spec.inquiries }, (_, i) => `${prefix}${i}`);
  const total = spec.inquiries * (EVENTS_PER_INQUIRY + 1);
  await meter.start();
  progress.counting = true;
  const started = performance.now();
  await drive(spec, producer, progress, ids);
  const seconds = (performance.now() - started) / 1000;
  const cost = await meter.stop(total);
  await new Promise((resolve) => setTimeout(resolve, 120)); // store call counts come with the reports
  progress.counting = false;
  meterConnection.disconnect();
  const lost = await lostInquiries(spec, servers.pool, prefix);
  const deadLetters = await producer.deadLetters();
  await producer.close();
  for (const worker of workers) worker.child.send({ type: 'stop' });
  await Promise.all(workers.map((worker) => worker.exited));
  if (lost !== 0 || deadLetters !== 0) throw new Error(`bench: ${lost} lost inquiries, ${deadLetters} dead letters`);
  const perEvent = (calls: number): number => Number((calls / total).toFixed(3));
  const eventsPerSec = Math.round(total / seconds);
  const serviceflowOnly =
    spec.kind === 'raw'
      ? {}
      : {
          p50StepMs: Number(quantile(progress.stepMs, 0.5).toFixed(2)),
          p99StepMs: Number(quantile(progress.stepMs, 0.99).toFixed(2)),
          p99EndToEndMs: Math.round(quantile(progress.endToEnd(ids), 0.99)),
          eventsPerDrain: Number((total / Math.max(1, progress.stepMs.length)).toFixed(2)),
          partitions: spec.partitions ?? 16,
          storeCallsPerEvent: Object.fromEntries(
            Object.entries(progress.storeCalls).map(([method, calls]) => [method, perEvent(calls)]),
          ),
        };
  return {
    eventsPerSec,
    figures: {
      eventsPerSec,
      ...serviceflowOnly,
      events: total,
      lostInquiries: lost,
      deadLetters,
      workers: spec.workers,
      concurrencyPerWorker: spec.concurrency,
      pgPoolPerWorker: spec.poolSize,
      window: spec.window,
      producerLanes: spec.producerLanes,
      loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
      ...cost,
      note: `worker processes + Redis + PostgreSQL + producer on ${cpus().length} cores`,
    },
  };
}
