/**
 * The process's fast path: the macrostep of a service machine, without XState's interpreter.
 *
 * XState's interpreter re-derives, on every event, things that depend only on the machine's
 * definition: which state handles the event, which states a transition exits and enters, in what
 * order their actions run, and what the resulting state value, tags and status are. For machines
 * in the shape serviceflow builds — compound states, no parallel or history states, no `always`,
 * `after`, `invoke` or exit actions, final states only at the top level, actions and guards that
 * are serviceflow's own — all of that is a fixed *plan* per (state, transition), computed here once
 * with the same algorithm XState uses (transition domain, exit set in reverse document order,
 * entry set with initial descendants in document order). At run time the process evaluates the
 * guards, runs the plan's pure steps and pairs the new context with a precomputed snapshot of the
 * target configuration (a {@link LiveState}); an XState snapshot is built from a live state only when XState
 * has to take over.
 *
 * Anything outside that shape — a custom action, a guard that is not serviceflow's, a delayed
 * transition — makes that transition (or the whole machine) go through XState. A property test
 * holds the two paths to byte-identical results.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { serviceGuardOf, serviceStepOf, type ServiceGuard, type ServiceStepRunner } from '../machines/actions.js';
import { contextFromValidated } from '../machines/pure-context.js';
import type { StateValue } from '../schemas/state.js';

interface TransitionLike {
  readonly source: NodeLike;
  readonly target?: readonly NodeLike[] | undefined;
  readonly guard?: unknown;
  readonly reenter?: boolean;
  readonly actions: readonly unknown[];
}

interface NodeLike {
  readonly id: string;
  readonly key: string;
  readonly type: string;
  readonly order: number;
  readonly parent?: NodeLike | undefined;
  readonly states: Record<string, NodeLike>;
  readonly entry: readonly unknown[];
  readonly exit: readonly unknown[];
  readonly invoke: readonly unknown[];
  readonly always?: readonly unknown[] | undefined;
  readonly after: readonly unknown[];
  readonly initial?: { readonly target: readonly NodeLike[]; readonly actions: readonly unknown[] } | undefined;
  readonly transitions: Map<string, readonly TransitionLike[]>;
}

/**
 * A configuration and the context it holds now: what the process passes from step to step. The
 * snapshot's own context is whatever it was built with (a placeholder for a plan's target); the
 * live state's is the current one. A live state is one small object of one shape, so the process
 * never copies XState's fifteen-key snapshot, whose shape differs from state to state, on a step
 * (bench/README.md has the measurements).
 */
export interface LiveState {
  readonly snapshot: AnyMachineSnapshot;
  readonly context: unknown;
}

/** The live state of an XState snapshot. */
export const liveStateOf = (snapshot: AnyMachineSnapshot): LiveState => ({ snapshot, context: snapshot.context });

/** The XState snapshot a live state stands for (built only when its context is not the snapshot's own). */
export const snapshotOf = (liveState: LiveState): AnyMachineSnapshot =>
  liveState.snapshot.context === liveState.context
    ? liveState.snapshot
    : ({ ...liveState.snapshot, context: liveState.context } as AnyMachineSnapshot);

/** One pure step of a plan. */
interface PlannedStep {
  readonly run: ServiceStepRunner;
  readonly params: unknown;
}

/** What taking one transition from one state does. */
interface Plan {
  readonly steps: readonly PlannedStep[];
  /** A snapshot of the target configuration (with a placeholder context), or `null` for targetless. */
  readonly template: AnyMachineSnapshot | null;
}

/** One candidate transition: its guard (if any) and its plan. */
interface Candidate {
  readonly guard: { readonly check: ServiceGuard; readonly params: unknown } | null;
  readonly plan: Plan;
}

/** For one state and event type: candidates per state node, innermost first. */
type Selector = readonly (readonly Candidate[])[];

/** Where a fast step puts the effects and raised events of the plan it ran. */
export interface FastStepOutput {
  readonly effects: unknown[];
  readonly raised: { readonly type: string; readonly at: number }[];
}

/** The outcome of one event on the fast path. */
export type FastStep =
  | { readonly kind: 'handled'; readonly liveState: LiveState }
  | { readonly kind: 'unhandled' }
  | { readonly kind: 'interpret' };

function nodesOf(root: NodeLike): NodeLike[] {
  const all: NodeLike[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as NodeLike;
    all.push(node);
    stack.push(...Object.values(node.states));
  }
  return all;
}

function machineFits(machine: AnyStateMachine, root: NodeLike): boolean {
  if ((machine.config as { output?: unknown }).output !== undefined) return false;
  return nodesOf(root).every(
    (node) =>
      (node.type === 'compound' || node.type === 'atomic' || (node.type === 'final' && node.parent === root)) &&
      (node.always?.length ?? 0) === 0 &&
      node.after.length === 0 &&
      node.invoke.length === 0 &&
      node.exit.length === 0 &&
      (node.initial?.actions.length ?? 0) === 0 &&
      [...node.transitions.keys()].every((key) => !key.includes('*')),
  );
}

