/**
 * The stamp on the states a process returns: the engine's live state of the state, kept on the plain
 * state object where JSON, spreads, deep equality and `structuredClone` cannot see it, so that the
 * next step on that state skips the restore.
 */
import { PERSISTED_FORMAT, type PersistedState, type StateValue } from '../schemas/state.js';
import type { LiveState } from './fast-path.js';
import { freezeNew } from '../internal/json-copies.js';

/** Hands back what it is given, so that a subclass's constructor adds its fields to that object. */
class FieldHost {
  constructor(target: object) {
    return target;
  }
}

/**
 * Where a state returned by a process keeps the process's live state of it: a private field added to the
 * plain state object (`new LiveStateMemo(state, live state)` returns nothing new; the base class hands the
 * state to the field initialiser). Private fields are invisible to JSON, `Object.keys`, spreads,
 * deep equality and `structuredClone`, like a non-enumerable symbol, but adding one is an ordinary
 * hidden-class transition, much cheaper than a symbol through `Object.defineProperty`.
 */
export class LiveStateMemo extends FieldHost {
  readonly #liveState: LiveState;
  /** Whether the state is one to hand out (exactly its JSON, frozen), not a trusted caller's own. */
  readonly #handedOut: boolean;

  constructor(state: object, liveState: LiveState, handedOut: boolean) {
    super(state);
    this.#liveState = liveState;
    this.#handedOut = handedOut;
  }

  /** Whether a state stamped by a process is one it hands out; `true` for any other state. */
  static handedOut(state: object): boolean {
    return #handedOut in state ? (state as LiveStateMemo).#handedOut : true;
  }

  /** The live state stamped on `state`, if a process stamped one. */
  static of(state: unknown): LiveState | undefined {
    return typeof state === 'object' && state !== null && #liveState in state
      ? (state as LiveStateMemo).#liveState
      : undefined;
  }
}

/** A JSON copy of a context: `(context, earlier?, earlierCopy?)`, reusing what `earlier`'s copy holds. */
export type ContextJson = (context: unknown, earlier?: unknown, earlierCopy?: unknown) => unknown;

/** The state objects a process returns, each stamped with its live state. */
export interface StateStamper {
  /**
   * The state to hand out: exactly its JSON and frozen all the way down, so that nothing in it can
   * change behind its live state. Its context is a JSON copy of the live state's that reuses the parts of
   * `earlier` (the state the step started from, whose live state is `earlierLiveState`) the step did not change.
   */
  handOut(
    liveState: LiveState,
    earlierLiveState?: LiveState,
    earlier?: PersistedState<unknown>,
  ): PersistedState<unknown>;
  /**
   * The state for a trusted caller that keeps it to itself (the simulator, which hands out views):
   * the live state's own context, neither copied nor frozen. A later step on it hands out a state built
   * without it.
   */
  keepPrivate(liveState: LiveState): PersistedState<unknown>;
}

/** The stamper of the states of machine `machine` (`{ id, version }`), copying contexts with `contextJson`. */
export function createStateStamper(
  machine: { readonly id: string; readonly version: string },
  contextJson: ContextJson,
): StateStamper {
  return {
    handOut(liveState, earlierLiveState, earlier) {
      const value = liveState.snapshot.value as StateValue;
      if (earlier !== undefined && !LiveStateMemo.handedOut(earlier)) earlierLiveState = earlier = undefined;
      const state = {
        format: PERSISTED_FORMAT,
        machine,
        // XState's own value objects are plain JSON it never changes: frozen in place, not copied.
        value: typeof value === 'string' ? value : freezeNew(value, earlierLiveState?.snapshot.value),
        context: contextJson(liveState.context, earlierLiveState?.context, earlier?.context),
      };
      new LiveStateMemo(state, liveState, true);
      return Object.freeze(state);
    },
    keepPrivate(liveState) {
      const state = {
        format: PERSISTED_FORMAT,
        machine,
        value: liveState.snapshot.value as StateValue,
        context: liveState.context,
      };
      new LiveStateMemo(state, liveState, false);
      return Object.freeze(state);
    },
  };
}
