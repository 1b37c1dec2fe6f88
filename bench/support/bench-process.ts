/** The process every desk benchmark runs: SLA targets an hour and more away, an escalation rule, default feedback. */
import { createProcess, escalationPolicy, inquiryMachine, slaPolicy } from 'serviceflow';

export function benchProcess() {
  return createProcess(inquiryMachine, {
    sla: slaPolicy({ targets: [{ firstResponse: '1h', nextResponse: '2h', resolution: '1d' }], warnAt: [0.75] }),
    escalation: escalationPolicy({
      levels: [{ name: 'agent' }, { name: 'specialist' }],
      rules: [{ on: 'sla.breached', escalateTo: '+1' }],
    }),
  });
}

/** The events of one inquiry's life, every one accepted, `at` counted from `t0`. */
export function lifeOf(t0: number) {
  const M = 60_000;
  return [
    { type: 'categorize', category: 'billing', at: t0 + 1 * M },
    { type: 'assign', agentId: 'ana', at: t0 + 2 * M },
    { type: 'agent.reply', at: t0 + 10 * M },
    { type: 'customer.reply', at: t0 + 20 * M },
    { type: 'agent.reply', at: t0 + 30 * M },
    { type: 'pend', reason: 'customer', at: t0 + 31 * M },
    { type: 'customer.reply', at: t0 + 50 * M },
    { type: 'agent.reply', at: t0 + 55 * M },
    { type: 'resolve', resolution: 'answered', at: t0 + 60 * M },
    { type: 'feedback', kind: 'csat', score: 5, at: t0 + 90 * M },
  ] as const;
}
