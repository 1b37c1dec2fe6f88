/**
 * Deadlines before the event, in the machine itself: a service machine run by XState's own
 * `createActor`, `transition()` or `@xstate/graph` fires the deadlines an event arrives after
 * before it applies the event, exactly as `createProcess` does (ARCHITECTURE principle 3).
 */
import type { AnyStateMachine } from 'xstate';
import { servicePoliciesOf, type DeadlineEvent, type MetricObservationEvent } from './actions.js';
import { observesMetrics } from './metric-steps.js';
import { nextDeadline } from './steps.js';

/** How a machine's deadlines are read: the next one due, and the event that fires those due by `at`. */
export interface DeadlineReading {
  nextDeadline(context: never): number | null;
  wake?(due: number, at: number): { readonly type: string; readonly at: number };
}

/** The reading of service machines: their next deadline, fired by the internal `deadline` event. */
export const serviceDeadlines: DeadlineReading = {
  nextDeadline: nextDeadline as (context: never) => number | null,
  wake: (due, until): DeadlineEvent => ({ type: 'deadline', at: due, until }),
};

type Transition = (
  snapshot: unknown,
  event: unknown,
  actorScope: unknown,
) => { status: string; context: unknown; tags?: ReadonlySet<string> };
type InitialSnapshot = (actorScope: unknown, input: unknown) => ReturnType<Transition>;

/** Where a wrapped machine keeps XState's own transition (for `createProcess`, which fires deadlines itself). */
const RAW_TRANSITION: unique symbol = Symbol.for('serviceflow.rawTransition');

/**
 * XState's own macrostep of a machine, without the deadline firing {@link deadlinesFirst} adds.
 * `createProcess` uses it: it fires deadlines itself, with the same reading, before and after.
 */
export function rawTransitionOf(machine: AnyStateMachine): Transition {
  const raw = (machine as unknown as { [RAW_TRANSITION]?: Transition })[RAW_TRANSITION];
  return raw ?? (machine.transition.bind(machine) as unknown as Transition);
}

/** Where a wrapped machine keeps XState's own initial snapshot (see {@link rawInitialSnapshotOf}). */
const RAW_INITIAL: unique symbol = Symbol.for('serviceflow.rawInitialSnapshot');

/** XState's own initial snapshot of a machine, without the arrival's metric observation. */
export function rawInitialSnapshotOf(machine: AnyStateMachine): InitialSnapshot {
  const raw = (machine as unknown as { [RAW_INITIAL]?: InitialSnapshot })[RAW_INITIAL];
  return raw ?? (machine.getInitialSnapshot.bind(machine) as unknown as InitialSnapshot);
}

/** The internal event that shows the metrics defined as data what `event` did (see `metric-steps.ts`). */
export function observationEvent(
  event: { readonly type: string; readonly at: number },
  from: string,
  tags: ReadonlySet<string> | undefined,
): MetricObservationEvent {
  return { type: 'sla.observe', at: event.at, event, from, tags: tags ?? new Set() };
}

const stageOf = (context: unknown): string => (context as { stage?: string }).stage ?? '';

/**
 * Makes `machine.transition` — what XState's actors, `transition()`, `getNextSnapshot()` and
 * `@xstate/graph` call for every event — fire due deadlines around the event, as
 * `process.send` does: first every deadline due by the event's `at` (each stamped with its own
 * instant, automatic close included), then the event, then whatever the event's own instant made
 * due. A `tick` fires its deadlines itself; internal events (`deadline`, `xstate.*`) and events
 * without a numeric `at` go straight to XState. When nothing is due (the usual case) this costs
 * one read of the next deadline.
 *
 * The machine is changed in place and returned; `provide()` on it returns a machine that does the
 * same (with the same reading). Events that end the machine before the event applies (an automatic
 * close that was due) leave the event unapplied, as XState does with any event a final state gets;
 * `process.send` reports `EVENT_NOT_ALLOWED` for it instead, or, for a `customer.reply` or
 * `reopen`, `followUp.requested`.
 */
export function deadlinesFirst<TMachine extends AnyStateMachine>(
  machine: TMachine,
  reading: DeadlineReading = serviceDeadlines,
): TMachine {
  const target = machine as unknown as Record<PropertyKey, unknown>;
  const raw = rawTransitionOf(machine);
  const provide = (
    Object.getPrototypeOf(machine) as { provide: (this: AnyStateMachine, implementations: unknown) => AnyStateMachine }
  ).provide;
  const due = (context: unknown): number | null => reading.nextDeadline(context as never);
  // A machine whose SLA policy defines metrics shows each event to them (an internal event).
  const actions = (machine as unknown as { implementations?: { actions?: Record<string, unknown> } }).implementations
    ?.actions;
  const policies = servicePoliciesOf(actions?.observeMetrics);
  const observes = policies !== undefined && observesMetrics(policies.sla);
  const rawInitial = rawInitialSnapshotOf(machine);
  const wake = (when: number, at: number) => reading.wake?.(when, at) ?? { type: 'tick', at };
  const transition: Transition = (snapshot, event, actorScope) => {
    const { type, at } = event as { type: string; at?: unknown };
    if (
      typeof at !== 'number' ||
      type === 'deadline' ||
      type.startsWith('xstate.') ||
      (snapshot as { status: string }).status !== 'active'
    ) {
      return raw(snapshot, event, actorScope);
    }
    let current = snapshot as ReturnType<Transition>;
    let when = type === 'tick' ? null : due(current.context);
    if (when !== null && when <= at) {
      current = raw(current, wake(when, at), actorScope);
      if (current.status !== 'active') return current;
    }
    const from = stageOf(current.context);
    current = raw(current, event, actorScope);
    if (current.status !== 'active') return current;
    if (observes)
      current = raw(current, observationEvent(event as { type: string; at: number }, from, current.tags), actorScope);
    when = due(current.context);
    return when !== null && when <= at ? raw(current, wake(when, at), actorScope) : current;
  };
  const initial: InitialSnapshot = (actorScope, input) => {
    const snapshot = rawInitial(actorScope, input);
    if (!observes || snapshot.status !== 'active') return snapshot;
    const at = (snapshot.context as { receivedAt: number }).receivedAt;
    return raw(snapshot, observationEvent({ type: 'received', at }, '', snapshot.tags), actorScope);
  };
  Object.defineProperty(target, RAW_TRANSITION, { value: raw, configurable: true });
  Object.defineProperty(target, RAW_INITIAL, { value: rawInitial, configurable: true });
  Object.defineProperty(target, 'getInitialSnapshot', { value: initial, configurable: true, writable: true });
  Object.defineProperty(target, 'transition', { value: transition, configurable: true, writable: true });
  Object.defineProperty(target, 'provide', {
    value: (implementations: unknown) => deadlinesFirst(provide.call(machine, implementations), reading),
    configurable: true,
    writable: true,
  });
  return machine;
}
