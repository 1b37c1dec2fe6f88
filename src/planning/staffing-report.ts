/**
 * `staffingReport`: a staffing plan as a self-contained HTML page (inline SVG, no script, no
 * external resource), in the style of the simulation report.
 */
import { formatDuration } from '../schemas/time.js';
import { axis, escape, fixed, CHART_HEIGHT, CHART_PADDING, REPORT_STYLE, svg, CHART_WIDTH } from '../testing/report.js';
import type { StaffingPlan } from './plan-staffing.js';
import { describeTarget, formatFigure } from './staffing-table.js';

/** Every day's midnight as an x-axis label. */
function dayLabels(x: (hour: number) => number): string {
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
    .map(
      (day, d) =>
        `<line x1="${fixed(x(d * 24))}" x2="${fixed(x(d * 24))}" y1="${CHART_PADDING.top}" y2="${CHART_HEIGHT - CHART_PADDING.bottom}" class="grid"/><text x="${fixed(x(d * 24 + 12))}" y="${CHART_HEIGHT - CHART_PADDING.bottom + 14}" text-anchor="middle">${day}</text>`,
    )
    .join('');
}

const line = (
  values: readonly (number | null)[],
  x: (hour: number) => number,
  y: (v: number) => number,
  color: string,
  series: string,
): string => {
  const points = values.flatMap((v, hour) =>
    v === null || !Number.isFinite(v) ? [] : [`${fixed(x(hour + 0.5))},${fixed(y(v))}`],
  );
  const max = Math.max(0, ...values.flatMap((v) => (v === null || !Number.isFinite(v) ? [] : [v])));
  return `<polyline class="series" data-series="${series}" data-max="${max}" fill="none" stroke="${color}" stroke-width="1.5" points="${points.join(' ')}"/>`;
};

/** Planned agents per hour as bars, the agents the desk had as a line over them. */
function agentsChart(plan: StaffingPlan): string {
  const max = Math.max(1, ...plan.intervals.map((i) => Math.max(i.agents, i.had)));
  const width = (CHART_WIDTH - CHART_PADDING.left - CHART_PADDING.right) / 168;
  const x = (hour: number) => CHART_PADDING.left + hour * width;
  const y = (v: number) =>
    CHART_PADDING.top + (CHART_HEIGHT - CHART_PADDING.top - CHART_PADDING.bottom) * (1 - v / max);
  const bars = plan.intervals
    .map(
      (i) =>
        `<rect class="mark" data-value="${i.agents}" x="${fixed(x(i.hour))}" y="${fixed(y(i.agents))}" width="${fixed(Math.max(0.5, width - 0.4))}" height="${fixed(CHART_HEIGHT - CHART_PADDING.bottom - y(i.agents))}" fill="${i.met ? '#4c78a8' : '#e45756'}"><title>${escape(i.label)}: ${i.agents} agents (had ${i.had}), ${i.arrivalsPerHour.toFixed(1)} arrivals/h</title></rect>`,
    )
    .join('');
  const legend = `<text x="${CHART_WIDTH - CHART_PADDING.right}" y="${CHART_PADDING.top + 4}" text-anchor="end"><tspan fill="#4c78a8">■ agents planned</tspan>  <tspan fill="#f58518">— agents the desk had</tspan></text>`;
  return svg(
    'agents',
    'Agents per hour of the week',
    `${axis(max, y)}${dayLabels(x)}${bars}${line(
      plan.intervals.map((i) => i.had),
      x,
      y,
      '#f58518',
      'had',
    )}${legend}`,
    168,
  );
}

/** The simulated figure per hour with its spread over seeds, the closed form's prediction, the target. */
function attainmentChart(plan: StaffingPlan): string {
  const asa = 'asa' in plan.target;
  const goal =
    'asa' in plan.target ? plan.target.asa : 'share' in plan.target ? plan.target.share : plan.target.attainment;
  const simulated = plan.intervals.map((i) => i.simulated);
  const top = asa ? Math.max(goal * 1.5, ...simulated.map((s) => s?.max ?? 0)) : 1;
  const width = (CHART_WIDTH - CHART_PADDING.left - CHART_PADDING.right) / 168;
  const x = (hour: number) => CHART_PADDING.left + hour * width;
  const y = (v: number) =>
    CHART_PADDING.top + (CHART_HEIGHT - CHART_PADDING.top - CHART_PADDING.bottom) * (1 - Math.min(v, top) / top);
  const marks = plan.intervals
    .map((i) => {
      const s = i.simulated;
      if (s === null) return '';
      const cx = x(i.hour + 0.5);
      const whisker = `<line x1="${fixed(cx)}" x2="${fixed(cx)}" y1="${fixed(y(s.min))}" y2="${fixed(y(s.max))}" stroke="#9ecae9" stroke-width="2"/>`;
      return `${whisker}<circle class="mark" data-value="${s.mean}" cx="${fixed(cx)}" cy="${fixed(y(s.mean))}" r="2" fill="${i.met ? '#54a24b' : '#e45756'}"><title>${escape(i.label)}: ${formatFigure(plan, s.mean)} simulated (seeds ${formatFigure(plan, s.min)}–${formatFigure(plan, s.max)}), ${formatFigure(plan, i.predicted)} predicted</title></circle>`;
    })
    .join('');
  const target = `<line class="target" data-value="${goal}" x1="${CHART_PADDING.left}" x2="${CHART_WIDTH - CHART_PADDING.right}" y1="${fixed(y(goal))}" y2="${fixed(y(goal))}" stroke="#e45756" stroke-dasharray="4 3"/>`;
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (f) =>
        `<line x1="${CHART_PADDING.left}" x2="${CHART_WIDTH - CHART_PADDING.right}" y1="${fixed(y(top * f))}" y2="${fixed(y(top * f))}" class="grid"/><text x="${CHART_PADDING.left - 6}" y="${fixed(y(top * f) + 4)}" text-anchor="end">${escape(formatFigure(plan, top * f))}</text>`,
    )
    .join('');
  const caption = asa
    ? 'Mean wait for a first response per hour of arrival'
    : `${describeTarget(plan.target)}: attainment per hour of arrival`;
  const legend =
    ' (<span style="color:#54a24b">● simulated</span>, <span style="color:#9ecae9">| lowest to highest seed</span>, <span style="color:#888">— Erlang C</span>, <span style="color:#e45756">- - target</span>)';
  return svg(
    'attainment',
    caption,
    `${ticks}${dayLabels(x)}${line(
      plan.intervals.map((i) => i.predicted),
      x,
      y,
      '#bab0ac',
      'predicted',
    )}${target}${marks}`,
    168,
  ).replace('</figcaption>', `${legend}</figcaption>`);
}

