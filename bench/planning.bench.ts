/**
 * Capacity planning. `requiredAgents` for 500 Erlangs (6,000 calls an hour, AHT 5 minutes, 80 %
 * within 20 s; and with a patience, by Erlang A) next to the floor any exact method pays: one pass
 * of the Erlang B recurrence up to the answer. Then `planStaffing` of a 20k-inquiry month on the
 * standard desk (its own SLA policy, first response 95 %, default seeds and rounds) next to one
 * `simulate` of that month, measured in the same run: the ratio says how many simulations' worth
 * the plan costs.
 *
 * `PLANNING_BENCH_INQUIRIES=50000 npm run bench -- planning` plans another size (default 20k).
 */
import { performance } from 'node:perf_hooks';
import { simulate } from 'serviceflow/testing';
import { planStaffing, requiredAgents } from 'serviceflow/planning';
import { erlangB } from '../src/planning/queue-math.js';
import { compare, median, report } from './harness.js';

function closedForm(): void {
  const question = { arrivalsPerHour: 6_000, aht: '5m', target: { answeredWithin: '20s', share: 0.8 } } as const;
  const agents = requiredAgents(question).agents;
  for (const [name, asked] of [
    ['erlang-c', question],
    ['erlang-a', { ...question, patience: '3m' }],
  ] as const) {
    const result = compare(
      () => requiredAgents(asked),
      () => erlangB(500, agents),
      { opsPerRound: 200, rounds: 15, warmupRounds: 3 },
    );
    report({
      bench: 'planning',
      metric: `requiredAgents-500-erlangs-${name}`,
      agents: requiredAgents(asked).agents,
      requiredAgentsMs: Number((result.candidate.nsPerOp / 1e6).toFixed(4)),
      erlangBPassMs: Number((result.baseline.nsPerOp / 1e6).toFixed(4)),
      ratio: Number(result.ratio.toFixed(3)),
      note: 'ratio = one Erlang B pass to the answer ÷ requiredAgents (validation, the search up from the load), median of interleaved rounds',
    });
  }
}

function timed(body: () => unknown): number {
  const start = performance.now();
  body();
  return performance.now() - start;
}

function weekPlan(): void {
  const inquiries = Number(process.env['PLANNING_BENCH_INQUIRIES'] ?? 20_000);
  const desk = { inquiries, days: 30, seed: 1 } as const;
  const simulations = [0, 1, 2].map(() =>
    timed(() => simulate({ ...desk, keepViews: false, metrics: false, onView: () => undefined })),
  );
  let rounds = 0;
  let agentHours = 0;
  const planMs = timed(() => {
    const plan = planStaffing(desk, { sla: 'firstResponse', attainment: 0.95 });
    rounds = plan.rounds;
    agentHours = plan.agentHours;
  });
  const simulateMs = median(simulations);
  report({
    bench: 'planning',
    metric: 'planStaffing-week-ms',
    inquiries,
    planStaffingMs: Math.round(planMs),
    simulateMonthMs: Math.round(simulateMs),
    ratio: Number((planMs / simulateMs).toFixed(2)),
    rounds,
    seeds: 3,
    agentHours,
    note: 'ratio = planStaffing ÷ one simulate of the same month (median of 3): simulations the plan costs (seeds × checks, each with a week of drain)',
  });
}

export async function run(): Promise<void> {
  closedForm();
  weekPlan();
}
