/**
 * Where the CPU of a desk benchmark goes: CPU time of the worker processes, Redis, PostgreSQL (the
 * postmaster and its backends) and the producer over a measured interval, from /proc (Linux; on
 * other systems the figures are left out), plus Redis's per-command counts (commands a Lua script
 * runs count too). Per event, these are the figures a shared machine's load changes least.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/** CPU seconds (user + system) of one process, and of its waited-for children, from /proc. */
function cpuOf(pid: number, withChildren: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks =
      Number(fields[11]) + Number(fields[12]) + (withChildren ? Number(fields[13]) + Number(fields[14]) : 0);
    return ticks / 100; // USER_HZ is 100 on every Linux this runs on
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** The postmaster and every process it forked (backends, WAL writer, …), with reaped children. */
function postgresCpu(postmaster: number): number {
  let total = cpuOf(postmaster, true);
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid !== postmaster && parentOf(pid) === postmaster) total += cpuOf(pid, false);
  }
  return total;
}

/** CPU seconds the whole machine was busy (every core; steal time counts as busy: someone had it). */
function machineBusy(): number {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/); // the first line is the total
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields.map(Number);
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return 0;
  }
}

/** Calls and microseconds per Redis command (a script's own commands count inside it too). */
async function redisCommands(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const commands = new Map<string, { calls: number; usec: number }>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (match !== null) commands.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) }); // the groups are in the pattern
  }
  return commands;
}

interface Reading {
  readonly at: number;
  readonly machine: number;
  readonly workers: number;
  readonly redis: number;
  readonly postgres: number;
  readonly producer: number;
  readonly commands: Map<string, { calls: number; usec: number }>;
}

/** The cost of the events applied between `start()` and `stop(events)`. */
export interface CostMeter {
  start(): Promise<void>;
  stop(events: number): Promise<Record<string, unknown>>;
}

/** A meter over the given worker processes, the Redis of `redis` and the PostgreSQL of `pool`. */
export async function costMeter(workerPids: readonly number[], redis: Redis, pool: pg.Pool): Promise<CostMeter> {
  const onLinux = existsSync('/proc/self/stat');
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1] ?? 0);
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmaster = parentOf(rows[0]?.pid ?? 0);
  const read = async (): Promise<Reading> => {
    const usage = process.cpuUsage();
    return {
      at: performance.now(),
      machine: machineBusy(),
      workers: workerPids.reduce((sum, pid) => sum + cpuOf(pid, false), 0),
      redis: cpuOf(redisPid, false),
      postgres: postmaster > 1 ? postgresCpu(postmaster) : 0,
      producer: (usage.user + usage.system) / 1e6,
      commands: await redisCommands(redis),
    };
  };
  let first: Reading | undefined;
  return {
    async start() {
      first = await read();
    },
    async stop(events) {
      const last = await read();
      const begin = first ?? last;
      const perEvent = (seconds: number): number => Number(((seconds * 1000) / Math.max(1, events)).toFixed(3));
      // Scripts (evalsha) first: their time includes the commands they run.
      const commandsPerEvent: Record<string, string> = {};
      let totalCommands = 0;
      const deltas = [...last.commands].map(([name, { calls, usec }]) => {
        const before = begin.commands.get(name);
        return { name, calls: calls - (before?.calls ?? 0), usec: usec - (before?.usec ?? 0) };
      });
      for (const { name, calls, usec } of deltas.sort((a, b) => b.usec - a.usec)) {
        totalCommands += calls;
        if (calls / events >= 0.05)
          commandsPerEvent[name] = `${(calls / events).toFixed(2)} × ${(usec / Math.max(1, calls)).toFixed(1)} µs`;
      }
      const cpu = {
        workers: perEvent(last.workers - begin.workers),
        redis: perEvent(last.redis - begin.redis),
        postgres: perEvent(last.postgres - begin.postgres),
        producer: perEvent(last.producer - begin.producer),
      };
      const seconds = (last.at - begin.at) / 1000;
      const ours =
        last.workers -
        begin.workers +
        (last.redis - begin.redis) +
        (last.postgres - begin.postgres) +
        (last.producer - begin.producer);
      const cores = (cpuSeconds: number): number => Number((cpuSeconds / seconds).toFixed(2));
      return {
        ...(onLinux
          ? {
              cpuMsPerEvent: {
                ...cpu,
                total: Number((cpu.workers + cpu.redis + cpu.postgres + cpu.producer).toFixed(3)),
              },
              // Cores in use on average during the run: by the bench's processes, and by everything else.
              coresBusy: {
                bench: cores(ours),
                others: cores(Math.max(0, last.machine - begin.machine - ours)),
                of: cpus().length,
              },
            }
          : {}),
        redisCommandsPerEvent: Number((totalCommands / events).toFixed(2)),
        redisCommands: commandsPerEvent,
      };
    },
  };
}
