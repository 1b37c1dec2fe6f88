import * as z from 'zod/mini';
import { compiledStrictObject } from '../internal/compiled-objects.js';
import { Id, Label, Note, storableText, textLimits, vouchStorable } from './text.js';
import { Timestamp } from './time.js';

/**
 * The channel an inquiry or contact arrived on.
 *
 * @example
 * ```ts
 * import { Channel } from 'serviceflow';
 * Channel.options; // ['email', 'chat', 'phone', 'social', 'web', 'sms']
 * Channel.safeParse('fax').success; // false
 * ```
 */
export const Channel = z.enum(['email', 'chat', 'phone', 'social', 'web', 'sms']);
export type Channel = z.infer<typeof Channel>;

/**
 * Inquiry priority, lowest first.
 *
 * @example
 * ```ts
 * import { Priority } from 'serviceflow';
 * Priority.options; // ['low', 'normal', 'high', 'urgent']
 * Priority.parse('urgent'); // 'urgent'
 * ```
 */
export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export type Priority = z.infer<typeof Priority>;

/**
 * Feedback survey kinds: customer satisfaction, net promoter score, customer effort score.
 *
 * @example
 * ```ts
 * import { FeedbackKind, feedbackScales } from 'serviceflow';
 * const kind = FeedbackKind.parse('nps');
 * feedbackScales[kind]; // [0, 10]
 * ```
 */
export const FeedbackKind = z.enum(['csat', 'nps', 'ces']);
export type FeedbackKind = z.infer<typeof FeedbackKind>;

/**
 * Why an inquiry waits: on the customer or on a third party (vendor, another team).
 *
 * @example
 * ```ts
 * import { PendingReason } from 'serviceflow';
 * PendingReason.parse('third-party'); // 'third-party'
 * ```
 */
export const PendingReason = z.enum(['customer', 'third-party']);
export type PendingReason = z.infer<typeof PendingReason>;

/**
 * The customer an inquiry belongs to: an id, and optionally a tier (for SLA and escalation
 * conditions) and a time zone. Unknown keys are rejected.
 *
 * @example
 * ```ts
 * import { Customer } from 'serviceflow';
 * Customer.parse({ id: 'C-1', tier: 'vip', timezone: 'Europe/Berlin' });
 * Customer.safeParse({ id: 'C-1', plan: 'gold' }).success; // false: unknown key
 * ```
 */
export const Customer = compiledStrictObject({
  id: Id,
  tier: z.optional(Label),
  timezone: z.optional(Label),
});
export type Customer = z.infer<typeof Customer>;

/**
 * What starts an inquiry: who, on which channel, when. `priority` defaults to `'normal'`; `at`
 * accepts epoch ms, an ISO-8601 string or a `Date` and is normalised to epoch ms. Unknown keys are
 * rejected. `followUpOf` links a follow-up to the inquiry it follows up (see the
 * `followUp.requested` effect).
 *
 * @example
 * ```ts
 * import { InquiryInput } from 'serviceflow';
 * InquiryInput.parse({ id: 'T-1', channel: 'chat', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * // { id: 'T-1', channel: 'chat', customer: { id: 'C-1' }, priority: 'normal', at: 1772442000000 }
 * ```
 */
export const InquiryInput = vouchStorable(
  compiledStrictObject({
    id: Id,
    channel: Channel,
    customer: Customer,
    priority: z._default(Priority, 'normal'),
    category: z.optional(Label),
    subject: z.optional(storableText(textLimits.note)),
    /** The inquiry this one follows up: a customer wrote after it closed or its reopen window ended. */
    followUpOf: z.optional(Id),
    at: Timestamp,
  }),
);
/** A validated, normalised {@link InquiryInput}. */
export type InquiryInput = z.infer<typeof InquiryInput>;
/** What callers may pass as an {@link InquiryInput} (before defaults and normalisation). */
export type InquiryInputInit = z.input<typeof InquiryInput>;

const event = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  compiledStrictObject({ type: z.literal(type), ...shape, at: Timestamp });

/**
 * The inquiry was acknowledged (an auto-reply or a triage look).
 *
 * @example
 * ```ts
 * import { AcknowledgeEvent } from 'serviceflow';
 * AcknowledgeEvent.parse({ type: 'acknowledge', at: '2026-03-02T09:05:00Z' }); // { type: 'acknowledge', at: 1772442300000 }
 * ```
 */
