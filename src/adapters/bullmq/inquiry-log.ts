/**
 * The per-inquiry event log in Redis: producers append entries under increasing sequence numbers
 * (one Lua script, so numbering and writing are one atomic step); drain jobs read the unapplied
 * entries and, once the store holds their effect, trim them. The store records the last applied
 * sequence number in the snapshot, which is what makes a retried or duplicated job harmless.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { DeadLetter } from './payloads.js';
import type { RunnerKeys } from './keys.js';
import { BatchedReads } from './batched-reads.js';
import { PendingSettles, type Settle } from './pending-settles.js';

// KEYS: sequence, log, eventIds, pending, drainQueued. ARGV: inquiryId, eventId TTL (s), drainQueued
// TTL (ms), then eventId/payload pairs (eventId '' = none). Returns the sequence number of each
// payload (a payload whose eventId was appended before returns the earlier number and is not
// appended again) and whether the caller must add a drain job: yes unless a drain job was added
// since the last drain read the log (drainQueued is set), and always for a repeated eventId (a
// retried send, whose first attempt may have died before adding its job).
const APPEND = `
local results = {}
local withIds = false
local repeated = false
for i = 4, #ARGV, 2 do
  local eventId = ARGV[i]
  local existing = false
  if eventId ~= '' then
    withIds = true
    existing = redis.call('HGET', KEYS[3], eventId)
  end
  if existing then
    repeated = true
    table.insert(results, tonumber(existing))
  else
    local sequence = redis.call('INCR', KEYS[1])
    redis.call('HSET', KEYS[2], sequence, ARGV[i + 1])
    if eventId ~= '' then redis.call('HSET', KEYS[3], eventId, sequence) end
    table.insert(results, sequence)
  end
end
if withIds then redis.call('EXPIRE', KEYS[3], ARGV[2]) end
local time = redis.call('TIME')
redis.call('ZADD', KEYS[4], 'NX', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000), ARGV[1])
local queued = redis.call('SET', KEYS[5], '1', 'PX', ARGV[3], 'NX')
local drain = 0
if queued or repeated then drain = 1 end
return { results, drain }
`;

// The trim of one inquiry's applied entries, shared by the scripts below: trims the entries up to
// `applied` (moving them to the archive when asked), and takes the inquiry off the pending set when
// its log is empty (appends are atomic, so an empty log means nothing is waiting; a later append
// puts it back). Returns how many entries are left.
const SETTLE_FUNCTION = `
local function settle(logKey, archiveKey, pendingKey, inquiryId, applied, archive)
  for _, field in ipairs(redis.call('HKEYS', logKey)) do
    if tonumber(field) <= applied then
      if archive == '1' then redis.call('HSET', archiveKey, field, redis.call('HGET', logKey, field)) end
      redis.call('HDEL', logKey, field)
    end
  end
  local left = redis.call('HLEN', logKey)
  if left == 0 then redis.call('ZREM', pendingKey, inquiryId) end
  return left
end
`;

// KEYS: deadLetterIndex, pending, then (log, archive) of each earlier drain to settle, then (log,
// drainQueued) of each inquiry to read. ARGV: archive ('1' or '0'), how many settles, then
// (inquiryId, applied) of each settle, then the inquiryId of each read. First settles the earlier
// drains of this worker (their trims ride on this call instead of one call each). Then, for each
// read, in order: every entry of the log, flat (field, value, …), after deleting drainQueued (an
// append from now on adds a drain job of its own, since this read cannot see it), and the
// sequence numbers among them recorded as dead letters already (by an attempt that died before it
// could trim them: a retry must not apply those). A log that cannot be read (not a hash) answers
// its own read with Redis's error as a third element, so it fails only its own drain.
const READ_FOR_DRAINS = `${SETTLE_FUNCTION}
local settles = tonumber(ARGV[2])
for s = 0, settles - 1 do
  settle(KEYS[3 + 2 * s], KEYS[4 + 2 * s], KEYS[2], ARGV[3 + 2 * s], tonumber(ARGV[4 + 2 * s]), ARGV[1])
end
local first = 3 + 2 * settles
local reads = {}
for r = 0, #ARGV - first do
  local inquiryId = ARGV[first + r]
  redis.call('DEL', KEYS[first + 2 * r + 1])
  local flat = redis.pcall('HGETALL', KEYS[first + 2 * r])
  if flat.err then
    table.insert(reads, { {}, {}, flat.err })
  else
    local dead = {}
    for i = 1, #flat, 2 do
      if redis.call('HEXISTS', KEYS[1], inquiryId .. '#' .. flat[i]) == 1 then table.insert(dead, flat[i]) end
    end
    table.insert(reads, { flat, dead })
  end
end
return reads
`;

// KEYS: pending, then (log, archive) of each inquiry. ARGV: archive ('1' or '0'), then (inquiryId,
// applied) of each. Settles each; returns how many entries are left in the last one's log.
const SETTLE = `${SETTLE_FUNCTION}
local left = 0
for i = 2, #KEYS, 2 do left = settle(KEYS[i], KEYS[i + 1], KEYS[1], ARGV[i], tonumber(ARGV[i + 1]), ARGV[1]) end
return left
`;

// KEYS: pending. ARGV: before (epoch ms), limit. Returns inquiries pending since before `before`
// and marks them pending from now, so that the next sweep (of any worker) leaves them alone for a
// grace period of its own.
const TAKE_STALE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', now, id) end
return ids
`;

// KEYS: deadLetterIndex, deadLetters. ARGV: key, record. Records each key once (the index keeps
// the record, so that a re-drive finds it by key; releases before 0.2 kept '1').
const DEAD_LETTER = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0
`;

// KEYS: deadLetterIndex, deadLetters. ARGV: key. Takes the record of a dead letter off the list
// (its key stays in the index: the entry it stands for is never applied or recorded again) and
// returns it; nil for an unknown key.
const TAKE_DEAD_LETTER = `
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
if record == '1' then
  for _, candidate in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
    local ok, decoded = pcall(cjson.decode, candidate)
    if ok and type(decoded) == 'table' and decoded.key == ARGV[1] then record = candidate break end
  end
  if record == '1' then return false end
end
redis.call('LREM', KEYS[2], 1, record)
return record
`;

interface LogCommands {
  serviceflowAppend(...args: (string | number)[]): Promise<[number[], number]>;
  serviceflowReadForDrains(...args: (string | number)[]): Promise<[string[], string[], string?][]>;
  serviceflowSettle(...args: (string | number)[]): Promise<number>;
  serviceflowDeadLetter(...args: (string | number)[]): Promise<number>;
  serviceflowTakeStale(...args: (string | number)[]): Promise<string[]>;
  serviceflowTakeDeadLetter(...args: (string | number)[]): Promise<string | null>;
}
interface LogPipelineCommands {
  serviceflowAppend(...args: (string | number)[]): ChainableCommander;
}

/** One payload to append: its JSON and an optional producer-chosen id. */
export interface LogAppend {
  readonly payload: string;
  readonly eventId?: string | undefined;
}

