/**
 * SLA metrics as data: when a clock starts, stops (is met), pauses, resumes, restarts and is
 * cancelled, said with the process's own events, stages, tags and pending reasons — ServiceNow's
 * SLA conditions and Jira Service Management's "start / pause on / stop" in one small language.
 */
import * as z from 'zod/mini';
import { PendingReason } from '../schemas/inquiry.js';
import { SlaMetricName } from '../schemas/state.js';

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const oneOrMany = <T extends z.core.$ZodType>(schema: T) => z.union([schema, z.readonly(z.array(schema))]);

const Stages = z.union([
  z.string().check(z.minLength(1)),
  z.readonly(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
]);
const PendingCondition = z.strictObject({
  pending: z.union([z.literal(true), PendingReason, z.readonly(z.array(PendingReason).check(z.minLength(1)))]),
});

/**
 * A condition on the inquiry a trigger of a service action may require (`if`): waiting for one of
 * these reasons (`{ pending: 'customer' }`, `true` for any), in one of these stages
 * (`{ inStage: 'resolution' }`), after the first agent reply or before it (`{ replied: true }`),
 * resolved or not (`{ resolved: false }`).
 *
 * @example
 * ```ts
 * import type { SlaTrigger } from 'serviceflow';
 * // a customer reply ends the requester's wait only while the inquiry waits on the customer
 * const trigger: SlaTrigger = { action: 'recordCustomerReply', if: { pending: 'customer' } };
 * ```
 */
export const SlaTriggerCondition = z.union([
  PendingCondition,
  z.strictObject({ inStage: Stages }),
  z.strictObject({ replied: z.boolean() }),
  z.strictObject({ resolved: z.boolean() }),
]);
export type SlaTriggerCondition = z.infer<typeof SlaTriggerCondition>;

/**
 * What sets off a clock's start, stop, restart, reopen, cancel, pause or resume: `'received'` (the
 * arrival), an event type (`'assign'`, `'item.received'`), an event whose fields match
 * (`{ event: 'pend', where: { reason: 'customer' } }`: each field equals the value, or one of a
 * list), entering a stage (`{ stage: 'followUp' }`, or one of a list), or a service action the
 * process runs, whatever event runs it (`{ action: 'recordAgentReply' }`; with `if`, only while
 * every condition holds: `{ action: 'recordCustomerReply', if: { replied: true } }`).
 *
 * @example
 * ```ts
 * import type { SlaTrigger } from 'serviceflow';
 * const triggers: SlaTrigger[] = [
 *   'item.received',
 *   { event: 'pend', where: { reason: 'customer' } },
 *   { stage: 'qualityReview' },
 *   { action: 'recordAgentReply' },
 * ];
 * ```
 */
export const SlaTrigger = z.union([
  z.string().check(z.minLength(1, 'an event type or "received"')),
  z.strictObject({
    event: z.string().check(z.minLength(1)),
    where: z.optional(z.record(z.string(), z.union([Scalar, z.readonly(z.array(Scalar).check(z.minLength(1)))]))),
  }),
  z.strictObject({ stage: Stages }),
  z.strictObject({ action: z.string().check(z.minLength(1)), if: z.optional(oneOrMany(SlaTriggerCondition)) }),
]);
export type SlaTrigger = z.infer<typeof SlaTrigger>;

/**
 * A state in which a clock stands still (for `pause` only): while the machine's state has a tag
 * (`{ tag: 'pending' }`), while the inquiry waits for one of these reasons (`{ pending: 'customer' }`,
 * `{ pending: true }` for any reason), or while it is in one of these stages
 * (`{ inStage: 'onHold' }`). The clock resumes by itself when no condition holds any more.
 *
 * @example
 * ```ts
 * import type { SlaPauseCondition } from 'serviceflow';
 * const conditions: SlaPauseCondition[] = [{ tag: 'pending' }, { pending: ['customer', 'third-party'] }];
 * ```
 */
export const SlaPauseCondition = z.union([
  z.strictObject({ tag: z.string().check(z.minLength(1)) }),
  PendingCondition,
  z.strictObject({ inStage: Stages }),
]);
export type SlaPauseCondition = z.infer<typeof SlaPauseCondition>;

const listOf = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];