export const AcknowledgeEvent = event('acknowledge', {});
/**
 * The inquiry was categorised, optionally with a new priority.
 *
 * @example
 * ```ts
 * import { CategorizeEvent } from 'serviceflow';
 * CategorizeEvent.parse({ type: 'categorize', category: 'billing', priority: 'high', at: 1772442300000 });
 * ```
 */
export const CategorizeEvent = event('categorize', { category: Label, priority: z.optional(Priority) });
/**
 * The priority changed.
 *
 * @example
 * ```ts
 * import { PrioritizeEvent } from 'serviceflow';
 * PrioritizeEvent.safeParse({ type: 'prioritize', priority: 'critical', at: 0 }).success; // false: not a Priority
 * ```
 */
export const PrioritizeEvent = event('prioritize', { priority: Priority });
/**
 * The inquiry was routed to an agent, a team, or both.
 *
 * @example
 * ```ts
 * import { AssignEvent } from 'serviceflow';
 * AssignEvent.parse({ type: 'assign', team: 'billing-desk', at: 1772442300000 });
 * AssignEvent.safeParse({ type: 'assign', at: 1772442300000 }).success; // false: needs agentId or team
 * ```
 */
export const AssignEvent = event('assign', { agentId: z.optional(Id), team: z.optional(Label) }).check(
  z.refine((e) => e.agentId !== undefined || e.team !== undefined, {
    message: 'assign needs an agentId, a team, or both',
    path: ['agentId'],
  }),
);
/**
 * An agent replied to the customer (public reply).
 *
 * @example
 * ```ts
 * import { AgentReplyEvent } from 'serviceflow';
 * AgentReplyEvent.parse({ type: 'agent.reply', agentId: 'ana', at: 1772442300000 });
 * ```
 */
export const AgentReplyEvent = event('agent.reply', { agentId: z.optional(Id) });
/**
 * The customer wrote back.
 *
 * @example
 * ```ts
 * import { CustomerReplyEvent } from 'serviceflow';
 * CustomerReplyEvent.parse({ type: 'customer.reply', at: new Date('2026-03-02T10:00:00Z') }).at; // 1772445600000
 * ```
 */
export const CustomerReplyEvent = event('customer.reply', {});
/**
 * Work waits on the customer or on a third party.
 *
 * @example
 * ```ts
 * import { PendEvent } from 'serviceflow';
 * PendEvent.parse({ type: 'pend', reason: 'customer', at: 1772442300000 });
 * ```
 */
export const PendEvent = event('pend', { reason: PendingReason });
/**
 * Work resumes after waiting.
 *
 * @example
 * ```ts
 * import { ResumeEvent } from 'serviceflow';
 * ResumeEvent.parse({ type: 'resume', at: 1772445600000 });
 * ```
 */
export const ResumeEvent = event('resume', {});
/**
 * Someone escalated the inquiry by hand: one level up.
 *
 * @example
 * ```ts
 * import { EscalateEvent } from 'serviceflow';
 * EscalateEvent.parse({ type: 'escalate', reason: 'customer threatens to churn', at: 1772442300000 });
 * ```
 */
export const EscalateEvent = event('escalate', { reason: z.optional(Note) });
/**
 * The inquiry was resolved.
 *
 * @example
 * ```ts
 * import { ResolveEvent } from 'serviceflow';
 * ResolveEvent.parse({ type: 'resolve', resolution: 'refund issued', at: 1772445600000 });
 * ```
 */
export const ResolveEvent = event('resolve', { resolution: z.optional(Note) });

const SCALES = { csat: [1, 5], nps: [0, 10], ces: [1, 7] } as const satisfies Record<
  FeedbackKind,
  readonly [number, number]
>;

/**
 * The customer answered a survey (asked for or not). Scores are integers on the kind's scale
 * ({@link feedbackScales}).
 *
 * @example
 * ```ts
 * import { FeedbackEvent } from 'serviceflow';
 * FeedbackEvent.parse({ type: 'feedback', kind: 'csat', score: 5, comment: 'Quick and kind', at: 1772449200000 });
 * FeedbackEvent.safeParse({ type: 'feedback', kind: 'csat', score: 9, at: 1772449200000 }).success; // false: CSAT is 1 to 5
 * ```
 */
