/**
 * Follow-ups: what a customer's message turns into when the inquiry it answers can no longer
 * reopen (its reopen window ended, or it was closed or cancelled). Not an error, and no change to
 * that inquiry: a `followUp.requested` effect carrying the start input of a new, linked inquiry.
 */
import type { FollowUpRequestedEffect } from '../schemas/effects.js';
import type { InquiryInput } from '../schemas/inquiry.js';
import type { InquiryContext } from '../schemas/state.js';
import { setDefined } from '../internal/records.js';

/** The longest inquiry id the input schema accepts. */
const MAX_ID_LENGTH = 256;
/** The suffix {@link followUpId} appends: `~f` and the instant in base 36 (`-` before 1970). */
const SUFFIX = /~f-?[0-9a-z]+$/;

/**
 * The default id of the follow-up a message at `at` asks for: the inquiry's id with `~f` and the
 * instant in base 36. A follow-up of a follow-up replaces the suffix instead of adding one, so ids
 * stay short along a chain (`T-1`, `T-1~fmmkdq5c0`, `T-1~fmmyo4o00`, …). The same event, retried,
 * always names the same follow-up; that is what lets the desks open it exactly once.
 *
 * @param inquiryId - the inquiry the message was sent to
 * @param at - the message's instant (epoch ms)
 * @returns the follow-up's id (at most 256 characters)
 *
 * @example
 * ```ts
 * import { followUpId } from 'serviceflow';
 * followUpId('T-1', Date.parse('2026-03-10T09:00:00Z')); // 'T-1~fmmkdq5c0'
 * followUpId('T-1~fmmkdq5c0', Date.parse('2026-03-20T09:00:00Z')); // 'T-1~fmmyo4o00'
 * followUpId('T-1', Date.parse('1969-07-20T20:17:00Z')); // 'T-1~f-6ik6heo'
 * ```
 */
export function followUpId(inquiryId: string, at: number): string {
  const suffix = `~f${at.toString(36)}`;
  const base = inquiryId.replace(SUFFIX, '');
  return base.slice(0, MAX_ID_LENGTH - suffix.length) + suffix;
}

/** The events that ask for a follow-up when they can no longer reopen. */
export function asksForFollowUp(event: {
  readonly type: string;
}): event is { type: 'customer.reply' | 'reopen'; at: number; reason?: string } {
  return event.type === 'customer.reply' || event.type === 'reopen';
}

/**
 * The `followUp.requested` effect of a message that can no longer reopen the inquiry whose
 * context is `ctx`.
 */
export function followUpRequest(
  ctx: InquiryContext,
  event: { type: 'customer.reply' | 'reopen'; at: number; reason?: string | undefined },
): FollowUpRequestedEffect {
  // Built key by key in the schema's order, optional keys only when set (plain JSON, no undefined).
  const input = {
    id: followUpId(ctx.id, event.at),
    channel: ctx.channel,
    customer: ctx.customer,
    priority: ctx.priority,
  } as InquiryInput;
  setDefined(input, 'category', ctx.category);
  setDefined(input, 'subject', ctx.subject);
  input.followUpOf = ctx.id;
  input.at = event.at;
  const effect: FollowUpRequestedEffect = {
    type: 'followUp.requested',
    inquiryId: ctx.id,
    at: event.at,
    by: event.type,
    input,
  };
  setDefined(effect, 'reason', event.reason);
  return effect;
}
