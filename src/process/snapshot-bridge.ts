/**
 * The bridge between a process's persisted state and XState's persisted snapshot: the same
 * instance as `{ format, machine, value, context }` (what `process.send` works on) and as what
 * `actor.getPersistedSnapshot()` returns and `createActor(machine, { snapshot })` restores.
 */
import type { AnyMachineSnapshot, AnyStateMachine, Snapshot } from 'xstate';
import { PERSISTED_FORMAT, type PersistedState, type StateValue } from '../schemas/state.js';
import { abbreviate, IncompatibleStateError } from '../errors.js';

/**
 * XState's persisted snapshot of a machine snapshot: `status`, `value`, `context`, no children,
 * no history; what `createActor(machine, { snapshot })` restores.
 */
export function persistedSnapshotOf(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): Snapshot<unknown> {
  return machine.getPersistedSnapshot(snapshot) as Snapshot<unknown>;
}

/**
 * The envelope of a process state holding the `value` and `context` of an XState persisted
 * snapshot of `machine`, for the process to check and restore like any stored state. A snapshot
 * that is not a machine's (no `value` or `context`), one of an actor that failed, or one with
 * spawned children (a process state holds none) is `INCOMPATIBLE_STATE`.
 */
export function envelopeOfSnapshot(
  snapshot: unknown,
  machine: { readonly id: string; readonly version: string },
): PersistedState<unknown> {
  const candidate = snapshot as { status?: unknown; value?: unknown; context?: unknown; children?: unknown } | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    !('value' in candidate) ||
    typeof candidate.context !== 'object' ||
    candidate.context === null
  ) {
    throw new IncompatibleStateError(
      `Expected an XState persisted snapshot { status, value, context, … }, received ${abbreviate(snapshot)}`,
      {
        received: snapshot,
        expected: `actor.getPersistedSnapshot() of an actor of machine '${machine.id}'`,
      },
    );
  }
  if (candidate.status !== 'active' && candidate.status !== 'done') {
    throw new IncompatibleStateError(
      `Snapshot has status ${abbreviate(candidate.status)}; a process state is made from an 'active' or 'done' one`,
      {
        path: ['status'],
        received: candidate.status,
        expected: "'active' or 'done'",
      },
    );
  }
  const children = candidate.children;
  if (typeof children === 'object' && children !== null && Object.keys(children).length > 0) {
    throw new IncompatibleStateError(
      `Snapshot has child actors (${Object.keys(children).join(', ')}); a process state holds none`,
      {
        path: ['children'],
        received: Object.keys(children),
        expected: 'no children',
      },
    );
  }
  return { format: PERSISTED_FORMAT, machine, value: candidate.value as StateValue, context: candidate.context };
}
