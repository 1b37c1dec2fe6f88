/**
 * fast-check arbitraries for inquiries: start inputs, events with increasing `at`, lifecycles and policy
 * configurations. The library's own property tests use them; so can yours.
 */
import fc from 'fast-check';
import type { InquiryEventInit, InquiryInputInit } from '../schemas/inquiry.js';
import type { SlaPolicyConfig } from '../policies/sla.js';
import type { EscalationPolicyConfig } from '../policies/escalation.js';
import type { FeedbackPolicyConfig } from '../policies/feedback.js';
import type { BusinessCalendarConfigInput } from '../policies/calendar.js';
import type { InquiryMachine } from '../machines/inquiry.js';
import type { ServiceProcess } from '../process/createProcess.js';
import { applyEvents, type InquiryTrace } from './apply-events.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * 2026-01-01T00:00:00Z: the default start of generated timelines.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * fc.sample(arbitraries.inquiryInput({ from: arbitraries.DEFAULT_EPOCH }), 1);
 * ```
 */
export const DEFAULT_EPOCH = Date.UTC(2026, 0, 1);

const channel = fc.constantFrom('email', 'chat', 'phone', 'social', 'web', 'sms' as const);
const priority = fc.constantFrom('low', 'normal', 'high', 'urgent' as const);
const tier = fc.constantFrom('free', 'standard', 'gold', 'vip');
const category = fc.constantFrom('billing', 'technical', 'account', 'shipping', 'returns');
const agentId = fc.constantFrom('ana', 'ben', 'chen', 'dara', 'eli');
const team = fc.constantFrom('tier-1', 'tier-2', 'billing-desk', 'on-call');

/**
 * Options of {@link inquiryInput}.
 *
 * @example
 * ```ts
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * arbitraries.inquiryInput({ from: Date.UTC(2026, 5, 1), to: Date.UTC(2026, 5, 30) });
 * ```
 */
export interface InquiryInputOptions {
  /** Earliest start instant (default 2026-01-01). */
  readonly from?: number;
  /** Latest start instant (default one year after `from`). */
  readonly to?: number;
}

/**
 * A valid inquiry start input, `at` as epoch milliseconds.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * const process = createProcess(inquiryMachine);
 * fc.assert(fc.property(arbitraries.inquiryInput(), (input) => process.view(process.start(input).state).stage === 'inquiry'));
 * ```
 */
export function inquiryInput(options: InquiryInputOptions = {}): fc.Arbitrary<InquiryInputInit & { at: number }> {
  const from = options.from ?? DEFAULT_EPOCH;
  const to = options.to ?? from + 365 * DAY;
  return fc.record(
    {
      id: fc.stringMatching(/^[A-Z]{1,3}-[0-9]{1,6}$/),
      channel,
      customer: fc.record({ id: fc.stringMatching(/^C-[0-9]{1,5}$/), tier }, { requiredKeys: ['id'] }),
      priority,
      category,
      subject: fc.string({ maxLength: 40 }),
      at: fc.integer({ min: from, max: to }),
    },
    { requiredKeys: ['id', 'channel', 'customer', 'at'] },
  );
}

/** The body (everything but `at`) of an inquiry event: one member per event type. */
export type InquiryEventBody = {
  [K in InquiryEventInit['type']]: Omit<Extract<InquiryEventInit, { type: K }>, 'at'>;
}[InquiryEventInit['type']];

/**
 * The body (everything but `at`) of a valid inquiry event of any type.
 *
 * @example
 * ```ts
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * const event = arbitraries.inquiryEventBody().map((body) => ({ ...body, at: Date.UTC(2026, 2, 2) }));
 * ```
 */
