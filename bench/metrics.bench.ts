/**
 * `computeMetrics` over the views of a simulated month (standard desk, its SLA calendar for the
 * business-time twins), next to a floor measured in the same run: one loop that only reads every
 * field `computeMetrics` reads (the views' parts are spread over the heap, so reading them is slow
 * on its own). Ratio = floor time ÷ computeMetrics time: the share of the time that reading takes.
 *
 * `METRICS_BENCH_INQUIRIES=100000 npm run bench -- metrics` measures another size (default 20k).
 */
import { computeMetrics, type MetricsInquiryView } from 'serviceflow';
import { simulate, standardPolicies } from 'serviceflow/testing';
import { compare, report } from './harness.js';

/** Reads what computeMetrics reads of each view, and nothing else. */
function readEveryField(views: readonly MetricsInquiryView[]): number {
  let sink = 0;
  for (const view of views) {
    sink += view.receivedAt + (view.firstRespondedAt ?? 0) + (view.resolvedAt ?? 0) + view.reopenCount + view.id.length;
    sink += view.channel.length + view.priority.length + view.stage.length + (view.cancelledAt ?? 0);
    sink += view.escalation.history.length + view.slaHistory.length + view.feedback.responses.length;
    for (const clock of [view.sla.firstResponse, view.sla.nextResponse, view.sla.resolution])
      sink += clock?.status.length ?? 0;
    for (const contact of view.contacts)
      sink += contact.handleMs + contact.at + (contact.resolved ? 1 : 0) + contact.channel.length;
  }
  return sink;
}

export async function run(): Promise<void> {
  const inquiries = Number(process.env['METRICS_BENCH_INQUIRIES'] ?? 20_000);
  const { views } = simulate({ inquiries, days: 30, seed: 1, metrics: false });
  const calendar = standardPolicies().hours;
  const result = compare(
    () => computeMetrics(views, { calendar }),
    () => readEveryField(views),
    { opsPerRound: 1, rounds: 11, warmupRounds: 2 },
  );
  report({
    bench: 'metrics',
    metric: 'computeMetrics-ms',
    views: views.length,
    computeMetricsMs: Number((result.candidate.nsPerOp / 1e6).toFixed(1)),
    readEveryFieldMs: Number((result.baseline.nsPerOp / 1e6).toFixed(1)),
    ratio: Number(result.ratio.toFixed(3)),
    note: 'ratio = field-reading floor time ÷ computeMetrics time, median of interleaved rounds; business twins on the standard desk calendar',
  });
}
