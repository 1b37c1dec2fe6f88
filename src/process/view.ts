import type { SlaPolicy } from '../policies/sla.js';
import { elapsedAt, slaMetrics } from '../policies/sla-clocks.js';
import type { Channel, FeedbackKind, PendingReason, Priority } from '../schemas/inquiry.js';
import type {
  Assignee,
  ContactSummary,
  EscalationRecord,
  FeedbackResponse,
  InquiryContext,
  InquiryStage,
  SlaClock,
  SlaMetric,
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
export interface ServiceView<TStage extends string = string> {
  readonly id: string;
  readonly stage: TStage;
  /** The sub-state within the stage (`working` / `pending` in `resolution`). */
  readonly status?: string;
  readonly priority: Priority;
  readonly channel: Channel;
  readonly category?: string;
  readonly subject?: string;
  readonly customer: { readonly id: string; readonly tier?: string };
  readonly assignee?: Assignee;
  /** Why the inquiry waits, while it does. */
  readonly pending?: PendingReason;
  /** `level` indexes the policy's levels, 0 = first. */
  readonly escalation: { readonly level: number; readonly name: string; readonly history: readonly EscalationRecord[] };
  readonly sla: Partial<Record<SlaMetric, SlaClockView>>;
  /** Finished clocks replaced by newer ones of the same metric (every answered next-response cycle). */
  readonly slaHistory: readonly (SlaClockView & { readonly metric: SlaMetric })[];
  readonly feedback: {
    readonly requestedAt?: number;
    readonly survey?: { readonly kind: FeedbackKind; readonly status: Survey['status']; readonly remindersSent: number; readonly expiresAt: number };
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
  return {
    status: clock.status,
    startedAt: clock.startedAt,
    dueAt: clock.dueAt,
    targetMs: clock.targetMs,
    elapsedMs: clock.since !== null && at > clock.since ? elapsedAt(policy, clock, at) : clock.elapsedMs,
    ...(clock.metAt === undefined ? {} : { metAt: clock.metAt }),
    ...(clock.breachedAt === undefined ? {} : { breachedAt: clock.breachedAt }),
  };
}

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
  const sla: Partial<Record<SlaMetric, SlaClockView>> = {};
  for (const metric of slaMetrics) {
    const clock = ctx.sla.clocks[metric];
    if (clock !== undefined) sla[metric] = clockView(options.sla, clock, at);
  }
  const { stage, status } = stageOf(value);
  const survey = ctx.feedback.survey;
  return {
    id: ctx.id,
    stage: stage as InquiryStage,
    ...(status === undefined ? {} : { status }),
    priority: ctx.priority,
    channel: ctx.channel,
    ...(ctx.category === undefined ? {} : { category: ctx.category }),
    ...(ctx.subject === undefined ? {} : { subject: ctx.subject }),
    customer: { id: ctx.customer.id, ...(ctx.customer.tier === undefined ? {} : { tier: ctx.customer.tier }) },
    ...(ctx.assignee === undefined ? {} : { assignee: ctx.assignee }),
    ...(ctx.pendingReason === null ? {} : { pending: ctx.pendingReason }),
    escalation: { level: ctx.escalation.level, name: ctx.escalation.name, history: ctx.escalation.history },
    sla,
    slaHistory: ctx.sla.history.map((clock) => ({ metric: clock.metric, ...clockView(options.sla, clock, at) })),
    feedback: {
      ...(ctx.feedback.requestedAt === undefined ? {} : { requestedAt: ctx.feedback.requestedAt }),
      ...(survey === null
        ? {}
        : { survey: { kind: survey.kind, status: survey.status, remindersSent: survey.remindersSent, expiresAt: survey.expiresAt } }),
      responses: ctx.feedback.responses,
    },
    contacts: ctx.contacts,
    receivedAt: ctx.receivedAt,
    ...(ctx.acknowledgedAt === undefined ? {} : { acknowledgedAt: ctx.acknowledgedAt }),
    ...(ctx.firstRespondedAt === undefined ? {} : { firstRespondedAt: ctx.firstRespondedAt }),
    ...(ctx.resolvedAt === null ? {} : { resolvedAt: ctx.resolvedAt }),
    ...(ctx.closedAt === undefined ? {} : { closedAt: ctx.closedAt }),
    ...(ctx.closeReason === undefined ? {} : { closeReason: ctx.closeReason }),
    ...(ctx.cancelledAt === undefined ? {} : { cancelledAt: ctx.cancelledAt }),
    ...(ctx.followUp === null ? {} : { reopenUntil: ctx.followUp.reopenUntil }),
    reopenCount: ctx.reopenCount,
    lastEventAt: ctx.lastEventAt,
    wakeAt: options.wakeAt,
  };
}