/**
 * The definition of one SLA metric: when its clock starts and stops (is met), and optionally when
 * it pauses and resumes, restarts (the running cycle is met and a new one starts at once, as for a
 * periodic update), reopens (a completed cycle counts on, its time so far kept, as resolution does
 * when a resolved case is reopened) and is cancelled (it no longer applies). Each is one trigger or
 * a list (any of them). A clock starts only when a target names its metric.
 *
 * Per step, an open clock is first cancelled, else restarted, else stopped; a completed clock
 * reopens on a `reopen` trigger; a clock that is not open (never started, met or cancelled)
 * starts on a `start` or `restart` trigger as a new cycle. Then a counting clock pauses on a
 * `pause` trigger or while a pause condition holds, and a paused one resumes on a `resume` trigger
 * or, when it was paused by conditions only, as soon as none holds.
 *
 * @example
 * ```ts
 * import { SlaMetricDefinition } from 'serviceflow';
 * // "refund within 2 business days of the item's arrival"
 * SlaMetricDefinition.parse({ start: 'item.received', stop: 'refund', cancel: ['inspection.failed', 'cancel'] });
 * SlaMetricDefinition.safeParse({ start: 'received' }).success; // false: no stop
 * ```
 */
export const SlaMetricDefinition = z
  .strictObject({
    start: oneOrMany(SlaTrigger),
    stop: oneOrMany(SlaTrigger),
    pause: z.optional(oneOrMany(z.union([SlaPauseCondition, SlaTrigger]))),
    resume: z.optional(oneOrMany(SlaTrigger)),
    restart: z.optional(oneOrMany(SlaTrigger)),
    reopen: z.optional(oneOrMany(SlaTrigger)),
    cancel: z.optional(oneOrMany(SlaTrigger)),
  })
  .check(
    z.superRefine((definition, ctx) => {
      if (Array.isArray(definition.start) && definition.start.length === 0)
        ctx.addIssue({ code: 'custom', path: ['start'], message: 'a metric needs at least one start trigger' });
      if (Array.isArray(definition.stop) && definition.stop.length === 0 && listOf(definition.restart).length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['stop'],
          message: 'a metric needs at least one stop trigger (an empty list only with restart triggers)',
        });
    }),
  );
export type SlaMetricDefinition = z.infer<typeof SlaMetricDefinition>;

/** Metric definitions by name, as `slaPolicy({ metrics })` takes them. */
export const SlaMetricDefinitions = z.record(SlaMetricName, SlaMetricDefinition);
export type SlaMetricDefinitions = z.infer<typeof SlaMetricDefinitions>;

/**
 * The built-in metrics, in the language any metric is defined in. The classic three run whenever
 * a target names them, with mechanics that only their definitions give them:
 * - `firstResponse`: from the arrival to the first agent reply (or the resolution).
 * - `nextResponse`: from a customer reply after the first agent reply, while the case is not
 *   resolved, to the next agent reply; cancelled by the resolution (a resolved case owes no reply).
 * - `resolution`: from the arrival to the resolution, paused while pending for a reason in the
 *   policy's `pauseOn` (the `pending` condition here is the default, `['customer']`), counting on
 *   when the case is reopened.
 *
 * And four more, with their helpdesk meaning:
 * - `periodicUpdate` (Zendesk): time between agent replies — starts at the first, restarts at
 *   each, cancelled by the resolution.
 * - `agentWorkTime` (Zendesk): from the arrival to the resolution, paused while pending for any
 *   reason.
 * - `requesterWaitTime` (Zendesk): from the arrival to the resolution, paused only while pending
 *   on the customer.
 * - `timeToAssign`: from the arrival to the first assignment (cancelled by the resolution).
 *
 * Their triggers are service actions (`recordAgentReply`, `resolve`, …), so they measure custom
 * processes too, whatever events run those actions there. Closing or cancelling an inquiry
 * cancels every clock still open.
 *
 * @example
 * ```ts
 * import { builtInSlaMetrics } from 'serviceflow';
 * builtInSlaMetrics.timeToAssign; // { start: 'received', stop: { action: 'assign' }, cancel: { action: 'resolve' } }
 * ```
 */
