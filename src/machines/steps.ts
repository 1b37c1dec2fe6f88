/**
 * The pure steps behind the service actions: each takes a context, the event's data and the
 * policies, returns the next context, and reports its effects through `emit`. The named XState
 * actions in `actions.ts` are thin wrappers around these.
 */
import type { EscalationSignal } from '../policies/escalation.js';
import {
  cancelClock,
  clockDeadline,
  clockNames,
  isClassicMetric,
  fireClock,
  isOpenClock,
  retargetClock,
  slaMetrics,
  startClock,
  type EffectSink,
} from '../policies/sla-clocks.js';
import type { FeedbackKind, PendingReason, Priority } from '../schemas/inquiry.js';
import type { InquiryEffect } from '../schemas/effects.js';
import type {
  Assignee,
  EscalationRecord,
  EscalationTrigger,
  FeedbackResponse,
  InquiryContext,
  SlaClock,
  SlaMetric,
  SlaMetricName,
  SlaState,
  Survey,
} from '../schemas/state.js';
import { assignFields, copyRecord, EMPTY_LIST, setDefined, withFields } from '../internal/records.js';
import { frozenJsonOf } from '../internal/json-copies.js';
import { IncompatibleStateError } from '../errors.js';
import { pauseIfHeld, runMetricAction, slaState } from './metric-steps.js';
import { factsOf, type StepEnv } from './step-env.js';

export { factsOf, genericContextCopy, type ContextCopier, type StepEnv } from './step-env.js';

/** A copy of `ctx` (made by `env.copy`) with `fields` set. */
function withContext(ctx: InquiryContext, fields: Partial<InquiryContext>, env: StepEnv): InquiryContext {
  return assignFields(env.copy(ctx), fields);
}

const clockEnv = (ctx: InquiryContext, env: StepEnv) => ({ inquiryId: ctx.id, emit: env.emit });

function withClock(ctx: InquiryContext, metric: SlaMetricName, clock: SlaClock, env: StepEnv): InquiryContext {
  if (ctx.sla.clocks[metric] === clock) return ctx;
  const clocks = copyRecord(ctx.sla.clocks);
  clocks[metric] = clock;
  return withContext(ctx, { sla: { ...ctx.sla, clocks } }, env);
}

/**
 * Applies `update` to every clock of the given metrics and returns the context with the changed
 * clocks and `fields` in one copy (a context has some thirty fields: copying it once per step, not
 * once per clock, is most of what a step costs).
 */
function updateClocks(
  ctx: InquiryContext,
  env: StepEnv,
  metrics: readonly SlaMetricName[],
  update: (clock: SlaClock, metric: SlaMetricName) => SlaClock,
  fields?: Partial<InquiryContext>,
): InquiryContext {
  let clocks: SlaState['clocks'] | undefined;
  for (const metric of metrics) {
    const clock = ctx.sla.clocks[metric];
    if (clock === undefined) continue;
    const next = update(clock, metric);
    if (next === clock) continue;
    clocks ??= { ...ctx.sla.clocks };
    clocks[metric] = next;
  }
  if (clocks === undefined) return fields === undefined ? ctx : withContext(ctx, fields, env);
  const next = fields === undefined ? env.copy(ctx) : withContext(ctx, fields, env);
  next.sla = { ...ctx.sla, clocks };
  return next;
}

/** Starts a new clock for `metric`, moving a finished one of the same metric to the history. */
function beginClock(
  ctx: InquiryContext,
  metric: SlaMetricName,
  targetMs: number,
  startedAt: number,
  at: number,
  env: StepEnv,
): InquiryContext {
  const previous = ctx.sla.clocks[metric];
  const clock = startClock(env.policies.sla, metric, targetMs, startedAt, at, clockEnv(ctx, env));
  const clocks = copyRecord(ctx.sla.clocks);
  clocks[metric] = clock;
  return withContext(
    ctx,
    {
      sla: { ...ctx.sla, clocks, history: previous === undefined ? ctx.sla.history : [...ctx.sla.history, previous] },
    },
    env,
  );
}

// ---------------------------------------------------------------------------------------------
// Escalation

