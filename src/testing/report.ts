/**
 * `simulationReport`: a self-contained HTML page of a simulation run — KPIs and charts drawn as
 * inline SVG, no script, no external resource — that any browser opens from disk.
 */
import type { ServiceMetrics } from '../metrics/compute.js';
import type { InquiryView } from '../process/view.js';
import { formatDuration } from '../schemas/time.js';
import type { SimulationStats, SimulationTimeline } from './simulate.js';

/**
 * What the report reads of each inquiry view (a streamed run can keep just this).
 *
 * @example
 * ```ts
 * import { simulate, type ReportView } from 'serviceflow/testing';
 * const slim: ReportView[] = [];
 * simulate({ keepViews: false, onView: (v) => slim.push({ receivedAt: v.receivedAt, feedback: v.feedback }) });
 * ```
 */
export type ReportView = Pick<InquiryView, 'receivedAt' | 'firstRespondedAt'> & {
  readonly feedback: { readonly responses: readonly { readonly kind: string; readonly score: number }[] };
};

/**
 * What {@link simulationReport} draws: a `simulate` result has all of it.
 *
 * @example
 * ```ts
 * import { simulate, simulationReport, type ReportInput } from 'serviceflow/testing';
 * const run = simulate({ inquiries: 500, days: 3 });
 * const input: ReportInput = run;
 * simulationReport(input);
 * ```
 */
export interface ReportInput {
  readonly stats: SimulationStats;
  readonly metrics: ServiceMetrics | null;
  readonly timeline: SimulationTimeline;
  readonly views: readonly ReportView[];
}

/** @internal */
export const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const percent = (rate: number | null): string => (rate === null ? '–' : `${(rate * 100).toFixed(1)} %`);
const duration = (ms: number | null): string => (ms === null ? '–' : formatDuration(ms));
/** @internal */
export const fixed = (n: number): string => (Math.round(n * 10) / 10).toString();

/** @internal Chart size and padding, shared with the staffing report. */
export const CHART_WIDTH = 760;
/** @internal */
export const CHART_HEIGHT = 240;
/** @internal */
export const CHART_PADDING = { left: 48, right: 16, top: 16, bottom: 36 };

interface Bar {
  readonly label: string;
  readonly value: number;
  readonly color?: string;
}

/** Vertical bars with a y axis; every bar is a `.mark` carrying its value. */
function barChart(
  name: string,
  title: string,
  bars: readonly Bar[],
  options: { unit?: string; every?: number } = {},
): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const width = (CHART_WIDTH - CHART_PADDING.left - CHART_PADDING.right) / Math.max(1, bars.length);
  const y = (v: number) =>
    CHART_PADDING.top + (CHART_HEIGHT - CHART_PADDING.top - CHART_PADDING.bottom) * (1 - v / max);
  const every = options.every ?? 1;
  const marks = bars
    .map((bar, i) => {
      const x = CHART_PADDING.left + i * width;
      const top = y(bar.value);
      const label =
        i % every === 0
          ? `<text x="${fixed(x + width / 2)}" y="${CHART_HEIGHT - CHART_PADDING.bottom + 14}" text-anchor="middle">${escape(bar.label)}</text>`
          : '';
      return `<rect class="mark" data-value="${bar.value}" x="${fixed(x + width * 0.1)}" y="${fixed(top)}" width="${fixed(width * 0.8)}" height="${fixed(CHART_HEIGHT - CHART_PADDING.bottom - top)}" fill="${bar.color ?? '#4c78a8'}"><title>${escape(bar.label)}: ${bar.value}${options.unit ?? ''}</title></rect>${label}`;
    })
    .join('');
  return svg(name, title, `${axis(max, y)}${marks}`, bars.length);
}

/** @internal A y axis with grid lines at quarters of `max`. */
export function axis(max: number, y: (v: number) => number): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(max * f));
  return ticks
    .map(
      (t) =>
        `<line x1="${CHART_PADDING.left}" x2="${CHART_WIDTH - CHART_PADDING.right}" y1="${fixed(y(t))}" y2="${fixed(y(t))}" class="grid"/><text x="${CHART_PADDING.left - 6}" y="${fixed(y(t) + 4)}" text-anchor="end">${t.toLocaleString('en-US')}</text>`,
    )
    .join('');
}

/** @internal A chart's figure: `data-chart` names it, `data-points` counts its marks' positions. */
export function svg(name: string, title: string, body: string, points: number): string {
  return `<figure><figcaption>${escape(title)}</figcaption><svg class="chart" data-chart="${name}" data-points="${points}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" role="img" aria-label="${escape(title)}">${body}</svg></figure>`;
}