export const builtInSlaMetrics = {
  firstResponse: { start: 'received', stop: [{ action: 'recordAgentReply' }, { action: 'resolve' }] },
  nextResponse: {
    start: { action: 'recordCustomerReply', if: [{ replied: true }, { resolved: false }] },
    stop: { action: 'recordAgentReply' },
    cancel: { action: 'resolve' },
  },
  resolution: {
    start: 'received',
    stop: { action: 'resolve' },
    pause: { pending: 'customer' },
    reopen: { action: 'reopen' },
  },
  periodicUpdate: {
    start: { action: 'recordAgentReply' },
    restart: { action: 'recordAgentReply' },
    stop: [],
    cancel: { action: 'resolve' },
  },
  agentWorkTime: { start: 'received', stop: { action: 'resolve' }, pause: { pending: true } },
  requesterWaitTime: { start: 'received', stop: { action: 'resolve' }, pause: { pending: 'customer' } },
  timeToAssign: { start: 'received', stop: { action: 'assign' }, cancel: { action: 'resolve' } },
} as const satisfies Record<string, SlaMetricDefinition>;

/** The names of the metrics built in (the classic three and four more). */
export type BuiltInDefinedMetric = keyof typeof builtInSlaMetrics;

/**
 * What one step shows the metrics. At a service action: the action's name, the event that ran it,
 * and the inquiry as the action left it. After an event (the observation): the event
 * (`'received'` at the arrival), the stage before and after it, and the state's tags.
 */
export interface MetricObservation {
  /** The service action that ran, or `undefined` for the observation after an event. */
  readonly action: string | undefined;
  readonly event: { readonly type: string } & Readonly<Record<string, unknown>>;
  readonly from: string;
  readonly stage: string;
  readonly tags: ReadonlySet<string>;
  readonly pending: PendingReason | null;
  /** Whether an agent replied (the first response happened). */
  readonly replied: boolean;
  /** Whether the inquiry is resolved. */
  readonly resolved: boolean;
}

type Matcher = (o: MetricObservation) => boolean;

/** A definition turned into predicates over an observation. */
export interface CompiledMetric {
  readonly name: string;
  readonly start: Matcher;
  readonly stop: Matcher;
  readonly restart: Matcher;
  readonly reopen: Matcher;
  readonly cancel: Matcher;
  readonly pauseOn: Matcher;
  readonly resume: Matcher;
  /** Whether a pause condition holds in the observed state. */
  readonly pausedWhile: Matcher;
  /** Whether the metric pauses on event triggers (then only `resume` resumes it). */
  readonly pausesOnEvents: boolean;
  /** Whether the metric has pause conditions. */
  readonly hasConditions: boolean;
  /** Whether a pause condition reads the pending reason (evaluated when it changes). */
  readonly watchesPending: boolean;
  /** Whether the metric needs the observation after each event (event, stage or tag triggers). */
  readonly observes: boolean;
  /** Whether any trigger names a stage (evaluated when the stage changes). */
  readonly watchesStages: boolean;
  /** Every event type an event trigger names: other events set off none of them. */
  readonly triggerEvents: ReadonlySet<string>;
  /** The service actions its triggers name (`'receive'` for `'received'`). */
  readonly actions: ReadonlySet<string>;
  /** The event types, stages and service actions the definition names (for validation). */
  readonly events: readonly string[];
  readonly stages: readonly string[];
}

const never: Matcher = () => false;
const anyOf = (matchers: readonly Matcher[]): Matcher =>
  matchers.length === 0 ? never : matchers.length === 1 ? (matchers[0] as Matcher) : (o) => matchers.some((m) => m(o));
const allOf = (matchers: readonly Matcher[]): Matcher =>
  matchers.length === 1 ? (matchers[0] as Matcher) : (o) => matchers.every((m) => m(o));

const isCondition = (value: SlaTrigger | SlaPauseCondition): value is SlaPauseCondition =>
  typeof value === 'object' && ('tag' in value || 'pending' in value || 'inStage' in value);

function fieldMatches(expected: unknown, actual: unknown): boolean {
  return Array.isArray(expected) ? expected.includes(actual) : expected === actual;
}

/** The service action a trigger names: `'receive'` for `'received'`, else its `action`. */
const actionOf = (trigger: SlaTrigger): string | undefined =>
  trigger === 'received' ? 'receive' : typeof trigger === 'object' && 'action' in trigger ? trigger.action : undefined;

