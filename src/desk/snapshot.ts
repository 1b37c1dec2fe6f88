/**
 * How the shells (the desk, the BullMQ runner) turn a process step into a store write and a
 * stored snapshot back into a process state. Internal: shared by the shells only.
 */
import type { PersistedState, StateValue } from '../schemas/state.js';
import type { SnapshotWrite } from '../stores/store.js';

/**
 * What a shell stores as a snapshot's `state`: the process's persisted state, plus, when the
 * BullMQ runner wrote it, `appliedSequence` — the position in the inquiry's event log that this
 * state includes. `process.restore` ignores the extra field; every shell carries it over.
 */
export type ShellState = PersistedState<unknown> & { readonly appliedSequence?: number };

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

/** The store write of a step: stage, wake-up and last event copied out of the state. */
export function toSnapshotWrite(
  id: string,
  state: PersistedState<unknown>,
  wakeAt: number | null,
  effects: readonly unknown[],
  appliedSequence: number,
): SnapshotWrite {
  return {
    id,
    state: appliedSequence > 0 ? ({ ...state, appliedSequence } satisfies ShellState) : state,
    stage: stageOf(state.value),
    wakeAt,
    lastEventAt: lastEventAtOf(state),
    effects,
  };
}
