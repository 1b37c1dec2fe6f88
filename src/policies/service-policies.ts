import { defaultEscalation, type EscalationPolicy } from './escalation.js';
import { abbreviate, InvalidConfigError } from '../errors.js';
import { defaultFeedback, type FeedbackPolicy } from './feedback.js';
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
  const policies = {
    sla: options.sla ?? defaultPolicies.sla,
    escalation: options.escalation ?? defaultPolicies.escalation,
    feedback: options.feedback ?? defaultPolicies.feedback,
  };
  for (const [name, members] of Object.entries(POLICY_MEMBERS)) {
    const policy = policies[name as keyof ServicePolicies] as unknown;
    const missing = members.find(([member, kind]) => !isMember(policy, member, kind));
    if (missing !== undefined) {
      throw new InvalidConfigError(
        `The ${name} policy must be an object like ${name}Policy() makes; ${abbreviate(policy)} has no ${missing[1]} '${missing[0]}'`,
        { path: [name, missing[0]], received: policy, expected: `a ${name} policy (see ${name}Policy)` },
      );
    }
  }
  return policies;
}

type MemberKind = 'function' | 'array' | 'object' | 'number';

/** What the steps use of each policy: checked once, so that a wrong one fails here, typed. */
const POLICY_MEMBERS: Readonly<Record<keyof ServicePolicies, readonly (readonly [string, MemberKind])[]>> = {
  sla: [
    ['targetsFor', 'function'],
    ['calendar', 'object'],
    ['warnAt', 'array'],
    ['pauseOn', 'array'],
  ],
  escalation: [
    ['levels', 'array'],
    ['decide', 'function'],
  ],
  feedback: [
    ['sentiment', 'function'],
    ['reminders', 'object'],
    ['onNegative', 'array'],
    ['sendAfter', 'number'],
    ['expireAfter', 'number'],
    ['reopenWindow', 'number'],
    ['autoCloseAfter', 'number'],
  ],
};

function isMember(policy: unknown, member: string, kind: MemberKind): boolean {
  if (typeof policy !== 'object' || policy === null) return false;
  const value = (policy as Record<string, unknown>)[member];
  if (kind === 'array') return Array.isArray(value);
  if (kind === 'object') return typeof value === 'object' && value !== null;
  return typeof value === kind;
}