function triggerMatcher(trigger: SlaTrigger): Matcher {
  if (trigger === 'received') return (o) => o.action === 'receive';
  if (typeof trigger === 'string') return (o) => o.action === undefined && o.event.type === trigger;
  if ('stage' in trigger) {
    const stages = listOf(trigger.stage);
    return (o) => o.action === undefined && o.stage !== o.from && stages.includes(o.stage);
  }
  if ('action' in trigger) {
    const action = trigger.action;
    const conditions = listOf(trigger.if);
    if (conditions.length === 0) return (o) => o.action === action;
    const holds = allOf(conditions.map(conditionMatcher));
    return (o) => o.action === action && holds(o);
  }
  const { event, where } = trigger;
  if (where === undefined) return (o) => o.action === undefined && o.event.type === event;
  const fields = Object.entries(where);
  return (o) =>
    o.action === undefined &&
    o.event.type === event &&
    fields.every(([field, expected]) => fieldMatches(expected, o.event[field]));
}

function conditionMatcher(condition: SlaPauseCondition | SlaTriggerCondition): Matcher {
  if ('tag' in condition) return (o) => o.tags.has(condition.tag);
  if ('inStage' in condition) {
    const stages = listOf(condition.inStage);
    return (o) => stages.includes(o.stage);
  }
  if ('replied' in condition) return condition.replied ? (o) => o.replied : (o) => !o.replied;
  if ('resolved' in condition) return condition.resolved ? (o) => o.resolved : (o) => !o.resolved;
  const pending = condition.pending;
  if (pending === true) return (o) => o.pending !== null;
  const reasons = listOf(pending);
  return (o) => o.pending !== null && reasons.includes(o.pending);
}

const triggersOf = (value: SlaTrigger | readonly SlaTrigger[] | undefined): Matcher =>
  anyOf(listOf(value).map(triggerMatcher));

/** Compiles a (parsed) definition into matchers. */
export function compileMetric(name: string, definition: SlaMetricDefinition): CompiledMetric {
  const pauses = listOf(definition.pause);
  const conditions = pauses.filter(isCondition);
  const pauseTriggers = pauses.filter((p): p is SlaTrigger => !isCondition(p));
  const every = [
    ...listOf(definition.start),
    ...listOf(definition.stop),
    ...pauseTriggers,
    ...listOf(definition.resume),
    ...listOf(definition.restart),
    ...listOf(definition.reopen),
    ...listOf(definition.cancel),
  ];
  const events = new Set<string>();
  const stages = new Set<string>();
  const actions = new Set<string>();
  for (const trigger of every) {
    const action = actionOf(trigger);
    if (action !== undefined) actions.add(action);
    else if (typeof trigger === 'string') events.add(trigger);
    else if ('event' in trigger) events.add(trigger.event);
    else if ('stage' in trigger) for (const stage of listOf(trigger.stage)) stages.add(stage);
    if (typeof trigger === 'object' && 'action' in trigger)
      for (const condition of listOf(trigger.if))
        if ('inStage' in condition) for (const stage of listOf(condition.inStage)) stages.add(stage);
  }
  for (const condition of conditions)
    if ('inStage' in condition) for (const stage of listOf(condition.inStage)) stages.add(stage);
  const watchesStages = every.some((trigger) => typeof trigger === 'object' && 'stage' in trigger);
  const watchesState = conditions.some((condition) => 'tag' in condition || 'inStage' in condition);
  return {
    name,
    start: triggersOf(definition.start),
    stop: triggersOf(definition.stop),
    restart: triggersOf(definition.restart),
    reopen: triggersOf(definition.reopen),
    cancel: triggersOf(definition.cancel),
    pauseOn: anyOf(pauseTriggers.map(triggerMatcher)),
    resume: triggersOf(definition.resume),
    pausedWhile: anyOf(conditions.map(conditionMatcher)),
    pausesOnEvents: pauseTriggers.length > 0,
    hasConditions: conditions.length > 0,
    watchesPending: conditions.some((condition) => 'pending' in condition),
    observes: events.size > 0 || watchesStages || watchesState,
    watchesStages,
    triggerEvents: events,
    actions,
    events: [...events],
    stages: [...stages],
  };
}
