/**
 * The pure step throughput of a full inquiry lifecycle, next to XState's own `transition()` on a
 * bare skeleton machine with the same stages and events (no context, no actions, no policies)
 * walked through the same sequence in the same run. Ratio > 1 means serviceflow is faster.
 */
import { createMachine, initialTransition, transition } from 'xstate';
import {
  businessCalendar,
  createProcess,
  escalationPolicy,
  feedbackPolicy,
  inquiryMachine,
  slaPolicy,
} from 'serviceflow';
import { compare, report } from './harness.js';

const skeleton = createMachine({
  id: 'skeleton',
  initial: 'inquiry',
  on: { tick: {}, 'agent.reply': {}, 'customer.reply': {} },
  states: {
    inquiry: { on: { categorize: 'identification', assign: 'resolution', resolve: 'followUp' } },
    identification: { on: { assign: 'resolution', resolve: 'followUp' } },
    resolution: {
      initial: 'working',
      on: { resolve: 'followUp' },
      states: {
        working: { on: { pend: 'pending' } },
        pending: { on: { resume: 'working', 'customer.reply': 'working' } },
      },
    },
    followUp: { on: { feedback: {}, close: 'closed', 'customer.reply': 'resolution' } },
    closed: { type: 'final' },
  },
});

const H = 3_600_000;
const t0 = Date.parse('2026-03-02T09:00:00Z');
const input = { id: 'T-1', channel: 'email' as const, customer: { id: 'C-1', tier: 'gold' }, at: t0 };
const events = [
  { type: 'categorize', category: 'billing', at: t0 + 0.1 * H },
  { type: 'assign', agentId: 'ana', at: t0 + 0.2 * H },
  { type: 'agent.reply', at: t0 + 0.5 * H },
  { type: 'pend', reason: 'customer', at: t0 + 0.6 * H },
  { type: 'customer.reply', at: t0 + 3 * H },
  { type: 'tick', at: t0 + 4 * H },
  { type: 'agent.reply', at: t0 + 4.5 * H },
  { type: 'resolve', at: t0 + 5 * H },
  { type: 'tick', at: t0 + 7 * H },
  { type: 'feedback', kind: 'csat', score: 5, at: t0 + 8 * H },
  { type: 'close', at: t0 + 9 * H },
] as const;

function lifecycle(process: ReturnType<typeof createProcess<typeof inquiryMachine>>) {
  return () => {
    let step = process.start(input);
    for (const event of events) step = process.send(step.state, event);
    return step;
  };
}

function skeletonLifecycle() {
  let [snapshot] = initialTransition(skeleton);
  for (const event of events) [snapshot] = transition(skeleton, snapshot, event);
  return snapshot;
}

export async function run(): Promise<void> {
  const steps = events.length + 1;
  const variants = {
    'default-policies': createProcess(inquiryMachine),
    'sla-escalation-feedback': createProcess(inquiryMachine, {
      sla: slaPolicy({
        calendar: businessCalendar({
          timezone: 'America/New_York',
          week: {
            mon: [['09:00', '17:00']],
            tue: [['09:00', '17:00']],
            wed: [['09:00', '17:00']],
            thu: [['09:00', '17:00']],
            fri: [['09:00', '17:00']],
          },
        }),
        targets: [{ firstResponse: '1h', nextResponse: '2h', resolution: '8h' }],
        warnAt: [0.5, 0.75],
      }),
      escalation: escalationPolicy({
        levels: [{ name: 'agent' }, { name: 'specialist' }],
        rules: [{ on: 'sla.breached', escalateTo: '+1' }],
      }),
      feedback: feedbackPolicy({ reminders: { count: 1, every: '1d' } }),
    }),
  };
  // The same, with the four built-in metrics defined as data switched on as well.
  const withMetrics = {
    ...variants,
    'sla-escalation-feedback+defined-metrics': createProcess(inquiryMachine, {
      sla: slaPolicy({
        calendar: variants['sla-escalation-feedback'].policies.sla.calendar,
        targets: [
          {
            firstResponse: '1h',
            nextResponse: '2h',
            resolution: '8h',
            periodicUpdate: '4h',
            agentWorkTime: '8h',
            requesterWaitTime: '8h',
            timeToAssign: '1h',
          },
        ],
        warnAt: [0.5, 0.75],
      }),
      escalation: variants['sla-escalation-feedback'].policies.escalation,
      feedback: variants['sla-escalation-feedback'].policies.feedback,
    }),
  };
  for (const [name, process] of Object.entries(withMetrics)) {
    const result = compare(lifecycle(process), skeletonLifecycle, { opsPerRound: 300, rounds: 21, warmupRounds: 5 });
    report({
      bench: 'step',
      metric: 'lifecycle-steps-per-second',
      variant: name,
      serviceflowStepsPerSec: Math.round(result.candidate.opsPerSec * steps),
      xstateTransitionStepsPerSec: Math.round(result.baseline.opsPerSec * steps),
      ratio: Number(result.ratio.toFixed(3)),
      stepsPerLifecycle: steps,
      note: 'ratio = serviceflow steps/s ÷ XState transition() steps/s on a bare skeleton, median of interleaved rounds',
    });
  }
}
