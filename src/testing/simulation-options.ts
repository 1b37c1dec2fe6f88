/**
 * What `simulate` accepts: one zod schema for every option, with the defaults of a mid-size desk,
 * and the types derived from it. Bad options throw `INVALID_CONFIG` naming the offending path.
 */
import * as z from 'zod/mini';
import type { InquiryMachine } from '../machines/inquiry.js';
import type { ServiceProcess } from '../process/createProcess.js';
import { describeZodError, InvalidConfigError } from '../errors.js';
import type { InquiryView } from '../process/view.js';
import { BusinessCalendarConfig, type BusinessCalendar } from '../policies/calendar.js';
import type { EscalationPolicy } from '../policies/escalation.js';
import type { FeedbackPolicy } from '../policies/feedback.js';
import type { SlaPolicy } from '../policies/sla.js';
import { isTimeZone } from '../policies/calendar/zone.js';
import { Channel, Priority } from '../schemas/inquiry.js';
import type { InquiryEffect } from '../schemas/effects.js';
import { Duration, Timestamp } from '../schemas/time.js';
import { DurationDistribution } from './distribution.js';

/**
 * Monday 2026-03-02 00:00 UTC: where simulations start unless told otherwise.
 *
 * @example
 * ```ts
 * import { DEFAULT_SIMULATION_START, simulate } from 'serviceflow/testing';
 * simulate({ inquiries: 100, days: 1, start: DEFAULT_SIMULATION_START + 7 * 86_400_000 }); // a week later
 * ```
 */
export const DEFAULT_SIMULATION_START = Date.UTC(2026, 2, 2);

const fn = <T>(what: string) =>
  z.custom<T>((value) => typeof value === 'function', { message: `${what} must be a function` });
const hasMethods = (value: unknown, ...methods: string[]): boolean =>
  typeof value === 'object' &&
  value !== null &&
  methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');

const Probability = z
  .number()
  .check(z.gte(0, 'must be a probability from 0 to 1'), z.lte(1, 'must be a probability from 0 to 1'));

const Weight = z.number().check(z.nonnegative('a weight must be 0 or more'));
const somePositive = { message: 'at least one weight must be positive' };
/** Relative weights of named outcomes (need not sum to 1; at least one must be positive). */
// Keys become inquiry fields (tier, category) as they are: they must already be the text the
// inquiry input accepts, non-empty and without surrounding blanks.
const WeightKey = z
  .string()
  .check(
    z.refine((key) => key.length > 0 && key.trim() === key, 'must be a non-empty name without surrounding blanks'),
  );
const Weights = z
  .record(WeightKey, Weight)
  .check(z.refine((weights) => Object.values(weights).some((w) => w > 0), somePositive));
/** Relative weights of some of an enum's values (the ones left out never occur). */
const EnumWeights = <T extends z.core.util.EnumLike>(values: z.ZodMiniEnum<T>) =>
  z
    .partialRecord(values, Weight)
    .check(z.refine((weights) => Object.values(weights).some((w) => typeof w === 'number' && w > 0), somePositive));

const ScoreWeights = (length: number, kind: string) =>
  z.array(z.number().check(z.nonnegative())).check(
    z.length(length, `${kind} weights list one weight per score (${length} of them)`),
    z.refine((weights) => weights.some((w) => w > 0), { message: 'at least one weight must be positive' }),
  );

/** Score weights per survey kind: CSAT 1–5, NPS 0–10, CES 1–7 (index 0 is the lowest score). */
const SurveyScores = z.strictObject({
  csat: z.optional(ScoreWeights(5, 'CSAT')),
  nps: z.optional(ScoreWeights(11, 'NPS')),
  ces: z.optional(ScoreWeights(7, 'CES')),
});

/**
 * Arrivals: how many inquiries come in at each hour of the week (relative weights, Monday 00:00
 * first, in `timezone`), and what they are: channel, priority, customer tier and category mix.
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * simulate({ arrivals: { timezone: 'Europe/Paris', profile: Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 3 : 1)), categories: { orders: 2, returns: 1 } } });
 * ```
 */
