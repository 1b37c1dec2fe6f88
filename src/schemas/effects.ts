import type { FeedbackKind, InquiryInput } from './inquiry.js';
import type { EscalationTrigger, Sentiment, AnySlaMetric } from './state.js';

/**
 * Effects are the domain events a step produces, in the order they happened. Each carries the
 * inquiry's id and the instant it happened: the event's `at`, or for a deadline fired late, the
 * deadline's own due time.
 */
interface EffectBase<T extends string> {
  readonly type: T;
  readonly inquiryId: string;
  readonly at: number;
}

/** The inquiry moved from one stage to another. */
export interface StageChangedEffect extends EffectBase<'stage.changed'> {
  readonly from: string;
  readonly to: string;
}
/** An SLA clock started counting. */
export interface SlaStartedEffect extends EffectBase<'sla.started'> {
  readonly metric: AnySlaMetric;
  readonly targetMs: number;
  readonly dueAt: number | null;
}
/** An SLA clock passed one of the policy's warning fractions. */
export interface SlaWarningEffect extends EffectBase<'sla.warning'> {
  readonly metric: AnySlaMetric;
  readonly fraction: number;
  readonly dueAt: number | null;
  readonly remainingMs: number;
}
/** An SLA clock passed its due time without being met. */
export interface SlaBreachedEffect extends EffectBase<'sla.breached'> {
  readonly metric: AnySlaMetric;
  readonly dueAt: number;
}
/** An SLA clock was completed; `late` when it had breached before. */
export interface SlaMetEffect extends EffectBase<'sla.met'> {
  readonly metric: AnySlaMetric;
  readonly elapsedMs: number;
  readonly targetMs: number;
  readonly late: boolean;
}
/** An SLA clock stopped counting for a while (e.g. pending on the customer). */
export interface SlaPausedEffect extends EffectBase<'sla.paused'> {
  readonly metric: AnySlaMetric;
  readonly reason: string;
}
/** A paused SLA clock counts again. */
export interface SlaResumedEffect extends EffectBase<'sla.resumed'> {
  readonly metric: AnySlaMetric;
  readonly dueAt: number | null;
}
/** The inquiry moved up the escalation path, or was re-routed to another team. */
export interface EscalatedEffect extends EffectBase<'escalated'> {
  /** The new level (an index into the policy's levels). */
  readonly level: number;
  /** The level before. Equal to `level` for a purely functional escalation (re-route). */
  readonly from: number;
  /** The new level's name. */
  readonly name: string;
  readonly trigger: EscalationTrigger;
  readonly reason: string;
  /** Who to notify, from the level's `notify`. */
  readonly notify: readonly string[];
  /** The team the inquiry was routed to, for functional escalation. */
  readonly team?: string;
}
/** The satisfaction survey was sent. */
export interface SurveyRequestedEffect extends EffectBase<'survey.requested'> {
  readonly kind: FeedbackKind;
  readonly expiresAt: number;
}
/** A reminder of the unanswered survey was sent. */
export interface SurveyReminderEffect extends EffectBase<'survey.reminder'> {
  readonly kind: FeedbackKind;
  /** 1 for the first reminder. */
  readonly reminder: number;
}
/** The survey went unanswered until it expired. */
export interface SurveyExpiredEffect extends EffectBase<'survey.expired'> {
  readonly kind: FeedbackKind;
}
/** The customer gave feedback. */
export interface FeedbackReceivedEffect extends EffectBase<'feedback.received'> {
  readonly kind: FeedbackKind;
  readonly score: number;
  readonly sentiment: Sentiment;
  readonly comment?: string;
}
/** A resolved inquiry went back to work. */
export interface InquiryReopenedEffect extends EffectBase<'inquiry.reopened'> {
  /** What reopened it: an explicit `reopen`, a customer reply, or negative feedback. */
  readonly by: 'reopen' | 'customer.reply' | 'feedback';
  readonly reason?: string;
  readonly reopenCount: number;
}
/** The inquiry closed, by hand or by itself at the end of follow-up. */
export interface InquiryClosedEffect extends EffectBase<'inquiry.closed'> {
  readonly reason: 'manual' | 'auto';
}
/** The inquiry was cancelled. */
export interface InquiryCancelledEffect extends EffectBase<'inquiry.cancelled'> {
  readonly reason?: string;
}
/**
 * The customer wrote (`customer.reply`) or someone asked to reopen (`reopen`) when the inquiry
 * could no longer reopen: after its reopen window, or once it was closed or cancelled. The message
 * is not refused and the inquiry is not changed: this effect asks for a new inquiry, linked to
 * this one, and carries its start input. The desks open it by themselves, exactly once.
 */
export interface FollowUpRequestedEffect extends EffectBase<'followUp.requested'> {
  /** What asked for it. */
  readonly by: 'customer.reply' | 'reopen';
  /** The `reopen` event's reason, when it gave one. */
  readonly reason?: string;
  /**
   * The follow-up's start input: the same customer, channel, priority, category and subject, at
   * the event's instant, with `followUpOf` naming this inquiry and a deterministic `id` (see
   * `followUpId`), so that a retried event asks for the same inquiry.
   */
  readonly input: InquiryInput;
}
/** Every effect the built-in inquiry process produces. */
export type InquiryEffect =
  | StageChangedEffect
  | SlaStartedEffect
  | SlaWarningEffect
  | SlaBreachedEffect
  | SlaMetEffect
  | SlaPausedEffect
  | SlaResumedEffect
  | EscalatedEffect
  | SurveyRequestedEffect
  | SurveyReminderEffect
  | SurveyExpiredEffect
  | FeedbackReceivedEffect
  | InquiryReopenedEffect
  | InquiryClosedEffect
  | InquiryCancelledEffect
  | FollowUpRequestedEffect;

/** The `type` of every inquiry effect. */
export type InquiryEffectType = InquiryEffect['type'];
/** The effect of a given type. */
export type InquiryEffectOf<T extends InquiryEffectType> = Extract<InquiryEffect, { type: T }>;
