/**
 * The pure steps behind the contact machine's actions: each takes a context and the event's data,
 * returns the next context (never modifying the one it was given), and reports its effects through
 * `emit`.
 */
import type { ContactEffect } from '../schemas/contact-effects.js';
import type { ContactContext, ContactInput, ContactStage, CustomerProfile } from '../schemas/contact.js';
import { contactTimings, holdLength } from './contact-timing.js';

/** Where a step reports its effects. */
export type ContactEffectSink = (effect: ContactEffect) => void;

/** The fields every contact effect carries. */
function about(ctx: ContactContext, at: number): { contactId: string; inquiryId?: string; at: number } {
  return { contactId: ctx.id, ...(ctx.inquiryId === undefined ? {} : { inquiryId: ctx.inquiryId }), at };
}

/** The agent handling the contact now (the last one connected or transferred to). */
export function currentAgent(ctx: ContactContext): string | undefined {
  return ctx.agents.at(-1)?.agentId;
}

/** The pre-contact step a contact is in, read from what it recorded. */
export function preContactStep(ctx: ContactContext): 'identification' | 'selfService' | 'queue' {
  if (ctx.routing.length > 0) return 'queue';
  return ctx.identification === null ? 'identification' : 'selfService';
}

/** Ends a hold under way at `at` (no change when none is). */
function closeHold(ctx: ContactContext, at: number): ContactContext {
  const last = ctx.holds.at(-1);
  if (last === undefined || last.endedAt !== undefined) return ctx;
  return { ...ctx, holds: [...ctx.holds.slice(0, -1), { startedAt: last.startedAt, endedAt: at }] };
}

/** The context of a new contact. */
export function startedContact(input: ContactInput): ContactContext {
  return {
    id: input.id,
    ...(input.inquiryId === undefined ? {} : { inquiryId: input.inquiryId }),
    channel: input.channel,
    direction: input.direction,
    customer: input.customer,
    stage: 'preContact',
    startedAt: input.at,
    lastEventAt: input.at,
    identification: null,
    routing: [],
    agents: [],
    holds: [],
    transfers: [],
  };
}

/** Entry of the machine: reports the start. */
export function announce(ctx: ContactContext, emit: ContactEffectSink): ContactContext {
  emit({ type: 'contact.started', ...about(ctx, ctx.startedAt), channel: ctx.channel, direction: ctx.direction });
  return ctx;
}

/** Records the stage a state stands for and reports `stage.changed`. */
export function enterStage(
  ctx: ContactContext,
  stage: ContactStage,
  at: number,
  emit: ContactEffectSink,
): ContactContext {
  if (ctx.stage === stage) return ctx;
  emit({ type: 'stage.changed', ...about(ctx, at), from: ctx.stage, to: stage });
  return { ...ctx, stage };
}

/** The customer was identified: keeps the CRM id and the loaded profile (the latest wins). */
export function identify(
  ctx: ContactContext,
  customerId: string,
  profile: CustomerProfile | undefined,
  at: number,
  emit: ContactEffectSink,
): ContactContext {
  emit({ type: 'contact.identified', ...about(ctx, at), customerId });
  return { ...ctx, identification: { customerId, ...(profile === undefined ? {} : { profile }), at } };
}

/** Routed (or re-routed) to a queue. */
export function route(ctx: ContactContext, queue: string, at: number, emit: ContactEffectSink): ContactContext {
  emit({ type: 'contact.queued', ...about(ctx, at), queue });
  return { ...ctx, routing: [...ctx.routing, { queue, at }] };
}

/** Self-service answered the customer: completed without an agent, resolved. */
export function deflect(ctx: ContactContext, at: number): ContactContext {
  return { ...ctx, outcome: 'self-service', resolved: true, completedAt: at };
}

/** An agent connected: the queue wait ends, talk starts. */
export function connect(ctx: ContactContext, agentId: string, at: number, emit: ContactEffectSink): ContactContext {
  const next: ContactContext = { ...ctx, connectedAt: at, agents: [...ctx.agents, { agentId, at }] };
  emit({ type: 'contact.connected', ...about(ctx, at), agentId, queueMs: contactTimings(next, at).queueMs });
  return next;
}

