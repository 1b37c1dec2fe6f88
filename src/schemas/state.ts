import * as z from 'zod/mini';
import { compiledObject } from '../internal/compiled-objects.js';
import { Channel, Customer, FeedbackKind, PendingReason, Priority } from './inquiry.js';
import { instantRange } from './time.js';

// Instants as epoch ms within the instants serviceflow accepts (negative before 1970).
const Ms = z.number().check(z.int(), z.gte(instantRange.min), z.lte(instantRange.max));
// Durations: whole ms, never negative nor longer than the range of instants.
const DurationMs = z.number().check(z.int(), z.gte(0), z.lte(instantRange.max - instantRange.min));

/**
 * The three SLA metrics serviceflow measures.
 *
 * @example
 * ```ts
 * import { SlaMetric } from 'serviceflow';
 * SlaMetric.options; // ['firstResponse', 'nextResponse', 'resolution']
 * ```
 */
export const SlaMetric = z.enum(['firstResponse', 'nextResponse', 'resolution']);
export type SlaMetric = z.infer<typeof SlaMetric>;

/**
 * The name of an SLA metric: one of the built-in ones (`firstResponse`, `nextResponse`,
 * `resolution`, `periodicUpdate`, `agentWorkTime`, `requesterWaitTime`, `timeToAssign`) or one a
 * policy defines in `slaPolicy({ metrics })` — an identifier of at most 64 characters.
 *
 * @example
 * ```ts
 * import { SlaMetricName } from 'serviceflow';
 * SlaMetricName.parse('refundTime'); // 'refundTime'
 * SlaMetricName.safeParse('time to refund').success; // false: not an identifier
 * ```
 */
export const SlaMetricName = z
  .string()
  .check(
    z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a metric name is an identifier: a letter, then letters, digits or _'),
  );
export type SlaMetricName = z.infer<typeof SlaMetricName>;

/**
 * Every metric serviceflow has built in: the three classic clocks with mechanics of their own and
 * the four defined as data (see `builtInSlaMetrics`).
 *
 * @example
 * ```ts
 * import { BuiltInSlaMetric } from 'serviceflow';
 * BuiltInSlaMetric.options.includes('timeToAssign'); // true
 * ```
 */
export const BuiltInSlaMetric = z.enum([
  'firstResponse',
  'nextResponse',
  'resolution',
  'periodicUpdate',
  'agentWorkTime',
  'requesterWaitTime',
  'timeToAssign',
]);
export type BuiltInSlaMetric = z.infer<typeof BuiltInSlaMetric>;

/** A metric's name as types carry it: a built-in one (offered by editors) or any defined one. */
export type AnySlaMetric = BuiltInSlaMetric | (string & {});

/**
 * The status of one SLA clock. A breached clock stays breached even when it is completed late.
 *
 * @example
 * ```ts
 * import { SlaStatus } from 'serviceflow';
 * SlaStatus.options; // ['running', 'paused', 'met', 'breached', 'cancelled']
 * ```
 */
export const SlaStatus = z.enum(['running', 'paused', 'met', 'breached', 'cancelled']);
export type SlaStatus = z.infer<typeof SlaStatus>;

/** The schema of a {@link SlaClock}, checked as part of {@link InquiryContext}. @internal */
export const SlaClock = compiledObject({
  metric: SlaMetricName,
  status: SlaStatus,
  startedAt: Ms,
  targetMs: DurationMs,
  elapsedMs: DurationMs,
  since: z.nullable(Ms),
  dueAt: z.nullable(Ms),
  /** The next warning instant, or `null` when no warning is pending. */
  warnAt: z.nullable(Ms),
  /** How many of the policy's `warnAt` fractions have fired. */
  warnings: z.number().check(z.int(), z.nonnegative()),
  metAt: z.optional(Ms),
  breachedAt: z.optional(Ms),
  pausedAt: z.optional(Ms),
  stoppedAt: z.optional(Ms),
});
/**
 * One SLA clock as persisted. `elapsedMs` is business time accumulated up to `since`; while the
 * clock counts, `since` is the instant it last started or resumed counting, else `null`.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, slaPolicy, type SlaClock } from 'serviceflow';
 * const process = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * const clock: SlaClock | undefined = state.context.sla.clocks.firstResponse;
 * clock?.status; // 'running'
 * clock?.dueAt; // 1772445600000 (10:00)
 * clock?.warnAt; // 1772444700000 (09:45, at 75 %)
 * ```
 */
