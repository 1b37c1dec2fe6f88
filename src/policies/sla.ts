import * as z from 'zod/mini';
import { describeZodError, InvalidConfigError } from '../errors.js';
import { PendingReason } from '../schemas/inquiry.js';
import { SlaMetric, SlaMetricName } from '../schemas/state.js';
import { PositiveDuration } from '../schemas/time.js';
import { alwaysOpenCalendar, BusinessCalendarConfig, businessCalendar, type BusinessCalendar } from './calendar.js';
import { Condition, matchesCondition, type InquiryFacts } from './conditions.js';
import { markBuilt } from './built-policies.js';
import {
  builtInSlaMetrics,
  compileMetric,
  SlaMetricDefinition,
  SlaMetricDefinitions,
  type BuiltInDefinedMetric,
  type CompiledMetric,
} from './sla-metrics.js';

/** Target durations per metric, in business milliseconds. A missing metric has no clock. */
export type SlaTargets<TMetric extends string = string> = Partial<Record<SlaMetric | TMetric, number>>;

/**
 * What the SLA clocks need from a policy. {@link slaPolicy} builds one from configuration; any
 * object with this shape works (for example targets computed from a customer's contract).
 */
export interface SlaPolicy<TMetric extends string = string> {
  /** The calendar that business durations are counted on. */
  readonly calendar: BusinessCalendar;
  /** The targets that apply to an inquiry with these attributes. */
  targetsFor(facts: InquiryFacts): SlaTargets<TMetric>;
  /**
   * The metrics defined as data that this policy runs besides the classic three (the built-in ones
   * its targets name and its own), by name. `firstResponse`, `nextResponse` and `resolution` run
   * on their definitions in `builtInSlaMetrics` (with `resolution` paused on `pauseOn`) and are
   * not listed. Absent: none.
   */
  readonly metrics?: Readonly<Partial<Record<TMetric, SlaMetricDefinition>>> | undefined;
  /** Fractions of a target (ascending, each in (0, 1)) at which `sla.warning` fires. */
  readonly warnAt: readonly number[];
  /** Pending reasons that pause the resolution clock. */
  readonly pauseOn: readonly PendingReason[];
  /** Whether a priority or category change recalculates targets from the original start. */
  readonly onPriorityChange: 'recalculate' | 'keep';
}

const isCalendar = (value: unknown): value is BusinessCalendar =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as BusinessCalendar).addBusinessTime === 'function' &&
  typeof (value as BusinessCalendar).businessTimeBetween === 'function';

const Fraction = z
  .number()
  .check(
    z.gt(0, 'a warning fraction must be greater than 0'),
    z.lt(1, 'a warning fraction must be less than 1 (1 is the breach itself)'),
  );

/**
 * One SLA target: the durations that apply when `when` matches (first match wins). Durations are
 * business time on the policy's calendar; at least one metric is required, and a metric left out
 * gets no clock.
 *
 * @example
 * ```ts
 * import { SlaTarget } from 'serviceflow';
 * SlaTarget.parse({ when: { priority: 'urgent' }, firstResponse: '1h' }); // { when: { priority: 'urgent' }, firstResponse: 3600000 }
 * SlaTarget.safeParse({ when: { tier: 'vip' } }).success; // false: no metric
 * ```
 */
export const SlaTarget = z
  .catchall(
    z.object({
      when: z.optional(Condition),
      firstResponse: z.optional(PositiveDuration),
      nextResponse: z.optional(PositiveDuration),
      resolution: z.optional(PositiveDuration),
    }),
    PositiveDuration,
  )
  .check(
    z.superRefine((target, ctx) => {
      if (Object.keys(target).every((key) => key === 'when'))
        ctx.addIssue({ code: 'custom', path: [], message: 'a target needs at least one metric with a duration' });
      for (const key of Object.keys(target))
        if (key !== 'when' && !SlaMetricName.safeParse(key).success)
          ctx.addIssue({ code: 'custom', path: [key], message: `'${key}' is not a metric name (an identifier)` });
    }),
  );
export type SlaTarget = z.infer<typeof SlaTarget>;

/**
 * The configuration {@link slaPolicy} accepts (the type is the input, before defaults): an
 * optional calendar (a {@link BusinessCalendar} or its config), the targets, warning fractions
 * (each in (0, 1), default `[0.75]`), the pending reasons that pause resolution (default
 * `['customer']`), and what a priority change does (default `'recalculate'`).
 *
 * @example
 * ```ts
 * import { slaPolicy, type SlaPolicyConfig } from 'serviceflow';
 * const config: SlaPolicyConfig = {
 *   calendar: { timezone: 'Europe/Berlin', week: { mon: [['08:00', '18:00']], tue: [['08:00', '18:00']] } },
 *   targets: [{ when: { tier: 'vip' }, firstResponse: '30m' }, { firstResponse: '4h', resolution: '2d' }],
 *   warnAt: [0.5, 0.9],
 *   pauseOn: ['customer', 'third-party'],
 * };
 * const sla = slaPolicy(config);
 * ```
 */
