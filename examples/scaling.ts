/**
 * Scaling out: the same desk on BullMQ + Redis, with two workers sharing one store. In production
 * each worker is its own process (or machine) and the store is PostgreSQL; here both workers run
 * in this process over one embedded PGlite, so the example needs nothing but a Redis.
 *
 * Run it: `npx tsx examples/scaling.ts` (Redis at REDIS_URL, default redis://127.0.0.1:6379).
 * Without a reachable Redis it says so and exits 0.
 */
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import { createProcess, inquiryMachine, slaPolicy } from 'serviceflow';
import { createBullmqDesk } from 'serviceflow/bullmq';
import { migrate, postgresStore } from 'serviceflow/postgres';

export interface ScalingExampleOptions {
  readonly redisUrl?: string;
  readonly print?: (line: string) => void;
}

/** Resolves with the printed lines, or `null` when Redis is not reachable. */
export async function runScalingExample(options: ScalingExampleOptions = {}): Promise<string[] | null> {
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    (options.print ?? console.log)(line);
  };
  const url = new URL(options.redisUrl ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  if (!(await reachable(connection))) {
    say(
      `Redis is not reachable at ${url.host}: start one (Debian: apt-get install redis-server) or set REDIS_URL. Nothing to do.`,
    );
    return null;
  }

  const db = new PGlite(); // production: a pg.Pool on PostgreSQL, shared by every worker
  await migrate(db);
  const store = postgresStore(db);
  const queueName = `scaling-example-${Date.now()}`;

  // #region scaling
  const inquiryProcess = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
  // Two workers (normally two processes, each running exactly this line)…
  const workers = ['worker-a', 'worker-b'].map((name) => {
    const worker = createBullmqDesk({
      process: inquiryProcess,
      store,
      connection,
      queueName,
      worker: { concurrency: 8 },
    });
    worker.on('sla.met', (effect) => say(`${name}: ${effect.inquiryId} first response met`));
    return worker;
  });
  // …and a producer (an API server): it validates, appends to the inquiry's log and returns.
  const api = createBullmqDesk({ process: inquiryProcess, store, connection, queueName, worker: false });

  const at = Date.now();
  const last = [];
  for (let i = 1; i <= 6; i++) {
    await api.open({ id: `T-${i}`, channel: 'email', customer: { id: `C-${i}` }, at });
    await api.send(`T-${i}`, { type: 'assign', agentId: 'ana', at: at + 1 });
    last.push(await api.send(`T-${i}`, { type: 'agent.reply', at: at + 2 })); // applied after the assign, always
  }
  for (const submitted of last) {
    const inquiry = await api.waitUntilApplied(submitted);
    say(
      `${inquiry.id}: ${inquiry.view.stage}, first response ${inquiry.view.sla.firstResponse?.status}, log position ${inquiry.appliedSequence}`,
    );
  }
  // #endregion scaling

  await Promise.all([api, ...workers].map((desk) => desk.close()));
  await db.close();
  await cleanUp(connection, `serviceflow:${queueName}`);
  return lines;
}

async function reachable(connection: { host: string; port: number }): Promise<boolean> {
  const probe = new Redis({
    ...connection,
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Deletes the example's keys: its queue and its inquiry logs. */
async function cleanUp(connection: { host: string; port: number }, prefix: string): Promise<void> {
  const redis = new Redis(connection);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await runScalingExample();
