/**
 * Desk throughput: the in-process desk on memoryStore and on PGlite, and the BullMQ desk with 1, 2
 * and 4 worker processes against one local Redis (state in a local PostgreSQL), each next to the
 * pure step rate measured in the same run. Events/s and p99 step latency, one JSON line per figure.
 *
 * The 2-worker BullMQ desk is also measured against a raw BullMQ baseline in the same run: plain
 * jobs (one per event) that run the same writes as serviceflow's save, as one statement, with the
 * same Redis, PostgreSQL, worker processes, concurrency and pg pool. In interleaved rounds at
 * window 1000 (one event per drain) and at the default window, it prints per window one line
 * `{"bench":"desk","metric":"ratio-to-raw-bullmq","variant":"bullmq-2-workers","window":N,"ratio":R,…}`
 * with the median ratio and both figures (`SERVICEFLOW_BENCH_RATIO_ROUNDS` rounds, default 4).
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
 * Environment: SERVICEFLOW_BENCH_DESK=memory,pglite,bullmq-1,bullmq-2,bullmq-4 picks variants
 * (bullmq-2 is the ratio to the raw baseline);
 * SERVICEFLOW_BENCH_CONCURRENCY jobs per worker (default 32); SERVICEFLOW_BENCH_PG_POOL connections
 * per worker (16); SERVICEFLOW_BENCH_WINDOW events unapplied at most (4000; 1000 gives one event
 * per drain); SERVICEFLOW_BENCH_PRODUCER_LANES splits the inquiries among that many lanes of the
 * producer, each walking its share (1; with more, an inquiry's events come closer together and fold);
 * SERVICEFLOW_BENCH_WARM_UP inquiries (1000); SERVICEFLOW_BENCH_PARTITIONS the desk's partitions (16); SERVICEFLOW_BENCH_PROFILE=dir writes workers' CPU
 * profiles; SERVICEFLOW_BENCH_NODE_ARGS adds node flags to the workers (e.g. --perf-basic-prof).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createServiceDesk, memoryStore, type SnapshotStore } from 'serviceflow';
import { migrate, postgresStore } from 'serviceflow/postgres';
import { postgresAvailability, startPostgresServer } from '../test/support/postgres-server.js';
import { redisAvailability, startRedisServer } from '../test/support/redis-server.js';
import { measure, median, quantile, report } from './harness.js';
import { benchProcess, lifeOf } from './support/bench-process.js';
import { runBullmq, type BenchServers, type BullmqRunSpec } from './support/bullmq-run.js';

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
/**
 * Rounds of each kind for the ratio to the raw BullMQ baseline, per window. Even, so that each kind
 * runs first as often as second: the second run of a round is measurably slower (the first one's
 * PostgreSQL and Redis housekeeping spills into it), which an odd count tilts towards one kind.
 */
const RATIO_ROUNDS = Number(process.env['SERVICEFLOW_BENCH_RATIO_ROUNDS'] ?? 4);
/** Partition queues of serviceflow's BullMQ desk (the desk's default, 16, when unset). */
const PARTITIONS =
  process.env['SERVICEFLOW_BENCH_PARTITIONS'] === undefined
    ? undefined
    : Number(process.env['SERVICEFLOW_BENCH_PARTITIONS']);

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

/** The knobs every BullMQ run shares. */
function runSpec(kind: BullmqRunSpec['kind'], workers: number, window: number): BullmqRunSpec {
  return {
    kind,
    workers,
    inquiries: 2_000,
    window,
    concurrency: CONCURRENCY,
    poolSize: POOL_SIZE,
    warmUpInquiries: WARM_UP_INQUIRIES,
    producerLanes: PRODUCER_LANES,
    partitions: PARTITIONS,
  };
}