/** Applies an escalation decision: climbs (never falls, capped at the top) and/or routes. */
function applyEscalation(
  ctx: InquiryContext,
  decision: { level?: number | undefined; team?: string | undefined; trigger: EscalationTrigger; reason: string },
  at: number,
  env: StepEnv,
): InquiryContext {
  const levels = env.policies.escalation.levels;
  const top = levels.length - 1;
  const from = Math.min(ctx.escalation.level, top);
  const to = decision.level === undefined ? from : Math.min(Math.max(decision.level, from), top);
  const team = decision.team ?? (to > from ? levels[to]?.team : undefined);
  const reroutes = team !== undefined && (ctx.assignee?.team !== team || ctx.assignee.agentId !== undefined);
  if (to === from && !reroutes) return ctx;
  const level = levels[to];
  const name = level?.name ?? ctx.escalation.name;
  const effect: Extract<InquiryEffect, { type: 'escalated' }> = {
    type: 'escalated',
    inquiryId: ctx.id,
    at,
    level: to,
    from,
    name,
    trigger: decision.trigger,
    reason: decision.reason,
    notify: level?.notify ?? [],
  };
  setDefined(effect, 'team', team);
  env.emit(effect);
  const record: EscalationRecord = { at, level: to, from, name, trigger: decision.trigger, reason: decision.reason };
  setDefined(record, 'team', team);
  const escalation = { level: to, name, history: [...ctx.escalation.history, record] };
  return team === undefined
    ? withContext(ctx, { escalation }, env)
    : withContext(ctx, { assignee: { team }, escalation }, env);
}

/** Lets the escalation policy react to something that happened. */
function signalEscalation(ctx: InquiryContext, signal: EscalationSignal, at: number, env: StepEnv): InquiryContext {
  const decision = env.policies.escalation.decide(signal, factsOf(ctx), ctx.escalation.level);
  return decision === null ? ctx : applyEscalation(ctx, decision, at, env);
}

/** A manual escalation: one level up; the top caps. */
export function escalateByHand(
  ctx: InquiryContext,
  reason: string | undefined,
  at: number,
  env: StepEnv,
): InquiryContext {
  return applyEscalation(
    ctx,
    { level: ctx.escalation.level + 1, trigger: 'manual', reason: reason ?? 'manual escalation' },
    at,
    env,
  );
}

/** Runs an SLA mechanic and lets escalation rules react to the warnings and breaches it reports. */
function withSlaEscalations(
  ctx: InquiryContext,
  env: StepEnv,
  run: (sink: EffectSink) => InquiryContext,
): InquiryContext {
  const signals: { signal: EscalationSignal; at: number }[] = [];
  const next = run((effect: InquiryEffect) => {
    env.emit(effect);
    if (effect.type === 'sla.warning' || effect.type === 'sla.breached') {
      signals.push({ signal: { on: effect.type, metric: effect.metric }, at: effect.at });
    }
  });
  return signals.reduce((acc, { signal, at }) => signalEscalation(acc, signal, at, env), next);
}

// ---------------------------------------------------------------------------------------------
// Arrival and attributes

/** The context of a newly received inquiry, before any policy has looked at it. */
export function receivedContext(input: {
  id: string;
  channel: InquiryContext['channel'];
  customer: InquiryContext['customer'];
  priority: Priority;
  category?: string | undefined;
  subject?: string | undefined;
  followUpOf?: string | undefined;
  at: number;
}): InquiryContext {
  // Every field in place, in the schema's order, optional ones `undefined` until set: the shape
  // every later copy keeps. The customer is a frozen JSON copy: effects hand it out as it is.
  return {
    id: input.id,
    // Set by the entry of the machine's initial stage (no stage.changed for the first one).
    stage: '',
    channel: input.channel,
    customer: frozenJsonOf(input.customer),
    priority: input.priority,
    category: input.category,
    subject: input.subject,
    followUpOf: input.followUpOf,
    receivedAt: input.at,
    lastEventAt: input.at,
    acknowledgedAt: undefined,
    assignee: undefined,
    firstRespondedAt: undefined,
    lastAgentReplyAt: undefined,
    lastCustomerReplyAt: undefined,
    pendingReason: null,
    resolvedAt: null,
    resolution: undefined,
    closedAt: undefined,
    closeReason: undefined,
    cancelledAt: undefined,
    cancelReason: undefined,
    reopenCount: 0,
    contacts: EMPTY_LIST,
    sla: { clocks: {}, history: EMPTY_LIST },
    escalation: { level: 0, name: '', history: EMPTY_LIST },
    feedback: { survey: null, responses: EMPTY_LIST },
    followUp: null,
  } as InquiryContext;
}

