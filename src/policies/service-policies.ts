import { defaultEscalation, type EscalationPolicy } from './escalation.js';
import { defaultFeedback, type FeedbackPolicy } from './feedback.js';
import { checkPolicy, withCheckedCalendar } from './policy-checks.js';
import { noSla, type SlaPolicy } from './sla.js';

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
 * Fills in the default of every policy left out (see {@link defaultPolicies}), and checks the
 * policies written by hand against the bounds their factories put on config: a field out of range
 * or of the wrong kind throws `InvalidConfigError` (code `INVALID_CONFIG`) with its path, such as
 * `['feedback', 'reminders', 'every']`. Policies the factories built are not checked again.
 *
 * @example
 * ```ts
 * import { resolvePolicies, slaPolicy } from 'serviceflow';
 * const policies = resolvePolicies({ sla: slaPolicy({ targets: [{ firstResponse: '4h' }] }) });
 * policies.feedback.survey; // 'csat', the default
 * ```
 */
export function resolvePolicies(options: ServicePolicyOptions = {}): ServicePolicies {
  const policies = {
    sla: options.sla ?? defaultPolicies.sla,
    escalation: options.escalation ?? defaultPolicies.escalation,
    feedback: options.feedback ?? defaultPolicies.feedback,
  };
  // Before any step runs: a malformed policy would hang a step or corrupt a state later.
  for (const name of ['sla', 'escalation', 'feedback'] as const) checkPolicy(name, policies[name]);
  return { ...policies, sla: withCheckedCalendar(policies.sla) };
}