export const FeedbackEvent = event('feedback', {
  kind: FeedbackKind,
  score: z.number().check(z.int('must be a whole number')),
  comment: z.optional(storableText(textLimits.text)),
}).check(
  z.superRefine((e, ctx) => {
    const [min, max] = SCALES[e.kind];
    if (e.score < min || e.score > max) {
      ctx.addIssue({
        code: 'custom',
        path: ['score'],
        message: `a ${e.kind.toUpperCase()} score must be an integer from ${min} to ${max}`,
      });
    }
  }),
);
/**
 * The inquiry was reopened (by an agent, or by the customer through a channel).
 *
 * @example
 * ```ts
 * import { ReopenEvent } from 'serviceflow';
 * ReopenEvent.parse({ type: 'reopen', reason: 'refund never arrived', at: 1772445600000 });
 * ```
 */
export const ReopenEvent = event('reopen', { reason: z.optional(Note) });
/**
 * The inquiry was closed by hand.
 *
 * @example
 * ```ts
 * import { CloseEvent } from 'serviceflow';
 * CloseEvent.parse({ type: 'close', at: 1772445600000 });
 * ```
 */
export const CloseEvent = event('close', {});
/**
 * The inquiry was cancelled (spam, duplicate, withdrawn).
 *
 * @example
 * ```ts
 * import { CancelEvent } from 'serviceflow';
 * CancelEvent.parse({ type: 'cancel', reason: 'duplicate of T-0', at: 1772442300000 });
 * ```
 */
export const CancelEvent = event('cancel', { reason: z.optional(Note) });
/**
 * A contact (call, chat, email thread) about this inquiry completed.
 *
 * @example
 * ```ts
 * import { ContactCompletedEvent } from 'serviceflow';
 * ContactCompletedEvent.parse({
 *   type: 'contact.completed', contactId: 'K-1', channel: 'phone', handleMs: 420_000, resolved: true, at: 1772442420000,
 * });
 * ```
 */
export const ContactCompletedEvent = event('contact.completed', {
  contactId: Id,
  channel: Channel,
  handleMs: z.number().check(z.int('must be whole milliseconds'), z.nonnegative('must not be negative')),
  resolved: z.boolean(),
});
/**
 * Time passed: fire every deadline due at or before `at`.
 *
 * @example
 * ```ts
 * import { TickEvent } from 'serviceflow';
 * TickEvent.parse({ type: 'tick', at: '2026-03-02T10:00:00Z' }); // { type: 'tick', at: 1772445600000 }
 * ```
 */
export const TickEvent = event('tick', {});

/**
 * The scale (inclusive) of each feedback kind: CSAT 1–5, NPS 0–10, CES 1–7.
 *
 * @example
 * ```ts
 * import { feedbackScales } from 'serviceflow';
 * const [min, max] = feedbackScales.ces; // 1, 7
 * ```
 */
export const feedbackScales: Readonly<Record<FeedbackKind, readonly [min: number, max: number]>> = SCALES;

/**
 * Every event an inquiry accepts, validated and normalised (`at` in epoch ms), discriminated on `type`.
 *
 * @example
 * ```ts
 * import { InquiryEvent } from 'serviceflow';
 * const event = InquiryEvent.parse({ type: 'pend', reason: 'customer', at: '2026-03-02T10:00:00Z' });
 * if (event.type === 'pend') event.reason; // 'customer'
 * ```
 */
export const InquiryEvent = vouchStorable(
  z.discriminatedUnion('type', [
    AcknowledgeEvent,
    CategorizeEvent,
    PrioritizeEvent,
    AssignEvent,
    AgentReplyEvent,
    CustomerReplyEvent,
    PendEvent,
    ResumeEvent,
    EscalateEvent,
    ResolveEvent,
    FeedbackEvent,
    ReopenEvent,
    CloseEvent,
    CancelEvent,
    ContactCompletedEvent,
    TickEvent,
  ]),
);
/** A validated, normalised inquiry event. */
export type InquiryEvent = z.infer<typeof InquiryEvent>;
/** What callers may send as an inquiry event (`at` as epoch ms, ISO string or `Date`). */
export type InquiryEventInit = z.input<typeof InquiryEvent>;
/** The `type` of every inquiry event. */
export type InquiryEventType = InquiryEvent['type'];
/**
 * Every inquiry event type, in contract order.
 *
 * @example
 * ```ts
 * import { inquiryEventTypes } from 'serviceflow';
 * inquiryEventTypes.includes('agent.reply'); // true
 * inquiryEventTypes.length; // 16
 * ```
 */
export const inquiryEventTypes = InquiryEvent.def.options.map(
  (option) => option.shape.type.def.values[0],
) as readonly InquiryEventType[];