/** Arrival: names the first escalation level, starts the clocks, applies `received` rules. */
export function receive(ctx: InquiryContext, env: StepEnv): InquiryContext {
  const at = ctx.receivedAt;
  const named = withContext(
    ctx,
    { escalation: { ...ctx.escalation, name: env.policies.escalation.levels[0]?.name ?? 'default' } },
    env,
  );
  // The metrics that start at the arrival (`'received'`) start here, in metric order.
  const next = runMetricAction(named, 'receive', at, env, true);
  return signalEscalation(next, { on: 'received' }, at, env);
}

/** Recalculates SLA targets after the priority or category changed. */
function retarget(ctx: InquiryContext, at: number, env: StepEnv): InquiryContext {
  const policy = env.policies.sla;
  if (policy.onPriorityChange === 'keep') return ctx;
  const targets: Readonly<Record<string, number | undefined>> = policy.targetsFor(factsOf(ctx));
  let next = ctx;
  for (const metric of clockNamesWith(ctx.sla, slaMetrics)) {
    const clock = next.sla.clocks[metric];
    const target = targets[metric];
    if (clock !== undefined && isOpenClock(clock)) {
      next = withClock(
        next,
        metric,
        target === undefined ? cancelClock(policy, clock, at) : retargetClock(policy, clock, target, at),
        env,
      );
      continue;
    }
    if (target === undefined) continue;
    // A defined metric that gains a target counts from the start of the cycle that waited for one.
    if (!isClassicMetric(metric)) {
      const startedAt = next.sla.waiting?.[metric];
      if (startedAt !== undefined) next = beginWaitingClock(next, metric, target, startedAt, at, env);
      continue;
    }
    if ((clock !== undefined && clock.status !== 'cancelled') || ctx.resolvedAt !== null) continue;
    // A metric that gains a target counts from the moment it would have started.
    if (metric === 'firstResponse' && ctx.firstRespondedAt === undefined) {
      next = beginClock(next, metric, target, ctx.receivedAt, at, env);
    } else if (metric === 'resolution') {
      next = beginClock(next, metric, target, ctx.receivedAt, at, env);
    } else if (metric === 'nextResponse' && isAwaitingReply(ctx)) {
      next = beginClock(next, metric, target, ctx.lastCustomerReplyAt ?? at, at, env);
    }
  }
  return next;
}

/** The classic metrics, then the other metrics that have a clock or wait for a target. */
function clockNamesWith(sla: SlaState, classic: readonly SlaMetric[]): readonly SlaMetricName[] {
  const names: SlaMetricName[] = [...classic];
  for (const metric in sla.clocks) if (!isClassicMetric(metric)) names.push(metric);
  for (const metric in sla.waiting) if (sla.clocks[metric] === undefined) names.push(metric);
  return names;
}

/**
 * Starts the clock of a defined metric whose cycle waited for a target since `startedAt` (its
 * time so far counted on the calendar; see `waiting` in `SlaState`), then holds it while its pause
 * conditions hold now.
 */
function beginWaitingClock(
  ctx: InquiryContext,
  metric: SlaMetricName,
  targetMs: number,
  startedAt: number,
  at: number,
  env: StepEnv,
): InquiryContext {
  const begun = beginClock(ctx, metric, targetMs, startedAt, at, env);
  // `begun` is this step's copy: its slice is replaced in place, without the metric's wait.
  const { [metric]: _started, ...waiting } = begun.sla.waiting ?? {};
  (begun as { sla: SlaState }).sla = slaState(begun.sla.clocks, begun.sla.history, waiting);
  return pauseIfHeld(begun, metric, at, env);
}