export const SlaPolicyConfig = z.strictObject({
  metrics: z.optional(SlaMetricDefinitions),
  calendar: z.optional(z.union([z.custom<BusinessCalendar>(isCalendar), BusinessCalendarConfig])),
  targets: z.readonly(z.array(SlaTarget)),
  warnAt: z._default(z.union([Fraction, z.readonly(z.array(Fraction))]), [0.75]),
  pauseOn: z._default(z.readonly(z.array(PendingReason)), ['customer']),
  onPriorityChange: z._default(z.enum(['recalculate', 'keep']), 'recalculate'),
});
export type SlaPolicyConfig<TDefinitions extends Readonly<Record<string, SlaMetricDefinitionInput>> = {}> = Omit<
  z.input<typeof SlaPolicyConfig>,
  'metrics' | 'targets'
> & {
  /** Metrics defined as data, by name (see {@link SlaMetricDefinition}). */
  readonly metrics?: TDefinitions;
  /** The targets, first match wins: durations of the metrics they name. */
  readonly targets: readonly SlaTargetConfig<NoInfer<MetricNamesOf<TDefinitions>>>[];
};

/** A metric definition as written in a config (before parsing). */
export type SlaMetricDefinitionInput = z.input<typeof SlaMetricDefinition>;

/** The metric names a policy with these definitions knows: the built-in ones and its own. */
export type MetricNamesOf<TDefinitions> = SlaMetric | BuiltInDefinedMetric | (keyof TDefinitions & string);

/**
 * One target as written in a config: a condition and a duration for any known metric (with metric
 * names unknown to TypeScript, any name).
 */
export type SlaTargetConfig<TMetric extends string = string> = string extends TMetric
  ? { readonly when?: z.input<typeof Condition>; readonly [metric: string]: unknown }
  : { readonly when?: z.input<typeof Condition> } & { readonly [K in TMetric]?: z.input<typeof PositiveDuration> };

/**
 * Builds an SLA policy: business-time targets for first response, next response and resolution,
 * matched on priority / channel / customer tier / category (first matching target wins).
 *
 * Defaults: a 24×7 UTC calendar, a warning at 75 % of each target, the resolution clock paused
 * while pending on the customer, and targets recalculated from the original start when the
 * priority or category changes. Bad configuration throws `INVALID_CONFIG` naming the field.
 *
 * @example
 * ```ts
 * import { slaPolicy } from 'serviceflow';
 * const sla = slaPolicy({
 *   calendar: { timezone: 'America/New_York', week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']] } },
 *   targets: [
 *     { when: { priority: 'urgent' }, firstResponse: '1h', resolution: '8h' },
 *     { firstResponse: '8h', nextResponse: '8h', resolution: '3d' },
 *   ],
 *   warnAt: [0.5, 0.9],
 * });
 * ```
 */
export function slaPolicy<const TDefinitions extends Readonly<Record<string, SlaMetricDefinitionInput>> = {}>(
  config: SlaPolicyConfig<TDefinitions>,
): SlaPolicy<MetricNamesOf<TDefinitions>> {
  const parsed = SlaPolicyConfig.safeParse(config);
  if (!parsed.success) {
    const { message, details } = describeZodError('SLA policy config', config, parsed.error);
    throw new InvalidConfigError(message, details);
  }
  const { targets, warnAt, pauseOn, onPriorityChange } = parsed.data;
  const metrics = definedMetrics(parsed.data.metrics ?? {}, targets);
  const calendar =
    parsed.data.calendar === undefined
      ? alwaysOpenCalendar
      : isCalendar(parsed.data.calendar)
        ? parsed.data.calendar
        : businessCalendar(parsed.data.calendar);
  const fractions = [...new Set(typeof warnAt === 'number' ? [warnAt] : warnAt)].sort((a, b) => a - b);
  // Each target's durations once, without `when`: what `targetsFor` hands out (never changed).
  const durations = targets.map((target) => {
    const result: Record<string, number> = {};
    for (const [key, value] of Object.entries(target)) if (key !== 'when') result[key] = value as number;
    return Object.freeze(result);
  });
  const none = Object.freeze({});
  return markBuilt({
    calendar,
    warnAt: Object.freeze(fractions),
    pauseOn: Object.freeze([...new Set(pauseOn)]),
    onPriorityChange,
    metrics: metrics as Partial<Record<MetricNamesOf<TDefinitions>, SlaMetricDefinition>>,
    targetsFor(facts) {
      const index = targets.findIndex((t) => matchesCondition(t.when, facts));
      return index < 0 ? none : (durations[index] as SlaTargets<MetricNamesOf<TDefinitions>>);
    },
  });
}

