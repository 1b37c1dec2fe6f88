import * as z from 'zod';
import { describeZodError, InvalidConfigError } from '../errors.js';
import { PendingReason } from '../schemas/inquiry.js';
import { SlaMetric } from '../schemas/state.js';
import { PositiveDuration } from '../schemas/time.js';
import { alwaysOpenCalendar, BusinessCalendarConfig, businessCalendar, type BusinessCalendar } from './calendar.js';
import { Condition, matchesCondition, type InquiryFacts } from './conditions.js';

/** Target durations per metric, in business milliseconds. A missing metric has no clock. */
export type SlaTargets = Partial<Record<SlaMetric, number>>;

/**
 * What the SLA clocks need from a policy. {@link slaPolicy} builds one from configuration; any
 * object with this shape works (for example targets computed from a customer's contract).
 */
export interface SlaPolicy {
  /** The calendar that business durations are counted on. */
  readonly calendar: BusinessCalendar;
  /** The targets that apply to an inquiry with these attributes. */
  targetsFor(facts: InquiryFacts): SlaTargets;
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
  .gt(0, 'a warning fraction must be greater than 0')
  .lt(1, 'a warning fraction must be less than 1 (1 is the breach itself)');

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
  .strictObject({
    when: Condition.optional(),
    firstResponse: PositiveDuration.optional(),
    nextResponse: PositiveDuration.optional(),
    resolution: PositiveDuration.optional(),
  })
  .refine((t) => t.firstResponse !== undefined || t.nextResponse !== undefined || t.resolution !== undefined, {
    message: 'a target needs at least one of firstResponse, nextResponse, resolution',
  });
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
  calendar: z.union([z.custom<BusinessCalendar>(isCalendar), BusinessCalendarConfig]).optional(),
  targets: z.array(SlaTarget).readonly(),
  warnAt: z.union([Fraction, z.array(Fraction).readonly()]).default([0.75]),
  pauseOn: z.array(PendingReason).readonly().default(['customer']),
  onPriorityChange: z.enum(['recalculate', 'keep']).default('recalculate'),
});
export type SlaPolicyConfig = z.input<typeof SlaPolicyConfig>;

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
export function slaPolicy(config: SlaPolicyConfig): SlaPolicy {
  const parsed = SlaPolicyConfig.safeParse(config);
  if (!parsed.success) {
    const { message, details } = describeZodError('SLA policy config', config, parsed.error);
    throw new InvalidConfigError(message, details);
  }
  const { targets, warnAt, pauseOn, onPriorityChange } = parsed.data;
  const calendar =
    parsed.data.calendar === undefined
      ? alwaysOpenCalendar
      : isCalendar(parsed.data.calendar)
        ? parsed.data.calendar
        : businessCalendar(parsed.data.calendar);
  const fractions = [...new Set(typeof warnAt === 'number' ? [warnAt] : warnAt)].sort((a, b) => a - b);
  return {
    calendar,
    warnAt: fractions,
    pauseOn: [...new Set(pauseOn)],
    onPriorityChange,
    targetsFor(facts) {
      const target = targets.find((t) => matchesCondition(t.when, facts));
      if (target === undefined) return {};
      const result: SlaTargets = {};
      if (target.firstResponse !== undefined) result.firstResponse = target.firstResponse;
      if (target.nextResponse !== undefined) result.nextResponse = target.nextResponse;
      if (target.resolution !== undefined) result.resolution = target.resolution;
      return result;
    },
  };
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
export const noSla: SlaPolicy = {
  calendar: alwaysOpenCalendar,
  warnAt: [],
  pauseOn: ['customer'],
  onPriorityChange: 'recalculate',
  targetsFor: () => ({}),
};
