/**
 * The process a simulation runs: the one given, or the inquiry machine with the given policies
 * (objects, or configs their factories take) and the standard desk's for the rest.
 */
import { inquiryMachine, type InquiryMachine } from '../machines/inquiry.js';
import { createProcess, type ServiceProcess } from '../process/createProcess.js';
import { InvalidConfigError, ServiceFlowError } from '../errors.js';
import { escalationPolicy, type EscalationPolicy, type EscalationPolicyConfig } from '../policies/escalation.js';
import { feedbackPolicy, type FeedbackPolicy, type FeedbackPolicyConfig } from '../policies/feedback.js';
import { slaPolicy, type SlaPolicy, type SlaPolicyConfig } from '../policies/sla.js';
import type { SimulationConfig } from './simulation-options.js';
import { standardPolicies } from './standard-desk.js';

function buildPolicy<TConfig, TPolicy>(
  name: string,
  value: TPolicy | Record<string, unknown> | undefined,
  fallback: TPolicy,
  isPolicy: (v: unknown) => v is TPolicy,
  build: (config: TConfig) => TPolicy,
): TPolicy {
  if (value === undefined) return fallback;
  if (isPolicy(value)) return value;
  try {
    return build(value as TConfig);
  } catch (error) {
    if (error instanceof ServiceFlowError) {
      throw new InvalidConfigError(`Invalid simulation options: policies.${name}: ${error.message}`, {
        path: ['policies', name, ...error.path],
        received: error.received,
        expected: error.expected,
        issues: error.issues,
        cause: error,
      });
    }
    throw error;
  }
}

type InquiryProcess = ServiceProcess<InquiryMachine>;

const has =
  (method: string) =>
  (v: unknown): boolean =>
    typeof (v as Record<string, unknown> | null)?.[method] === 'function';

/** The process of a simulation; policy config errors are reported under `policies.<name>`. */
export function processFor(config: SimulationConfig): InquiryProcess {
  if (config.process !== undefined) return config.process;
  const standard = standardPolicies(config.arrivals.timezone);
  const given = config.policies ?? {};
  return createProcess(inquiryMachine, {
    sla: buildPolicy<SlaPolicyConfig, SlaPolicy>(
      'sla',
      given.sla,
      standard.sla,
      has('targetsFor') as (v: unknown) => v is SlaPolicy,
      slaPolicy,
    ),
    escalation: buildPolicy<EscalationPolicyConfig, EscalationPolicy>(
      'escalation',
      given.escalation,
      standard.escalation,
      has('decide') as (v: unknown) => v is EscalationPolicy,
      escalationPolicy,
    ),
    feedback: buildPolicy<FeedbackPolicyConfig, FeedbackPolicy>(
      'feedback',
      given.feedback,
      standard.feedback,
      has('sentiment') as (v: unknown) => v is FeedbackPolicy,
      feedbackPolicy,
    ),
  });
}