/** Arrivals per period as bars, the open backlog and the queue as lines over them. */
function arrivalsChart(timeline: SimulationTimeline): string {
  const n = timeline.arrivals.length;
  const group = Math.max(1, Math.ceil(n / 120));
  const groups = Math.ceil(n / group);
  const arrivals: number[] = [];
  const backlog: number[] = [];
  const queued: number[] = [];
  for (let g = 0; g < groups; g++) {
    let sum = 0;
    for (let i = g * group; i < Math.min(n, (g + 1) * group); i++) sum += timeline.arrivals[i] ?? 0;
    arrivals.push(sum);
    const last = Math.min(n, (g + 1) * group) - 1;
    backlog.push(timeline.backlog[last] ?? 0);
    queued.push(timeline.queued[last] ?? 0);
  }
  const max = Math.max(1, ...arrivals, ...backlog);
  const width = (CHART_WIDTH - CHART_PADDING.left - CHART_PADDING.right) / groups;
  const y = (v: number) =>
    CHART_PADDING.top + (CHART_HEIGHT - CHART_PADDING.top - CHART_PADDING.bottom) * (1 - v / max);
  const periodMs = timeline.bucketMs * group;
  const bars = arrivals
    .map(
      (v, g) =>
        `<rect class="mark" data-value="${v}" x="${fixed(CHART_PADDING.left + g * width)}" y="${fixed(y(v))}" width="${fixed(Math.max(0.5, width - 0.5))}" height="${fixed(CHART_HEIGHT - CHART_PADDING.bottom - y(v))}" fill="#9ecae9"><title>${new Date(timeline.start + g * periodMs).toISOString().slice(0, 16)}: ${v} arrivals</title></rect>`,
    )
    .join('');
  const line = (values: readonly number[], color: string, series: string) =>
    `<polyline class="series" data-series="${series}" data-max="${Math.max(0, ...values)}" fill="none" stroke="${color}" stroke-width="2" points="${values.map((v, g) => `${fixed(CHART_PADDING.left + (g + 0.5) * width)},${fixed(y(v))}`).join(' ')}"/>`;
  const days = Math.max(1, Math.round((n * timeline.bucketMs) / 86_400_000));
  const labelEvery = Math.max(1, Math.ceil(days / 10));
  const labels: string[] = [];
  for (let d = 0; d <= days; d += labelEvery) {
    const x =
      CHART_PADDING.left +
      ((d * 86_400_000) / (n * timeline.bucketMs)) * (CHART_WIDTH - CHART_PADDING.left - CHART_PADDING.right);
    labels.push(
      `<text x="${fixed(x)}" y="${CHART_HEIGHT - CHART_PADDING.bottom + 14}" text-anchor="middle">${new Date(timeline.start + d * 86_400_000).toISOString().slice(5, 10)}</text>`,
    );
  }
  const legend = `<text x="${CHART_WIDTH - CHART_PADDING.right}" y="${CHART_PADDING.top + 4}" text-anchor="end"><tspan fill="#6baed6">■ arrivals per ${formatDuration(periodMs)}</tspan>  <tspan fill="#e45756">— open backlog</tspan>  <tspan fill="#54a24b">— waiting for an agent</tspan></text>`;
  return svg(
    'arrivals',
    'Arrivals and backlog over time',
    `${axis(max, y)}${bars}${line(backlog, '#e45756', 'backlog')}${line(queued, '#54a24b', 'queued')}${labels.join('')}${legend}`,
    groups,
  );
}

/** Met and breached clocks per SLA metric, as stacked horizontal bars. */
function slaChart(metrics: ServiceMetrics | null): string {
  // The classic metrics always, then every other metric that had clocks.
  const names = [
    'firstResponse',
    'nextResponse',
    'resolution',
    ...Object.keys(metrics?.slaAttainment ?? {}).filter(
      (metric) => metric !== 'firstResponse' && metric !== 'nextResponse' && metric !== 'resolution',
    ),
  ];
  const rows = names.map((metric) => ({ metric, sla: metrics?.slaAttainment[metric] }));
  const rowHeight = 48;
  const height = CHART_PADDING.top + rows.length * rowHeight + 8;
  const left = 130;
  const span = CHART_WIDTH - left - 120;
  const body = rows
    .map(({ metric, sla }, i) => {
      const total = (sla?.met ?? 0) + (sla?.breached ?? 0);
      const met = total === 0 ? 0 : (sla?.met ?? 0) / total;
      const top = CHART_PADDING.top + i * rowHeight;
      return [
        `<text x="${left - 8}" y="${top + 22}" text-anchor="end">${metric}</text>`,
        `<rect class="mark" data-value="${sla?.met ?? 0}" x="${left}" y="${top + 6}" width="${fixed(span * met)}" height="24" fill="#54a24b"><title>${sla?.met ?? 0} met</title></rect>`,
        `<rect class="mark" data-value="${sla?.breached ?? 0}" x="${fixed(left + span * met)}" y="${top + 6}" width="${fixed(span * (total === 0 ? 0 : 1 - met))}" height="24" fill="#e45756"><title>${sla?.breached ?? 0} breached</title></rect>`,
        `<text x="${left + span + 8}" y="${top + 22}">${total === 0 ? 'no clocks' : percent(sla?.rate ?? null)}</text>`,
      ].join('');
    })
    .join('');
  return `<figure><figcaption>SLA attainment per metric (<span style="color:#54a24b">■ met</span> / <span style="color:#e45756">■ breached</span>)</figcaption><svg class="chart" data-chart="sla" data-points="${rows.length}" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="SLA attainment per metric">${body}</svg></figure>`;
}

