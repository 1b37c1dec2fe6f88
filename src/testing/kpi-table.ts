/**
 * `kpiTable`: the service KPIs of a run as a plain-text table for a terminal or a log.
 */
import type { ServiceMetrics, SlaAttainment } from '../metrics/compute.js';
import type { DurationStats } from '../metrics/stats.js';
import { formatDuration } from '../schemas/time.js';
import type { SimulationStats } from './simulate.js';

const dash = '–';
const duration = (ms: number | null): string => (ms === null ? dash : formatDuration(ms));
const percent = (rate: number | null): string => (rate === null ? dash : `${(rate * 100).toFixed(1)} %`);
const count = (n: number): string => n.toLocaleString('en-US');

function durationRow(name: string, calendar: DurationStats, business: DurationStats): string[] {
  return [
    name,
    duration(calendar.median),
    duration(calendar.mean),
    duration(calendar.p90),
    duration(business.median),
    count(calendar.count),
  ];
}

function slaRow(name: string, sla: SlaAttainment): string[] {
  return [`SLA ${name}`, percent(sla.rate), `${count(sla.met)} met`, `${count(sla.breached)} breached`];
}

function table(rows: readonly (readonly string[])[], header?: readonly string[]): string {
  const all = header === undefined ? rows : [header, ...rows];
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [...(header === undefined ? [] : [line(header), rule]), ...rows.map(line)].join('\n');
}

/**
 * Formats service KPIs (from `computeMetrics` or a `simulate` result) as a text table: volumes,
 * first response / next response / resolution / handle time (median, mean and p90 in calendar
 * time, median in business time), SLA attainment per metric, first-contact resolution,
 * escalation, reopen and repeat contact rates, customers, CSAT, NPS, CES and the open backlog by
 * stage.
 *
 * @example
 * ```ts
 * import { kpiTable, simulate } from 'serviceflow/testing';
 * const result = simulate({ inquiries: 500, days: 7 });
 * if (result.metrics !== null) console.log(kpiTable(result.metrics, result.stats));
 * ```
 */
export function kpiTable(metrics: ServiceMetrics, stats?: SimulationStats): string {
  const c = metrics.counts;
  const volume: string[][] = [
    ['Inquiries', count(c.inquiries)],
    ['Resolved now', count(c.resolved)],
    ['Cancelled', count(c.cancelled)],
    [
      'Customers',
      `${count(metrics.customers)} (${metrics.inquiriesPerCustomer === null ? dash : metrics.inquiriesPerCustomer.toFixed(2)} inquiries each)`,
    ],
    ['Open at the end', `${count(metrics.backlog.total)} (${count(metrics.backlog.unresolved)} unresolved)`],
    [
      'Backlog by stage',
      Object.entries(metrics.backlog.byStage)
        .map(([stage, n]) => `${stage} ${count(n)}`)
        .join(', '),
    ],
  ];
  if (stats !== undefined) {
    volume.unshift([
      'Period',
      `${new Date(stats.start).toISOString().slice(0, 10)} → ${new Date(stats.end).toISOString().slice(0, 10)}, ${count(stats.agents)} agents`,
    ]);
    volume.push([
      'Process steps',
      `${count(stats.steps)} (${(stats.steps / Math.max(1, stats.inquiries)).toFixed(1)} per inquiry), ${count(stats.effects)} effects`,
    ]);
  }
  const b = metrics.business;
  const durations = table(
    [
      durationRow('First response time', metrics.firstResponseTime, b.firstResponseTime),
      durationRow('Next response time', metrics.nextResponseTime, b.nextResponseTime),
      durationRow('Resolution time', metrics.resolutionTime, b.resolutionTime),
      durationRow('Average handle time', metrics.averageHandleTime, b.averageHandleTime),
    ],
    ['Duration', 'median', 'mean', 'p90', 'business median', 'n'],
  );
  const rates = table([
    slaRow('first response', metrics.slaAttainment.firstResponse),
    slaRow('next response', metrics.slaAttainment.nextResponse),
    slaRow('resolution', metrics.slaAttainment.resolution),
    // Every other metric a target named (built-in ones such as timeToAssign, or defined ones).
    ...Object.entries(metrics.slaAttainment)
      .filter(([metric]) => metric !== 'firstResponse' && metric !== 'nextResponse' && metric !== 'resolution')
      .map(([metric, sla]) => slaRow(metric, sla)),
    ['First-contact resolution', percent(metrics.firstContactResolutionRate)],
    ['Escalation rate', percent(metrics.escalationRate)],
    ['Reopen rate', percent(metrics.reopenRate)],
    ['Repeat contact rate', percent(metrics.repeatContactRate), `${count(metrics.followUps)} follow-ups`],
    ['CSAT (satisfied)', percent(metrics.csat), `${count(c.responses.csat)} responses`],
    ['NPS', metrics.nps === null ? dash : metrics.nps.toFixed(1), `${count(c.responses.nps)} responses`],
    ['CES (mean, 1–7)', metrics.ces === null ? dash : metrics.ces.toFixed(2), `${count(c.responses.ces)} responses`],
  ]);
  return [table(volume), '', durations, '', rates].join('\n');
}