export const ArrivalOptions = z.strictObject({
  /** 168 weights (hour of week, Monday 00:00 first) or 24 (the same every day). */
  profile: z.optional(
    z.array(z.number().check(z.nonnegative())).check(
      z.refine((p) => p.length === 168 || p.length === 24, {
        message: 'a profile lists 168 hourly weights (Monday 00:00 first) or 24 (every day alike)',
      }),
      z.refine((p) => p.some((w) => w > 0), { message: 'at least one hour must have a positive weight' }),
    ),
  ),
  /** The zone whose wall clock the profile follows (default UTC). */
  timezone: z._default(
    z.string().check(z.refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' })),
    'UTC',
  ),
  channels: z._default(EnumWeights(Channel), { email: 45, chat: 25, phone: 15, web: 10, social: 3, sms: 2 }),
  priorities: z._default(EnumWeights(Priority), { low: 15, normal: 60, high: 20, urgent: 5 }),
  tiers: z._default(Weights, { standard: 70, gold: 25, vip: 5 }),
  categories: z._default(Weights, { billing: 30, technical: 35, account: 20, shipping: 15 }),
});

const isCalendar = (value: unknown): value is BusinessCalendar =>
  hasMethods(value, 'isOpen', 'nextOpen', 'addBusinessTime');

/**
 * A group of agents alike: team, shift (a business calendar: when they work), skills (the
 * categories they handle; default all), channels (default all) and concurrent capacity (how many
 * inquiries each works on at once).
 *
 * @example
 * ```ts
 * import { AgentGroup } from 'serviceflow/testing';
 * const specialists: AgentGroup = { team: 'tier-2', count: 3, capacity: 1, skills: ['technical'], channels: ['email', 'phone'], shift: { week: { mon: [['09:00', '17:00']] } } };
 * ```
 */
export const AgentGroup = z.strictObject({
  team: z._default(z.string().check(z.trim(), z.minLength(1)), 'support'),
  count: z.number().check(z.int(), z.gte(1, 'a group needs at least one agent'), z.lte(100_000)),
  capacity: z._default(z.number().check(z.int(), z.gte(1, 'capacity must be at least 1'), z.lte(100)), 1),
  /** When the agents work: a calendar or its config (default 24×7). */
  shift: z.optional(z.union([z.custom<BusinessCalendar>(isCalendar), BusinessCalendarConfig])),
  skills: z.optional(z.readonly(z.array(z.string().check(z.minLength(1))).check(z.minLength(1)))),
  channels: z.optional(z.readonly(z.array(Channel).check(z.minLength(1)))),
  /** Agent ids are `${prefix}-${n}` (default: the team name). */
  prefix: z.optional(z.string().check(z.minLength(1))),
});
export type AgentGroup = z.input<typeof AgentGroup>;

/**
 * How agents work an inquiry: how long a session takes, and how it ends.
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * simulate({ work: { handling: { email: { kind: 'lognormal', median: '6m', p90: '20m' } }, resolveRate: 0.8, maxSessions: 4 } });
 * ```
 */
export const WorkOptions = z.strictObject({
  /** Handling time of one work session (talk, typing, research, wrap-up), per channel or for all. */
  handling: z.optional(z.union([DurationDistribution, z.partialRecord(Channel, DurationDistribution)])),
  /** Chance that a session resolves the inquiry. */
  resolveRate: z._default(Probability, 0.7),
  /** Chance that a session ends in a manual escalation (one level up; a level's team takes over). */
  escalateRate: z._default(Probability, 0.03),
  /** A session that would not resolve asks the customer instead; after this many, it resolves. */
  maxSessions: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 6),
  /** Chance that an inquiry is cancelled (spam, duplicate) by triage soon after it arrives. */
  cancelRate: z._default(Probability, 0.01),
  /** Put the inquiry on `pend { reason: 'customer' }` while waiting for the customer's answer. */
  pendOnCustomer: z._default(z.boolean(), true),
  /** Report every session as `contact.completed` (handle time, first-contact resolution). */
  contacts: z._default(z.boolean(), true),
  /** An agent resolves an inquiry whose customer has not answered for this long. */
  abandonAfter: z.prefault(Duration, '3d'),
});