function isAwaitingReply(ctx: InquiryContext): boolean {
  return (
    ctx.firstRespondedAt !== undefined &&
    ctx.lastCustomerReplyAt !== undefined &&
    (ctx.lastAgentReplyAt === undefined || ctx.lastCustomerReplyAt > ctx.lastAgentReplyAt)
  );
}

export function acknowledge(ctx: InquiryContext, at: number, env: StepEnv): InquiryContext {
  return ctx.acknowledgedAt === undefined ? withContext(ctx, { acknowledgedAt: at }, env) : ctx;
}

export function categorize(
  ctx: InquiryContext,
  category: string,
  priority: Priority | undefined,
  at: number,
  env: StepEnv,
): InquiryContext {
  const changed = ctx.category !== category || (priority !== undefined && priority !== ctx.priority);
  const next = withContext(ctx, priority === undefined ? { category } : { category, priority }, env);
  return changed ? withSlaEscalations(next, env, (emit) => retarget(next, at, { ...env, emit })) : next;
}

export function prioritize(ctx: InquiryContext, priority: Priority, at: number, env: StepEnv): InquiryContext {
  if (priority === ctx.priority) return ctx;
  const next: InquiryContext = withContext(ctx, { priority }, env);
  return withSlaEscalations(next, env, (emit) => retarget(next, at, { ...env, emit }));
}

export function assign(
  ctx: InquiryContext,
  agentId: string | undefined,
  team: string | undefined,
  env: StepEnv,
): InquiryContext {
  const assignee: Assignee = ctx.assignee === undefined ? {} : copyRecord(ctx.assignee);
  setDefined(assignee, 'agentId', agentId);
  setDefined(assignee, 'team', team);
  return withContext(ctx, { assignee }, env);
}

// ---------------------------------------------------------------------------------------------
// Conversation

export function recordAgentReply(ctx: InquiryContext, at: number, env: StepEnv): InquiryContext {
  return withContext(ctx, { lastAgentReplyAt: at, firstRespondedAt: ctx.firstRespondedAt ?? at }, env);
}

export function recordCustomerReply(ctx: InquiryContext, at: number, env: StepEnv): InquiryContext {
  return withContext(ctx, { lastCustomerReplyAt: at }, env);
}

export function contactCompleted(
  ctx: InquiryContext,
  contact: { contactId: string; channel: InquiryContext['channel']; handleMs: number; resolved: boolean },
  at: number,
  env: StepEnv,
): InquiryContext {
  const summary = {
    contactId: contact.contactId,
    channel: contact.channel,
    handleMs: contact.handleMs,
    resolved: contact.resolved,
    at,
  };
  return withContext(ctx, { contacts: [...ctx.contacts, summary] }, env);
}

// ---------------------------------------------------------------------------------------------
// Waiting

/** Work waits on the customer or a third party; clocks paused while pending for it stop counting. */
export function pend(ctx: InquiryContext, reason: PendingReason, env: StepEnv): InquiryContext {
  return withContext(ctx, { pendingReason: reason }, env);
}

/** Work resumes after waiting; a clock paused for it counts again. */
export function resumeWork(ctx: InquiryContext, env: StepEnv): InquiryContext {
  if (ctx.pendingReason === null) return ctx;
  return withContext(ctx, { pendingReason: null }, env);
}

// ---------------------------------------------------------------------------------------------
// Resolution, follow-up, reopen, close, cancel

function cancelPendingSurvey(survey: Survey | null): Survey | null {
  return survey !== null && (survey.status === 'scheduled' || survey.status === 'requested')
    ? { ...survey, status: 'cancelled', nextReminderAt: null }
    : survey;
}

export function resolve(ctx: InquiryContext, resolution: string | undefined, at: number, env: StepEnv): InquiryContext {
  const fields: Partial<InquiryContext> =
    resolution === undefined
      ? { resolvedAt: at, pendingReason: null }
      : { resolvedAt: at, pendingReason: null, resolution };
  return withContext(ctx, fields, env);
}

/**
 * Opens the follow-up (the entry of the follow-up stage): schedules the survey, the reopen window
 * and the automatic close, all counted from `at`. A follow-up already open is left as it is.
 */
