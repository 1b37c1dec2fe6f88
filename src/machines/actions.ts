/**
 * The named actions and guards of service machines, bound to a set of policies. The built-in
 * inquiry machine declares them in `setup()`; `createProcess` re-binds them to the policies it is
 * given with `machine.provide()`; custom machines reuse them by name.
 */
import { enqueueActions, type ActionFunction, type ParameterizedObject } from 'xstate';
import { InvalidConfigError } from '../errors.js';
import type { InquiryEffect } from '../schemas/effects.js';
import type { InquiryEvent, PendingReason, Priority } from '../schemas/inquiry.js';
import type { InquiryContext } from '../schemas/state.js';
import type { ServicePolicies } from '../policies/service-policies.js';
import * as steps from './steps.js';
import { asksForFollowUp, followUpRequest } from './follow-up-request.js';
import { observation, observeMetrics, runMetricAction } from './metric-steps.js';

/**
 * An internal event: the deadline due at `at` fires. A `tick` raises one per due deadline, in time
 * order, up to the tick's own instant (`until`). Not accepted from outside by `createProcess`.
 */
export interface DeadlineEvent {
  readonly type: 'deadline';
  readonly at: number;
  readonly until: number;
}

/**
 * An internal event: what the event before it did, shown to the metrics defined as data (see
 * `machines/metric-steps.ts`). Machines raise it after each event when their SLA policy defines
 * metrics; `createProcess` applies the same step without it. Not accepted from outside.
 */
export interface MetricObservationEvent {
  readonly type: 'sla.observe';
  readonly at: number;
  /** The event observed (`{ type: 'received' }` at the arrival). */
  readonly event: { readonly type: string } & Readonly<Record<string, unknown>>;
  /** The stage before the event. */
  readonly from: string;
  /** The tags of the state after it. */
  readonly tags: ReadonlySet<string>;
}

/** Every event the inquiry machine handles: the public events plus internal deadlines and observations. */
export type InquiryMachineEvent = InquiryEvent | DeadlineEvent | MetricObservationEvent;

type EventOf<T extends InquiryMachineEvent['type']> = Extract<InquiryMachineEvent, { type: T }>;

// A machine that runs an action on an event without what it needs is misconfigured: a typed
// INVALID_CONFIG rather than a TypeError, since a custom machine and its events can cause it.
function missing(action: string, field: string, event: { type: string }): InvalidConfigError {
  return new InvalidConfigError(
    `serviceflow action '${action}' needs '${field}' from the event or from the action's params; event '${event.type}' has none`,
    { path: [field], expected: `'${field}' on event '${event.type}' or in the params of '${action}'` },
  );
}

/** A field of the action's params, else of the event (custom events may carry it), else undefined. */
function optionalDataOf(event: InquiryMachineEvent, params: object | undefined, field: string): unknown {
  if (params !== undefined && field in params) return (params as Record<string, unknown>)[field];
  return (event as unknown as Record<string, unknown>)[field];
}

/** Like {@link optionalDataOf}, for a field the action cannot do without. */
function dataOf(event: InquiryMachineEvent, params: object | undefined, field: string, action: string): unknown {
  const value = optionalDataOf(event, params, field);
  if (value === undefined) throw missing(action, field, event);
  return value;
}

function expectEvent<T extends InquiryMachineEvent['type']>(event: InquiryMachineEvent, ...types: T[]): EventOf<T> {
  if (!(types as string[]).includes(event.type)) {
    throw new InvalidConfigError(`serviceflow action expected ${types.join(' or ')}, received '${event.type}'`, {
      path: ['type'],
      received: event.type,
      expected: types.join(' | '),
    });
  }
  return event as EventOf<T>;
}

/** Where a service action puts its effects and the deadline event it raises, in order. */
export interface ServiceStepOutput {
  readonly effects: unknown[];
  readonly raised: { readonly type: string; readonly at: number }[];
  /**
   * The step's {@link steps.StepEnv}, made by the first action that runs and shared by the others
   * (an environment and a bound sink per action cost more than some actions do).
   */
  env?: steps.StepEnv | undefined;
}