/** Where an append put its payloads, and whether the caller must add a drain job for them. */
export interface Appended {
  /** The sequence number of each payload, in order. */
  readonly sequences: number[];
  /** `false` when a drain job added earlier will read these entries (no job of its own needed). */
  readonly needsDrain: boolean;
}

/**
 * The entries of an inquiry's log as read: sequence number → JSON text of
 * `{ kind: 'open', input }`, `{ kind: 'event', event }` or `{ kind: 'tick', at }`.
 *
 * @example
 * ```ts
 * import { inquiryMachine } from 'serviceflow';
 * import type { BullmqDesk, LogEntries } from 'serviceflow/bullmq';
 * declare const desk: BullmqDesk<typeof inquiryMachine>;
 * const entries: LogEntries = await desk.logEntries('T-1');
 * for (const [sequence, text] of entries) console.log(sequence, JSON.parse(text).kind);
 * ```
 */
export type LogEntries = ReadonlyMap<number, string>;

/** What a drain reads: the log's entries, and which of them are dead letters already. */
export interface DrainRead {
  readonly entries: LogEntries;
  readonly deadLettered: ReadonlySet<number>;
}

/** An inquiry log client over one ioredis connection. */
export interface InquiryLog {
  /** Appends payloads to one inquiry's log; resolves with their sequence numbers. */
  append(inquiryId: string, items: readonly LogAppend[]): Promise<Appended>;
  /** Appends to several inquiries' logs in one round trip (a pipeline). */
  appendMany(batches: readonly { inquiryId: string; items: readonly LogAppend[] }[]): Promise<Appended[]>;
  /** Every entry still in the log (the unapplied ones, plus any not trimmed yet). */
  read(inquiryId: string): Promise<LogEntries>;
  /** {@link InquiryLog.read} by a drain: from now on, an append adds a drain job of its own. */
  readForDrain(inquiryId: string): Promise<DrainRead>;
  /** Makes the next append add a drain job (after adding one failed). */
  clearQueuedDrain(inquiryId: string): Promise<void>;
  /** Trims entries up to `applied`; resolves with how many entries are left in the log. */
  settle(inquiryId: string, applied: number): Promise<number>;
  /**
   * Trims entries up to `applied` soon: with the next {@link InquiryLog.readForDrain} of this
   * client, at {@link InquiryLog.flushSettles}, or after a few milliseconds when neither comes. A trim that is lost (Redis restarted) is
   * done by the inquiry's next drain, or the sweep's.
   */
  settleLater(inquiryId: string, applied: number): void;
  /** Sends the trims {@link InquiryLog.settleLater} holds now. */
  flushSettles(): Promise<void>;
  /** Records a dead letter once per key; resolves `true` when it was new. */
  deadLetter(letter: DeadLetter): Promise<boolean>;
  /** Whether a dead letter with this key was recorded. */
  wasDeadLettered(key: string): Promise<boolean>;
  /** Whether every entry `from`…`to` of the inquiry's log was recorded as a dead letter. */
  allDeadLettered(inquiryId: string, from: number, to: number): Promise<boolean>;
  /** Dead letters, oldest first. */
  deadLetters(start: number, count: number): Promise<DeadLetter[]>;
  /** The dead letter recorded under `key`, without taking it off the list; `undefined` if none. */
  findDeadLetter(key: string): Promise<DeadLetter | undefined>;
  /** Takes a dead letter off the list (its key stays recorded); resolves whether it was there. */
  takeDeadLetter(key: string): Promise<boolean>;
  /** Inquiries pending since before `before` (epoch ms), at most `limit`; they count as pending from now on. */
  stalePending(before: number, limit: number): Promise<string[]>;
  /** Entries moved to the archive (`archive: true`), sequence number → JSON text. */
  archived(inquiryId: string): Promise<LogEntries>;
}