export function openFollowUp(ctx: InquiryContext, at: number, env: StepEnv): InquiryContext {
  if (ctx.followUp !== null) return ctx;
  const policy = env.policies.feedback;
  const kind = policy.surveyFor === undefined ? policy.survey : policy.surveyFor(factsOf(ctx));
  const survey: Survey | null =
    kind === false
      ? null
      : {
          kind,
          status: 'scheduled',
          sendAt: at + policy.sendAfter,
          remindersSent: 0,
          nextReminderAt: null,
          expiresAt: at + policy.sendAfter + policy.expireAfter,
        };
  return withContext(
    ctx,
    {
      followUp: { resolvedAt: at, reopenUntil: at + policy.reopenWindow, closeAt: at + policy.autoCloseAfter },
      feedback: { ...ctx.feedback, survey },
    },
    env,
  );
}

export function reopen(
  ctx: InquiryContext,
  by: 'reopen' | 'customer.reply' | 'feedback',
  reason: string | undefined,
  at: number,
  env: StepEnv,
): InquiryContext {
  const reopenCount = ctx.reopenCount + 1;
  const next = withContext(
    ctx,
    {
      reopenCount,
      resolvedAt: null,
      followUp: null,
      feedback: { ...ctx.feedback, survey: cancelPendingSurvey(ctx.feedback.survey) },
    },
    env,
  );
  const effect: Extract<InquiryEffect, { type: 'inquiry.reopened' }> = {
    type: 'inquiry.reopened',
    inquiryId: ctx.id,
    at,
    by,
    reopenCount,
  };
  setDefined(effect, 'reason', reason);
  env.emit(effect);
  return signalEscalation(
    runMetricAction(next, 'reopen', at, env, true),
    { on: 'reopened', count: reopenCount },
    at,
    env,
  );
}

export function recordFeedback(
  ctx: InquiryContext,
  feedback: { kind: FeedbackKind; score: number; comment?: string | undefined },
  at: number,
  env: StepEnv,
): InquiryContext {
  const sentiment = env.policies.feedback.sentiment(feedback.kind, feedback.score);
  const survey = ctx.feedback.survey;
  const answered =
    survey !== null && (survey.status === 'scheduled' || survey.status === 'requested')
      ? withFields(survey, { status: 'answered', answeredAt: at, nextReminderAt: null })
      : survey;
  const effect: Extract<InquiryEffect, { type: 'feedback.received' }> = {
    type: 'feedback.received',
    inquiryId: ctx.id,
    at,
    kind: feedback.kind,
    score: feedback.score,
    sentiment,
  };
  setDefined(effect, 'comment', feedback.comment);
  env.emit(effect);
  const response: FeedbackResponse = { kind: feedback.kind, score: feedback.score, sentiment, at };
  setDefined(response, 'comment', feedback.comment);
  const next: InquiryContext = withContext(
    ctx,
    {
      feedback: { ...ctx.feedback, survey: answered, responses: [...ctx.feedback.responses, response] },
    },
    env,
  );
  if (sentiment !== 'negative') return next;
  const decision = env.policies.escalation.decide({ on: 'feedback.negative' }, factsOf(next), next.escalation.level);
  if (decision !== null) return applyEscalation(next, decision, at, env);
  return env.policies.feedback.onNegative.includes('escalate')
    ? applyEscalation(
        next,
        { level: next.escalation.level + 1, trigger: 'feedback.negative', reason: 'feedback.negative' },
        at,
        env,
      )
    : next;
}

/** Whether a feedback score is negative and the policy reopens on negative feedback. */
export function feedbackReopens(kind: FeedbackKind, score: number, env: Pick<StepEnv, 'policies'>): boolean {
  return (
    env.policies.feedback.onNegative.includes('reopen') && env.policies.feedback.sentiment(kind, score) === 'negative'
  );
}

export function close(ctx: InquiryContext, reason: 'manual' | 'auto', at: number, env: StepEnv): InquiryContext {
  env.emit({ type: 'inquiry.closed', inquiryId: ctx.id, at, reason });
  // A clock of a defined metric still open at the close no longer applies.
  return updateClocks(ctx, env, clockNames(ctx.sla.clocks), (clock) => cancelClock(env.policies.sla, clock, at), {
    closedAt: at,
    closeReason: reason,
    followUp: null,
    feedback: { ...ctx.feedback, survey: cancelPendingSurvey(ctx.feedback.survey) },
  });
}

