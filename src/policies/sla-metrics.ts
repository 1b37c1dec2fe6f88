/**
 * SLA metrics as data: when a clock starts, stops (is met), pauses, resumes, restarts and is
 * cancelled, said with the process's own events, stages, tags and pending reasons — ServiceNow's
 * SLA conditions and Jira Service Management's "start / pause on / stop" in one small language.
 */
import * as z from 'zod';
import { PendingReason } from '../schemas/inquiry.js';
import { SlaMetricName } from '../schemas/state.js';

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * What sets off a clock's start, stop, restart, cancel, pause or resume: `'received'` (the
 * arrival), an event type (`'assign'`, `'item.received'`), an event whose fields match
 * (`{ event: 'pend', where: { reason: 'customer' } }`: each field equals the value, or one of a
 * list), or entering a stage (`{ stage: 'followUp' }`, or one of a list).
 *
 * @example
 * ```ts
 * import type { SlaTrigger } from 'serviceflow';
 * const triggers: SlaTrigger[] = ['item.received', { event: 'pend', where: { reason: 'customer' } }, { stage: 'qualityReview' }];
 * ```
 */
export const SlaTrigger = z.union([
  z.string().min(1, 'an event type or "received"'),
  z.strictObject({
    event: z.string().min(1),
    where: z.record(z.string(), z.union([Scalar, z.array(Scalar).min(1).readonly()])).optional(),
  }),
  z.strictObject({ stage: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).readonly()]) }),
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
  z.strictObject({ tag: z.string().min(1) }),
  z.strictObject({ pending: z.union([z.literal(true), PendingReason, z.array(PendingReason).min(1).readonly()]) }),
  z.strictObject({ inStage: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).readonly()]) }),
]);
export type SlaPauseCondition = z.infer<typeof SlaPauseCondition>;

const listOf = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];

const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).readonly()]);

/**
 * The definition of one SLA metric: when its clock starts and stops (is met), and optionally when
 * it pauses and resumes, restarts (the running cycle is met and a new one starts at once, as for a
 * periodic update) and is cancelled (it no longer applies). Each is one trigger or a list (any of
 * them). A clock starts only when a target names its metric.
 *
 * Per event, an open clock is first cancelled, else restarted, else stopped; a clock that is not
 * open (never started, met or cancelled) starts on a `start` or `restart` trigger as a new cycle.
 * Then a counting clock pauses on a `pause` trigger or while a pause condition holds, and a
 * paused one resumes on a `resume` trigger or, when it was paused by conditions only, as soon as
 * none holds.
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
    pause: oneOrMany(z.union([SlaPauseCondition, SlaTrigger])).optional(),
    resume: oneOrMany(SlaTrigger).optional(),
    restart: oneOrMany(SlaTrigger).optional(),
    cancel: oneOrMany(SlaTrigger).optional(),
  })
  .superRefine((definition, ctx) => {
    if (Array.isArray(definition.start) && definition.start.length === 0)
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'a metric needs at least one start trigger' });
    if (Array.isArray(definition.stop) && definition.stop.length === 0 && listOf(definition.restart).length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['stop'],
        message: 'a metric needs at least one stop trigger (an empty list only with restart triggers)',
      });
  });
export type SlaMetricDefinition = z.infer<typeof SlaMetricDefinition>;

/** Metric definitions by name, as `slaPolicy({ metrics })` takes them. */
export const SlaMetricDefinitions = z.record(SlaMetricName, SlaMetricDefinition);
export type SlaMetricDefinitions = z.infer<typeof SlaMetricDefinitions>;

/**
 * The metrics built in beside `firstResponse`, `nextResponse` and `resolution`, with their
 * helpdesk meaning; a target that names one switches it on:
 * - `periodicUpdate` (Zendesk): time between agent replies — starts at the first `agent.reply`,
 *   restarts at each, cancelled on `resolve` (or `cancel`).
 * - `agentWorkTime` (Zendesk): from the arrival to `resolve`, paused while pending for any reason.
 * - `requesterWaitTime` (Zendesk): from the arrival to `resolve`, paused only while pending on
 *   the customer.
 * - `timeToAssign`: from the arrival to the first `assign`.
 *
 * @example
 * ```ts
 * import { builtInSlaMetrics } from 'serviceflow';
 * builtInSlaMetrics.timeToAssign; // { start: 'received', stop: 'assign', cancel: ['resolve', 'cancel'] }
 * ```
 */