/** The customer was put on hold. */
export function hold(ctx: ContactContext, at: number, emit: ContactEffectSink): ContactContext {
  emit({ type: 'contact.held', ...about(ctx, at), agentId: currentAgent(ctx) ?? '' });
  return { ...ctx, holds: [...ctx.holds, { startedAt: at }] };
}

/** The customer was taken off hold. */
export function unhold(ctx: ContactContext, at: number, emit: ContactEffectSink): ContactContext {
  const next = closeHold(ctx, at);
  const last = next.holds.at(-1);
  emit({
    type: 'contact.unheld',
    ...about(ctx, at),
    agentId: currentAgent(ctx) ?? '',
    holdMs: last === undefined ? 0 : holdLength(last, at),
  });
  return next;
}

/** Handed to another agent: a hold under way ends, the new agent handles the contact from now. */
export function transfer(ctx: ContactContext, to: string, at: number, emit: ContactEffectSink): ContactContext {
  const from = currentAgent(ctx) ?? '';
  emit({ type: 'contact.transferred', ...about(ctx, at), from, to });
  const next = closeHold(ctx, at);
  return { ...next, agents: [...next.agents, { agentId: to, at }], transfers: [...next.transfers, { from, to, at }] };
}

/** The conversation ended: a hold under way ends, wrap-up starts. */
export function end(ctx: ContactContext, at: number, emit: ContactEffectSink): ContactContext {
  const next: ContactContext = { ...closeHold(ctx, at), endedAt: at };
  const { talkMs, holdMs } = contactTimings(next, at);
  emit({ type: 'contact.ended', ...about(ctx, at), talkMs, holdMs });
  return next;
}

/**
 * Wrap-up completed: records the disposition and resolution, offers the customer a survey about
 * this contact, and leaves a follow-up task when the contact did not resolve the issue.
 */
export function wrapUp(
  ctx: ContactContext,
  disposition: string,
  resolved: boolean,
  at: number,
  emit: ContactEffectSink,
): ContactContext {
  const agentId = currentAgent(ctx) ?? '';
  emit({ type: 'survey.offered', ...about(ctx, at), channel: ctx.channel, agentId });
  let next: ContactContext = {
    ...ctx,
    outcome: 'handled',
    disposition,
    resolved,
    completedAt: at,
    surveyOfferedAt: at,
  };
  if (!resolved) {
    emit({ type: 'followUp.created', ...about(ctx, at), reason: 'unresolved', disposition });
    next = { ...next, followUpTask: { reason: 'unresolved', disposition, createdAt: at } };
  }
  return next;
}

/** The customer left before an agent connected. */
export function abandon(ctx: ContactContext, at: number): ContactContext {
  return { ...ctx, outcome: 'abandoned', resolved: false, abandonedAt: at };
}

/** Entry of `completed`: reports `contact.completed`, which the inquiry consumes. */
export function reportCompleted(ctx: ContactContext, at: number, emit: ContactEffectSink): ContactContext {
  const outcome = ctx.outcome === 'self-service' ? 'self-service' : 'handled';
  emit({
    type: 'contact.completed',
    ...about(ctx, at),
    channel: ctx.channel,
    handleMs: contactTimings(ctx, at).handleMs,
    resolved: ctx.resolved ?? false,
    outcome,
    ...(ctx.disposition === undefined ? {} : { disposition: ctx.disposition }),
  });
  return ctx;
}

/** Entry of `abandoned`: reports `contact.abandoned` with the wait and where the customer left. */
export function reportAbandoned(ctx: ContactContext, at: number, emit: ContactEffectSink): ContactContext {
  emit({
    type: 'contact.abandoned',
    ...about(ctx, at),
    channel: ctx.channel,
    queueMs: contactTimings(ctx, at).queueMs,
    during: preContactStep(ctx),
  });
  return ctx;
}
