import type { SlaPolicy } from '../policies/sla.js';
import { setDefined } from '../internal/records.js';
import { clockNames, elapsedAt } from '../policies/sla-clocks.js';
import type { Channel, FeedbackKind, PendingReason, Priority } from '../schemas/inquiry.js';
import type {
  Assignee,
  ContactSummary,
  EscalationRecord,
  FeedbackResponse,
  InquiryContext,
  InquiryStage,
  SlaClock,
  BuiltInSlaMetric,
  SlaStatus,
  Survey,
} from '../schemas/state.js';

/** One SLA clock as the view shows it. `targetMs` and `elapsedMs` are business milliseconds. */
export interface SlaClockView {
  readonly status: SlaStatus;
  readonly startedAt: number;
  /** The deadline; `null` while the clock is paused (it is unknown until it counts again). */
  readonly dueAt: number | null;
  readonly targetMs: number;
  /** Business time counted so far: up to the view's instant while counting, else up to the stop. */
  readonly elapsedMs: number;
  readonly metAt?: number;
  readonly breachedAt?: number;
}

/**
 * The stable read model of a service process instance: plain JSON. `TStage` is the machine's
 * top-level state names (the inquiry's stages for the built-in machine).
 */
export interface ServiceView<TStage extends string = string, TMetric extends string = BuiltInSlaMetric> {
  readonly id: string;
  readonly stage: TStage;
  /** The sub-state within the stage (`working` / `pending` in `resolution`). */
  readonly status?: string;
  readonly priority: Priority;
  readonly channel: Channel;
  readonly category?: string;
  readonly subject?: string;
  /** The inquiry this one follows up (a customer wrote after it closed or its reopen window ended). */
  readonly followUpOf?: string;
  readonly customer: { readonly id: string; readonly tier?: string };
  readonly assignee?: Assignee;
  /** Why the inquiry waits, while it does. */
  readonly pending?: PendingReason;
  /** `level` indexes the policy's levels, 0 = first. */
  readonly escalation: { readonly level: number; readonly name: string; readonly history: readonly EscalationRecord[] };
  /** The current clock of each metric that has one, built-in or defined, by name. */
  readonly sla: { readonly [K in TMetric]?: SlaClockView } & { readonly [metric: string]: SlaClockView };
  /** Finished clocks replaced by newer ones of the same metric (every answered next-response cycle). */
  readonly slaHistory: readonly (SlaClockView & { readonly metric: TMetric | (string & {}) })[];
  readonly feedback: {
    readonly requestedAt?: number;
    readonly survey?: {
      readonly kind: FeedbackKind;
      readonly status: Survey['status'];
      readonly remindersSent: number;
      readonly expiresAt: number;
    };
    readonly responses: readonly FeedbackResponse[];
  };
  readonly contacts: readonly ContactSummary[];
  readonly receivedAt: number;
  readonly acknowledgedAt?: number;
  readonly firstRespondedAt?: number;
  readonly resolvedAt?: number;
  readonly closedAt?: number;
  readonly closeReason?: 'manual' | 'auto';
  readonly cancelledAt?: number;
  /** Until when a customer reply or `reopen` reopens the inquiry (in follow-up). */
  readonly reopenUntil?: number;
  readonly reopenCount: number;
  readonly lastEventAt: number;
  /** When a `tick` would next change something, or `null`. */
  readonly wakeAt: number | null;
}

/** The read model of one inquiry of the built-in inquiry machine. */
export type InquiryView = ServiceView<InquiryStage>;

function clockView(policy: SlaPolicy, clock: SlaClock, at: number): SlaClockView {
  const view: SlaClockView = {
    status: clock.status,
    startedAt: clock.startedAt,
    dueAt: clock.dueAt,
    targetMs: clock.targetMs,
    elapsedMs: clock.since !== null && at > clock.since ? elapsedAt(policy, clock, at) : clock.elapsedMs,
  };
  setDefined(view, 'metAt', clock.metAt);
  setDefined(view, 'breachedAt', clock.breachedAt);
  return view;
}

/** A finished clock as the history shows it: its metric first, then the clock's view. */
function historyView(policy: SlaPolicy, clock: SlaClock, at: number): SlaClockView & { readonly metric: string } {
  return Object.assign({ metric: clock.metric }, clockView(policy, clock, at));
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const stageOf = (value: unknown): { stage: string; status?: string } => {
  if (typeof value === 'string') return { stage: value };
  const [stage, inner] = Object.entries(value as Record<string, unknown>)[0] ?? ['unknown', undefined];
  return typeof inner === 'string' ? { stage, status: inner } : { stage };
};

/**
 * Builds the read model of an inquiry from its machine value and context. `at` (default: the last
 * event's instant) is the moment at which running SLA clocks are read.
 */
export function inquiryView(
  value: unknown,
  ctx: InquiryContext,
  options: { sla: SlaPolicy; at?: number | undefined; wakeAt: number | null },
): InquiryView {
  const at = Math.max(options.at ?? ctx.lastEventAt, ctx.lastEventAt);
  const sla: Record<string, SlaClockView> = {};
  for (const metric of clockNames(ctx.sla.clocks)) {
    const clock = ctx.sla.clocks[metric];
    if (clock !== undefined) sla[metric] = clockView(options.sla, clock, at);
  }
  const { stage, status } = stageOf(value);
  const survey = ctx.feedback.survey;
  // Built key by key, each optional key in its place: see internal/records.ts on why not spreads.
  const view = { id: ctx.id, stage: stage as InquiryStage } as Mutable<InquiryView>;
  setDefined(view, 'status', status);
  view.priority = ctx.priority;
  view.channel = ctx.channel;
  setDefined(view, 'category', ctx.category);
  setDefined(view, 'subject', ctx.subject);
  setDefined(view, 'followUpOf', ctx.followUpOf);
  const customer: Mutable<InquiryView['customer']> = { id: ctx.customer.id };
  setDefined(customer, 'tier', ctx.customer.tier);
  view.customer = customer;
  setDefined(view, 'assignee', ctx.assignee);
  setDefined(view, 'pending', ctx.pendingReason ?? undefined);
  view.escalation = { level: ctx.escalation.level, name: ctx.escalation.name, history: ctx.escalation.history };
  view.sla = sla;
  view.slaHistory = ctx.sla.history.map((clock) => historyView(options.sla, clock, at));
  const feedback = {} as Mutable<InquiryView['feedback']>;
  setDefined(feedback, 'requestedAt', ctx.feedback.requestedAt);
  if (survey !== null)
    feedback.survey = {
      kind: survey.kind,
      status: survey.status,
      remindersSent: survey.remindersSent,
      expiresAt: survey.expiresAt,
    };
  feedback.responses = ctx.feedback.responses;
  view.feedback = feedback;
  view.contacts = ctx.contacts;
  view.receivedAt = ctx.receivedAt;
  setDefined(view, 'acknowledgedAt', ctx.acknowledgedAt);
  setDefined(view, 'firstRespondedAt', ctx.firstRespondedAt);
  setDefined(view, 'resolvedAt', ctx.resolvedAt ?? undefined);
  setDefined(view, 'closedAt', ctx.closedAt);
  setDefined(view, 'closeReason', ctx.closeReason);
  setDefined(view, 'cancelledAt', ctx.cancelledAt);
  setDefined(view, 'reopenUntil', ctx.followUp?.reopenUntil);
  view.reopenCount = ctx.reopenCount;
  view.lastEventAt = ctx.lastEventAt;
  view.wakeAt = options.wakeAt;
  return view;
}