/**
 * How customers behave: when asked, they answer (or not); some come back after a resolution.
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * simulate({ customers: { replyRate: 0.7, replyDelay: { kind: 'exponential', mean: '4h' }, reopenRate: 0.1, returnRate: 0.2 } });
 * ```
 */
export const CustomerOptions = z.strictObject({
  replyRate: z._default(Probability, 0.85),
  replyDelay: z.prefault(DurationDistribution, { kind: 'lognormal', median: '1h', p90: '10h', max: '6d' }),
  /** Chance of a follow-up question after resolution (within the reopen window it reopens). */
  reopenRate: z._default(Probability, 0.04),
  reopenDelay: z.prefault(DurationDistribution, { kind: 'exponential', mean: '1d', max: '30d' }),
  /**
   * Chance that an arrival comes from a customer who wrote in the last few days (a customer of one
   * of the last three days' arrivals) rather than a new one: what `repeatContactRate` measures.
   */
  returnRate: z._default(Probability, 0.15),
});

/**
 * How customers answer surveys: how often, how soon after the request, and which scores.
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * simulate({ surveys: { responseRate: 0.5, patience: '8h', scores: { csat: [1, 1, 2, 6, 10] } } });
 * ```
 */
export const SurveyOptions = z.strictObject({
  responseRate: z._default(Probability, 0.3),
  delay: z.prefault(DurationDistribution, { kind: 'lognormal', median: '2h', p90: '2d', max: '30d' }),
  /** Customers whose inquiry took longer than this (received → resolved) answer with `unhappyScores`. */
  patience: z.prefault(Duration, '2d'),
  scores: z._default(SurveyScores, {}),
  unhappyScores: z._default(SurveyScores, {}),
});

const isProcess = (value: unknown): value is ServiceProcess<InquiryMachine> =>
  hasMethods(value, 'start', 'send', 'view') && typeof (value as { policies?: unknown }).policies === 'object';

/**
 * Policies to simulate with: each a policy object or the config its factory takes. Ones left out
 * take the simulation's standard desk policies (see {@link simulate}).
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * simulate({ policies: { sla: { targets: [{ firstResponse: '1h' }] }, feedback: { survey: 'nps' } } });
 * ```
 */
export const SimulationPolicies = z.strictObject({
  sla: z.optional(
    z.union([z.custom<SlaPolicy>((v) => hasMethods(v, 'targetsFor')), z.record(z.string(), z.unknown())]),
  ),
  escalation: z.optional(
    z.union([z.custom<EscalationPolicy>((v) => hasMethods(v, 'decide')), z.record(z.string(), z.unknown())]),
  ),
  feedback: z.optional(
    z.union([z.custom<FeedbackPolicy>((v) => hasMethods(v, 'sentiment')), z.record(z.string(), z.unknown())]),
  ),
});

/**
 * What the simulator reports as it goes (see `onProgress`).
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * simulate({ inquiries: 10_000, onProgress: (p) => console.log(`${Math.round(p.fraction * 100)} %: ${p.arrived} arrived`) });
 * ```
 */
export interface SimulationProgress {
  /** The virtual instant reached. */
  readonly at: number;
  /** Share of the simulated period done, 0–1. */
  readonly fraction: number;
  readonly arrived: number;
  /** Inquiries whose story is over (closed or cancelled). */
  readonly finished: number;
  /** Process steps so far (`start` and `send` calls that were accepted). */
  readonly steps: number;
}

