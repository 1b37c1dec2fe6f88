import * as z from 'zod/mini';
import { abbreviate, describeZodError, InvalidConfigError, InvalidInputError } from '../errors.js';
import { FeedbackKind, feedbackScales } from '../schemas/inquiry.js';
import type { Sentiment } from '../schemas/state.js';
import { Duration, PositiveDuration } from '../schemas/time.js';
import { markBuilt } from './built-policies.js';
import { Condition, matchesCondition, type InquiryFacts } from './conditions.js';

/** What negative feedback does besides being recorded. */
export const NegativeFeedbackAction = z.enum(['reopen', 'escalate', 'none']);
export type NegativeFeedbackAction = z.infer<typeof NegativeFeedbackAction>;

const SurveyChoice = z.union([FeedbackKind, z.literal(false)], {
  error: "expected 'csat', 'nps', 'ces' or false (no survey)",
});

/**
 * One rule of `feedbackPolicy({ surveys })`: the survey (`kind`, or `false` for none) for the
 * inquiries that match `when` (priority, channel, customer tier, category, as in SLA targets; no
 * `when` matches every inquiry). The first rule that matches decides.
 *
 * @example
 * ```ts
 * import { SurveyRule } from 'serviceflow';
 * SurveyRule.parse({ when: { channel: ['chat', 'web'] }, kind: 'ces' });
 * SurveyRule.safeParse({ when: { tier: 'vip' }, kind: 'stars' }).success; // false: not a survey kind
 * ```
 */
export const SurveyRule = z.strictObject({ when: z.optional(Condition), kind: SurveyChoice });
export type SurveyRule = z.infer<typeof SurveyRule>;

/**
 * The configuration {@link feedbackPolicy} accepts (the type is the input, before defaults).
 * Durations are calendar time; `reminders.every` must be shorter than `expireAfter`. `survey` sends
 * one kind after every resolution (default `'csat'`); `surveys` chooses by rule instead (see
 * {@link SurveyRule}): the first matching rule decides, and no match means no survey.
 *
 * @example
 * ```ts
 * import { FeedbackPolicyConfig } from 'serviceflow';
 * FeedbackPolicyConfig.parse({ survey: 'nps', sendAfter: '2h' }).sendAfter; // 7200000
 * FeedbackPolicyConfig.safeParse({ reminders: { count: 1, every: '8d' } }).success; // false: expires after 7 days
 * const noSurvey: FeedbackPolicyConfig = { survey: false, reopenWindow: '3d' };
 * const byRule: FeedbackPolicyConfig = { surveys: [{ when: { channel: 'chat' }, kind: 'ces' }, { kind: 'csat' }] };
 * ```
 */
export const FeedbackPolicyConfig = z
  .strictObject({
    survey: z.optional(SurveyChoice),
    surveys: z.optional(
      z.readonly(
        z
          .array(SurveyRule)
          .check(z.minLength(1, 'must list at least one rule (for no survey at all, use survey: false)')),
      ),
    ),
    sendAfter: z._default(Duration, 3_600_000),
    reminders: z.optional(
      z.strictObject({
        count: z.number().check(z.int(), z.gte(0, 'count must be 0 or more'), z.lte(100, 'count must be at most 100')),
        every: PositiveDuration,
      }),
    ),
    expireAfter: z._default(PositiveDuration, 7 * 86_400_000),
    reopenWindow: z._default(Duration, 7 * 86_400_000),
    onNegative: z._default(
      z.union([NegativeFeedbackAction, z.readonly(z.array(NegativeFeedbackAction))], {
        error: "expected 'reopen', 'escalate' or 'none', or a list of them",
      }),
      'none',
    ),
    autoCloseAfter: z.optional(Duration),
  })
  .check(
    z.superRefine((config, ctx) => {
      if (config.survey !== undefined && config.surveys !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['surveys'],
          message: 'give either survey (one kind for every inquiry) or surveys (rules), not both',
        });
      }
      if (
        config.reminders !== undefined &&
        config.reminders.count > 0 &&
        config.reminders.every >= config.expireAfter
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['reminders', 'every'],
          message: 'reminders.every must be shorter than expireAfter, or no reminder would ever be sent',
        });
      }
    }),
  );
export type FeedbackPolicyConfig = z.input<typeof FeedbackPolicyConfig>;

/**
 * What the follow-up machinery needs from a policy. {@link feedbackPolicy} builds one from
 * configuration; any object with this shape works. Durations are calendar milliseconds.
 */
export interface FeedbackPolicy {
  /**
   * The survey sent after resolution, or `false` for none. With {@link FeedbackPolicy.surveyFor},
   * the survey of an inquiry that no rule names (what a rule without `when` sends, else `false`).
   */
  readonly survey: FeedbackKind | false;
  /**
   * The survey for one inquiry, chosen from its attributes at resolution. Optional: policies
   * without it send `survey` to every inquiry.
   */
  surveyFor?(facts: InquiryFacts): FeedbackKind | false;
  readonly sendAfter: number;
  readonly reminders: { readonly count: number; readonly every: number };
  readonly expireAfter: number;
  readonly reopenWindow: number;
  readonly autoCloseAfter: number;
  /** What negative feedback does: any of `'reopen'`, `'escalate'`; empty for nothing. */
  readonly onNegative: readonly ('reopen' | 'escalate')[];
  /** The sentiment of a score on a kind's scale. */
  sentiment(kind: FeedbackKind, score: number): Sentiment;
}