const FRT_BINS: readonly [string, number][] = [
  ['< 5m', 5 * 60_000],
  ['5–15m', 15 * 60_000],
  ['15–30m', 30 * 60_000],
  ['30m–1h', 3_600_000],
  ['1–2h', 2 * 3_600_000],
  ['2–4h', 4 * 3_600_000],
  ['4–8h', 8 * 3_600_000],
  ['8–24h', 24 * 3_600_000],
  ['1–2d', 48 * 3_600_000],
  ['≥ 2d', Infinity],
];

function frtChart(views: readonly ReportView[]): string {
  const counts = FRT_BINS.map(() => 0);
  for (const view of views) {
    if (view.firstRespondedAt === undefined) continue;
    const ms = view.firstRespondedAt - view.receivedAt;
    const bin = FRT_BINS.findIndex(([, upTo]) => ms < upTo);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return barChart(
    'frt',
    'First response time distribution (inquiries)',
    FRT_BINS.map(([label], i) => ({ label, value: counts[i] ?? 0 })),
  );
}

const SCALES: Record<string, readonly [number, number]> = { csat: [1, 5], nps: [0, 10], ces: [1, 7] };

/** The latest answer per inquiry, per survey kind, as score distributions. */
function feedbackCharts(views: readonly ReportView[], metrics: ServiceMetrics | null): string {
  const byKind = new Map<string, number[]>();
  for (const view of views) {
    const latest = new Map<string, number>();
    for (const response of view.feedback.responses) latest.set(response.kind, response.score);
    for (const [kind, score] of latest) {
      const scale = SCALES[kind];
      if (scale === undefined) continue;
      let counts = byKind.get(kind);
      if (counts === undefined) byKind.set(kind, (counts = new Array<number>(scale[1] - scale[0] + 1).fill(0)));
      counts[score - scale[0]] = (counts[score - scale[0]] ?? 0) + 1;
    }
  }
  if (byKind.size === 0) return barChart('feedback', 'Survey answers: none', [{ label: 'no answers', value: 0 }]);
  const color = (kind: string, score: number): string => {
    if (kind === 'csat') return score >= 4 ? '#54a24b' : score === 3 ? '#bab0ac' : '#e45756';
    if (kind === 'nps') return score >= 9 ? '#54a24b' : score >= 7 ? '#bab0ac' : '#e45756';
    return score <= 3 ? '#54a24b' : score === 4 ? '#bab0ac' : '#e45756';
  };
  const headline: Record<string, string> = {
    csat: `CSAT ${percent(metrics?.csat ?? null)} satisfied`,
    nps: `NPS ${metrics?.nps === null || metrics?.nps === undefined ? '–' : metrics.nps.toFixed(1)}`,
    ces: `CES ${metrics?.ces === null || metrics?.ces === undefined ? '–' : metrics.ces.toFixed(2)} (mean, 1 = low effort)`,
  };
  // CSAT, NPS, CES in that order, whichever answers came first (a desk may send all three by rule).
  const order = Object.keys(SCALES);
  return [...byKind]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([kind, counts]) => {
      const base = SCALES[kind]?.[0] ?? 0;
      return barChart(
        kind,
        `${headline[kind] ?? kind}: answers by score`,
        counts.map((value, i) => ({ label: String(i + base), value, color: color(kind, i + base) })),
      );
    })
    .join('');
}

