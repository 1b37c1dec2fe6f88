/**
 * A Redis server for integration tests: the one `SERVICEFLOW_REDIS_URL` points at, or else a
 * throwaway `redis-server` (Debian: apt-get install redis-server) started in a temp directory on a
 * free loopback port, with an append-only file fsynced on every write (so a `kill -9` loses no
 * acknowledged write, as in production), restartable, and deleted by `stop()`.
 */
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** How the tests can reach a Redis server, decided without starting anything. */
export type RedisAvailability =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'binary'; readonly path: string }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * The hint of the one line printed when the Redis suites are skipped (by
 * test/adapters/bullmq/createBullmqDesk.test.ts, for all of them).
 */
export const REDIS_SKIP_HINT =
  'install redis-server (Debian: apt-get install redis-server) so the tests can start one, or set SERVICEFLOW_REDIS_URL=redis://host:port (restart scenarios need the binary)';

/** A server ready for tests. */
export interface RedisTestServer {
  readonly host: string;
  readonly port: number;
  readonly description: string;
  /** Whether this helper runs the server (and can kill and restart it). */
  readonly managed: boolean;
  /** `kill -9` the server, then start it again on the same port from its append-only file. */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Stops and deletes a server this helper started. */
  stop(): Promise<void>;
}

/**
 * Finds a server to use: `SERVICEFLOW_REDIS_URL`, else `redis-server` on the PATH or in /usr/bin.
 * `SERVICEFLOW_SKIP_REDIS=1` pretends there is none (to see the suites skip).
 */
export function redisAvailability(env: NodeJS.ProcessEnv = process.env): RedisAvailability {
  if (env['SERVICEFLOW_SKIP_REDIS'] === '1') return { kind: 'none', reason: 'SERVICEFLOW_SKIP_REDIS=1' };
  const url = env['SERVICEFLOW_REDIS_URL'];
  if (url !== undefined && url !== '') return { kind: 'url', url };
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    if (existsSync(candidate)) return { kind: 'binary', path: candidate };
  }
  try {
    const found = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
    if (found !== '') return { kind: 'binary', path: found };
  } catch {
    // not on the PATH
  }
  return { kind: 'none', reason: 'redis-server was not found and SERVICEFLOW_REDIS_URL is not set' };
}

/** Starts (or connects to) a server per {@link redisAvailability}; throws if there is none. */
export async function startRedisServer(availability = redisAvailability()): Promise<RedisTestServer> {
  if (availability.kind === 'none') throw new Error(`No Redis server: ${availability.reason}; ${REDIS_SKIP_HINT}`);
  if (availability.kind === 'url') {
    const url = new URL(availability.url);
    return {
      host: url.hostname,
      port: Number(url.port || 6379),
      description: 'SERVICEFLOW_REDIS_URL',
      managed: false,
      async restart() {
        throw new Error('cannot restart a Redis server given by SERVICEFLOW_REDIS_URL');
      },
      async stop() {},
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'serviceflow-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const kill = (): void => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);

  const start = async (): Promise<void> => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--protected-mode',
      'no',
      '--loglevel',
      'warning',
    ];
    child = spawn(availability.path, args, { stdio: 'ignore' });
    for (let attempt = 0; ; attempt++) {
      const probe = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => {}); // refused until the server listens: the loop retries
      try {
        await probe.connect();
        // Loading the append-only file answers LOADING until done.
        if ((await probe.ping()) === 'PONG') return;
      } catch (error) {
        if (attempt > 200) throw new Error(`redis-server did not come up on port ${port}: ${String(error)}`);
      } finally {
        probe.disconnect();
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  await start();

  return {
    host: '127.0.0.1',
    port,
    description: `a throwaway redis-server on 127.0.0.1:${port}`,
    managed: true,
    async restart({ downMs = 500 } = {}) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      kill();
      await exited;
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    async stop() {
      process.removeListener('exit', kill);
      const exited =
        child?.exitCode === null ? new Promise((resolve) => child?.once('exit', resolve)) : Promise.resolve();
      kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