/** How long producer-chosen event ids are remembered (seconds): the window for retrying a send. */
const EVENT_ID_TTL_SECONDS = 24 * 60 * 60;

/**
 * How long an append that added a drain job spares later appends theirs (ms). It bounds what a
 * producer that died between its append and its job costs: after this, the next send adds a job
 * again (and the sweep re-drives the log in any case). A drain job that waits longer than this in
 * a backlog is only joined by de-duplicated adds.
 */
const DRAIN_QUEUED_TTL_MS = 10_000;

const toEntries = (hash: Record<string, string>): Map<number, string> => {
  const entries = new Map<number, string>();
  for (const [field, value] of Object.entries(hash)) entries.set(Number(field), value);
  return entries;
};

const pairsToEntries = (flat: readonly string[]): Map<number, string> => {
  const entries = new Map<number, string>();
  // HGETALL's reply alternates field and value, so i + 1 < flat.length.
  for (let i = 0; i + 1 < flat.length; i += 2) entries.set(Number(flat[i]), flat[i + 1]!);
  return entries;
};

const toAppended = ([sequences, drain]: [number[], number]): Appended => ({ sequences, needsDrain: drain === 1 });

/** Creates the log client; defines the Lua scripts on the connection (EVALSHA, reloaded after a Redis restart). */
export function inquiryLog(
  redis: Redis,
  keys: RunnerKeys,
  options: { readonly archive: boolean; readonly reportError: (error: unknown) => void },
): InquiryLog {
  if (!('serviceflowAppend' in redis)) {
    redis.defineCommand('serviceflowAppend', { numberOfKeys: 5, lua: APPEND });
    // These two take a number of keys that varies: the caller passes it first.
    redis.defineCommand('serviceflowReadForDrains', { lua: READ_FOR_DRAINS });
    redis.defineCommand('serviceflowSettle', { lua: SETTLE });
    redis.defineCommand('serviceflowDeadLetter', { numberOfKeys: 2, lua: DEAD_LETTER });
    redis.defineCommand('serviceflowTakeStale', { numberOfKeys: 1, lua: TAKE_STALE });
    redis.defineCommand('serviceflowTakeDeadLetter', { numberOfKeys: 2, lua: TAKE_DEAD_LETTER });
  }
  // defineCommand adds these methods at run time; this is their signature.
  const commands = redis as Redis & LogCommands;
  const appendArgs = (inquiryId: string, items: readonly LogAppend[]): (string | number)[] => [
    keys.sequence(inquiryId),
    keys.log(inquiryId),
    keys.eventIds(inquiryId),
    keys.pending,
    keys.drainQueued(inquiryId),
    inquiryId,
    EVENT_ID_TTL_SECONDS,
    DRAIN_QUEUED_TTL_MS,
    ...items.flatMap((item) => [item.eventId ?? '', item.payload]),
  ];
  const archive = options.archive ? '1' : '0';
  /** The keys and arguments that settle `settles`, for a script that takes them as pairs. */
  const settleArgs = (settles: readonly Settle[]): { keys: string[]; args: (string | number)[] } => ({
    keys: settles.flatMap(({ inquiryId }) => [keys.log(inquiryId), keys.archive(inquiryId)]),
    args: settles.flatMap(({ inquiryId, applied }) => [inquiryId, applied]),
  });
  const settleMany = (settles: readonly Settle[]): Promise<number> => {
    const many = settleArgs(settles);
    return commands.serviceflowSettle(1 + many.keys.length, keys.pending, ...many.keys, archive, ...many.args);
  };
  const owed = new PendingSettles(settleMany, options.reportError);
  // The reads of drains that start in the same tick go in one call, with every trim owed.
  const reads = new BatchedReads<DrainRead>(async (inquiryIds) => {
    const settles = owed.take();
    const carried = settleArgs(settles);
    try {
      const answers = await commands.serviceflowReadForDrains(
        2 + carried.keys.length + 2 * inquiryIds.length,
        keys.deadLetterIndex,
        keys.pending,
        ...carried.keys,
        ...inquiryIds.flatMap((inquiryId) => [keys.log(inquiryId), keys.drainQueued(inquiryId)]),
        archive,
        settles.length,
        ...carried.args,
        ...inquiryIds,
      );
      return answers.map(([flat, dead, error]) =>
        error === undefined
          ? { entries: pairsToEntries(flat), deadLettered: new Set(dead.map(Number)) }
          : new Error(`Reading the log failed: ${error}`),
      );
    } catch (error) {
      owed.giveBack(settles);
      throw error;
    }
  });

  return {
    append: async (inquiryId, items) => toAppended(await commands.serviceflowAppend(...appendArgs(inquiryId, items))),
    async appendMany(batches) {
      const pipeline = redis.pipeline() as ChainableCommander & LogPipelineCommands;
      for (const { inquiryId, items } of batches) pipeline.serviceflowAppend(...appendArgs(inquiryId, items));
      const results = (await pipeline.exec()) ?? [];
      return results.map(([error, value]) => {
        if (error !== null) throw error;
        return toAppended(value as [number[], number]);
      });
    },
    read: async (inquiryId) => toEntries(await redis.hgetall(keys.log(inquiryId))),
    readForDrain: (inquiryId) => reads.read(inquiryId),
    clearQueuedDrain: async (inquiryId) => void (await redis.del(keys.drainQueued(inquiryId))),
    settle: (inquiryId, applied) => settleMany([{ inquiryId, applied }]),
    settleLater: (inquiryId, applied) => owed.add(inquiryId, applied),
    flushSettles: () => owed.flush(),
    deadLetter: async (letter) =>
      (await commands.serviceflowDeadLetter(
        keys.deadLetterIndex,
        keys.deadLetters,
        letter.key,
        JSON.stringify(letter),
      )) === 1,
    wasDeadLettered: async (key) => (await redis.hexists(keys.deadLetterIndex, key)) === 1,
    async allDeadLettered(inquiryId, from, to) {
      for (let start = from; start <= to; start += 1_000) {
        const fields = Array.from({ length: Math.min(1_000, to - start + 1) }, (_, i) => `${inquiryId}#${start + i}`);
        if ((await redis.hmget(keys.deadLetterIndex, ...fields)).some((value) => value === null)) return false;
      }
      return true;
    },
    async findDeadLetter(key) {
      const record = await redis.hget(keys.deadLetterIndex, key);
      if (record === null) return undefined;
      if (record !== '1') return JSON.parse(record) as DeadLetter;
      const listed = await redis.lrange(keys.deadLetters, 0, -1); // recorded by an older release
      for (const candidate of listed) {
        const letter = JSON.parse(candidate) as DeadLetter;
        if (letter.key === key) return letter;
      }
      return undefined;
    },
    takeDeadLetter: async (key) =>
      (await commands.serviceflowTakeDeadLetter(keys.deadLetterIndex, keys.deadLetters, key)) !== null,
    async deadLetters(start, count) {
      const records = await redis.lrange(keys.deadLetters, start, count <= 0 ? start - 1 : start + count - 1);
      return records.map((record) => JSON.parse(record) as DeadLetter);
    },
    stalePending: (before, limit) => commands.serviceflowTakeStale(keys.pending, before, limit),
    archived: async (inquiryId) => toEntries(await redis.hgetall(keys.archive(inquiryId))),
  };
}