/**
 * The sentiment of a feedback score: CSAT 1–5 (4–5 positive, 3 neutral, 1–2 negative), NPS 0–10
 * (9–10 promoter = positive, 7–8 passive = neutral, 0–6 detractor = negative), CES 1–7 where 1 is
 * low effort (1–3 positive, 4 neutral, 5–7 negative). An unknown kind or a score off the scale
 * throws `InvalidInputError` (code `INVALID_INPUT`); events are validated before they get here.
 *
 * @example
 * ```ts
 * import { scoreSentiment } from 'serviceflow';
 * scoreSentiment('nps', 8); // 'neutral'
 * ```
 */
export function scoreSentiment(kind: FeedbackKind, score: number): Sentiment {
  if (!FeedbackKind.options.includes(kind)) {
    throw new InvalidInputError(
      `scoreSentiment: kind must be one of ${FeedbackKind.options.join(', ')} (received ${abbreviate(kind)})`,
      {
        path: ['kind'],
        received: kind,
        expected: FeedbackKind.options.join(' | '),
      },
    );
  }
  const [min, max] = feedbackScales[kind];
  if (!Number.isInteger(score) || score < min || score > max) {
    throw new InvalidInputError(
      `scoreSentiment: a ${kind.toUpperCase()} score must be an integer from ${min} to ${max} (received ${abbreviate(score)})`,
      {
        path: ['score'],
        received: score,
        expected: `an integer from ${min} to ${max}`,
      },
    );
  }
  switch (kind) {
    case 'csat':
      return score >= 4 ? 'positive' : score === 3 ? 'neutral' : 'negative';
    case 'nps':
      return score >= 9 ? 'positive' : score >= 7 ? 'neutral' : 'negative';
    case 'ces':
      return score <= 3 ? 'positive' : score === 4 ? 'neutral' : 'negative';
  }
}

/**
 * Builds a feedback policy: which survey to send after resolution (one kind, or chosen by rule
 * from the inquiry's channel, priority, customer tier and category) and when, reminders, expiry,
 * the reopen window, automatic close, and what negative feedback does.
 *
 * Defaults: a CSAT survey 1 hour after resolution, no reminders, expiry 7 days after the request,
 * a 7-day reopen window, negative feedback only recorded, and automatic close at the end of the
 * reopen window. Bad configuration throws `INVALID_CONFIG` naming the field.
 *
 * @example
 * ```ts
 * import { feedbackPolicy } from 'serviceflow';
 * const feedback = feedbackPolicy({
 *   survey: 'nps',
 *   sendAfter: '2h',
 *   reminders: { count: 2, every: '1d' },
 *   expireAfter: '5d',
 *   reopenWindow: '3d',
 *   onNegative: ['reopen', 'escalate'],
 * });
 * // CES after chats, NPS for key accounts, CSAT for everyone else; first match wins.
 * const mixed = feedbackPolicy({ surveys: [{ when: { channel: 'chat' }, kind: 'ces' }, { when: { tier: 'vip' }, kind: 'nps' }, { kind: 'csat' }] });
 * mixed.surveyFor?.({ priority: 'normal', channel: 'email', tier: 'vip' }); // 'nps'
 * ```
 */
export function feedbackPolicy(config: FeedbackPolicyConfig = {}): FeedbackPolicy {
  const parsed = FeedbackPolicyConfig.safeParse(config);
  if (!parsed.success) {
    const { message, details } = describeZodError('feedback policy config', config, parsed.error);
    throw new InvalidConfigError(message, details);
  }
  const c = parsed.data;
  const onNegative = [...new Set(typeof c.onNegative === 'string' ? [c.onNegative] : c.onNegative)].filter(
    (action): action is 'reopen' | 'escalate' => action !== 'none',
  );
  const rules = c.surveys;
  const survey =
    rules === undefined ? (c.survey ?? 'csat') : (rules.find((rule) => rule.when === undefined)?.kind ?? false);
  return markBuilt({
    survey,
    ...(rules === undefined
      ? {}
      : {
          surveyFor: (facts: InquiryFacts) => rules.find((rule) => matchesCondition(rule.when, facts))?.kind ?? false,
        }),
    sendAfter: c.sendAfter,
    reminders: Object.freeze(c.reminders ?? { count: 0, every: 86_400_000 }),
    expireAfter: c.expireAfter,
    reopenWindow: c.reopenWindow,
    autoCloseAfter: c.autoCloseAfter ?? c.reopenWindow,
    onNegative: Object.freeze(onNegative),
    sentiment: scoreSentiment,
  });
}

/**
 * The default feedback policy: {@link feedbackPolicy} with every default.
 *
 * @example
 * ```ts
 * import { defaultFeedback } from 'serviceflow';
 * defaultFeedback.survey; // 'csat'
 * defaultFeedback.sendAfter; // 3600000
 * defaultFeedback.autoCloseAfter; // 604800000: closes 7 days after resolution
 * ```
 */
export const defaultFeedback: FeedbackPolicy = feedbackPolicy();