/**
 * The pure function behind a service action, reachable from the action for the process's fast
 * path: returns the next context and appends the effects and any raised deadline to `out` (one
 * output per macrostep, not one result object per action: a step allocates what it must only).
 */
export type ServiceStepRunner = (
  context: InquiryContext,
  event: InquiryMachineEvent,
  params: unknown,
  out: ServiceStepOutput,
) => InquiryContext;

/** The key under which a service action carries the policies it is bound to. */
export const SERVICE_POLICIES: unique symbol = Symbol.for('serviceflow.policies');

/** The policies a service action implementation is bound to, or `undefined` for any other action. */
export function servicePoliciesOf(action: unknown): ServicePolicies | undefined {
  return typeof action === 'function'
    ? (action as { [SERVICE_POLICIES]?: ServicePolicies })[SERVICE_POLICIES]
    : undefined;
}

/** The key under which a service action carries its {@link ServiceStepRunner}. */
export const SERVICE_STEP: unique symbol = Symbol.for('serviceflow.step');

/** A serviceflow guard: a pure predicate of the context and the event. */
export type ServiceGuard = (args: { context: InquiryContext; event: InquiryMachineEvent }, params: unknown) => boolean;

/** The key that marks serviceflow's own guards (pure functions of context and event). */
export const SERVICE_GUARD: unique symbol = Symbol.for('serviceflow.guard');

/** The guard itself when it is one of serviceflow's, or `undefined`. */
export function serviceGuardOf(guard: unknown): ServiceGuard | undefined {
  return typeof guard === 'function' && (guard as { [SERVICE_GUARD]?: boolean })[SERVICE_GUARD] === true
    ? (guard as ServiceGuard)
    : undefined;
}

const markGuard = <G extends (args: { context: InquiryContext; event: InquiryMachineEvent }) => boolean>(guard: G): G =>
  Object.assign(guard, { [SERVICE_GUARD]: true });

/** The runner of a service action implementation, or `undefined` for any other action. */
export function serviceStepOf(action: unknown): ServiceStepRunner | undefined {
  return typeof action === 'function' ? (action as { [SERVICE_STEP]?: ServiceStepRunner })[SERVICE_STEP] : undefined;
}

/** The names of the service actions (the keys of {@link serviceActions}), which SLA triggers may name. */
export const serviceActionNames: readonly string[] = [
  'receive',
  'enterStage',
  'record',
  'acknowledge',
  'categorize',
  'prioritize',
  'assign',
  'recordAgentReply',
  'recordCustomerReply',
  'pend',
  'resumeWork',
  'escalate',
  'openFollowUp',
  'resolve',
  'recordFeedback',
  'reopen',
  'requestFollowUp',
  'close',
  'closeAutomatically',
  'cancel',
  'recordContact',
  'observeMetrics',
  'advanceTime',
  'fireDeadlines',
];

/** The actions whose steps run the metrics themselves (or that are the metrics' own observation). */
const actionsReactingInside: ReadonlySet<string> = new Set(['receive', 'reopen', 'observeMetrics']);

/**
 * Wraps a pure step into an XState action that assigns the next context, emits the effects in
 * order, stamps `lastEventAt` for public events, and raises the next due deadline on `tick` and
 * `deadline` events.
 *
 * Built on XState's public action creators: `enqueueActions` enqueues the step's `assign`, its
 * `emit`s and its `raise`, after a no-op action named after the service action, so that
 * `createActor(machine, { inspect })` reports every service action by name (`@xstate.action`
 * with `action.type` `'resolve'`, `'enterStage'`, …), then its effects (`xstate.emit`). The
 * process does not pay for this: its fast path runs the pure step itself ({@link serviceStepOf}),
 * and only plain XState actors and transitions outside that path go through these actions.
 */
function serviceAction<TParams extends ParameterizedObject['params'] | undefined = undefined>(
  policies: ServicePolicies,
  copier: steps.ContextCopier,
  name: string,
  step: (context: InquiryContext, event: InquiryMachineEvent, env: steps.StepEnv, params: TParams) => InquiryContext,
): ActionFunction<
  InquiryContext,
  InquiryMachineEvent,
  InquiryMachineEvent,
  TParams,
  never,
  never,
  never,
  never,
  InquiryEffect