export function inquiryEventBody(): fc.Arbitrary<InquiryEventBody> {
  const feedback = fc.oneof(
    fc.record({ kind: fc.constant('csat' as const), score: fc.integer({ min: 1, max: 5 }) }),
    fc.record({ kind: fc.constant('nps' as const), score: fc.integer({ min: 0, max: 10 }) }),
    fc.record({ kind: fc.constant('ces' as const), score: fc.integer({ min: 1, max: 7 }) }),
  );
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({ type: 'acknowledge' as const }) },
    {
      weight: 2,
      arbitrary: fc.record(
        { type: fc.constant('categorize' as const), category, priority },
        { requiredKeys: ['type', 'category'] },
      ),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('prioritize' as const), priority }) },
    {
      weight: 4,
      arbitrary: fc.oneof(
        fc.record({ type: fc.constant('assign' as const), agentId }),
        fc.record({ type: fc.constant('assign' as const), team }),
        fc.record({ type: fc.constant('assign' as const), agentId, team }),
      ),
    },
    {
      weight: 6,
      arbitrary: fc.record({ type: fc.constant('agent.reply' as const), agentId }, { requiredKeys: ['type'] }),
    },
    { weight: 5, arbitrary: fc.constant({ type: 'customer.reply' as const }) },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('pend' as const),
        reason: fc.constantFrom('customer', 'third-party' as const),
      }),
    },
    { weight: 3, arbitrary: fc.constant({ type: 'resume' as const }) },
    {
      weight: 1,
      arbitrary: fc.record(
        { type: fc.constant('escalate' as const), reason: fc.constantFrom('angry customer', 'needs expert') },
        { requiredKeys: ['type'] },
      ),
    },
    {
      weight: 4,
      arbitrary: fc.record(
        { type: fc.constant('resolve' as const), resolution: fc.constantFrom('fixed', 'answered', 'refunded') },
        { requiredKeys: ['type'] },
      ),
    },
    { weight: 3, arbitrary: feedback.map((f) => ({ type: 'feedback' as const, ...f })) },
    {
      weight: 2,
      arbitrary: fc.record(
        { type: fc.constant('reopen' as const), reason: fc.constantFrom('not fixed', 'follow-up question') },
        { requiredKeys: ['type'] },
      ),
    },
    { weight: 2, arbitrary: fc.constant({ type: 'close' as const }) },
    {
      weight: 1,
      arbitrary: fc.record(
        { type: fc.constant('cancel' as const), reason: fc.constantFrom('spam', 'duplicate') },
        { requiredKeys: ['type'] },
      ),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('contact.completed' as const),
        contactId: fc.stringMatching(/^K-[0-9]{1,4}$/),
        channel,
        handleMs: fc.integer({ min: 0, max: 2 * HOUR }),
        resolved: fc.boolean(),
      }),
    },
    { weight: 5, arbitrary: fc.constant({ type: 'tick' as const }) },
  ) as fc.Arbitrary<InquiryEventBody>;
}

/**
 * Options of {@link eventSequence}.
 *
 * @example
 * ```ts
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * arbitraries.eventSequence({ start: Date.UTC(2026, 2, 2), minLength: 5, maxLength: 40, maxGapMs: 86_400_000 });
 * ```
 */
export interface EventSequenceOptions {
  /** The instant the first gap counts from (the inquiry's start). */
  readonly start: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Longest gap between two events (default 3 days); gaps of 0 happen too. */
  readonly maxGapMs?: number;
}

/**
 * A sequence of events with non-decreasing `at`, starting at `start`. Not every event is accepted
 * in every stage: feed them through `process.can` (or {@link applyEvents}) to keep the valid ones.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * fc.assert(fc.property(arbitraries.eventSequence({ start: 0 }), (events) => events.every((e, i) => i === 0 || Number(e.at) >= Number(events[i - 1]!.at))));
 * ```
 */
export function eventSequence(options: EventSequenceOptions): fc.Arbitrary<InquiryEventInit[]> {
  const maxGap = options.maxGapMs ?? 3 * DAY;
  const gap = fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 4 * HOUR }) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: maxGap }) },
  );
  return fc
    .array(fc.tuple(gap, inquiryEventBody()), { minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 30 })
    .map((items) => {
      let at = options.start;
      return items.map(([delta, body]) => {
        at += delta;
        return { ...body, at } as InquiryEventInit;
      });
    });
}

