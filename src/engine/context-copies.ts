/**
 * Copies of contexts: the fixed-shape copy of the built-in inquiry context that keeps steps fast,
 * which `createProcess` passes to the steps, and its frozen JSON copy for the states a process
 * hands out.
 */
import { slaJson } from '../policies/sla-clocks.js';
import type { InquiryContext } from '../schemas/state.js';
import { inquiryMachine } from '../machines/inquiry.js';
import type { ContextCopier } from '../machines/steps.js';
import { freezeNew } from '../internal/json-copies.js';

/**
 * A copy of an inquiry context with exactly the fields of `InquiryContext`, all of them, in the
 * schema's order (optional ones `undefined` when unset), built by one object literal. Every context
 * copied this way has one and the same object shape, so the copy and every read of a context field
 * stay monomorphic: contexts whose optional fields come and go otherwise have dozens of shapes,
 * which the engine's property reads handle much more slowly (bench/README.md). Fields
 * the schema does not know are not copied: processes use it only for the built-in inquiry machine
 * (also after `provide`; see `createProcess`, which also strips fields outside the schema from a
 * stored context it restores); other machines keep `genericContextCopy` (`machines/steps.ts`).
 */
export const inquiryContextCopy: ContextCopier = (c) =>
  ({
    id: c.id,
    stage: c.stage,
    channel: c.channel,
    customer: c.customer,
    priority: c.priority,
    category: c.category,
    subject: c.subject,
    followUpOf: c.followUpOf,
    receivedAt: c.receivedAt,
    lastEventAt: c.lastEventAt,
    acknowledgedAt: c.acknowledgedAt,
    assignee: c.assignee,
    firstRespondedAt: c.firstRespondedAt,
    lastAgentReplyAt: c.lastAgentReplyAt,
    lastCustomerReplyAt: c.lastCustomerReplyAt,
    pendingReason: c.pendingReason,
    resolvedAt: c.resolvedAt,
    resolution: c.resolution,
    closedAt: c.closedAt,
    closeReason: c.closeReason,
    cancelledAt: c.cancelledAt,
    cancelReason: c.cancelReason,
    reopenCount: c.reopenCount,
    contacts: c.contacts,
    sla: c.sla,
    escalation: c.escalation,
    feedback: c.feedback,
    followUp: c.followUp,
  }) as InquiryContext;

/**
 * The frozen JSON copy of a context in the fixed shape of {@link inquiryContextCopy}: what
 * `JSON.parse(JSON.stringify(c))` gives, frozen all the way down.
 * Its members are the context's own, frozen in place (see `freezeNew`; the parts shared with
 * `earlier`, a context the engine made and handed out before, are frozen already): the steps make
 * them JSON-exact (no `undefined` members) and never change them. The SLA slice, whose clocks have
 * a fixed shape too, is copied; when it is the one of `earlier`, it is taken from `earlierCopy`,
 * that context's copy.
 */
export function inquiryContextJson(
  c: InquiryContext,
  earlier?: InquiryContext,
  earlierCopy?: InquiryContext,
): InquiryContext {
  // The fields every context has in one literal, then the optional ones that are set: the key
  // order differs from the schema's, which neither JSON nor deep equality looks at.
  const copy: InquiryContext = {
    id: c.id,
    stage: c.stage,
    channel: c.channel,
    customer: freezeNew(c.customer, earlier?.customer),
    priority: c.priority,
    receivedAt: c.receivedAt,
    lastEventAt: c.lastEventAt,
    pendingReason: c.pendingReason,
    resolvedAt: c.resolvedAt,
    reopenCount: c.reopenCount,
    contacts: freezeNew(c.contacts, earlier?.contacts),
    sla:
      earlierCopy !== undefined && c.sla === earlier?.sla
        ? earlierCopy.sla
        : slaJson(c.sla, earlier?.sla, earlierCopy?.sla),
    escalation: freezeNew(c.escalation, earlier?.escalation),
    feedback: freezeNew(c.feedback, earlier?.feedback),
    followUp: freezeNew(c.followUp, earlier?.followUp),
  };
  if (c.category !== undefined) copy.category = c.category;
  if (c.subject !== undefined) copy.subject = c.subject;
  if (c.followUpOf !== undefined) copy.followUpOf = c.followUpOf;
  if (c.acknowledgedAt !== undefined) copy.acknowledgedAt = c.acknowledgedAt;
  if (c.assignee !== undefined) copy.assignee = freezeNew(c.assignee, earlier?.assignee);
  if (c.firstRespondedAt !== undefined) copy.firstRespondedAt = c.firstRespondedAt;
  if (c.lastAgentReplyAt !== undefined) copy.lastAgentReplyAt = c.lastAgentReplyAt;
  if (c.lastCustomerReplyAt !== undefined) copy.lastCustomerReplyAt = c.lastCustomerReplyAt;
  if (c.resolution !== undefined) copy.resolution = c.resolution;
  if (c.closedAt !== undefined) copy.closedAt = c.closedAt;
  if (c.closeReason !== undefined) copy.closeReason = c.closeReason;
  if (c.cancelledAt !== undefined) copy.cancelledAt = c.cancelledAt;
  if (c.cancelReason !== undefined) copy.cancelReason = c.cancelReason;
  return Object.freeze(copy);
}

/**
 * Whether a machine runs the built-in inquiry machine's config: its context factory makes exactly
 * the fields of `InquiryContext` and all its actions are service steps, so that `createProcess` may
 * copy its contexts with {@link inquiryContextCopy}. `provide()` keeps the config; a machine built
 * from a copy of it (with actions of its own, say) is not the built-in one.
 */
export function isInquiryConfig(config: unknown): boolean {
  return config === inquiryMachine.config;
}