> {
  const reactsAfter = !actionsReactingInside.has(name);
  const run = (
    context: InquiryContext,
    event: InquiryMachineEvent,
    params: TParams,
    out: ServiceStepOutput,
  ): InquiryContext => {
    let env = out.env;
    if (env === undefined || env.policies !== policies || env.copy !== copier) {
      // A bound push, not an arrow: an arrow made per run costs a closure, and tsx's keepNames
      // renames every one of them (bench/README.md).
      env = { policies, copy: copier, emit: out.effects.push.bind(out.effects) };
      out.env = env;
    }
    let next = step(context, event, env, params);
    // The metrics whose triggers name this action react to what it did (the arrival and a reopen
    // let them react inside the step, before the escalation rules do).
    if (reactsAfter) next = runMetricAction(next, name, event.at, env, next !== context);
    if (event.type !== 'deadline' && next.lastEventAt < event.at) {
      // A context the step returned other than the one it was given is a fresh object of this
      // step (steps never mutate their input), so stamping it in place saves a second copy.
      if (next === context) next = copier(context);
      (next as { lastEventAt: number }).lastEventAt = event.at;
    }
    if (event.type === 'tick' || event.type === 'deadline') {
      const until = event.type === 'tick' ? event.at : event.until;
      const due = steps.nextDeadline(next);
      // A deadline event only raises a later one: a close that is due but that this state does
      // not make (it is not the follow-up stage) must not be raised again and again.
      if (due !== null && due <= until && (event.type === 'tick' || due > event.at)) {
        const raised: DeadlineEvent = { type: 'deadline', at: due, until };
        out.raised.push(raised);
      }
    }
    return next;
  };
  // XState reports an inline action by its function's name. Executed on every run, it is also what
  // tells a handled event that changes nothing apart from one no state accepted (XState ignores
  // those silently): the process counts executed actions.
  const named = { [name]: () => {} }[name] as () => void;
  const action = enqueueActions<
    InquiryContext,
    InquiryMachineEvent,
    TParams,
    InquiryMachineEvent,
    never,
    never,
    never,
    never,
    InquiryEffect
  >(({ context, event, enqueue }, params) => {
    enqueue(named);
    const out: ServiceStepOutput = { effects: [], raised: [], env: undefined };
    const next = run(context, event, params, out);
    if (next !== context) enqueue.assign(() => next);
    for (const effect of out.effects) enqueue.emit(effect as InquiryEffect);
    for (const raised of out.raised) enqueue.raise(raised as DeadlineEvent);
  });
  return Object.assign(action, { [SERVICE_STEP]: run as ServiceStepRunner, [SERVICE_POLICIES]: policies });
}

/**
 * The action implementations of service machines, bound to `policies`.
 *
 * @example
 * ```ts
 * import { inquiryMachine, serviceActions, resolvePolicies, slaPolicy } from 'serviceflow';
 * const machine = inquiryMachine.provide({
 *   actions: serviceActions(resolvePolicies({ sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) })),
 * });
 * ```
 */
export function serviceActions(policies: ServicePolicies) {
  return bindServiceActions(policies, steps.genericContextCopy);
}

/**
 * {@link serviceActions} with the steps copying contexts through `copier`: `createProcess` binds
 * `inquiryContextCopy` for machines whose context is exactly `InquiryContext`. Not public API.
 */