export const builtInSlaMetrics = {
  periodicUpdate: { start: 'agent.reply', restart: 'agent.reply', stop: [], cancel: ['resolve', 'cancel'] },
  agentWorkTime: { start: 'received', stop: 'resolve', pause: { pending: true }, cancel: 'cancel' },
  requesterWaitTime: { start: 'received', stop: 'resolve', pause: { pending: 'customer' }, cancel: 'cancel' },
  timeToAssign: { start: 'received', stop: 'assign', cancel: ['resolve', 'cancel'] },
} as const satisfies Record<string, SlaMetricDefinition>;

/** The names of the metrics built in as definitions. */
export type BuiltInDefinedMetric = keyof typeof builtInSlaMetrics;

/**
 * What one step shows the metrics: the event (`'received'` at the arrival), the stage before and
 * after it, the state's tags and the pending reason after it.
 */
export interface MetricObservation {
  readonly event: { readonly type: string } & Readonly<Record<string, unknown>>;
  readonly from: string;
  readonly stage: string;
  readonly tags: ReadonlySet<string>;
  readonly pending: PendingReason | null;
}

type Matcher = (o: MetricObservation) => boolean;

/** A definition turned into predicates over an observation. */
export interface CompiledMetric {
  readonly name: string;
  readonly start: Matcher;
  readonly stop: Matcher;
  readonly restart: Matcher;
  readonly cancel: Matcher;
  readonly pauseOn: Matcher;
  readonly resume: Matcher;
  /** Whether a pause condition holds in the observed state. */
  readonly pausedWhile: Matcher;
  /** Whether the metric pauses on event triggers (then only `resume` resumes it). */
  readonly pausesOnEvents: boolean;
  /** Whether the metric has pause conditions (evaluated on every observation). */
  readonly hasConditions: boolean;
  /** Whether any trigger names a stage (evaluated when the stage changes). */
  readonly watchesStages: boolean;
  /** Every event type a trigger names, `'received'` included: other events set off no trigger. */
  readonly triggerEvents: ReadonlySet<string>;
  /** The event types and stages the definition names (for validation against a machine). */
  readonly events: readonly string[];
  readonly stages: readonly string[];
}

const never: Matcher = () => false;
const anyOf = (matchers: readonly Matcher[]): Matcher =>
  matchers.length === 0 ? never : matchers.length === 1 ? (matchers[0] as Matcher) : (o) => matchers.some((m) => m(o));

const isCondition = (value: SlaTrigger | SlaPauseCondition): value is SlaPauseCondition =>
  typeof value === 'object' && ('tag' in value || 'pending' in value || 'inStage' in value);

function fieldMatches(expected: unknown, actual: unknown): boolean {
  return Array.isArray(expected) ? expected.includes(actual) : expected === actual;
}

function triggerMatcher(trigger: SlaTrigger): Matcher {
  if (typeof trigger === 'string') return (o) => o.event.type === trigger;
  if ('stage' in trigger) {
    const stages = listOf(trigger.stage);
    return (o) => o.stage !== o.from && stages.includes(o.stage);
  }
  const { event, where } = trigger;
  if (where === undefined) return (o) => o.event.type === event;
  const fields = Object.entries(where);
  return (o) => o.event.type === event && fields.every(([field, expected]) => fieldMatches(expected, o.event[field]));
}

function conditionMatcher(condition: SlaPauseCondition): Matcher {
  if ('tag' in condition) return (o) => o.tags.has(condition.tag);
  if ('inStage' in condition) {
    const stages = listOf(condition.inStage);
    return (o) => stages.includes(o.stage);
  }
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
    ...listOf(definition.cancel),
  ];
  const events = new Set<string>();
  const stages = new Set<string>();
  for (const trigger of every) {
    if (typeof trigger === 'string') events.add(trigger);
    else if ('event' in trigger) events.add(trigger.event);
    else for (const stage of listOf(trigger.stage)) stages.add(stage);
  }
  for (const condition of conditions)
    if ('inStage' in condition) for (const stage of listOf(condition.inStage)) stages.add(stage);
  const triggerEvents = new Set(events);
  events.delete('received');
  return {
    hasConditions: conditions.length > 0,
    watchesStages: every.some((trigger) => typeof trigger === 'object' && 'stage' in trigger),
    triggerEvents,
    name,
    start: triggersOf(definition.start),
    stop: triggersOf(definition.stop),
    restart: triggersOf(definition.restart),
    cancel: triggersOf(definition.cancel),
    pauseOn: anyOf(pauseTriggers.map(triggerMatcher)),
    resume: triggersOf(definition.resume),
    pausedWhile: anyOf(conditions.map(conditionMatcher)),
    pausesOnEvents: pauseTriggers.length > 0,
    events: [...events],
    stages: [...stages],
  };
}
