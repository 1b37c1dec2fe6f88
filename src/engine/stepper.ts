/**
 * The stepper: one macrostep of a machine on a {@link LiveState}, through the compiled fast path where
 * it can, else through XState's interpreter. Everything a step produces goes to the log the caller
 * passes in, so a stepper holds no state of its own between calls.
 */
import type { AnyStateMachine } from 'xstate';
import { servicePoliciesOf, serviceStepOf, type ServiceStepOutput } from '../machines/actions.js';
import { observationEvent, rawTransitionOf } from '../machines/deadlines-first.js';
import { observesMetrics } from '../machines/metric-steps.js';
import type { InquiryContext } from '../schemas/state.js';
import { liveStateOf, compileFastPath, compileFastStart, snapshotOf, type LiveState } from './fast-path.js';
import { createInterpreter, type ActionLog } from './xstate-internals.js';

/** An event as the stepper runs it: validated, `at` in epoch ms. */
export interface StepEvent {
  readonly type: string;
  readonly at: number;
}

/** Where one step puts what it produced: its effects, the events its actions raised, how many actions ran. */
export interface StepLog extends ActionLog, ServiceStepOutput {
  readonly raised: StepEvent[];
}

/** A fresh, empty {@link StepLog}. */
export const newStepLog = (): StepLog => ({ effects: [], raised: [], executed: 0, env: undefined });

/** The step function of one machine. */
export interface Stepper {
  /** The live state of a new instance started with a validated `input`; its effects go to `log`. */
  start(input: { readonly at: number }, log: StepLog): LiveState;
  /**
   * One macrostep: the event, then the events its actions raised, in order, while the machine is
   * running. The same live state comes back, with `log.executed` 0, when no state accepted the event.
   */
  transition(liveState: LiveState, event: StepEvent, log: StepLog): LiveState;
  /**
   * Shows the SLA metrics defined as data what `event` did (`{ type: 'received' }` at the start),
   * from stage `from`: the machine's own `observeMetrics` step, run directly (under plain XState
   * the machine raises an internal event for it). The same live state when the policy defines none.
   */
  observe(liveState: LiveState, event: StepEvent, from: string, log: StepLog): LiveState;
}

/**
 * The stepper of `machine` (a machine with its implementations provided). With `fastPath: false`
 * every event goes through XState's interpreter (the results are identical; for debugging).
 */
export function createStepper(machine: AnyStateMachine, options: { readonly fastPath: boolean }): Stepper {
  const interpreter = createInterpreter(machine, rawTransitionOf(machine));
  const fastPath = options.fastPath ? compileFastPath(machine) : null;
  const fastStart = options.fastPath ? compileFastStart(machine) : null;

  const interpret = (liveState: LiveState, event: StepEvent, log: StepLog): LiveState => {
    // XState's transition() would still process an event on a snapshot that is done; the
    // machine has ended, so nothing is accepted any more.
    if (liveState.snapshot.status !== 'active') return liveState;
    const snapshot = snapshotOf(liveState);
    const next = interpreter.macrostep(snapshot, event, log);
    if (next.status === 'error') throw next.error;
    // The same live state when nothing happened: an event no state accepted is told apart by identity.
    return next === snapshot ? liveState : liveStateOf(next);
  };

  const transition = (liveState: LiveState, event: StepEvent, log: StepLog): LiveState => {
    log.executed = 0;
    if (fastPath === null) return interpret(liveState, event, log);
    let current = liveState;
    const raised = log.raised;
    raised.length = 0;
    raised.push(event);
    // The fast path appends what the actions raise to `raised` as the loop walks it.
    for (let index = 0; index < raised.length && current.snapshot.status === 'active'; index++) {
      const next = raised[index] as StepEvent;
      const step = fastPath(current, next, log);
      if (step.kind === 'interpret') current = interpret(current, next, log);
      else if (step.kind === 'handled') {
        log.executed++;
        current = step.liveState;
      }
    }
    return current;
  };

  const observeAction = (machine.implementations.actions as Record<string, unknown> | undefined)?.observeMetrics;
  const policies = servicePoliciesOf(observeAction);
  const observeStep =
    policies !== undefined && observesMetrics(policies.sla) ? serviceStepOf(observeAction) : undefined;
  const observe = (liveState: LiveState, event: StepEvent, from: string, log: StepLog): LiveState => {
    if (observeStep === undefined || liveState.snapshot.status !== 'active') return liveState;
    const context = liveState.context as InquiryContext;
    const next = observeStep(context, observationEvent(event, from, liveState.snapshot.tags), undefined, log);
    return next === context ? liveState : { snapshot: liveState.snapshot, context: next };
  };

  const start = (input: { readonly at: number }, log: StepLog): LiveState => {
    if (fastStart === null) {
      const snapshot = interpreter.initialSnapshot(input, log);
      if (snapshot.status === 'error') throw snapshot.error;
      return liveStateOf(snapshot);
    }
    log.raised.length = 0;
    let liveState = fastStart(input, log);
    for (const event of log.raised.splice(0)) liveState = transition(liveState, event, log);
    return liveState;
  };

  return { start, transition, observe };
}