export function bindServiceActions(policies: ServicePolicies, copier: steps.ContextCopier) {
  const action = <P extends ParameterizedObject['params'] | undefined = undefined>(
    name: string,
    step: (context: InquiryContext, event: InquiryMachineEvent, env: steps.StepEnv, params: P) => InquiryContext,
  ) => serviceAction<P>(policies, copier, name, step);
  return {
    /** Entry of the machine: names the first escalation level, starts clocks, applies `received` rules. */
    receive: action('receive', (ctx, _event, env) => steps.receive(ctx, env)),
    /** Records the stage a state stands for (`params.stage`) and reports `stage.changed`. */
    enterStage: action<{ stage: string }>('enterStage', (ctx, event, env, params) =>
      steps.enterStage(ctx, params.stage, event.at, env),
    ),
    /** Records an event's time only (for events whose meaning is the transition itself). */
    record: action('record', (ctx) => ctx),
    acknowledge: action('acknowledge', (ctx, event, env) => steps.acknowledge(ctx, event.at, env)),
    /** Sets the category (and optionally the priority) from the event, or from `params`. */
    categorize: action<{ category?: string; priority?: Priority } | undefined>(
      'categorize',
      (ctx, event, env, params) => {
        const category = dataOf(event, params, 'category', 'categorize');
        return steps.categorize(
          ctx,
          String(category),
          optionalDataOf(event, params, 'priority') as Priority | undefined,
          event.at,
          env,
        );
      },
    ),
    /** Sets the priority from the event, or from `params`. */
    prioritize: action<{ priority?: Priority } | undefined>('prioritize', (ctx, event, env, params) =>
      steps.prioritize(ctx, dataOf(event, params, 'priority', 'prioritize') as Priority, event.at, env),
    ),
    /** Assigns to the event's (or `params`') agent and/or team. */
    assign: action<{ agentId?: string; team?: string } | undefined>('assign', (ctx, event, env, params) => {
      const agentId = optionalDataOf(event, params, 'agentId') as string | undefined;
      const team = optionalDataOf(event, params, 'team') as string | undefined;
      if (agentId === undefined && team === undefined) throw missing('assign', 'agentId or team', event);
      return steps.assign(ctx, agentId, team, env);
    }),
    recordAgentReply: action('recordAgentReply', (ctx, event, env) => steps.recordAgentReply(ctx, event.at, env)),
    recordCustomerReply: action('recordCustomerReply', (ctx, event, env) =>
      steps.recordCustomerReply(ctx, event.at, env),
    ),
    /** Work waits; the reason comes from the event or from `params` (`{ reason: 'third-party' }`). */
    pend: action<{ reason?: PendingReason } | undefined>('pend', (ctx, event, env, params) =>
      steps.pend(ctx, dataOf(event, params, 'reason', 'pend') as PendingReason, env),
    ),
    resumeWork: action('resumeWork', (ctx, _event, env) => steps.resumeWork(ctx, env)),
    /** Climbs one escalation level; an optional `reason` from the event or `params`. */
    escalate: action<{ reason?: string } | undefined>('escalate', (ctx, event, env, params) =>
      steps.escalateByHand(ctx, optionalDataOf(event, params, 'reason') as string | undefined, event.at, env),
    ),
    /** Entry of the follow-up stage: schedules the survey, the reopen window and the automatic close. */
    openFollowUp: action('openFollowUp', (ctx, event, env) => steps.openFollowUp(ctx, event.at, env)),
    /** Resolves: meets the clocks; an optional `resolution` from the event or `params`. */
    resolve: action<{ resolution?: string } | undefined>('resolve', (ctx, event, env, params) =>
      steps.resolve(ctx, optionalDataOf(event, params, 'resolution') as string | undefined, event.at, env),
    ),
    recordFeedback: action('recordFeedback', (ctx, event, env) => {
      const e = expectEvent(event, 'feedback');
      return steps.recordFeedback(ctx, e, e.at, env);
    }),
    /** Reopens a resolved inquiry; `params.by` says what reopened it. */
    reopen: action<{ by: 'reopen' | 'customer.reply' | 'feedback' }>('reopen', (ctx, event, env, params) =>
      steps.reopen(ctx, params.by, optionalDataOf(event, undefined, 'reason') as string | undefined, event.at, env),
    ),
    /**
     * A `customer.reply` or `reopen` that can no longer reopen: reports `followUp.requested` and
     * records nothing of the message (it belongs to the follow-up); time moves as on a `tick`.
     */
    requestFollowUp: action('requestFollowUp', (ctx, event, env) => {
      // The built-in machine names it only on customer.reply and reopen; a custom machine may not.
      if (!asksForFollowUp(event)) {
        throw new InvalidConfigError(
          `serviceflow action 'requestFollowUp' runs on customer.reply or reopen, received '${event.type}': name it only on those events`,
          { path: ['type'], received: event.type, expected: 'customer.reply | reopen' },
        );
      }
      env.emit(followUpRequest(ctx, event));
      return ctx;
    }),
    close: action('close', (ctx, event, env) => steps.close(ctx, 'manual', event.at, env)),
    closeAutomatically: action('closeAutomatically', (ctx, event, env) => steps.close(ctx, 'auto', event.at, env)),
    /** Cancels; an optional `reason` from the event or `params`. */
    cancel: action<{ reason?: string } | undefined>('cancel', (ctx, event, env, params) =>
      steps.cancel(ctx, optionalDataOf(event, params, 'reason') as string | undefined, event.at, env),
    ),
    recordContact: action('recordContact', (ctx, event, env) => {
      const e = expectEvent(event, 'contact.completed');
      return steps.contactCompleted(
        ctx,
        { contactId: e.contactId, channel: e.channel, handleMs: e.handleMs, resolved: e.resolved },
        e.at,
        env,
      );
    }),
    /** `sla.observe`: the clocks of metrics defined as data react to the event observed. */
    observeMetrics: action('observeMetrics', (ctx, event, env) => {
      if (event.type !== 'sla.observe') return ctx;
      return observeMetrics(ctx, observation(event.event, event.from, ctx, event.tags), event.at, env);
    }),
    /** `tick`: raises the first deadline due by the tick's instant (the rest follow one by one). */
    advanceTime: action('advanceTime', (ctx) => ctx),
    /**
     * `deadline`: fires every SLA and survey deadline due by the deadline's `until`, each at its
     * own instant, stopping at the automatic close (which the machine makes as a transition: the
     * next raised deadline is the close itself, so that the stage change carries its instant).
     */
    fireDeadlines: action('fireDeadlines', (ctx, event, env) => {
      const until = event.type === 'deadline' ? event.until : event.at;
      const closeAt = steps.closeDueAt(ctx);
      return steps.fireDue(ctx, closeAt === null ? until : Math.min(until, closeAt), env);
    }),
  };
}