/** One run of serviceflow's BullMQ desk, reported as its events-per-second line. */
async function bullmqDesk(workers: number, window: number, servers: BenchServers): Promise<number> {
  const { eventsPerSec, figures } = await runBullmq(runSpec('serviceflow', workers, window), servers);
  const pure = pureStepRate();
  report({
    bench: 'desk',
    metric: 'events-per-second',
    variant: `bullmq-${workers}-worker${workers === 1 ? '' : 's'}`,
    ...figures,
    pureStepsPerSec: pure,
    pureStepCpuMsPerEvent: Number((1000 / pure).toFixed(3)),
    note: `${String(figures['note'])}; step = one drain job (read log → load → fold → save → deliver), which applies every event of its inquiry waiting by then; end-to-end = submit → saved, with ≤ ${window} events in flight`,
  });
  return eventsPerSec;
}

/** One run of the raw BullMQ baseline, reported as its jobs-per-second line. */
async function rawBullmq(workers: number, window: number, servers: BenchServers): Promise<number> {
  const { eventsPerSec, figures } = await runBullmq(runSpec('raw', workers, window), servers);
  report({
    bench: 'desk',
    metric: 'jobs-per-second',
    variant: `raw-bullmq-${workers}-workers`,
    ...figures,
    jobsPerSec: eventsPerSec,
    note: `${String(figures['note'])}; one plain BullMQ job per event running the same writes as serviceflow's save, as one statement (no log, no load, no step, no order)`,
  });
  return eventsPerSec;
}

/**
 * serviceflow's BullMQ desk against the raw BullMQ baseline, 2 workers, at one window: rounds of
 * both (the order alternating, so that both see the machine's load alike), then one line with the
 * median of the per-round ratios and the median of each figure.
 */
async function ratioToRawBullmq(window: number, servers: BenchServers): Promise<void> {
  const rounds: { serviceflow: number; raw: number; ratio: number; loadAverage: number }[] = [];
  for (let round = 0; round < RATIO_ROUNDS; round++) {
    let serviceflow: number;
    let raw: number;
    if (round % 2 === 0) {
      raw = await rawBullmq(2, window, servers);
      serviceflow = await bullmqDesk(2, window, servers);
    } else {
      serviceflow = await bullmqDesk(2, window, servers);
      raw = await rawBullmq(2, window, servers);
    }
    const loadAverage = Number((loadavg()[0] ?? 0).toFixed(2));
    rounds.push({ serviceflow, raw, ratio: Number((serviceflow / raw).toFixed(3)), loadAverage });
  }
  report({
    bench: 'desk',
    metric: 'ratio-to-raw-bullmq',
    variant: 'bullmq-2-workers',
    window,
    ratio: Number(median(rounds.map(({ ratio }) => ratio)).toFixed(3)),
    eventsPerSec: Math.round(median(rounds.map(({ serviceflow }) => serviceflow))),
    rawJobsPerSec: Math.round(median(rounds.map(({ raw }) => raw))),
    rounds,
    concurrencyPerWorker: CONCURRENCY,
    pgPoolPerWorker: POOL_SIZE,
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
    note: `median of ${RATIO_ROUNDS} interleaved rounds of serviceflow's BullMQ desk (events/s) over raw BullMQ jobs running the same writes as one statement (jobs/s); same Redis, PostgreSQL, 2 worker processes, concurrency and pg pool`,
  });
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
  // bullmq-2 runs the ratio to the raw baseline, at window 1000 and at the default window.
  const workerCounts = [1, 4].filter((count) => wanted(`bullmq-${count}`));
  const ratio = wanted('bullmq-2') || wanted('ratio');
  if (workerCounts.length === 0 && !ratio) return;

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
    for (const workers of workerCounts) await bullmqDesk(workers, WINDOW, servers);
    if (ratio) for (const window of [...new Set([1_000, WINDOW])]) await ratioToRawBullmq(window, servers);
  } finally {
    await pool.end();
    await Promise.all([redisServer.stop(), pgServer.stop()]);
  }
}
