import { defaultEscalation, type EscalationPolicy } from '../policies/escalation.js';
import { defaultFeedback, type FeedbackPolicy } from '../policies/feedback.js';
import { noSla, type SlaPolicy } from '../policies/sla.js';

/** The policies a service machine runs with. */
export interface ServicePolicies {
  readonly sla: SlaPolicy;
  readonly escalation: EscalationPolicy;
  readonly feedback: FeedbackPolicy;
}

/** Policies to run a process with; each one left out takes its default. */
export type ServicePolicyOptions = Partial<ServicePolicies>;

/**
 * The defaults: no SLA targets, the `agent` → `specialist` → `manager` escalation path climbed by
 * hand, and the default CSAT feedback policy (survey 1 h after resolution, 7-day reopen window).
 *
 * @example
 * ```ts
 * import { createProcess, defaultPolicies, inquiryMachine } from 'serviceflow';
 * defaultPolicies.escalation.levels.map((level) => level.name); // ['agent', 'specialist', 'manager']
 * defaultPolicies.feedback.survey; // 'csat'
 * createProcess(inquiryMachine).policies.sla === defaultPolicies.sla; // true
 * ```
 */
export const defaultPolicies: ServicePolicies = {
  sla: noSla,
  escalation: defaultEscalation,
  feedback: defaultFeedback,
};

/**
 * Fills in the default of every policy left out (see {@link defaultPolicies}).
 *
 * @example
 * ```ts
 * import { resolvePolicies, slaPolicy } from 'serviceflow';
 * const policies = resolvePolicies({ sla: slaPolicy({ targets: [{ firstResponse: '4h' }] }) });
 * policies.feedback.survey; // 'csat', the default
 * ```
 */
export function resolvePolicies(options: ServicePolicyOptions = {}): ServicePolicies {
  return {
    sla: options.sla ?? defaultPolicies.sla,
    escalation: options.escalation ?? defaultPolicies.escalation,
    feedback: options.feedback ?? defaultPolicies.feedback,
  };
}