/**
 * The guard implementations of service machines, bound to `policies`: `withinReopenWindow`,
 * `pendingOnCustomer`, `feedbackReopens` and `closesNow`. Provide them together with
 * {@link serviceActions} bound to the same policies.
 *
 * @example
 * ```ts
 * import { feedbackPolicy, inquiryMachine, resolvePolicies, serviceActions, serviceGuards } from 'serviceflow';
 * const policies = resolvePolicies({ feedback: feedbackPolicy({ onNegative: 'reopen' }) });
 * const machine = inquiryMachine.provide({ actions: serviceActions(policies), guards: serviceGuards(policies) });
 * ```
 */
export function serviceGuards(policies: ServicePolicies) {
  return {
    /** The event arrived inside the follow-up's reopen window. */
    withinReopenWindow: markGuard(
      ({ context, event }: { context: InquiryContext; event: InquiryMachineEvent }) =>
        context.followUp !== null && event.at < context.followUp.reopenUntil,
    ),
    /** The inquiry waits on the customer (so a customer reply resumes work). */
    pendingOnCustomer: markGuard(
      ({ context }: { context: InquiryContext; event: InquiryMachineEvent }) => context.pendingReason === 'customer',
    ),
    /** Negative feedback, and the feedback policy reopens on it. */
    feedbackReopens: markGuard(
      ({ event }: { context: InquiryContext; event: InquiryMachineEvent }) =>
        event.type === 'feedback' && steps.feedbackReopens(event.kind, event.score, { policies }),
    ),
    /** The follow-up closes by itself at or before this deadline. */
    closesNow: markGuard(({ context, event }: { context: InquiryContext; event: InquiryMachineEvent }) => {
      const closeAt = steps.closeDueAt(context);
      return closeAt !== null && closeAt <= event.at;
    }),
  };
}
