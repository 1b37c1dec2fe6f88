/**
 * Reliability of the BullMQ desk against real servers: worker processes (real child processes)
 * over a real PostgreSQL and a real Redis, with random events, a worker killed with SIGKILL
 * mid-run, Redis killed and restarted mid-run, duplicate, stale and out-of-order deliveries, and
 * malformed payloads. Afterwards every inquiry's state must equal what the pure process computes
 * from the inquiry's event log, its journal must hold every effect exactly once (so every deadline
 * fired exactly once), and the dead-letter list must hold exactly the refused payloads — among
 * them poison events (a NUL or a lone surrogate in a free-text field, which the store refuses,
 * and events that make the process throw), each dead-lettered with its reason while every later
 * event of its inquiry is applied.
 *
 * `npm test` runs a small version (300 inquiries, 2 workers). SERVICEFLOW_RELIABILITY=full (set
 * by .ci/run) runs 10,000 inquiries on 3 workers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InquiryEventInit, inquiryMachine, JournalEntry, SnapshotStore } from 'serviceflow';
import { migrate, postgresStore } from 'serviceflow/postgres';
import { createBullmqDesk, type BullmqDesk, type DeadLetter } from 'serviceflow/bullmq';
import { inquiryEventBody } from 'serviceflow/testing/arbitraries';
import { runnerKeys } from '../../internal/internals.js';
import {
  POSTGRES_SKIP_HINT,
  postgresAvailability,
  startPostgresServer,
  testPool,
  type PostgresTestServer,
} from '../../support/postgres-server.js';
import { redisAvailability, startRedisServer, type RedisTestServer } from '../../support/redis-server.js';
import { referenceFold, type Reference } from './support/reference.js';
import { BUGGY_AGENT, reliabilityProcess } from './support/reliability-process.js';
import type { WorkerConfig } from './support/worker-main.js';

const FULL = process.env['SERVICEFLOW_RELIABILITY'] === 'full';
const SIZE = FULL
  ? { inquiries: 10_000, eventsPerInquiry: 10, workers: 3 }
  : { inquiries: 300, eventsPerInquiry: 8, workers: 2 };

const redis = redisAvailability();
const postgres = postgresAvailability();
// Without redis-server at all, createBullmqDesk.test.ts prints the one line for every Redis suite;
// this one adds its own only for what else it needs (the PostgreSQL server, a restartable Redis).
const missing = [
  ...(redis.kind === 'url'
    ? [
        'a redis-server binary it can kill and restart (SERVICEFLOW_REDIS_URL is set); unset it with redis-server installed',
      ]
    : []),
  ...(postgres.kind === 'none' ? [`the PostgreSQL server: ${postgres.reason}; ${POSTGRES_SKIP_HINT}`] : []),
];
if (redis.kind !== 'none' && missing.length > 0)
  console.log(`[serviceflow] BullMQ reliability suite skipped: needs ${missing.join(', and ')}.`);
const describeWithServers = redis.kind !== 'binary' || missing.length > 0 ? describe.skip : describe;

const QUEUE = `reliability-${process.pid}`;
const DEADLINE_EFFECTS = new Set([
  'sla.warning',
  'sla.breached',
  'survey.requested',
  'survey.reminder',
  'survey.expired',
  'inquiry.closed',
]);
const processUnderTest = reliabilityProcess();
type Desk = BullmqDesk<typeof inquiryMachine>;

interface Worker {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

interface Outcome {
  readonly ids: string[];
  /** What the producer submitted, per inquiry: sequence → the event. */
  readonly submitted: Map<string, Map<number, unknown>>;
  /** Raw log entries the scenario wrote behind the desk's back (sequence → JSON text). */
  readonly injected: Map<string, Map<number, string>>;
  readonly garbageJobIds: string[];
  /** Poison entries the scenario appended: `${id}#${sequence}`. */
  readonly poison: Set<string>;
  readonly logs: Map<string, ReadonlyMap<number, string>>;
  readonly references: Map<string, Reference>;
  readonly stored: Map<string, { state: unknown; wakeAt: number | null } | undefined>;
  readonly journals: Map<string, JournalEntry[]>;
  readonly deadLetters: DeadLetter[];
  readonly due: number;
}

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!); // next < items.length
    }),
  );
}