export function cancel(ctx: InquiryContext, reason: string | undefined, at: number, env: StepEnv): InquiryContext {
  const fields: Partial<InquiryContext> = { cancelledAt: at };
  setDefined(fields, 'cancelReason', reason);
  fields.pendingReason = null;
  fields.followUp = null;
  fields.feedback = { ...ctx.feedback, survey: cancelPendingSurvey(ctx.feedback.survey) };
  const next = updateClocks(withContext(ctx, fields, env), env, clockNames(ctx.sla.clocks), (clock) =>
    cancelClock(env.policies.sla, clock, at),
  );
  const effect: Extract<InquiryEffect, { type: 'inquiry.cancelled' }> = {
    type: 'inquiry.cancelled',
    inquiryId: ctx.id,
    at,
  };
  setDefined(effect, 'reason', reason);
  env.emit(effect);
  return next;
}

/** Records a stage change and reports it. */
export function enterStage(ctx: InquiryContext, stage: string, at: number, env: StepEnv): InquiryContext {
  if (ctx.stage === stage) return ctx;
  if (ctx.stage === '') return withContext(ctx, { stage }, env);
  env.emit({ type: 'stage.changed', inquiryId: ctx.id, at, from: ctx.stage, to: stage });
  return withContext(ctx, { stage }, env);
}

// ---------------------------------------------------------------------------------------------
// Deadlines

/** When the follow-up closes by itself: its `closeAt`, later while a survey is still pending. */
export function closeDueAt(ctx: InquiryContext): number | null {
  if (ctx.followUp === null) return null;
  const survey = ctx.feedback.survey;
  if (survey === null || survey.status === 'cancelled') return ctx.followUp.closeAt;
  if (survey.status === 'scheduled' || survey.status === 'requested')
    return Math.max(ctx.followUp.closeAt, survey.expiresAt);
  return Math.max(ctx.followUp.closeAt, survey.answeredAt ?? survey.expiredAt ?? ctx.followUp.closeAt);
}

function surveyDeadline(survey: Survey | null): number | null {
  if (survey === null) return null;
  if (survey.status === 'scheduled') return survey.sendAt;
  if (survey.status !== 'requested') return null;
  return survey.nextReminderAt === null ? survey.expiresAt : Math.min(survey.nextReminderAt, survey.expiresAt);
}

const earliest = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.min(a, b);

/**
 * The earliest instant at which a `tick` would change this context: an SLA warning or breach, a
 * survey send, reminder or expiry, or the automatic close. `null` when nothing is scheduled.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, nextDeadline, slaPolicy } from 'serviceflow';
 * const process = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
 * const { state, wakeAt } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * nextDeadline(state.context); // 1772444700000: the 75 % warning at 09:45
 * nextDeadline(state.context) === wakeAt; // true
 * ```
 */
export function nextDeadline(ctx: InquiryContext): number | null {
  return earliest(earliest(nextClockDeadline(ctx), surveyDeadline(ctx.feedback.survey)), closeDueAt(ctx));
}