/**
 * Every option of `simulate`, validated; see {@link SimulationOptions} for what each means.
 *
 * @example
 * ```ts
 * import { SimulationOptions } from 'serviceflow/testing';
 * const config = SimulationOptions.parse({ inquiries: 500 }); // every default filled in
 * console.log(config.days, config.work.resolveRate); // 30 0.7
 * ```
 */
export const SimulationOptions = z
  .strictObject({
    inquiries: z._default(z.number().check(z.int(), z.gte(0), z.lte(50_000_000)), 1000),
    days: z._default(z.number().check(z.positive(), z.lte(3660)), 30),
    start: z._default(Timestamp, DEFAULT_SIMULATION_START),
    /** Time after the last day during which work goes on without new arrivals. */
    drain: z._default(Duration, 0),
    seed: z._default(z.number().check(z.int()), 1),
    process: z.optional(
      z.custom<ServiceProcess<InquiryMachine>>(isProcess, { message: 'must be a process made by createProcess' }),
    ),
    policies: z.optional(SimulationPolicies),
    arrivals: z.prefault(ArrivalOptions, {}),
    agents: z.optional(
      z.union([
        z.number().check(z.int(), z.gte(1), z.lte(1_000_000)),
        z.readonly(z.array(AgentGroup).check(z.minLength(1))),
      ]),
    ),
    work: z.prefault(WorkOptions, {}),
    customers: z.prefault(CustomerOptions, {}),
    surveys: z.prefault(SurveyOptions, {}),
    keepViews: z._default(z.boolean(), true),
    /** Compute the KPIs at the end (`computeMetrics`). */
    metrics: z._default(z.boolean(), true),
    journal: z._default(z.boolean(), false),
    onProgress: z.optional(fn<(progress: SimulationProgress) => void>('onProgress')),
    onView: z.optional(fn<(view: InquiryView) => void>('onView')),
    /**
     * Every effect as the process reports it: each inquiry's in order; a settled follow-up's last
     * effects arrive ahead of the virtual clock (see `simulate`).
     */
    onEffect: z.optional(fn<(effect: InquiryEffect) => void>('onEffect')),
  })
  .check(
    z.refine((o) => o.process === undefined || o.policies === undefined, {
      message: 'give either a process or policies, not both (a process already has its policies)',
      path: ['policies'],
    }),
  );

/**
 * The options of `simulate`, as you write them. Everything is optional; the defaults simulate
 * 1,000 inquiries over 30 days at a desk staffed for the load, with the standard desk policies.
 *
 * @example
 * ```ts
 * import type { SimulationOptions } from 'serviceflow/testing';
 * const options: SimulationOptions = {
 *   inquiries: 5_000,
 *   days: 14,
 *   seed: 42,
 *   arrivals: { channels: { email: 60, chat: 40 } },
 *   agents: [{ team: 'support', count: 12, capacity: 2, shift: { week: { mon: [['08:00', '18:00']], tue: [['08:00', '18:00']] } } }],
 *   customers: { replyRate: 0.9 },
 * };
 * ```
 */
export type SimulationOptions = z.input<typeof SimulationOptions>;
/**
 * The options of `simulate` after validation and defaults.
 *
 * @example
 * ```ts
 * import { SimulationOptions, type SimulationConfig } from 'serviceflow/testing';
 * const config: SimulationConfig = SimulationOptions.parse({});
 * console.log(config.arrivals.channels);
 * ```
 */
export type SimulationConfig = z.output<typeof SimulationOptions>;

/**
 * Validates simulation options, throwing `INVALID_CONFIG` with the offending path.

 */
export function parseSimulationOptions(options: unknown): SimulationConfig {
  const parsed = SimulationOptions.safeParse(options ?? {});
  if (!parsed.success) {
    const { message, details } = describeZodError('simulation options', options, parsed.error);
    throw new InvalidConfigError(message, details);
  }
  return parsed.data;
}