/**
 * A lifecycle: a start input and a sequence of events after it.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { applyEvents, checkInvariants } from 'serviceflow/testing';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * const process = createProcess(inquiryMachine);
 * fc.assert(fc.property(arbitraries.lifecycle({ maxLength: 20 }), ({ input, events }) => checkInvariants(applyEvents(process, input, events))));
 * ```
 */
export function lifecycle(options: InquiryInputOptions & Omit<EventSequenceOptions, 'start'> = {}) {
  return inquiryInput(options).chain((input) =>
    eventSequence({ ...options, start: input.at }).map((events) => ({ input, events })),
  );
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * A business calendar configuration: a real IANA zone, one or two spans on some weekdays.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { businessCalendar } from 'serviceflow';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * fc.assert(fc.property(arbitraries.calendarConfig(), (config) => businessCalendar(config).addBusinessTime(0, 0) === 0));
 * ```
 */
export function calendarConfig(): fc.Arbitrary<BusinessCalendarConfigInput> {
  const span = fc
    .tuple(fc.integer({ min: 0, max: 22 * 4 }), fc.integer({ min: 2, max: 12 * 4 }))
    .map(
      ([start, length]) => [hhmm(start * 15), hhmm(Math.min(24 * 60, start * 15 + length * 15))] as [string, string],
    );
  const day = fc.oneof(
    fc.constant(undefined),
    span.map((s) => [s]),
  );
  return fc
    .record({
      timezone: fc.constantFrom('UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney'),
      mon: span,
      tue: day,
      wed: day,
      thu: day,
      fri: day,
      sat: day,
      sun: day,
    })
    .map(({ timezone, ...days }) => {
      const week: Record<string, [string, string][]> = {};
      for (const [name, spans] of Object.entries(days))
        if (spans !== undefined)
          week[name] = Array.isArray(spans[0]) ? (spans as [string, string][]) : [spans as [string, string]];
      return { timezone, week } as BusinessCalendarConfigInput;
    });
}

const duration = (minMinutes: number, maxMinutes: number) =>
  fc.integer({ min: minMinutes, max: maxMinutes }).map((m) => `${m}m`);

/**
 * An SLA policy configuration with one to three targets.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { slaPolicy } from 'serviceflow';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * fc.assert(fc.property(arbitraries.slaPolicyConfig(), (config) => slaPolicy(config).warnAt.every((f) => f > 0 && f < 1)));
 * ```
 */
export function slaPolicyConfig(options: { calendar?: boolean } = {}): fc.Arbitrary<SlaPolicyConfig> {
  const target = fc.record(
    {
      when: fc.record({ priority: fc.subarray(['low', 'normal', 'high', 'urgent'] as const, { minLength: 1 }) }),
      firstResponse: duration(5, 8 * 60),
      nextResponse: duration(5, 8 * 60),
      resolution: duration(30, 5 * 24 * 60),
    },
    { requiredKeys: ['firstResponse'] },
  );
  return fc.record(
    {
      targets: fc.array(target, { minLength: 1, maxLength: 3 }),
      warnAt: fc.uniqueArray(fc.constantFrom(0.25, 0.5, 0.75, 0.9), { maxLength: 2 }),
      pauseOn: fc.subarray(['customer', 'third-party'] as const),
      onPriorityChange: fc.constantFrom('recalculate', 'keep' as const),
      ...(options.calendar === false ? {} : { calendar: calendarConfig() }),
    },
    { requiredKeys: ['targets'] },
  ) as fc.Arbitrary<SlaPolicyConfig>;
}

/**
 * An escalation policy configuration: two to four levels and a few rules.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { escalationPolicy } from 'serviceflow';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * fc.assert(fc.property(arbitraries.escalationPolicyConfig(), (config) => escalationPolicy(config).levels.length >= 1));
 * ```
 */
export function escalationPolicyConfig(): fc.Arbitrary<EscalationPolicyConfig> {
  return fc.integer({ min: 1, max: 4 }).chain((levelCount) => {
    const names = ['agent', 'specialist', 'lead', 'manager'].slice(0, levelCount);
    const rule = fc.oneof(
      fc.record({
        on: fc.constant('received' as const),
        when: fc.record({ tier: fc.constant('vip') }),
        escalateTo: fc.constantFrom('+1', ...names),
      }),
      fc.record({
        on: fc.constantFrom('sla.warning', 'sla.breached' as const),
        escalateTo: fc.constantFrom('+1', ...names),
      }),
      fc.record({ on: fc.constant('feedback.negative' as const), escalateTo: fc.constantFrom('+1', ...names) }),
      fc.record({
        on: fc.constant('reopened' as const),
        count: fc.integer({ min: 1, max: 3 }),
        escalateTo: fc.constant('+1'),
      }),
      fc.record({ on: fc.constant('sla.breached' as const), routeTo: team }),
    );
    return fc.record({
      levels: fc.constant(
        names.map((name, index) => (index === 1 ? { name, team: 'tier-2', notify: ['leads@example.com'] } : { name })),
      ),
      rules: fc.array(rule, { maxLength: 4 }),
    });
  });
}

const surveyKind = fc.constantFrom<('csat' | 'nps' | 'ces' | false)[]>('csat', 'nps', 'ces', false);
const surveyRule = fc.record(
  {
    when: fc.oneof(
      fc.record({
        channel: fc.subarray(['email', 'chat', 'phone', 'social', 'web', 'sms'] as const, { minLength: 1 }),
      }),
      fc.record({ tier: fc.constantFrom('gold', 'vip') }),
      fc.record({ priority: fc.constantFrom('high', 'urgent' as const) }),
    ),
    kind: surveyKind,
  },
  { requiredKeys: ['kind'] },
);

/**
 * A feedback policy configuration (one survey kind, or surveys by rule).
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createProcess, feedbackPolicy, inquiryMachine } from 'serviceflow';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * const process = fc.sample(arbitraries.feedbackPolicyConfig().map((config) => createProcess(inquiryMachine, { feedback: feedbackPolicy(config) })), 1)[0];
 * ```
 */
export function feedbackPolicyConfig(): fc.Arbitrary<FeedbackPolicyConfig> {
  return fc
    .record({
      survey: surveyKind,
      rules: fc.option(fc.array(surveyRule, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      sendAfter: duration(0, 48 * 60),
      reminderCount: fc.integer({ min: 0, max: 3 }),
      reminderEvery: duration(60, 24 * 60),
      expireAfter: duration(25 * 60, 10 * 24 * 60),
      reopenWindow: duration(0, 10 * 24 * 60),
      onNegative: fc.constantFrom<('none' | 'reopen' | 'escalate' | readonly ['reopen', 'escalate'])[]>(
        'none',
        'reopen',
        'escalate',
        ['reopen', 'escalate'],
      ),
      autoCloseAfter: fc.option(duration(0, 14 * 24 * 60), { nil: undefined }),
    })
    .map(({ reminderCount, reminderEvery, autoCloseAfter, onNegative, survey, rules, ...rest }) => ({
      // one kind for every inquiry, or surveys by rule
      ...(rules === undefined ? { survey } : { surveys: rules }),
      ...rest,
      onNegative: typeof onNegative === 'string' ? onNegative : [...onNegative],
      reminders: { count: reminderCount, every: reminderEvery },
      ...(autoCloseAfter === undefined ? {} : { autoCloseAfter }),
    }));
}

/**
 * A valid lifecycle of `process`: a generated {@link lifecycle} run through {@link applyEvents},
 * so that only the events the process accepted remain (refused ones are in `rejected`). Shrinks
 * with the underlying input and events.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { checkInvariants } from 'serviceflow/testing';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * const process = createProcess(inquiryMachine);
 * fc.assert(fc.property(arbitraries.trace(process), (trace) => checkInvariants(trace, { process })));
 * ```
 */
export function trace(
  process: ServiceProcess<InquiryMachine>,
  options: InquiryInputOptions & Omit<EventSequenceOptions, 'start'> = {},
): fc.Arbitrary<InquiryTrace<InquiryMachine>> {
  return lifecycle(options).map(({ input, events }) => applyEvents(process, input, events));
}
