/**
 * How the shells (the desk, the BullMQ runner) turn a process step into a store write and a
 * stored snapshot back into a process state. Internal: shared by the shells only.
 */
import type { PersistedState, StateValue } from '../schemas/state.js';
import type { SnapshotWrite } from '../stores/store.js';

/**
 * The event ids an inquiry applied (`desk.send(id, event, { eventId })`), oldest first, each with
 * the version whose save applied it. Kept in the stored state, so the id and the step that applied
 * it are written in the same atomic save.
 */
export type AppliedEventIds = readonly (readonly [eventId: string, version: number])[];

/** How many event ids a stored inquiry remembers (the oldest are forgotten first). */
export const MAX_REMEMBERED_EVENT_IDS = 1_000;

/**
 * What a shell stores as a snapshot's `state`: the process's persisted state, plus, when the
 * BullMQ runner wrote it, `appliedSequence` — the position in the inquiry's event log that this
 * state includes — and, when the in-process desk applied events with ids, `eventIds`.
 * `process.restore` ignores the extra fields; every shell carries them over.
 */
export type ShellState = PersistedState<unknown> & {
  readonly appliedSequence?: number;
  readonly eventIds?: AppliedEventIds;
};

/** The stage (top-level state name) of a state value, as the store indexes it. */
export function stageOf(value: StateValue): string {
  return typeof value === 'string' ? value : (Object.keys(value)[0] ?? '');
}

/** The `at` of the last event a state applied (`context.lastEventAt`, which every machine has). */
export function lastEventAtOf(state: PersistedState<unknown>): number {
  const context = state.context as { lastEventAt?: unknown } | null;
  const at = context?.lastEventAt;
  return typeof at === 'number' ? at : 0;
}

/** The sequence number a stored state records (0 when the BullMQ runner never wrote it). */
export function appliedSequenceOf(state: unknown): number {
  const sequence = (state as { appliedSequence?: unknown } | null)?.appliedSequence;
  return typeof sequence === 'number' && Number.isSafeInteger(sequence) ? sequence : 0;
}

/** The event ids a stored state records (none when no event was sent with an id). */
export function eventIdsOf(state: unknown): AppliedEventIds {
  const ids = (state as { eventIds?: unknown } | null)?.eventIds;
  if (!Array.isArray(ids)) return [];
  return ids.filter(
    (pair): pair is [string, number] =>
      Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'number',
  );
}

/** The version that applied `eventId`, or `undefined`. */
export function appliedVersionOf(ids: AppliedEventIds, eventId: string): number | undefined {
  for (const [id, version] of ids) if (id === eventId) return version;
  return undefined;
}

/** `ids` with `eventId` applied at `version` added, the oldest dropped beyond the limit. */
export function withEventId(ids: AppliedEventIds, eventId: string | undefined, version: number): AppliedEventIds {
  if (eventId === undefined) return ids;
  const next = [...ids, [eventId, version] as const];
  return next.length > MAX_REMEMBERED_EVENT_IDS ? next.slice(next.length - MAX_REMEMBERED_EVENT_IDS) : next;
}

/** The store write of a step: stage, wake-up and last event copied out of the state. */
export function toSnapshotWrite(
  id: string,
  state: PersistedState<unknown>,
  wakeAt: number | null,
  effects: readonly unknown[],
  appliedSequence: number,
  eventIds: AppliedEventIds = [],
): SnapshotWrite {
  const plain = appliedSequence === 0 && eventIds.length === 0;
  return {
    id,
    state: plain
      ? state
      : ({
          ...state,
          ...(appliedSequence > 0 ? { appliedSequence } : {}),
          ...(eventIds.length > 0 ? { eventIds } : {}),
        } satisfies ShellState),
    stage: stageOf(state.value),
    wakeAt,
    lastEventAt: lastEventAtOf(state),
    effects,
  };
}
