/**
 * Desk throughput: the in-process desk on memoryStore and on PGlite, and the BullMQ desk with 1, 2
 * and 4 worker processes against one local Redis (state in a local PostgreSQL), each next to the
 * pure step rate measured in the same run. Events/s and p99 step latency, one JSON line per figure.
 *
 * The BullMQ figures need redis-server and the PostgreSQL server binaries (as the tests do); when
 * either is missing, one line says so. Every event is checked applied: a lost event fails the run.
 * Every figure carries the machine's 1-minute load average: on a shared machine, read them with it.
 *
 * A BullMQ run first walks 1,000 inquiries through their lives unmeasured (fresh worker processes
 * spend much of their first seconds compiling), then measures 2,000 inquiries × 11 events with at
 * most 4,000 events unapplied (about 2 per inquiry, which drains fold together). Next to events/s
 * it reports where the CPU went (Linux /proc): milliseconds per event of the workers, Redis,
 * PostgreSQL and the producer, how many cores other processes took meanwhile (`coresBusy.others`:
 * on a shared machine, the figure to read events/s with), Redis commands and store calls per event.
 *
 * Environment: SERVICEFLOW_BENCH_DESK=memory,pglite,bullmq-2 picks variants;
 * SERVICEFLOW_BENCH_CONCURRENCY jobs per worker (default 32); SERVICEFLOW_BENCH_PG_POOL connections
 * per worker (16); SERVICEFLOW_BENCH_WINDOW events unapplied at most (4000; 1000 gives one event
 * per drain); SERVICEFLOW_BENCH_PRODUCER_LANES batches the producer sends at once (1);
 * SERVICEFLOW_BENCH_WARM_UP inquiries (1000); SERVICEFLOW_BENCH_PROFILE=dir writes workers' CPU
 * profiles; SERVICEFLOW_BENCH_NODE_ARGS adds node flags to the workers (e.g. --perf-basic-prof).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createServiceDesk, memoryStore, type SnapshotStore } from 'serviceflow';
import { migrate, postgresStore } from 'serviceflow/postgres';
import { createBullmqDesk } from 'serviceflow/bullmq';
import { postgresAvailability, startPostgresServer } from '../test/support/postgres-server.js';
import { redisAvailability, startRedisServer } from '../test/support/redis-server.js';
import { measure, quantile, report } from './harness.js';
import { benchProcess, lifeOf } from './support/bench-process.js';
import type { BenchWorkerConfig, SaveReport } from './support/bullmq-worker.js';
import { costMeter } from './support/cost.js';

const process_ = benchProcess();
const CONCURRENCY = Number(process.env['SERVICEFLOW_BENCH_CONCURRENCY'] ?? 32);
const POOL_SIZE = Number(process.env['SERVICEFLOW_BENCH_PG_POOL'] ?? 16);
/** Events submitted but not yet applied, at most (2 per inquiry on average by default). */
const WINDOW = Number(process.env['SERVICEFLOW_BENCH_WINDOW'] ?? 4_000);
/** Producer lanes sending at once (1: one batch at a time, as an API server with one caller). */
const PRODUCER_LANES = Number(process.env['SERVICEFLOW_BENCH_PRODUCER_LANES'] ?? 1);
const EVENTS_PER_INQUIRY = lifeOf(0).length;
/** Inquiries walked through their lives before the measured run of the BullMQ variants. */
const WARM_UP_INQUIRIES = Number(process.env['SERVICEFLOW_BENCH_WARM_UP'] ?? 1_000);

/** The pure step rate over the same lives, measured now (the machine's load of the moment). */
function pureStepRate(): number {
  const t0 = Date.now();
  const input = { id: 'P-1', channel: 'email' as const, customer: { id: 'C-1' }, at: t0 };
  const life = lifeOf(t0);
  const result = measure(
    () => {
      let step = process_.start(input);
      for (const event of life) step = process_.send(step.state, event);
      return step;
    },
    { opsPerRound: 200, rounds: 9, warmupRounds: 3 },
  );
  return Math.round(result.opsPerSec * (EVENTS_PER_INQUIRY + 1));
}