const isDescendant = (child: NodeLike, parent: NodeLike): boolean => {
  let marker = child;
  while (marker.parent !== undefined && marker.parent !== parent) marker = marker.parent;
  return marker.parent === parent;
};

const properAncestors = (node: NodeLike, upTo: NodeLike | undefined): NodeLike[] => {
  const ancestors: NodeLike[] = [];
  for (let m = node.parent; m !== undefined && m !== upTo; m = m.parent) ancestors.push(m);
  return ancestors;
};

/** The active nodes of a configuration whose atomic node is `atomic`: it and its ancestors. */
const configurationOf = (atomic: NodeLike): NodeLike[] => [atomic, ...properAncestors(atomic, undefined)];

const valueOf = (atomic: NodeLike): StateValue => {
  const path = configurationOf(atomic)
    .reverse()
    .slice(1)
    .map((node) => node.key);
  return path.reduceRight<StateValue>((inner, key) => (inner === '' ? key : { [key]: inner }), '');
};

/**
 * The atomic state node a state value names (machines on the fast path have no parallel states),
 * or `undefined` when the value names none.
 */
function atomicNodeOf(root: NodeLike, value: StateValue): NodeLike | undefined {
  let node: NodeLike | undefined = root;
  let rest: StateValue | undefined = value;
  while (node !== undefined && rest !== undefined) {
    if (typeof rest === 'string') {
      node = node.states[rest];
      return node?.type === 'atomic' ? node : undefined;
    }
    let key: string | undefined;
    for (const name in rest) {
      if (key !== undefined) return undefined;
      key = name;
    }
    if (key === undefined) return undefined;
    node = node.states[key];
    rest = rest[key];
  }
  return undefined;
}

/**
 * The pure steps behind a list of XState action references, or `null` when any of them is not a
 * serviceflow service action (or takes its params from a function).
 */
function plannedSteps(list: readonly unknown[], actions: Record<string, unknown>): PlannedStep[] | null {
  const steps: PlannedStep[] = [];
  for (const action of list) {
    const implementation =
      typeof action === 'string'
        ? actions[action]
        : typeof action === 'function'
          ? action
          : actions[(action as { type: string }).type];
    const params = typeof action === 'object' && action !== null ? (action as { params?: unknown }).params : undefined;
    const run = serviceStepOf(implementation);
    if (run === undefined || typeof params === 'function') return null;
    steps.push({ run, params });
  }
  return steps;
}

/**
 * Compiles the fast path of a machine: `(live state, event) → FastStep`, or `null` when the machine's
 * shape rules it out (every event then goes through XState).
 */
