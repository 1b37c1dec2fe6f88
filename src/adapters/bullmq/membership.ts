/**
 * Which worker processes of a queue are alive: each one writes a heartbeat into a sorted set in
 * Redis (its id, scored with when it expires by Redis's own clock, so machines' clocks need not
 * agree) and reads the others' from it. A worker that stops heartbeating (killed, cut off) drops
 * out once its last heartbeat expires; one that closes leaves at once.
 */
import type { Redis } from 'ioredis';

// KEYS: members. ARGV: worker id, time to live (ms). Records the heartbeat, drops expired members,
// returns the live ones.
const HEARTBEAT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;

interface MembershipCommands {
  serviceflowHeartbeat(key: string, workerId: string, ttlMs: number): Promise<string[]>;
}

/** The live workers as this one sees them, after each heartbeat. */
export type MembersListener = (members: readonly string[]) => Promise<void> | void;

/** One worker's heartbeat. */
export class Membership {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private beating: Promise<void> | undefined;
  private stopped = false;
  private readonly commands: Redis & MembershipCommands;

  constructor(
    redis: Redis,
    private readonly key: string,
    readonly workerId: string,
    private readonly interval: number,
    private readonly onMembers: MembersListener,
    private readonly reportError: (error: unknown) => void,
  ) {
    if (!('serviceflowHeartbeat' in redis))
      redis.defineCommand('serviceflowHeartbeat', { numberOfKeys: 1, lua: HEARTBEAT });
    // defineCommand adds the method at run time; this is its signature.
    this.commands = redis as Redis & MembershipCommands;
  }

  /** Heartbeats now and then every interval (on real time: liveness is not the desk's clock). */
  start(): void {
    const beat = (): void => {
      this.beating = this.beat().finally(() => {
        if (!this.stopped) this.timer = setTimeout(beat, this.interval);
      });
    };
    beat();
  }

  /** Stops heartbeating and leaves the set, so that the others take over at their next heartbeat. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.beating;
    await this.commands.zrem(this.key, this.workerId).catch(this.reportError);
  }

  private async beat(): Promise<void> {
    try {
      // Three missed heartbeats and the others count this worker gone.
      const members = await this.commands.serviceflowHeartbeat(this.key, this.workerId, this.interval * 3);
      if (!this.stopped) await this.onMembers(members);
    } catch (error) {
      // Redis unreachable: keep the partitions held until it answers again.
      this.reportError(error);
    }
  }
}