export type SlaClock = z.infer<typeof SlaClock>;

/** The schema of a {@link SlaState}, checked as part of {@link InquiryContext}. @internal */
export const SlaState = compiledObject({
  /** The current clock of each metric that has one, keyed by metric name. */
  clocks: z.record(SlaMetricName, SlaClock),
  /** Finished clocks that were replaced by a newer one (every answered `nextResponse` cycle). */
  history: z.array(SlaClock),
  /**
   * The metrics defined as data whose cycle started while the inquiry had no target for them, and
   * the instant each started: a target gained later (a priority or category change) counts from
   * then. Absent when there are none.
   */
  waiting: z.optional(z.record(SlaMetricName, Ms)),
});
/**
 * The SLA slice of a service context: the current clock per metric and every finished clock.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, slaPolicy } from 'serviceflow';
 * const process = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }] }) });
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * Object.keys(state.context.sla.clocks); // ['firstResponse', 'resolution']
 * state.context.sla.history; // []
 * ```
 */
export type SlaState = z.infer<typeof SlaState>;

/**
 * What set off an escalation: `manual` for the `escalate` event, else the rule's trigger.
 *
 * @example
 * ```ts
 * import { EscalationTrigger } from 'serviceflow';
 * EscalationTrigger.options; // ['manual', 'received', 'sla.warning', 'sla.breached', 'feedback.negative', 'reopened']
 * ```
 */
export const EscalationTrigger = z.enum([
  'manual',
  'received',
  'sla.warning',
  'sla.breached',
  'feedback.negative',
  'reopened',
]);
export type EscalationTrigger = z.infer<typeof EscalationTrigger>;

/** The schema of a {@link EscalationRecord}, checked as part of {@link InquiryContext}. @internal */
export const EscalationRecord = compiledObject({
  at: Ms,
  level: z.number().check(z.int(), z.nonnegative()),
  from: z.number().check(z.int(), z.nonnegative()),
  name: z.string(),
  trigger: EscalationTrigger,
  reason: z.string(),
  team: z.optional(z.string()),
});
/**
 * One escalation step as recorded: when, from which level to which, and why.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * const escalated = process.send(state, { type: 'escalate', reason: 'VIP', at: '2026-03-02T09:15:00Z' }).state;
 * escalated.context.escalation.history[0];
 * // { at: 1772442900000, level: 1, from: 0, name: 'specialist', trigger: 'manual', reason: 'VIP' }
 * ```
 */
export type EscalationRecord = z.infer<typeof EscalationRecord>;

/** The schema of a {@link EscalationState}, checked as part of {@link InquiryContext}. @internal */
export const EscalationState = compiledObject({
  level: z.number().check(z.int(), z.nonnegative()),
  name: z.string(),
  history: z.array(EscalationRecord),
});
/**
 * The escalation slice: current level (an index into the policy's levels), its name, and its history.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * state.context.escalation; // { level: 0, name: 'agent', history: [] }
 * ```
 */
export type EscalationState = z.infer<typeof EscalationState>;

/**
 * Feedback sentiment on the kind's scale (see `scoreSentiment`).
 *
 * @example
 * ```ts
 * import { scoreSentiment, Sentiment } from 'serviceflow';
 * Sentiment.options; // ['positive', 'neutral', 'negative']
 * scoreSentiment('csat', 2); // 'negative'
 * ```
 */
export const Sentiment = z.enum(['positive', 'neutral', 'negative']);
export type Sentiment = z.infer<typeof Sentiment>;

/** The schema of a {@link FeedbackResponse}, checked as part of {@link InquiryContext}. @internal */
export const FeedbackResponse = compiledObject({
  kind: FeedbackKind,
  score: z.number().check(z.int()),
  sentiment: Sentiment,
  at: Ms,
  comment: z.optional(z.string()),
});
/**
 * One survey answer (asked for or not), with the sentiment its score maps to.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * const resolved = process.send(state, { type: 'resolve', at: '2026-03-02T09:30:00Z' }).state;
 * const answered = process.send(resolved, { type: 'feedback', kind: 'csat', score: 5, at: '2026-03-02T11:00:00Z' }).state;
 * answered.context.feedback.responses[0]; // { kind: 'csat', score: 5, sentiment: 'positive', at: 1772449200000 }
 * ```
 */
