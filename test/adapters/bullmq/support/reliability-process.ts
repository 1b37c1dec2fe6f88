/**
 * The process of the reliability scenarios: every deadline a few hundred milliseconds away, so
 * SLA warnings and breaches, escalations, surveys, reminders, expiries and automatic closes all
 * fire during a run, from wake-up jobs as well as from late events, and every inquiry ends with
 * no deadline pending soon after its last event.
 */
import { createProcess, escalationPolicy, feedbackPolicy, inquiryMachine, slaPolicy } from 'serviceflow';

/** An agent id that makes the process throw a `TypeError`: a poison event of the kind a bug makes. */
export const BUGGY_AGENT = 'agent-who-trips-a-bug';

export function reliabilityProcess() {
  const process = createProcess(inquiryMachine, {
    sla: slaPolicy({ targets: [{ firstResponse: 300, nextResponse: 500, resolution: 1_500 }], warnAt: [0.5] }),
    escalation: escalationPolicy({
      levels: [{ name: 'agent' }, { name: 'specialist' }, { name: 'manager' }],
      rules: [{ on: 'sla.breached', escalateTo: '+1' }],
    }),
    feedback: feedbackPolicy({
      survey: 'csat',
      sendAfter: 300,
      reminders: { count: 1, every: 300 },
      expireAfter: 800,
      reopenWindow: 1_000,
      autoCloseAfter: 1_200,
    }),
  });
  return {
    ...process,
    send: ((state, event) => {
      if ((event as { agentId?: unknown }).agentId === BUGGY_AGENT)
        throw new TypeError("Cannot read properties of undefined (reading 'shift')");
      return process.send(state, event);
    }) satisfies typeof process.send,
  };
}
