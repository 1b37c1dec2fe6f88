/**
 * Everything serviceflow does with XState beyond its everyday API, in one place: running a
 * machine's macrostep and initial snapshot with an actor scope of its own (XState's `transition()`
 * and `initialTransition()` build a new actor for every call), and reading the events a snapshot's
 * states handle. If an XState release changes any of it, this is the file to change.
 */
import { __unsafe_getAllOwnEventDescriptors, createActor, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { rawInitialSnapshotOf } from '../machines/deadlines-first.js';

/** What the actions of one step did: the effects they emitted, in order, and how many ran. */
export interface ActionLog {
  readonly effects: unknown[];
  /** The actions that ran; a step that ran none changed nothing (no state accepted its event). */
  executed: number;
}

/** XState's own macrostep of a machine, as `machine.transition` has it (snapshot, event, actor scope). */
export type Macrostep = (snapshot: unknown, event: unknown, actorScope: unknown) => unknown;

/** A machine run by XState's interpreter, its actions reported to the {@link ActionLog} of each call. */
export interface Interpreter {
  /** The snapshot after `event` (and every event its actions raised) on `snapshot`. */
  macrostep(snapshot: AnyMachineSnapshot, event: unknown, log: ActionLog): AnyMachineSnapshot;
  /** The initial snapshot of an instance started with `input` (its entry actions run). */
  initialSnapshot(input: unknown, log: ActionLog): AnyMachineSnapshot;
}

/**
 * The interpreter of `machine`, whose macrostep is `macrostep` (XState's own, without what
 * `deadlinesFirst` wraps around it). One inert actor serves every call: creating one per call
 * costs more than most steps. Its scope executes no action: it only reports emitted effects and
 * counts the actions to the log of the call.
 */
export function createInterpreter(machine: AnyStateMachine, macrostep: Macrostep): Interpreter {
  const self = createActor(machine);
  const inert = {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
  };
  const scopeFor = (log: ActionLog) => ({
    ...inert,
    actionExecutor: (action: { type: string; params?: unknown }) => {
      log.executed++;
      if (action.type === 'xstate.emit') log.effects.push((action.params as { event: unknown }).event);
    },
  });
  return {
    macrostep: (snapshot, event, log) => macrostep(snapshot, event, scopeFor(log)) as AnyMachineSnapshot,
    // XState's own initial snapshot: the arrival's metric observation is the caller's (see stepper.ts).
    initialSnapshot: (input, log) => rawInitialSnapshotOf(machine)(scopeFor(log), input) as AnyMachineSnapshot,
  };
}

/** The event types the active states of `snapshot` have transitions for, each once, in XState's order. */
export function ownEventTypes(snapshot: AnyMachineSnapshot): string[] {
  return __unsafe_getAllOwnEventDescriptors(snapshot);
}