export type FeedbackResponse = z.infer<typeof FeedbackResponse>;

/** The schema of a {@link Survey}, checked as part of {@link InquiryContext}. @internal */
export const Survey = compiledObject({
  kind: FeedbackKind,
  status: z.enum(['scheduled', 'requested', 'answered', 'expired', 'cancelled']),
  sendAt: Ms,
  requestedAt: z.optional(Ms),
  remindersSent: z.number().check(z.int(), z.nonnegative()),
  nextReminderAt: z.nullable(Ms),
  /** When the survey expires unanswered: its request time plus the policy's `expireAfter`. */
  expiresAt: Ms,
  answeredAt: z.optional(Ms),
  expiredAt: z.optional(Ms),
});
/**
 * The survey of the current follow-up, with every instant it will act at.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * const resolved = process.send(state, { type: 'resolve', at: '2026-03-02T09:30:00Z' }).state;
 * const survey = resolved.context.feedback.survey;
 * survey?.status; // 'scheduled'
 * survey?.sendAt; // 1772447400000 (10:30, an hour after resolution by default)
 * ```
 */
export type Survey = z.infer<typeof Survey>;

/** The schema of a {@link FeedbackState}, checked as part of {@link InquiryContext}. @internal */
export const FeedbackState = compiledObject({
  survey: z.nullable(Survey),
  /** When the most recent survey was requested. */
  requestedAt: z.optional(Ms),
  responses: z.array(FeedbackResponse),
});
/**
 * The feedback slice: the current survey (if any), when the last one was requested, and every response.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * state.context.feedback; // { survey: null, responses: [] }
 * ```
 */
export type FeedbackState = z.infer<typeof FeedbackState>;

/** The schema of a {@link FollowUpState}, checked as part of {@link InquiryContext}. @internal */
export const FollowUpState = compiledObject({
  resolvedAt: Ms,
  /** `customer.reply` or `reopen` before this instant reopens the inquiry. */
  reopenUntil: Ms,
  /** The inquiry closes by itself at this instant once no survey is pending. */
  closeAt: Ms,
});
/**
 * The follow-up window that opens at `resolve`.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * const resolved = process.send(state, { type: 'resolve', at: '2026-03-02T09:30:00Z' }).state;
 * resolved.context.followUp;
 * // { resolvedAt: 1772443800000, reopenUntil: 1773048600000, closeAt: 1773048600000 } (7 days later by default)
 * ```
 */
export type FollowUpState = z.infer<typeof FollowUpState>;

/** The schema of a {@link ContactSummary}, checked as part of {@link InquiryContext}. @internal */
export const ContactSummary = compiledObject({
  contactId: z.string(),
  channel: Channel,
  handleMs: DurationMs,
  resolved: z.boolean(),
  at: Ms,
});
/**
 * A completed contact as an inquiry records it (from a `contact.completed` event).
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * const next = process.send(state, {
 *   type: 'contact.completed', contactId: 'K-1', channel: 'phone', handleMs: 420_000, resolved: true, at: '2026-03-02T09:20:00Z',
 * }).state;
 * next.context.contacts; // [{ contactId: 'K-1', channel: 'phone', handleMs: 420000, resolved: true, at: 1772443200000 }]
 * ```
 */
export type ContactSummary = z.infer<typeof ContactSummary>;

/**
 * The stages of the built-in inquiry process: the top-level states of `inquiryMachine`.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, InquiryStage } from 'serviceflow';
 * InquiryStage.options; // ['inquiry', 'identification', 'resolution', 'followUp', 'closed', 'cancelled']
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * process.view(state).stage; // 'inquiry'
 * ```
 */
export const InquiryStage = z.enum(['inquiry', 'identification', 'resolution', 'followUp', 'closed', 'cancelled']);
export type InquiryStage = z.infer<typeof InquiryStage>;

/** The schema of a {@link Assignee}, checked as part of {@link InquiryContext}. @internal */
export const Assignee = compiledObject({ agentId: z.optional(z.string()), team: z.optional(z.string()) });
/**
 * The assignee of an inquiry: an agent, a team, or both.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * const assigned = process.send(state, { type: 'assign', agentId: 'ana', team: 'billing', at: '2026-03-02T09:10:00Z' }).state;
 * assigned.context.assignee; // { agentId: 'ana', team: 'billing' }
 * ```
 */
