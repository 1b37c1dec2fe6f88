/**
 * What `send` and `start` do once their input is valid: restore the state, fire the deadlines due
 * by the event's instant (each at its own instant), apply the event, fire what its own instant made
 * due, and report the state, the effects in order and the next wake-up.
 */
import { OutOfOrderError } from '../errors.js';
import type { Cell } from '../engine/fast-path.js';
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
  deadlineOf(cell: Cell): number | null;
}

/** The step runner made of `parts`. */
export function createStepRunner({ stepper, definition, restore, stamper }: StepRunnerParts): StepRunner {
  const deadlineOf = (cell: Cell): number | null =>
    cell.snapshot.status === 'active' ? definition.nextDeadline(cell.context as never) : null;

  /** Fires everything due by `at` (when anything is), its effects into `log`. */
  const advance = (cell: Cell, at: number, log: StepLog, due = deadlineOf(cell)): Cell => {
    if (due === null || due > at) return cell;
    return stepper.transition(cell, definition.wake?.(due, at) ?? { type: 'tick', at }, log);
  };

  /** The step after an event: fires what its own instant made due, then reports the next wake-up. */
  const finish = (cell: Cell, at: number, log: StepLog, handOut: boolean, earlier?: Restored): StepReport => {
    let due = deadlineOf(cell);
    if (due !== null && due <= at) {
      cell = advance(cell, at, log, due);
      due = deadlineOf(cell);
    }
    return {
      state: handOut ? stamper.handOut(cell, earlier?.cell, earlier?.state) : stamper.keepPrivate(cell),
      effects: log.effects,
      wakeAt: due,
    };
  };

  /** What an event asks for on an ended instance (`null`: it is refused); see `afterEnd`. */
  const afterEnd = (cell: Cell, event: StepEvent): unknown =>
    cell.snapshot.status === 'active' ? null : (definition.afterEnd?.(cell.context as never, event) ?? null);

  const send = (state: unknown, event: StepEvent, handOut: boolean): StepReport => {
    const restored = restore(state);
    const current = restored.cell;
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
    let cell = event.type === 'tick' ? current : advance(current, event.at, log);
    // Ended (before the event, or by the deadlines due by its instant): the step reports what the
    // event asks for (a follow-up), or the event is refused. An inquiry that had ended stays as it
    // was; one that the deadlines ended is left as a tick at the event's instant leaves it.
    if (cell.snapshot.status !== 'active') {
      const asked = afterEnd(cell, event);
      if (asked === null) throw notAllowed(current, cell, event);
      if (cell !== current) {
        log = newStepLog();
        cell = stepper.transition(current, { type: 'tick', at: event.at }, log);
      }
      log.effects.push(asked);
      return finish(cell, event.at, log, handOut, restored);
    }
    const before = cell;
    cell = stepper.transition(cell, event, log);
    if (cell === before && log.executed === 0) throw notAllowed(current, before, event);
    cell = stepper.observe(cell, event, stageOf(before), log);
    return finish(cell, event.at, log, handOut, restored);
  };

  const start = (input: { readonly at: number }, handOut: boolean): StepReport => {
    const log = newStepLog();
    const cell = stepper.observe(stepper.start(input, log), { type: 'received', at: input.at }, '', log);
    return finish(cell, input.at, log, handOut);
  };

  return { send, start, deadlineOf };
}

/** The stage a cell's context records (service contexts have one; others read as ''). */
function stageOf(cell: Cell): string {
  return (cell.context as { stage?: unknown }).stage === undefined
    ? ''
    : String((cell.context as { stage?: unknown }).stage);
}
