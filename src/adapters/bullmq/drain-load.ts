/**
 * Where a drain starts: the state to fold the log from (the one this worker saved last, or the
 * store's), and the first log entry to apply.
 */
import type { AnyServiceMachine, ServiceProcess } from '../../process/createProcess.js';
import { IncompatibleStateError } from '../../errors.js';
import type { PersistedState } from '../../schemas/state.js';
import type { SnapshotStore } from '../../stores/store.js';
import { appliedSequenceOf } from '../../desk/snapshot.js';
import type { CachedSnapshot, SnapshotCache } from '../../desk/snapshot-cache.js';
import type { InquiryLog, LogEntries } from './inquiry-log.js';

/** Where a drain starts. */
export type DrainStart =
  /** The state to fold from (`undefined`: no snapshot yet), and the first entry to fold. */
  | { readonly kind: 'state'; readonly current: CachedSnapshot | undefined; readonly from: number }
  /** Nothing after the applied entries: the state need not be restored. */
  | { readonly kind: 'settled'; readonly wakeAt: number | null; readonly from: number }
  /** The stored state cannot be restored. */
  | { readonly kind: 'refused'; readonly from: number; readonly error: unknown };

/** What finding the start reads. */
export interface DrainStartSources<TMachine extends AnyServiceMachine> {
  readonly process: ServiceProcess<TMachine>;
  readonly store: SnapshotStore;
  readonly log: InquiryLog;
  /** The inquiries this worker saved last. */
  readonly cache: SnapshotCache;
}

/**
 * The snapshot to fold from. The version this worker saved last is used without a load while the
 * log still holds the entry after it: whoever saves a later version trims that entry, so a missing
 * entry is how a stale cache shows, and a stale one that slips through (a trim not made yet) costs
 * one `CONFLICT` and a reload, never a wrong state.
 */
export async function findDrainStart<TMachine extends AnyServiceMachine>(
  sources: DrainStartSources<TMachine>,
  inquiryId: string,
  entries: LogEntries,
): Promise<DrainStart> {
  const { process, store, log, cache } = sources;
  const remembered = cache.get(inquiryId);
  if (remembered !== undefined && entries.has(remembered.appliedSequence + 1)) {
    return { kind: 'state', current: remembered, from: remembered.appliedSequence + 1 };
  }
  const snapshot = await store.load(inquiryId);
  if (snapshot === undefined) return { kind: 'state', current: undefined, from: firstOf(entries) };
  const appliedSequence = appliedSequenceOf(snapshot.state);
  const from = await firstUnapplied(log, inquiryId, appliedSequence + 1, entries);
  if (!entries.has(from)) return { kind: 'settled', wakeAt: snapshot.wakeAt, from };
  const cached = cache.get(inquiryId);
  if (cached?.version === snapshot.version) return { kind: 'state', current: cached, from };
  let state: PersistedState<unknown>;
  try {
    state = process.restore(snapshot.state) as PersistedState<unknown>;
  } catch (error) {
    return { kind: 'refused', from, error };
  }
  return {
    kind: 'state',
    current: { version: snapshot.version, state, wakeAt: snapshot.wakeAt, appliedSequence },
    from,
  };
}

/** The oldest entry left in the log (where the fold of an inquiry with no snapshot starts). */
function firstOf(entries: LogEntries): number {
  let first = Number.POSITIVE_INFINITY;
  for (const sequence of entries.keys()) first = Math.min(first, sequence);
  return Number.isFinite(first) ? first : 1;
}

/**
 * The first entry to fold: `from`, or — when entries from `from` on were dead-lettered and
 * trimmed without a save (the stored state could not be restored) — the first one after them.
 */
async function firstUnapplied(log: InquiryLog, inquiryId: string, from: number, entries: LogEntries): Promise<number> {
  if (entries.has(from)) return from;
  const later = [...entries.keys()].filter((sequence) => sequence > from);
  if (later.length === 0) return from;
  const next = Math.min(...later);
  if (await log.allDeadLettered(inquiryId, from, next - 1)) return next;
  // The log is read before the snapshot is loaded, so entries after the applied ones cannot have
  // been trimmed yet: a hole means Redis lost data (no AOF, a failover to a stale replica).
  throw new IncompatibleStateError(
    `The event log of inquiry ${JSON.stringify(inquiryId)} has no entry ${from} but has ${next}: Redis lost log entries (run Redis with appendonly yes)`,
    { path: ['sequence'], received: next, expected: `entry ${from}` },
  );
}