export type Assignee = z.infer<typeof Assignee>;

/**
 * The context of the built-in inquiry machine: everything the process knows about one inquiry,
 * plain JSON. Deadlines live here as absolute timestamps, which is what makes them durable.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, InquiryContext } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * const context: InquiryContext = state.context;
 * context.receivedAt; // 1772442000000
 * InquiryContext.safeParse(JSON.parse(JSON.stringify(context))).success; // true
 * ```
 */
export const InquiryContext = compiledObject({
  id: z.string(),
  stage: z.string(),
  channel: Channel,
  customer: Customer,
  priority: Priority,
  category: z.optional(z.string()),
  subject: z.optional(z.string()),
  /** The inquiry this one follows up, when it is a follow-up. */
  followUpOf: z.optional(z.string()),
  receivedAt: Ms,
  lastEventAt: Ms,
  acknowledgedAt: z.optional(Ms),
  assignee: z.optional(Assignee),
  firstRespondedAt: z.optional(Ms),
  lastAgentReplyAt: z.optional(Ms),
  lastCustomerReplyAt: z.optional(Ms),
  /** Why the inquiry waits, or `null` while it does not. */
  pendingReason: z.nullable(PendingReason),
  /** When the inquiry was last resolved, or `null` while it is not (never, or reopened since). */
  resolvedAt: z.nullable(Ms),
  resolution: z.optional(z.string()),
  closedAt: z.optional(Ms),
  closeReason: z.optional(z.enum(['manual', 'auto'])),
  cancelledAt: z.optional(Ms),
  cancelReason: z.optional(z.string()),
  reopenCount: z.number().check(z.int(), z.nonnegative()),
  contacts: z.array(ContactSummary),
  sla: SlaState,
  escalation: EscalationState,
  feedback: FeedbackState,
  /** The follow-up window after resolution, or `null` outside follow-up. */
  followUp: z.nullable(FollowUpState),
});
export type InquiryContext = z.infer<typeof InquiryContext>;

/**
 * An XState state value: a state name, or nested `{ parent: child }` objects.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, type StateValue } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * const value: StateValue = process.send(state, { type: 'assign', agentId: 'ana', at: '2026-03-02T09:10:00Z' }).state.value;
 * value; // { resolution: 'working' }
 * ```
 */
export type StateValue = string | { [key: string]: StateValue };
/** The schema of a {@link StateValue}. @internal */
export const StateValue: z.ZodMiniType<StateValue> = /* @__PURE__ */ (() =>
  z.lazy(() => z.union([z.string(), z.record(z.string(), StateValue)])))();

/**
 * The format version of persisted states written by this release. A state with a higher format
 * is refused with `INCOMPATIBLE_STATE`.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, PERSISTED_FORMAT } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * state.format === PERSISTED_FORMAT; // true
 * ```
 */
export const PERSISTED_FORMAT = 1;

/**
 * The persisted state of any serviceflow process: plain JSON, with the format version and the
 * machine's id and version so that a state written by another release is migrated or refused.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, PersistedState } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * const stored = JSON.stringify(state); // what a store keeps
 * PersistedState.parse(JSON.parse(stored)).machine; // { id: 'inquiry', version: '1' }
 * const restored: PersistedState = process.restore(JSON.parse(stored)); // checked, migrated if needed
 * ```
 */
// Pure: a bundle that does not use it (the process only checks states it restores part by part)
// leaves it out, with the zod types only it needs.
export const PersistedState = /* @__PURE__ */ (() =>
  compiledObject({
    format: z.number().check(z.int(), z.positive()),
    machine: compiledObject({ id: z.string().check(z.minLength(1)), version: z.string().check(z.minLength(1)) }),
    value: StateValue,
    context: z.record(z.string(), z.unknown()),
  }))();
/** The JSON envelope every process step returns; `Context` is the machine's context. */
export interface PersistedState<Context = InquiryContext> {
  readonly format: number;
  readonly machine: { readonly id: string; readonly version: string };
  readonly value: StateValue;
  readonly context: Context;
}