const classicMetrics: readonly string[] = SlaMetric.options;

/**
 * The definitions a policy runs: its own, plus each built-in one its targets name. A definition
 * named like a classic clock, or a target naming no known metric, is `INVALID_CONFIG`.
 */
function definedMetrics(
  own: Readonly<Record<string, SlaMetricDefinition>>,
  targets: readonly SlaTarget[],
): Record<string, SlaMetricDefinition> {
  const result: Record<string, SlaMetricDefinition> = {};
  for (const name of Object.keys(own)) {
    if (classicMetrics.includes(name)) {
      throw new InvalidConfigError(
        `Invalid SLA policy config: metrics.${name}: '${name}' is a built-in clock (see builtInSlaMetrics); give your metric another name`,
        { path: ['metrics', name], received: name, expected: `a name other than ${classicMetrics.join(', ')}` },
      );
    }
  }
  targets.forEach((target, index) => {
    for (const name of Object.keys(target)) {
      if (name === 'when' || classicMetrics.includes(name) || name in own) continue;
      const builtIn = (builtInSlaMetrics as Record<string, SlaMetricDefinition>)[name];
      if (builtIn === undefined) {
        const known = [...Object.keys(builtInSlaMetrics), ...Object.keys(own)];
        throw new InvalidConfigError(
          `Invalid SLA policy config: targets.${index}.${name}: no metric '${name}' is defined; define it in metrics or use one of ${known.join(', ')}`,
          { path: ['targets', index, name], received: name, expected: `one of ${known.join(', ')}` },
        );
      }
      result[name] = builtIn;
    }
  });
  // The policy's own last: built-in ones keep a fixed order before them (the order clocks fire in).
  for (const [name, definition] of Object.entries(own)) result[name] = definition;
  return result;
}

/** The compiled definitions of each policy (policies are immutable values). */
const compiled = new WeakMap<SlaPolicy, readonly CompiledMetric[]>();

/**
 * The definitions of the classic clocks under a policy: `resolution` pauses while pending for a
 * reason in the policy's `pauseOn` (not at all when it is empty).
 */
function classicDefinitions(pauseOn: readonly PendingReason[]): readonly [string, SlaMetricDefinition][] {
  const { firstResponse, nextResponse, resolution } = builtInSlaMetrics;
  const { pause: _default, ...unpaused } = resolution;
  return [
    ['firstResponse', firstResponse],
    ['nextResponse', nextResponse],
    ['resolution', pauseOn.length === 0 ? unpaused : { ...unpaused, pause: { pending: pauseOn } }],
  ];
}

/**
 * The compiled metric definitions of a policy, in the order their clocks are visited: the classic
 * three, then the others. A policy written by hand is checked here: a bad definition is
 * `INVALID_CONFIG`.
 */
export function compiledMetrics(policy: SlaPolicy): readonly CompiledMetric[] {
  let result = compiled.get(policy);
  if (result === undefined) {
    const definitions = policy.metrics ?? {};
    const parsed = SlaMetricDefinitions.safeParse(definitions);
    if (!parsed.success) {
      const { message, details } = describeZodError('SLA policy metrics', definitions, parsed.error);
      throw new InvalidConfigError(message, { ...details, path: ['metrics', ...(details.path ?? [])] });
    }
    const own = Object.entries(parsed.data).filter(([name]) => !classicMetrics.includes(name));
    result = [...classicDefinitions(policy.pauseOn), ...own].map(([name, definition]) =>
      compileMetric(name, definition),
    );
    compiled.set(policy, result);
  }
  return result;
}

/**
 * The neutral SLA policy: no targets, so no clocks. The default of `createProcess`.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, noSla } from 'serviceflow';
 * const process = createProcess(inquiryMachine, { sla: noSla });
 * const { state, wakeAt } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: 0 });
 * state.context.sla.clocks; // {}
 * wakeAt; // null: nothing to wake up for
 * ```
 */
export const noSla: SlaPolicy = markBuilt({
  calendar: alwaysOpenCalendar,
  warnAt: Object.freeze([]),
  pauseOn: Object.freeze(['customer'] as const),
  onPriorityChange: 'recalculate',
  targetsFor: () => ({}),
});