export function compileFastPath(
  machine: AnyStateMachine,
): ((liveState: LiveState, event: { type: string }, out: FastStepOutput) => FastStep) | null {
  const root = machine.root as unknown as NodeLike;
  if (!machineFits(machine, root)) return null;
  const actions = (machine.implementations.actions ?? {}) as Record<string, unknown>;
  const guards = (machine.implementations.guards ?? {}) as Record<string, unknown>;
  const templates = new Map<NodeLike, AnyMachineSnapshot>();
  const selectors = new Map<NodeLike, Map<string, Selector | null>>();

  const template = (atomic: NodeLike): AnyMachineSnapshot => {
    let snapshot = templates.get(atomic);
    if (snapshot === undefined) {
      snapshot = machine.resolveState({ value: valueOf(atomic), context: {} } as never) as AnyMachineSnapshot;
      templates.set(atomic, snapshot);
    }
    return snapshot;
  };

  const stepsOf = (list: readonly unknown[]): PlannedStep[] | null => plannedSteps(list, actions);

  /** The plan of taking `transition` while the atomic state is `atomic` (XState's microstep). */
  const planOf = (atomic: NodeLike, transition: TransitionLike): Plan | null => {
    const own = stepsOf(transition.actions);
    if (own === null || transition.reenter === true) return null;
    const targets = transition.target ?? [];
    if (targets.length === 0) return { steps: own, template: null };
    if (targets.length !== 1) return null;
    const target = targets[0] as NodeLike;
    const source = transition.source;
    const domain =
      target === source || isDescendant(target, source)
        ? source
        : (properAncestors(target, undefined).find((ancestor) => isDescendant(source, ancestor)) ?? root);
    const active = configurationOf(atomic);
    const exited = active.filter((node) => isDescendant(node, domain)).sort((a, b) => b.order - a.order);
    const entered = new Set<NodeLike>();
    if (source !== target || source !== domain) entered.add(target);
    for (let node = target; node.type === 'compound';) {
      const initial = node.initial?.target[0];
      if (initial === undefined) return null;
      entered.add(initial);
      node = initial;
    }
    for (const ancestor of properAncestors(target, domain)) entered.add(ancestor);
    const enteredInOrder = [...entered].sort((a, b) => a.order - b.order);
    const remaining = active.filter((node) => !exited.includes(node));
    const next = [...remaining, ...enteredInOrder];
    const nextAtomic = next.find((node) => node.type === 'atomic' || node.type === 'final');
    if (nextAtomic === undefined) return null;
    const exitSteps = stepsOf(exited.flatMap((node) => node.exit));
    const entrySteps = stepsOf(enteredInOrder.flatMap((node) => node.entry));
    if (exitSteps === null || entrySteps === null) return null;
    return { steps: [...exitSteps, ...own, ...entrySteps], template: template(nextAtomic) };
  };

  const guardOf = (guard: unknown): Candidate['guard'] | undefined => {
    if (guard === undefined) return null;
    const implementation =
      typeof guard === 'string'
        ? guards[guard]
        : typeof guard === 'function'
          ? guard
          : guards[(guard as { type: string }).type];
    const params = typeof guard === 'object' && guard !== null ? (guard as { params?: unknown }).params : undefined;
    const check = serviceGuardOf(implementation);
    return check === undefined || typeof params === 'function' ? undefined : { check, params };
  };

  const selectorOf = (atomic: NodeLike, eventType: string): Selector | null => {
    const levels: Candidate[][] = [];
    for (let node: NodeLike | undefined = atomic; node !== undefined; node = node.parent) {
      const transitions = node.transitions.get(eventType);
      if (transitions === undefined || transitions.length === 0) continue;
      const candidates: Candidate[] = [];
      for (const transition of transitions) {
        const guard = guardOf(transition.guard);
        const plan = planOf(atomic, transition);
        if (guard === undefined || plan === null) return null;
        candidates.push({ guard, plan });
      }
      levels.push(candidates);
      // An unguarded candidate always wins: XState looks no further up.
      if (candidates.some((candidate) => candidate.guard === null)) break;
    }
    return levels;
  };

  return (liveState, event, out) => {
    const snapshot = liveState.snapshot;
    if (snapshot.status !== 'active') return { kind: 'unhandled' };
    const atomic = atomicNodeOf(root, snapshot.value as StateValue);
    if (atomic === undefined) return { kind: 'interpret' };
    let byEvent = selectors.get(atomic);
    if (byEvent === undefined) selectors.set(atomic, (byEvent = new Map()));
    let selector = byEvent.get(event.type);
    if (selector === undefined) byEvent.set(event.type, (selector = selectorOf(atomic, event.type)));
    if (selector === null) return { kind: 'interpret' };
    for (const candidates of selector) {
      for (const { guard, plan } of candidates) {
        if (
          guard !== null &&
          !guard.check({ context: liveState.context as never, event: event as never }, guard.params)
        )
          continue;
        return { kind: 'handled', liveState: applyPlan(liveState, event, plan, out) };
      }
    }
    return { kind: 'unhandled' };
  };

  function applyPlan(liveState: LiveState, event: { type: string }, plan: Plan, out: FastStepOutput): LiveState {
    let context = liveState.context as Parameters<ServiceStepRunner>[0];
    for (const { run, params } of plan.steps) context = run(context, event as never, params, out);
    if (plan.template === null)
      return context === liveState.context ? liveState : { snapshot: liveState.snapshot, context };
    return { snapshot: plan.template, context };
  }
}

/**
 * Compiles the fast start of a machine: the initial snapshot of XState's `getInitialSnapshot`
 * (the context factory, then the entry actions of the root and of the initial states, in document
 * order) computed without the interpreter, from an input the process has validated. `null` when
 * the machine's shape rules it out or its context factory is not marked by `pureContext`.
 */
export function compileFastStart(
  machine: AnyStateMachine,
): ((input: unknown, out: FastStepOutput) => LiveState) | null {
  const root = machine.root as unknown as NodeLike;
  const contextOf = contextFromValidated((machine.config as { context?: unknown }).context);
  if (!machineFits(machine, root) || contextOf === undefined) return null;
  const actions = (machine.implementations.actions ?? {}) as Record<string, unknown>;
  const entered: NodeLike[] = [root];
  for (let node = root; node.type === 'compound';) {
    const initial = node.initial?.target[0];
    if (initial === undefined) return null;
    entered.push(initial);
    node = initial;
  }
  const steps = plannedSteps(
    entered.flatMap((node) => node.entry),
    actions,
  );
  if (steps === null) return null;
  const atomic = entered[entered.length - 1] as NodeLike;
  const template = machine.resolveState({ value: valueOf(atomic), context: {} } as never) as AnyMachineSnapshot;
  if (template.status !== 'active') return null;
  return (input, out) => {
    const event = { type: 'xstate.init', input };
    let context = contextOf(input) as Parameters<ServiceStepRunner>[0];
    for (const { run, params } of steps) context = run(context, event as never, params, out);
    return { snapshot: template, context };
  };
}
