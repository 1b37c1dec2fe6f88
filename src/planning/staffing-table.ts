/**
 * `staffingTable`: a staffing plan as plain text for a terminal: the summary, then one row per
 * hour of the week that has arrivals or agents.
 */
import { formatDuration } from '../schemas/time.js';
import type { StaffingPlan } from './plan-staffing.js';

const dash = '–';

/**
 * How a plan's target reads: `80 % within 20s`, `ASA 30s`, `SLA firstResponse 95 %`.
 *
 * @internal
 */
export function describeTarget(target: StaffingPlan['target']): string {
  if ('asa' in target) return `ASA ${formatDuration(target.asa)}`;
  if ('sla' in target) return `SLA ${target.sla} ${percent(target.attainment)}`;
  return `${percent(target.share)} answered within ${formatDuration(target.answeredWithin)}`;
}

const percent = (share: number): string => `${(share * 100).toFixed(1).replace(/\.0$/, '')} %`;

/**
 * A figure of a plan in the target's units: a share as a percentage, a wait as a duration.
 *
 * @internal
 */
export function formatFigure(plan: StaffingPlan, figure: number | null | undefined): string {
  if (figure === null || figure === undefined) return dash;
  if ('asa' in plan.target) return Number.isFinite(figure) ? formatDuration(Math.round(figure)) : '∞';
  return percent(figure);
}

function columns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Formats a staffing plan as a text table: the target, agent-hours planned and had, the
 * simulated figure over the week; then for each hour of the week with arrivals or agents, the
 * arrivals, the offered load, the agents the desk had and the ones planned, the occupancy and the
 * target figure Erlang C predicts next to the one simulated (mean, and the lowest and highest
 * seed). Hours that miss the target are marked `✗`.
 *
 * @example
 * ```ts
 * import { planStaffing, staffingTable } from 'serviceflow/planning';
 * const plan = planStaffing({ inquiries: 1_000, days: 7 }, { sla: 'firstResponse', attainment: 0.9 }, { seeds: 1, maxRounds: 1 });
 * console.log(staffingTable(plan));
 * ```
 */
export function staffingTable(plan: StaffingPlan): string {
  const summary = [
    `Target: ${describeTarget(plan.target)} in every hour (${plan.timezone})`,
    `Planned: ${plan.agentHours.toLocaleString('en-US')} agent-hours a week (had ${plan.hadAgentHours.toLocaleString('en-US')}), capacity ${plan.capacity} at once`,
    `Simulated: ${formatFigure(plan, plan.overall.mean)} over the week (seeds ${formatFigure(plan, plan.overall.min)} to ${formatFigure(plan, plan.overall.max)}), seeds: ${plan.seeds.length}, rounds: ${plan.rounds}, ${plan.converged ? 'every hour meets the target' : `${plan.intervals.filter((i) => !i.met).length} hours short`}`,
  ];
  const header = ['Hour', 'Arrivals/h', 'Erlangs', 'Had', 'Agents', 'Occupancy', 'Predicted', 'Simulated', 'Seeds', ''];
  const rows = plan.intervals
    .filter((interval) => interval.arrivalsPerHour > 0 || interval.agents > 0 || interval.had > 0)
    .map((i) => [
      i.label,
      i.arrivalsPerHour.toFixed(1),
      i.load.toFixed(2),
      String(i.had),
      String(i.agents),
      percent(i.occupancy),
      formatFigure(plan, i.predicted),
      formatFigure(plan, i.simulated?.mean),
      i.simulated === null ? dash : `${formatFigure(plan, i.simulated.min)}–${formatFigure(plan, i.simulated.max)}`,
      i.met ? '' : '✗',
    ]);
  return `${summary.join('\n')}\n\n${columns([header, header.map((h) => '─'.repeat(h.length)), ...rows])}`;
}
