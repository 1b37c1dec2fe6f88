/**
 * What `send` and `start` do once their input is valid: restore the state, fire the deadlines due
 * by the event's instant (each at its own instant), apply the event, fire what its own instant made
 * due, and report the state, the effects in order and the next wake-up.
 */
import { OutOfOrderError } from '../errors.js';
import type { LiveState } from '../engine/fast-path.js';
import type { StateStamper } from '../engine/state-stamp.js';
import { newStepLog, type StepEvent, type StepLog, type Stepper } from '../engine/stepper.js';
import type { InquiryContext, PersistedState } from '../schemas/state.js';
import type { ProcessDefinition } from './definition.js';
import { notAllowed } from './not-allowed.js';
import type { Restored } from './restore.js';

/** What one step reports (typed by the process). */
export interface StepReport {
  readonly state: PersistedState<unknown>;
  readonly effects: unknown[];
  readonly wakeAt: number | null;
}

/** The parts a step runner is made of. */
export interface StepRunnerParts {
  readonly stepper: Stepper;
  readonly definition: ProcessDefinition<never, unknown>;
  readonly restore: (state: unknown) => Restored;
  readonly stamper: StateStamper;
}

/** The send and start of a process over valid, normalised inputs and events. */
export interface StepRunner {
  /** `handOut: false` for a trusted caller's own states (see `StateStamper.keepPrivate`). */
  send(state: unknown, event: StepEvent, handOut: boolean): StepReport;
  start(input: { readonly at: number }, handOut: boolean): StepReport;
  /** When a `tick` would next change the instance, or `null`. */
  deadlineOf(liveState: LiveState): number | null;
}

/** The step runner made of `parts`. */
export function createStepRunner({ stepper, definition, restore, stamper }: StepRunnerParts): StepRunner {
  // The deadline of the last live state asked about: a step ends by asking for the deadline of the
  // state it hands out, and the next step on that state begins by asking again. Live states never
  // change, so their identity is the key.
  let lastAsked: LiveState | undefined;
  let lastDeadline: number | null = null;
  const deadlineOf = (liveState: LiveState): number | null => {
    if (liveState === lastAsked) return lastDeadline;
    const deadline =
      liveState.snapshot.status === 'active' ? definition.nextDeadline(liveState.context as never) : null;
    lastAsked = liveState;
    lastDeadline = deadline;
    return deadline;
  };

  /** Fires everything due by `at` (when anything is), its effects into `log`. */
  const advance = (liveState: LiveState, at: number, log: StepLog, due = deadlineOf(liveState)): LiveState => {
    if (due === null || due > at) return liveState;
    return stepper.transition(liveState, definition.wake?.(due, at) ?? { type: 'tick', at }, log);
  };

  /** The step after an event: fires what its own instant made due, then reports the next wake-up. */
  const finish = (liveState: LiveState, at: number, log: StepLog, handOut: boolean, earlier?: Restored): StepReport => {
    let due = deadlineOf(liveState);
    if (due !== null && due <= at) {
      liveState = advance(liveState, at, log, due);
      due = deadlineOf(liveState);
    }
    return {
      state: handOut ? stamper.handOut(liveState, earlier?.liveState, earlier?.state) : stamper.keepPrivate(liveState),
      effects: log.effects,
      wakeAt: due,
    };
  };

  /** What an event asks for on an ended instance (`null`: it is refused); see `afterEnd`. */
  const afterEnd = (liveState: LiveState, event: StepEvent): unknown =>
    liveState.snapshot.status === 'active' ? null : (definition.afterEnd?.(liveState.context as never, event) ?? null);

  const send = (state: unknown, event: StepEvent, handOut: boolean): StepReport => {
    const restored = restore(state);
    const current = restored.liveState;
    if (current.snapshot.status !== 'active' && afterEnd(current, event) === null)
      throw notAllowed(current, current, event);
    const lastEventAt = (current.context as InquiryContext).lastEventAt;
    if (event.at < lastEventAt) {
      throw new OutOfOrderError(
        `Event '${event.type}' at ${new Date(event.at).toISOString()} is earlier than the last event applied (${new Date(lastEventAt).toISOString()}); events must arrive in time order`,
        { path: ['at'], received: event.at, expected: `at >= ${lastEventAt}` },
      );
    }
    let log = newStepLog();
    let liveState = event.type === 'tick' ? current : advance(current, event.at, log);
    // Ended (before the event, or by the deadlines due by its instant): the step reports what the
    // event asks for (a follow-up), or the event is refused. An inquiry that had ended stays as it
    // was; one that the deadlines ended is left as a tick at the event's instant leaves it.
    if (liveState.snapshot.status !== 'active') {
      const asked = afterEnd(liveState, event);
      if (asked === null) throw notAllowed(current, liveState, event);
      if (liveState !== current) {
        log = newStepLog();
        liveState = stepper.transition(current, { type: 'tick', at: event.at }, log);
      }
      log.effects.push(asked);
      return finish(liveState, event.at, log, handOut, restored);
    }
    const before = liveState;
    liveState = stepper.transition(liveState, event, log);
    if (liveState === before && log.executed === 0) throw notAllowed(current, before, event);
    liveState = stepper.observe(liveState, event, stageOf(before), log);
    return finish(liveState, event.at, log, handOut, restored);
  };

  const start = (input: { readonly at: number }, handOut: boolean): StepReport => {
    const log = newStepLog();
    const liveState = stepper.observe(stepper.start(input, log), { type: 'received', at: input.at }, '', log);
    return finish(liveState, input.at, log, handOut);
  };

  return { send, start, deadlineOf };
}

/** The stage a live state's context records (service contexts have one; others read as ''). */
function stageOf(liveState: LiveState): string {
  return (liveState.context as { stage?: unknown }).stage === undefined
    ? ''
    : String((liveState.context as { stage?: unknown }).stage);
}