describeWithServers(
  `the BullMQ desk under failure: ${SIZE.workers} worker processes, ${SIZE.inquiries} inquiries`,
  () => {
    let redisServer: RedisTestServer;
    let pgServer: PostgresTestServer;
    let pgPool: pg.Pool;
    let admin: Redis;
    let producer: Desk;
    let store: SnapshotStore;
    const workers: Worker[] = [];
    let outcome: Outcome;

    function startWorker(): Promise<Worker> {
      const config: WorkerConfig = {
        redis: { host: redisServer.host, port: redisServer.port },
        pg: pgServer.config,
        queueName: QUEUE,
        concurrency: 32,
      };
      const child = fork(fileURLToPath(new URL('./support/worker-main.ts', import.meta.url)), {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, SERVICEFLOW_WORKER: JSON.stringify(config) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const worker = { child, exited };
      workers.push(worker);
      return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.on('message', (message: { type?: string }) => {
          if (message.type === 'ready') resolve(worker);
        });
      });
    }

    beforeAll(
      async () => {
        const started = Date.now();
        [redisServer, pgServer] = await Promise.all([startRedisServer(redis), startPostgresServer(postgres)]);
        pgPool = testPool({ ...pgServer.config, max: 16 });
        await migrate(pgPool);
        store = postgresStore(pgPool);
        admin = new Redis({ host: redisServer.host, port: redisServer.port, maxRetriesPerRequest: null });
        admin.on('error', () => {}); // the restart: ioredis reconnects
        producer = createBullmqDesk({
          process: processUnderTest,
          store,
          connection: { host: redisServer.host, port: redisServer.port },
          queueName: QUEUE,
          worker: false,
        });
        producer.on('error', () => {});
        const queue = new Queue(QUEUE, { connection: admin, prefix: 'serviceflow' });
        queue.on('error', () => {}); // the restart
        const keys = runnerKeys('serviceflow', QUEUE);
        await Promise.all(Array.from({ length: SIZE.workers }, startWorker));

        const ids = Array.from({ length: SIZE.inquiries }, (_, i) => `R-${i}`);
        const bodies = fc.sample(inquiryEventBody(), {
          numRuns: SIZE.inquiries * SIZE.eventsPerInquiry,
          seed: 20_261_123,
        });
        const random = fc.sample(fc.integer({ min: 0, max: 2 ** 30 }), { numRuns: 10_000, seed: 7 });
        let draw = 0;
        const pick = (n: number): number => random[draw++ % random.length]! % n; // modulo of a non-empty list
        const lastAt = new Map<string, number>();
        const stamp = (id: string): number => {
          const at = Math.max((lastAt.get(id) ?? 0) + 1, Date.now());
          lastAt.set(id, at);
          return at;
        };
        const submitted = new Map<string, Map<number, unknown>>(ids.map((id) => [id, new Map()]));
        const injected = new Map<string, Map<number, string>>();
        const garbageJobIds: string[] = [];
        const poison = new Set<string>();
        const rawAppend = async (id: string, text: string): Promise<number> => {
          // The append half of a send done by hand (a producer that died before adding its job).
          const sequence = (await admin.eval(
            `local s = redis.call('INCR', KEYS[1]); redis.call('HSET', KEYS[2], s, ARGV[1]); redis.call('ZADD', KEYS[3], 'NX', ARGV[2], ARGV[3]); return s`,
            3,
            keys.sequence(id),
            keys.log(id),
            keys.pending,
            text,
            Date.now(),
            id,
          )) as number;
          let map = injected.get(id);
          if (map === undefined) injected.set(id, (map = new Map()));
          map.set(sequence, text);
          return sequence;
        };
        // Events that pass send's schema (as it stood before it refused such text) but that no store
        // can keep, or that trip a bug in the process: appended past the door, as an older producer
        // would, among the normal traffic.
        const poisonBodies = (id: string): Record<string, unknown>[] =>
          [
            { type: 'escalate', reason: 'customer\u0000threatens to churn' },
            { type: 'resolve', resolution: 'refund \ud800issued' },
            { type: 'cancel', reason: 'spam\u0000' },
            { type: 'categorize', category: 'billing\udfff' },
            { type: 'assign', team: 'tier\u00002' },
            { type: 'agent.reply', agentId: BUGGY_AGENT },
          ]
            .map((body, i) => (i === pick(6) || id.endsWith('7') ? body : undefined))
            .filter((body) => body !== undefined);

        // Open every inquiry.
        await pool(ids, 64, async (id) => {
          const input = { id, channel: 'email' as const, customer: { id: `C-${id}` }, at: stamp(id) };
          const { sequence } = await producer.open(input);
          submitted.get(id)?.set(sequence, { open: input });
        });

        let chaos: Promise<unknown> = Promise.resolve();
        for (let round = 0; round < SIZE.eventsPerInquiry; round++) {
          if (round === Math.floor(SIZE.eventsPerInquiry * 0.3)) {
            // kill -9 one worker while it holds jobs, and start another in its place.
            workers[0]!.child.kill('SIGKILL'); // started above
            chaos = chaos.then(() => startWorker());
          }
          if (round === Math.floor(SIZE.eventsPerInquiry * 0.6)) {
            // Redis dies (SIGKILL) and comes back from its append-only file while everyone is busy.
            chaos = chaos.then(() => redisServer.restart({ downMs: 700 }));
          }
          if (round === 2) {
            // Duplicate deliveries (drains without de-duplication, racing the real ones) and stale or
            // early wake-ups for random due times, some long past.
            const some = ids.filter(() => pick(20) === 0);
            await queue.addBulk(
              some.flatMap((inquiryId) => [1, 2, 3].map(() => ({ name: 'drain', data: { kind: 'drain', inquiryId } }))),
            );
            await queue.addBulk(
              some.map((inquiryId) => ({
                name: 'wake',
                data: { kind: 'wake', inquiryId, dueAt: Date.now() - pick(5_000) },
              })),
            );
            // Malformed payloads: jobs that are not serviceflow jobs, junk in the logs.
            for (const data of [
              { kind: 'drain' },
              'hello',
              { kind: 'wake', inquiryId: 'R-0', dueAt: 'soon' },
              { kind: 'teleport', inquiryId: 'R-1' },
              null,
            ]) {
              garbageJobIds.push(String((await queue.add('drain', data as never)).id));
            }
            for (const id of ids.filter(() => pick(25) === 0)) {
              await rawAppend(
                id,
                pick(2) === 0
                  ? '{"kind":"event"'
                  : JSON.stringify({ kind: 'event', event: { type: 'explode', at: stamp(id) } }),
              );
            }
          }
          if (round === 3 || round === SIZE.eventsPerInquiry - 1) {
            for (const id of ids.filter(() => pick(12) === 0)) {
              for (const body of poisonBodies(id))
                poison.add(
                  `${id}#${await rawAppend(id, JSON.stringify({ kind: 'event', event: { ...body, at: stamp(id) } }))}`,
                );
            }
          }
          if (round === 4) {
            // Out of order: entries appended without jobs, whose drain jobs then arrive in reverse
            // order, late — and entries no job will ever be added for (the sweep finds them).
            const some = ids.filter(() => pick(30) === 0);
            for (const id of some)
              await rawAppend(id, JSON.stringify({ kind: 'event', event: { type: 'agent.reply', at: stamp(id) } }));
            const reversed = [...some].reverse().filter((_, i) => i % 2 === 0);
            setTimeout(
              () =>
                void queue.addBulk(
                  reversed.map((inquiryId) => ({ name: 'drain', data: { kind: 'drain', inquiryId } })),
                ),
              300,
            );
          }
          const batch = ids.map((id, i) => ({
            id,
            event: { ...bodies[i * SIZE.eventsPerInquiry + round]!, at: stamp(id) } as InquiryEventInit,
          })); // index < numRuns
          for (let start = 0; start < batch.length; start += 500) {
            const slice = batch.slice(start, start + 500);
            const results = await producer.sendMany(slice);
            results.forEach(({ id, sequence }, k) => submitted.get(id)?.set(sequence, slice[k]!.event)); // k < slice.length
          }
        }
        await chaos;

        // Quiescence: no log with unapplied entries, no job waiting, no deadline left.
        const limit = Date.now() + (FULL ? 15 : 2) * 60_000;
        for (;;) {
          const [pending, counts, due] = await Promise.all([
            admin.zcard(keys.pending),
            queue.getJobCounts('waiting', 'active', 'prioritized'),
            store.due({ until: Number.MAX_SAFE_INTEGER, limit: 1 }),
          ]);
          if (pending === 0 && due.length === 0 && Object.values(counts).every((count) => count === 0)) break;
          if (Date.now() > limit)
            throw new Error(`no quiescence: ${pending} pending logs, ${JSON.stringify(counts)}, ${due.length} due`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }

        const logs = new Map<string, ReadonlyMap<number, string>>();
        const references = new Map<string, Reference>();
        const stored = new Map<string, { state: unknown; wakeAt: number | null } | undefined>();
        const journals = new Map<string, JournalEntry[]>();
        await pool(ids, 32, async (id) => {
          const [log, snapshot, journal] = await Promise.all([
            producer.logEntries(id),
            store.load(id),
            store.journal(id),
          ]);
          logs.set(id, log);
          references.set(id, referenceFold(processUnderTest, id, log));
          stored.set(id, snapshot === undefined ? undefined : { state: snapshot.state, wakeAt: snapshot.wakeAt });
          journals.set(id, journal);
        });
        const deadLetters = await producer.deadLetters({ count: 10_000_000 });
        const reasons = new Map<string, number>();
        for (const letter of deadLetters) reasons.set(letter.reason.code, (reasons.get(letter.reason.code) ?? 0) + 1);
        const ticks = [...logs.values()].reduce(
          (sum, log) => sum + [...log.values()].filter((text) => text.startsWith('{"kind":"tick"')).length,
          0,
        );
        console.log(
          `[serviceflow] reliability: dead letters by reason ${JSON.stringify(Object.fromEntries(reasons))}, ${ticks} wake-up ticks`,
        );
        const due = (await store.due({ until: Number.MAX_SAFE_INTEGER })).length;
        await queue.close();
        outcome = {
          ids,
          submitted,
          injected,
          garbageJobIds,
          poison,
          logs,
          references,
          stored,
          journals,
          deadLetters,
          due,
        };
        const events = [...logs.values()].reduce((sum, log) => sum + log.size, 0);
        console.log(
          `[serviceflow] reliability: ${SIZE.inquiries} inquiries, ${events} log entries, ${poison.size} poison events, ${deadLetters.length} dead letters, ${SIZE.workers} workers (+1 after kill -9), Redis restarted once, ${Math.round((Date.now() - started) / 1000)} s`,
        );
      },
      (FULL ? 25 : 4) * 60_000,
    );

    afterAll(async () => {
      for (const worker of workers) if (worker.child.exitCode === null) worker.child.send({ type: 'stop' });
      await Promise.race([
        Promise.all(workers.map((worker) => worker.exited)),
        new Promise((resolve) => setTimeout(resolve, 15_000)),
      ]);
      for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await producer?.close();
      admin?.disconnect();
      await pgPool?.end();
      await Promise.all([redisServer?.stop(), pgServer?.stop()]);
    }, 60_000);

    it('lost no submitted event: each is in its inquiry log once, under the sequence number it was given, and the log has no hole', () => {
      for (const id of outcome.ids) {
        const log = outcome.logs.get(id)!; // read for every id
        const sequences = [...log.keys()];
        expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
        for (const [sequence, sent] of outcome.submitted.get(id)!) {
          const entry = JSON.parse(log.get(sequence)!) as { kind: string; event?: unknown; input?: unknown }; // present: checked above
          expect(entry.kind === 'open' ? { open: entry.input } : entry.event).toEqual(sent);
        }
        for (const [sequence, text] of outcome.injected.get(id) ?? []) expect(log.get(sequence)).toBe(text);
        // Everything else in the log is a wake-up's tick: no event is there twice (the Redis restart
        // made clients resend; the event ids kept those from being appended again).
        const others = [...log.values()].filter((text) => !text.startsWith('{"kind":"tick"')).length;
        expect(others).toBe(outcome.submitted.get(id)!.size + (outcome.injected.get(id)?.size ?? 0));
      }
    });

    it("applied every entry exactly once: each stored state is the pure process's fold of its log", () => {
      for (const id of outcome.ids) {
        const reference = outcome.references.get(id)!; // computed for every id
        const stored = outcome.stored.get(id);
        expect(stored).toBeDefined();
        const { appliedSequence, ...state } = stored?.state as { appliedSequence: number };
        expect(appliedSequence).toBe(outcome.logs.get(id)!.size);
        expect(state).toEqual(JSON.parse(JSON.stringify(reference.state)));
      }
    });

    it('journaled every effect exactly once, in order', () => {
      for (const id of outcome.ids) {
        const journal = outcome.journals.get(id)!; // read for every id
        expect(journal.map((entry) => entry.effect)).toEqual(
          JSON.parse(JSON.stringify(outcome.references.get(id)!.effects)),
        );
      }
    });

    it('fired every deadline, each exactly once', () => {
      expect(outcome.due).toBe(0);
      let fired = 0;
      for (const id of outcome.ids) {
        const deadlines = outcome.journals
          .get(id)!
          .filter(
            (entry) =>
              DEADLINE_EFFECTS.has(entry.type) &&
              (entry.type !== 'inquiry.closed' || (entry.effect as { reason?: string }).reason === 'auto'),
          )
          .map((entry) => JSON.stringify(entry.effect));
        expect(new Set(deadlines).size).toBe(deadlines.length);
        fired += deadlines.length;
      }
      expect(fired).toBeGreaterThan(outcome.ids.length);
    });

    it('dead-lettered exactly the refused and malformed payloads, each once, with the reason', () => {
      const keys = outcome.deadLetters.map((letter) => letter.key);
      expect(new Set(keys).size).toBe(keys.length);
      const expected = [
        ...outcome.garbageJobIds.map((jobId) => `job:${jobId}`),
        ...outcome.ids.flatMap((id) => outcome.references.get(id)!.refused.map((sequence) => `${id}#${sequence}`)),
      ];
      expect(new Set(keys)).toEqual(new Set(expected));
      for (const letter of outcome.deadLetters) {
        expect(letter.reason.code).toMatch(/^[A-Z_]+$/);
        expect(letter.reason.message.length).toBeGreaterThan(10);
      }
    });

    it('dead-lettered every poison event with its reason, and applied the events after it (nothing stuck)', () => {
      expect(outcome.poison.size).toBeGreaterThan(0);
      const letters = new Map(outcome.deadLetters.map((letter) => [letter.key, letter]));
      let harmless = 0;
      for (const key of outcome.poison) {
        const letter = letters.get(key);
        if (letter === undefined) {
          // Applied: an event that keeps none of its text (an assign that changes nothing, say), so
          // no store refuses it. The reference fold (checked above) applied it too.
          const entry = JSON.parse(
            outcome.logs.get(key.slice(0, key.lastIndexOf('#')))!.get(Number(key.slice(key.lastIndexOf('#') + 1)))!,
          ) as { event: unknown }; // a logged key
          expect(JSON.stringify(outcome.stored.get(key.slice(0, key.lastIndexOf('#')))?.state)).not.toMatch(
            /\\u0000|\\ud[89a-f]/,
          );
          expect(JSON.stringify(entry.event)).not.toContain(BUGGY_AGENT);
          harmless++;
          continue;
        }
        const bug = JSON.stringify(letter?.payload).includes(BUGGY_AGENT);
        // A store refusal; the process's own refusal once it refuses such text at its door; a bug.
        expect(
          bug
            ? ['PROCESS_FAILED', 'EVENT_NOT_ALLOWED']
            : ['STORE_REFUSED', 'INVALID_EVENT', 'EVENT_NOT_ALLOWED', 'OUT_OF_ORDER'],
          key,
        ).toContain(letter?.reason.code);
      }
      console.log(
        `[serviceflow] reliability: ${outcome.poison.size - harmless} poison events dead-lettered, ${harmless} applied harmlessly (their text is not kept)`,
      );
      expect(harmless).toBeLessThan(outcome.poison.size / 2);
      const reasons = new Set([...outcome.poison].map((key) => letters.get(key)?.reason.code));
      expect(reasons).toContain('PROCESS_FAILED');
      expect([...reasons].some((code) => code === 'STORE_REFUSED' || code === 'INVALID_EVENT')).toBe(true);
      // Every inquiry applied its whole log (the stored state's position is the log's last entry:
      // checked above), so no poison event held back the entries after it.
      const poisoned = new Set([...outcome.poison].map((key) => key.slice(0, key.lastIndexOf('#'))));
      for (const id of poisoned)
        expect((outcome.stored.get(id)?.state as { appliedSequence?: number }).appliedSequence).toBe(
          outcome.logs.get(id)!.size,
        ); // read for every id
    });
  },
);
