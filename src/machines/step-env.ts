/**
 * What every step gets besides the context, and the inquiry's attributes the policies match on.
 */
import type { InquiryFacts } from '../policies/conditions.js';
import type { EffectSink } from '../policies/sla-clocks.js';
import type { ServicePolicies } from '../policies/service-policies.js';
import type { InquiryContext } from '../schemas/state.js';
import { copyRecord } from '../internal/records.js';

/**
 * Copies a context for a step to change. Steps copy the context once or twice per event, so the
 * copy is the largest part of what a step costs: `createProcess` passes a faster one for the
 * built-in inquiry context (see `engine/context-copies.ts`).
 */
export type ContextCopier = (ctx: InquiryContext) => InquiryContext;

/** A copy of every own field, for contexts that may carry fields of their own (custom machines). */
export const genericContextCopy: ContextCopier = copyRecord;

/** What every step gets besides the context: the policies and where to report effects. */
export interface StepEnv {
  readonly policies: ServicePolicies;
  readonly emit: EffectSink;
  /** How to copy the context (see {@link ContextCopier}). */
  readonly copy: ContextCopier;
}

/** The attributes of an inquiry that SLA targets and escalation rules match on. */
export function factsOf(ctx: InquiryContext): InquiryFacts {
  return { priority: ctx.priority, channel: ctx.channel, tier: ctx.customer.tier, category: ctx.category };
}