function kpiRows(metrics: ServiceMetrics | null, stats: SimulationStats): string {
  const rows: [string, string][] = [
    ['Inquiries', stats.inquiries.toLocaleString('en-US')],
    ['Agents', stats.agents.toLocaleString('en-US')],
    [
      'Process steps',
      `${stats.steps.toLocaleString('en-US')} (${(stats.steps / Math.max(1, stats.inquiries)).toFixed(1)} per inquiry)`,
    ],
  ];
  if (metrics !== null) {
    rows.push(
      [
        'First response time (median / p90)',
        `${duration(metrics.firstResponseTime.median)} / ${duration(metrics.firstResponseTime.p90)}`,
      ],
      [
        'Next response time (median / p90)',
        `${duration(metrics.nextResponseTime.median)} / ${duration(metrics.nextResponseTime.p90)}`,
      ],
      [
        'Resolution time (median / p90)',
        `${duration(metrics.resolutionTime.median)} / ${duration(metrics.resolutionTime.p90)}`,
      ],
      ['Average handle time', duration(metrics.averageHandleTime.mean)],
      ['First-contact resolution', percent(metrics.firstContactResolutionRate)],
      [
        'SLA first response / next response / resolution',
        ['firstResponse', 'nextResponse', 'resolution']
          .map((m) => percent(metrics.slaAttainment[m as 'resolution'].rate))
          .join(' / '),
      ],
      ...Object.entries(metrics.slaAttainment)
        .filter(([m]) => m !== 'firstResponse' && m !== 'nextResponse' && m !== 'resolution')
        .map(([m, sla]): [string, string] => [`SLA ${m}`, percent(sla.rate)]),
      ['Escalation rate', percent(metrics.escalationRate)],
      ['Reopen rate', percent(metrics.reopenRate)],
      [
        'Customers (inquiries each)',
        `${metrics.customers.toLocaleString('en-US')} (${metrics.inquiriesPerCustomer === null ? '–' : metrics.inquiriesPerCustomer.toFixed(2)})`,
      ],
      [
        'Repeat contact rate',
        `${percent(metrics.repeatContactRate)} (${metrics.followUps.toLocaleString('en-US')} follow-ups)`,
      ],
      ['CSAT', percent(metrics.csat)],
      ['NPS', metrics.nps === null ? '–' : metrics.nps.toFixed(1)],
      ['CES (mean, 1–7)', metrics.ces === null ? '–' : metrics.ces.toFixed(2)],
      [
        'Open at the end',
        `${metrics.backlog.total.toLocaleString('en-US')} (${metrics.backlog.unresolved.toLocaleString('en-US')} unresolved)`,
      ],
    );
  }
  return `<table class="kpis">${rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>`;
}

/** @internal The page style of the HTML reports. */
export const REPORT_STYLE = `body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:820px;color:#222;padding:0 1rem}
h1{font-size:1.4rem;margin-bottom:.2rem} .period{color:#666;margin-top:0}
figure{margin:1.5rem 0} figcaption{font-weight:600;margin-bottom:.3rem}
svg.chart{width:100%;height:auto;background:#fafafa;border:1px solid #eee}
svg text{font-size:11px;fill:#555} .grid{stroke:#e5e5e5}
table.kpis{border-collapse:collapse;width:100%} .kpis th{text-align:left;font-weight:400;color:#555;padding:.25rem .5rem .25rem 0}
.kpis td{text-align:right;font-variant-numeric:tabular-nums;padding:.25rem 0} .kpis tr{border-bottom:1px solid #eee}
`;

/**
 * Renders a simulation run as one self-contained HTML page: the KPI table and charts of arrivals
 * and backlog over time, SLA attainment per metric, the first-response-time distribution and the
 * CSAT / NPS / CES answers. Charts are inline SVG (every bar a `.mark` with its `data-value`), so
 * the page needs no script and no network.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { simulate, simulationReport } from 'serviceflow/testing';
 * writeFileSync('desk.html', simulationReport(simulate({ inquiries: 2_000, days: 14 }), { title: 'Two weeks' }));
 * ```
 */
export function simulationReport(run: ReportInput, options: { title?: string } = {}): string {
  const title = options.title ?? 'serviceflow simulation';
  const { stats } = run;
  const period = `${new Date(stats.start).toISOString().slice(0, 16).replace('T', ' ')} → ${new Date(stats.end).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
${REPORT_STYLE}</style></head>
<body>
<h1>${escape(title)}</h1>
<p class="period">${escape(period)} · ${stats.inquiries.toLocaleString('en-US')} inquiries · ${stats.agents.toLocaleString('en-US')} agents</p>
${kpiRows(run.metrics, stats)}
${arrivalsChart(run.timeline)}
${slaChart(run.metrics)}
${frtChart(run.views)}
${feedbackCharts(run.views, run.metrics)}
</body></html>
`;
}