function summaryRows(plan: StaffingPlan): string {
  const short = plan.intervals.filter((i) => !i.met).length;
  const rows: [string, string][] = [
    ['Target (every hour of the week)', describeTarget(plan.target)],
    [
      'Agent-hours a week: planned / had',
      `${plan.agentHours.toLocaleString('en-US')} / ${plan.hadAgentHours.toLocaleString('en-US')}`,
    ],
    [
      'Peak agents: planned / had',
      `${Math.max(...plan.intervals.map((i) => i.agents))} / ${Math.max(...plan.intervals.map((i) => i.had))}`,
    ],
    [
      'Simulated over the week (lowest – highest seed)',
      `${formatFigure(plan, plan.overall.mean)} (${formatFigure(plan, plan.overall.min)} – ${formatFigure(plan, plan.overall.max)})`,
    ],
    ['Hours meeting the target', short === 0 ? 'all 168' : `${168 - short} of 168`],
    ['Seeds; checks made', `${plan.seeds.join(', ')}; ${plan.rounds}`],
    [
      'Work sessions per inquiry, mean session',
      `${plan.sessionsPerInquiry.toFixed(2)}, ${formatDuration(Math.round(plan.sessionMs))}`,
    ],
    ['Inquiries an agent works at once', String(plan.capacity)],
  ];
  return `<table class="kpis">${rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>`;
}

function hourRows(plan: StaffingPlan): string {
  const head = ['Hour', 'Arrivals/h', 'Erlangs', 'Had', 'Agents', 'Occupancy', 'Predicted', 'Simulated', 'Seeds'];
  const body = plan.intervals
    .filter((i) => i.arrivalsPerHour > 0 || i.agents > 0 || i.had > 0)
    .map((i) => {
      const cells = [
        i.label,
        i.arrivalsPerHour.toFixed(1),
        i.load.toFixed(2),
        String(i.had),
        String(i.agents),
        `${(i.occupancy * 100).toFixed(0)} %`,
        formatFigure(plan, i.predicted),
        formatFigure(plan, i.simulated?.mean),
        i.simulated === null ? '–' : `${formatFigure(plan, i.simulated.min)}–${formatFigure(plan, i.simulated.max)}`,
      ];
      return `<tr${i.met ? '' : ' class="short"'}>${cells.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<details><summary>Every hour</summary><table class="hours"><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${body}</table></details>`;
}

/**
 * Renders a staffing plan as one self-contained HTML page: the summary, a chart of the agents
 * planned per hour of the week next to the ones the desk had, a chart of the simulated attainment
 * per hour (with its spread over seeds, Erlang C's prediction and the target), and the table of
 * every hour. Charts are inline SVG (each bar or point a `.mark` with its `data-value`); the page
 * needs no script and no network.
 *
 * @param plan - what `planStaffing` returned.
 * @param options - the page title.
 * @returns the HTML page.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { planStaffing, staffingReport } from 'serviceflow/planning';
 * const plan = planStaffing({ inquiries: 1_000, days: 7 }, { sla: 'firstResponse', attainment: 0.9 }, { seeds: 1, maxRounds: 1 });
 * writeFileSync('staffing.html', staffingReport(plan, { title: 'Next week' }));
 * ```
 */
export function staffingReport(plan: StaffingPlan, options: { title?: string } = {}): string {
  const title = options.title ?? 'serviceflow staffing plan';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
${REPORT_STYLE}table.hours{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums} .hours td,.hours th{text-align:right;padding:.15rem .4rem} .hours td:first-child{text-align:left}
.hours tr.short td{color:#c0392b} details{margin:1.5rem 0}
</style></head>
<body>
<h1>${escape(title)}</h1>
<p class="period">${escape(describeTarget(plan.target))} · hours of the week in ${escape(plan.timezone)} · ${plan.agentHours.toLocaleString('en-US')} agent-hours planned</p>
${summaryRows(plan)}
${agentsChart(plan)}
${attainmentChart(plan)}
${hourRows(plan)}
</body></html>
`;
}
