/**
 * A PostgreSQL server for integration tests: the one `SERVICEFLOW_PG_URL` points at, or else a
 * throwaway server started from the Debian server binaries (`/usr/lib/postgresql/<n>/bin`) in a temp
 * directory on a free loopback port, stopped and deleted by `stop()`.
 *
 * Either way each caller gets its own schema, made the connection's `search_path`, so tests never
 * touch tables they did not create (safe to point `SERVICEFLOW_PG_URL` at a development database).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** How the tests can reach a server, decided without starting anything. */
export type PostgresAvailability =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'binaries'; readonly bin: string; readonly runAs: string | undefined }
  | { readonly kind: 'none'; readonly reason: string };

/** A server ready for tests: connect with `config` (its `search_path` is a schema of your own). */
export interface PostgresTestServer {
  /** Connection settings for `new pg.Pool(config)` / `new pg.Client(config)`. */
  readonly config: pg.PoolConfig;
  /** The schema this server handle created for the caller (already the `search_path`). */
  readonly schema: string;
  /** Where the server came from, for log lines. */
  readonly description: string;
  /** Drops the schema; stops and deletes a server this helper started. */
  stop(): Promise<void>;
}

/** The one line printed when a PostgreSQL suite is skipped. */
export const POSTGRES_SKIP_HINT =
  'set SERVICEFLOW_PG_URL=postgres://user:pass@host:port/db, or install the PostgreSQL server (Debian: apt-get install postgresql) so the tests can start one';

/**
 * Finds a server to use: `SERVICEFLOW_PG_URL`, else the newest `/usr/lib/postgresql/<n>/bin` with
 * `initdb` and `pg_ctl` (run as the `postgres` user when we are root, since PostgreSQL refuses root).
 */
export function postgresAvailability(env: NodeJS.ProcessEnv = process.env): PostgresAvailability {
  const url = env['SERVICEFLOW_PG_URL'];
  if (url !== undefined && url !== '') return { kind: 'url', url };
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter(
          (name) => existsSync(join(root, name, 'bin', 'initdb')) && existsSync(join(root, name, 'bin', 'pg_ctl')),
        )
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined)
    return { kind: 'none', reason: 'SERVICEFLOW_PG_URL is not set and no PostgreSQL server binaries were found' };
  const bin = join(root, newest, 'bin');
  if (process.getuid?.() !== 0) return { kind: 'binaries', bin, runAs: undefined };
  if (
    !readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .some((line) => line.startsWith('postgres:'))
  ) {
    return { kind: 'none', reason: 'running as root and there is no postgres user to run the server binaries as' };
  }
  return { kind: 'binaries', bin, runAs: 'postgres' };
}

/** Starts (or connects to) a server per {@link postgresAvailability}; throws if there is none. */
export async function startPostgresServer(availability = postgresAvailability()): Promise<PostgresTestServer> {
  if (availability.kind === 'none')
    throw new Error(`No PostgreSQL server: ${availability.reason}; ${POSTGRES_SKIP_HINT}`);
  if (availability.kind === 'url') {
    return withOwnSchema({ connectionString: availability.url }, `SERVICEFLOW_PG_URL`, async () => {});
  }
  const local = await startLocalServer(availability.bin, availability.runAs);
  return withOwnSchema(local.config, local.description, local.stop);
}

async function withOwnSchema(
  base: pg.PoolConfig,
  description: string,
  stopServer: () => Promise<void>,
): Promise<PostgresTestServer> {
  const schema = `serviceflow_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client(base);
  try {
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
  } catch (error) {
    await stopServer();
    throw error;
  } finally {
    await admin.end().catch(() => {});
  }
  return {
    config: { ...base, options: `-c search_path=${schema}` },
    schema,
    description,
    async stop() {
      const cleanup = new pg.Client(base);
      try {
        await cleanup.connect();
        await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await cleanup.end().catch(() => {});
        await stopServer();
      }
    },
  };
}

interface LocalServer {
  readonly config: pg.PoolConfig;
  readonly description: string;
  stop(): Promise<void>;
}

async function startLocalServer(bin: string, runAs: string | undefined): Promise<LocalServer> {
  const dir = mkdtempSync(join(tmpdir(), 'serviceflow-pg-'));
  const data = join(dir, 'data');
  if (runAs !== undefined) {
    const uid = Number(execFileSync('id', ['-u', runAs], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', runAs], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const command = (tool: string, args: string[]): [string, string[]] =>
    runAs === undefined ? [join(bin, tool), args] : ['runuser', ['-u', runAs, '--', join(bin, tool), ...args]];
  const pgCtl = (args: string[]) => run(...command('pg_ctl', ['-D', data, ...args]));

  let started = false;
  const stopNow = (): void => {
    if (started) {
      started = false;
      try {
        execFileSync(...command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']), { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run killed before afterAll must not leave a server running.
  process.once('exit', stopNow);

  try {
    await run(
      ...command('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']),
    );
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const settings = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
      try {
        await pgCtl(['-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', settings, 'start']);
        break;
      } catch (error) {
        if (attempt >= 3) throw error; // another process took the port between probe and start
      }
    }
    started = true;
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    await admin.query('CREATE DATABASE serviceflow_test');
    await admin.end();
    return {
      config: { host: '127.0.0.1', port, user: 'postgres', database: 'serviceflow_test' },
      description: `a throwaway PostgreSQL (${bin}) on 127.0.0.1:${port}`,
      async stop() {
        process.removeListener('exit', stopNow);
        if (started) {
          started = false;
          await pgCtl(['-m', 'fast', '-w', 'stop']).catch(() => undefined);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000) : '';
    process.removeListener('exit', stopNow);
    stopNow();
    throw new Error(`Could not start a throwaway PostgreSQL from ${bin}: ${String(error)}\n${log}`, { cause: error });
  }
}

/**
 * A pool for tests. `pool.end()` resolves before the connections it ends are closed, and the test
 * server's stop terminates whatever is still open (`57P01`), which a client the pool has already
 * let go of would raise as an uncaught 'error' at teardown: every client gets a listener that
 * ignores errors it has no query to report to (a query's own error still reaches its promise).
 */
export function testPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('error', () => {});
  return pool;
}