function fireSurvey(ctx: InquiryContext, at: number, env: StepEnv): InquiryContext {
  let survey = ctx.feedback.survey;
  const due = surveyDeadline(survey);
  if (survey === null || due === null || due > at) return ctx;
  const policy = env.policies.feedback;
  let requestedAt = ctx.feedback.requestedAt;
  if (survey.status === 'scheduled' && survey.sendAt <= at) {
    const sentAt = survey.sendAt;
    const firstReminder = policy.reminders.count > 0 ? sentAt + policy.reminders.every : null;
    const expiresAt = sentAt + policy.expireAfter;
    survey = withFields(survey, {
      status: 'requested',
      requestedAt: sentAt,
      expiresAt,
      nextReminderAt: firstReminder !== null && firstReminder < expiresAt ? firstReminder : null,
    });
    requestedAt = sentAt;
    env.emit({ type: 'survey.requested', inquiryId: ctx.id, at: sentAt, kind: survey.kind, expiresAt });
  }
  while (
    survey.status === 'requested' &&
    survey.nextReminderAt !== null &&
    survey.nextReminderAt <= at &&
    survey.nextReminderAt < survey.expiresAt
  ) {
    const remindedAt: number = survey.nextReminderAt;
    const remindersSent: number = survey.remindersSent + 1;
    const following = remindersSent < policy.reminders.count ? remindedAt + policy.reminders.every : null;
    survey = {
      ...survey,
      remindersSent,
      nextReminderAt: following !== null && following < survey.expiresAt ? following : null,
    };
    env.emit({
      type: 'survey.reminder',
      inquiryId: ctx.id,
      at: remindedAt,
      kind: survey.kind,
      reminder: remindersSent,
    });
  }
  if (survey.status === 'requested' && survey.expiresAt <= at) {
    survey = withFields(survey, { status: 'expired', expiredAt: survey.expiresAt, nextReminderAt: null });
    env.emit({ type: 'survey.expired', inquiryId: ctx.id, at: survey.expiresAt, kind: survey.kind });
  }
  return withContext(
    ctx,
    {
      feedback:
        requestedAt === undefined ? { ...ctx.feedback, survey } : withFields(ctx.feedback, { survey, requestedAt }),
    },
    env,
  );
}

/** Fires what is due at exactly the instant `at` (the earliest pending deadline). */
function fireAt(ctx: InquiryContext, at: number, env: StepEnv): InquiryContext {
  const next = withSlaEscalations(ctx, env, (emit) =>
    updateClocks(ctx, env, clockNames(ctx.sla.clocks), (clock) => {
      const due = clockDeadline(clock);
      return due !== null && due <= at ? fireClock(env.policies.sla, clock, at, { inquiryId: ctx.id, emit }) : clock;
    }),
  );
  return fireSurvey(next, at, env);
}

/** The earliest SLA clock deadline (a warning or a breach), or `null`. */
function nextClockDeadline(ctx: InquiryContext): number | null {
  let due: number | null = null;
  for (const metric in ctx.sla.clocks) {
    const clock = ctx.sla.clocks[metric];
    if (clock !== undefined) due = earliest(due, clockDeadline(clock));
  }
  return due;
}

/**
 * Fires, in time order, every deadline due at or before `limit` except the automatic close (a
 * stage change the machine makes): SLA warnings and breaches, with the escalations they set off,
 * and survey sends, reminders and expiry. Each effect is stamped with its own due time.
 */
export function fireDue(ctx: InquiryContext, limit: number, env: StepEnv): InquiryContext {
  let next = ctx;
  // Every firing moves a deadline strictly later or removes it, so this ends; the bound guards
  // against a custom policy that would not.
  for (let fired = 0; fired < 100_000; fired++) {
    const clockDue = nextClockDeadline(next);
    const surveyDue = surveyDeadline(next.feedback.survey);
    if (surveyDue !== null && surveyDue <= limit && (clockDue === null || surveyDue < clockDue)) {
      // The survey's send, reminders and expiry up to the next clock deadline (which fires first
      // at an equal instant) in one go: the same effects in the same order as one instant at a
      // time, and one copy of the context instead of one per instant. Instants are whole ms; a
      // custom calendar's fractional clock deadline can leave nothing before it: then one instant.
      const batched = fireSurvey(next, clockDue === null ? limit : Math.min(limit, clockDue - 1), env);
      next = batched === next ? fireAt(next, surveyDue, env) : batched;
      continue;
    }
    if (clockDue === null || clockDue > limit) return next;
    next = fireAt(next, clockDue, env);
  }
  // This process cannot advance the state (its policies keep deadlines due): INCOMPATIBLE_STATE, so
  // that a desk parks the inquiry and BullMQ dead-letters the entry instead of retrying forever.
  const by = Number.isFinite(limit) ? new Date(limit).toISOString() : String(limit);
  throw new IncompatibleStateError(
    `The deadlines of inquiry '${ctx.id}' did not settle by ${by}: 100000 fired in one step and more were due (a policy or calendar that schedules deadlines which never move later?); expected at most 100000 deadlines per step`,
    { path: ['context'], received: limit, expected: 'at most 100000 deadlines fired in one step' },
  );
}