/** Runs the in-process desk: `lanes` concurrent callers, each walking its own inquiries' lives. */
async function inProcessDesk(variant: string, store: SnapshotStore, inquiries: number, lanes: number): Promise<void> {
  const desk = createServiceDesk({ process: process_, store });
  desk.on('effect', () => {});
  const t0 = Date.now();
  const latencies: number[] = [];
  const ids = Array.from({ length: inquiries }, (_, i) => `D-${variant}-${i}`);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!; // next < ids.length
        let begin = performance.now();
        await desk.open({ id, channel: 'email', customer: { id: 'C-1' }, at: t0 });
        latencies.push(performance.now() - begin);
        for (const event of lifeOf(t0)) {
          begin = performance.now();
          await desk.send(id, event);
          latencies.push(performance.now() - begin);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await desk.close();
  const pure = pureStepRate();
  const events = latencies.length;
  report({
    bench: 'desk',
    metric: 'events-per-second',
    variant,
    eventsPerSec: Math.round(events / seconds),
    p50StepMs: Number(quantile(latencies, 0.5).toFixed(3)),
    p99StepMs: Number(quantile(latencies, 0.99).toFixed(3)),
    pureStepsPerSec: pure,
    events,
    concurrency: lanes,
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
    note: 'in-process desk: load → send → save → deliver → schedule per event; pure = process.send alone, same run',
  });
}

interface BenchWorker {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

async function bullmqDesk(
  workerCount: number,
  inquiries: number,
  servers: { redis: { host: string; port: number }; pg: pg.PoolConfig; pool: pg.Pool },
): Promise<void> {
  await servers.pool.query('TRUNCATE serviceflow_snapshots, serviceflow_journal');
  const queueName = `bench-${workerCount}-${Date.now()}`;
  const applied = new Map<string, number>();
  const savedAt = new Map<string, number[]>();
  const stepMs: number[] = [];
  const errors: string[] = [];
  const workers: BenchWorker[] = [];
  let appliedTotal = 0;
  let submittedTotal = 0;
  let counting = false;
  const storeCalls: Record<string, number> = {};
  const onMessage = (message: {
    type?: string;
    reports?: SaveReport[];
    steps?: number[];
    storeCalls?: Record<string, number>;
    message?: string;
  }): void => {
    if (message.type === 'error' && message.message !== undefined) errors.push(message.message);
    for (const [method, calls] of Object.entries(message.storeCalls ?? {}))
      if (counting) storeCalls[method] = (storeCalls[method] ?? 0) + calls;
    for (const ms of message.steps ?? []) stepMs.push(ms);
    for (const [id, sequence, at] of message.reports ?? []) {
      const before = applied.get(id) ?? 0;
      if (sequence <= before) continue;
      applied.set(id, sequence);
      appliedTotal += sequence - before;
      let times = savedAt.get(id);
      if (times === undefined) savedAt.set(id, (times = []));
      for (let s = before + 1; s <= sequence; s++) times[s] = at;
    }
  };
  await Promise.all(
    Array.from({ length: workerCount }, () => {
      const config: BenchWorkerConfig = {
        redis: servers.redis,
        pg: servers.pg,
        queueName,
        concurrency: CONCURRENCY,
        poolSize: POOL_SIZE,
      };
      const child = fork(fileURLToPath(new URL('./support/bullmq-worker.ts', import.meta.url)), {
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
      workers.push({ child, exited: new Promise((resolve) => child.once('exit', () => resolve())) });
      child.on('message', onMessage);
      return new Promise<void>((resolve) =>
        child.on('message', (message: { type?: string }) => message.type === 'ready' && resolve()),
      );
    }),
  );
  const producer = createBullmqDesk({
    process: process_,
    store: postgresStore(servers.pool),
    connection: servers.redis,
    queueName,
    worker: false,
  });
  const meterConnection = new Redis({ ...servers.redis, maxRetriesPerRequest: null });
  const meter = await costMeter(
    workers.map((worker) => worker.child.pid ?? 0),
    meterConnection,
    servers.pool,
  );
  const t0 = Date.now();
  const submittedAt = new Map<string, number[]>();
  const stamp = (id: string, sequence: number): void => {
    let times = submittedAt.get(id);
    if (times === undefined) submittedAt.set(id, (times = []));
    times[sequence] = Date.now();
    submittedTotal++;
  };
  // Closed loop: keep at most `window` events submitted but not yet applied.
  const window = WINDOW;
  const unapplied = (): number => submittedTotal - appliedTotal;
  const waitFor = async (condition: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 120_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`bench: ${what} timed out (${errors.slice(0, 3).join('; ')})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  /**
   * Opens the inquiries and walks each through its life, event by event across all of them, in
   * batches of 500; `PRODUCER_LANES` lanes, each with its own share of the inquiries, send at once.
   */
  const drive = async (ids: readonly string[]): Promise<void> => {
    const until = appliedTotal + ids.length * (EVENTS_PER_INQUIRY + 1);
    const lane = async (mine: readonly string[]): Promise<void> => {
      for (let start = 0; start < mine.length; start += 200) {
        await waitFor(() => unapplied() < window, 'window');
        await Promise.all(
          mine
            .slice(start, start + 200)
            .map(async (id) =>
              stamp(id, (await producer.open({ id, channel: 'email', customer: { id: 'C-1' }, at: t0 })).sequence),
            ),
        );
      }
      for (const event of lifeOf(t0)) {
        for (let start = 0; start < mine.length; start += 500) {
          await waitFor(() => unapplied() < window, 'window');
          const slice = mine.slice(start, start + 500);
          const submitted = await producer.sendMany(slice.map((id) => ({ id, event })));
          submitted.forEach(({ id, sequence }) => stamp(id, sequence));
        }
      }
    };
    await Promise.all(
      Array.from({ length: PRODUCER_LANES }, (_, k) => lane(ids.filter((_, i) => i % PRODUCER_LANES === k))),
    );
    await waitFor(() => appliedTotal === until, 'all events applied');
  };
  // Warm-up, not measured: worker processes fresh from start-up spend a good part of their CPU on
  // JIT compilation for the first few thousand jobs; a deployed worker runs warm.
  await drive(Array.from({ length: WARM_UP_INQUIRIES }, (_, i) => `W-${i}`));
  await new Promise((resolve) => setTimeout(resolve, 200)); // the last reports and counts
  stepMs.length = 0;
  const ids = Array.from({ length: inquiries }, (_, i) => `B-${i}`);
  const total = inquiries * (EVENTS_PER_INQUIRY + 1);
  await meter.start();
  counting = true;
  const started = performance.now();
  await drive(ids);
  const seconds = (performance.now() - started) / 1000;
  const cost = await meter.stop(total);
  // Store call counts arrive with the save reports, at most 50 ms later.
  await new Promise((resolve) => setTimeout(resolve, 120));
  counting = false;
  const storeCallsPerEvent = Object.fromEntries(
    Object.entries(storeCalls).map(([method, calls]) => [method, Number((calls / total).toFixed(3))]),
  );
  meterConnection.disconnect();
  // No lost event: the store agrees with what the workers reported.
  const { rows } = await servers.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM serviceflow_snapshots WHERE id LIKE 'B-%' AND (state->>'appliedSequence')::int = $1`,
    [EVENTS_PER_INQUIRY + 1],
  );
  const lost = inquiries - Number(rows[0]?.n ?? 0);
  const endToEnd: number[] = [];
  for (const id of ids) {
    const sent = submittedAt.get(id) ?? [];
    const done = savedAt.get(id) ?? [];
    for (let s = 1; s < sent.length; s++) endToEnd.push((done[s] ?? Number.NaN) - (sent[s] ?? Number.NaN));
  }
  const deadLetters = (await producer.deadLetters({ count: 1_000 })).length;
  await producer.close();
  for (const worker of workers) worker.child.send({ type: 'stop' });
  await Promise.all(workers.map((worker) => worker.exited));
  const pure = pureStepRate();
  report({
    bench: 'desk',
    metric: 'events-per-second',
    variant: `bullmq-${workerCount}-worker${workerCount === 1 ? '' : 's'}`,
    eventsPerSec: Math.round(total / seconds),
    p50StepMs: Number(quantile(stepMs, 0.5).toFixed(2)),
    p99StepMs: Number(quantile(stepMs, 0.99).toFixed(2)),
    p99EndToEndMs: Math.round(quantile(endToEnd, 0.99)),
    pureStepsPerSec: pure,
    events: total,
    lostEvents: lost,
    deadLetters,
    workers: workerCount,
    concurrencyPerWorker: CONCURRENCY,
    pgPoolPerWorker: POOL_SIZE,
    window: WINDOW,
    producerLanes: PRODUCER_LANES,
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
    eventsPerDrain: Number((total / Math.max(1, stepMs.length)).toFixed(2)),
    pureStepCpuMsPerEvent: Number((1000 / pure).toFixed(3)),
    ...cost,
    storeCallsPerEvent,
    note: `worker processes + Redis + PostgreSQL + producer on ${(await import('node:os')).cpus().length} cores; step = one drain job (read log → load → fold → save → deliver), which applies every event of its inquiry waiting by then; end-to-end = submit → saved, with ≤ ${window} events in flight`,
  });
  if (lost !== 0 || deadLetters !== 0) throw new Error(`bench: ${lost} lost events, ${deadLetters} dead letters`);
}

export async function run(): Promise<void> {
  // SERVICEFLOW_BENCH_DESK=memory,pglite,bullmq-2 runs only those variants.
  const only = process.env['SERVICEFLOW_BENCH_DESK']?.split(',');
  const wanted = (variant: string): boolean => only === undefined || only.some((name) => variant.startsWith(name));
  if (wanted('memory')) await inProcessDesk('memory-store', memoryStore(), 2_000, 64);
  if (wanted('pglite')) {
    const db = new PGlite();
    await migrate(db);
    await inProcessDesk('pglite', postgresStore(db), 300, 16);
    await db.close();
  }
  const workerCounts = [1, 2, 4].filter((count) => wanted(`bullmq-${count}`));
  if (workerCounts.length === 0) return;

  const redis = redisAvailability();
  const postgres = postgresAvailability();
  if (redis.kind !== 'binary' || postgres.kind === 'none') {
    report({
      bench: 'desk',
      metric: 'events-per-second',
      variant: 'bullmq',
      skipped: 'needs redis-server and the PostgreSQL server binaries (apt-get install redis-server postgresql)',
    });
    return;
  }
  const [redisServer, pgServer] = await Promise.all([startRedisServer(redis), startPostgresServer(postgres)]);
  const pool = new pg.Pool({ ...pgServer.config, max: 8 });
  try {
    await migrate(pool);
    const servers = { redis: { host: redisServer.host, port: redisServer.port }, pg: pgServer.config, pool };
    for (const workers of workerCounts) await bullmqDesk(workers, 2_000, servers);
  } finally {
    await pool.end();
    await Promise.all([redisServer.stop(), pgServer.stop()]);
  }
}
