/**
 * What simulations of a staffing measure against a target, hour by hour of the week: each
 * inquiry scores 1 or 0 (answered in time or not, SLA kept or breached) or its wait, by the hour
 * it arrived in, with the spread over seeds and a standard error that allows for the inquiries of
 * one busy hour waiting together.
 *
 * @internal
 */
import { zoneOffsets } from '../policies/calendar/zone.js';
import type { InquiryView } from '../process/view.js';
import type { SlaMetric } from '../schemas/state.js';
import { hourOfWeek } from '../testing/arrivals.js';
import { simulate } from '../testing/simulate.js';
import type { AgentGroup, SimulationConfig, SimulationOptions } from '../testing/simulation-options.js';
import { WEEK_HOURS } from './desk-load.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A target as the measurement needs it: durations in ms. */
export type MeasuredTarget =
  { answeredWithin: number; share: number } | { asa: number } | { sla: SlaMetric; attainment: number };

/**
 * What the simulations measured in one hour of the week (or the whole week), over the seeds: the
 * share that met the target, or for an ASA target the mean wait in ms.
 *
 * @example
 * ```ts
 * import type { SimulatedAttainment } from 'serviceflow/planning';
 * const spread = (s: SimulatedAttainment) => s.max - s.min;
 * ```
 */
export interface SimulatedAttainment {
  /** Over all the seeds' inquiries together. */
  readonly mean: number;
  /** The lowest and highest of the seeds' own figures. */
  readonly min: number;
  readonly max: number;
  /** Inquiries measured, over all seeds. */
  readonly inquiries: number;
  /**
   * The sampling noise of `mean`: its standard error, computed over the hours of the runs (each
   * simulated hour one sample), since the inquiries of one hour share its queue.
   */
  readonly standardError: number;
}

/** Per simulated hour of one run: the hour of the week, inquiries measured and their summed score. */
interface RunTally {
  readonly hourOfWeek: Int16Array;
  readonly count: Float64Array;
  readonly sum: Float64Array;
}

/** What one inquiry contributes: 1 or 0 for a share target, its wait for ASA; `null` to leave it out. */
function scoreOf(target: MeasuredTarget, view: InquiryView): number | null {
  if ('sla' in target) {
    const clocks = [view.sla[target.sla], ...view.slaHistory.filter((clock) => clock.metric === target.sla)];
    const counted = clocks.filter((clock) => clock !== undefined && clock.status !== 'cancelled');
    if (counted.length === 0) return null;
    return counted.some((clock) => clock?.status === 'breached') ? 0 : 1;
  }
  // Cancelled before anyone answered: spam and duplicates are no one's wait.
  if (view.firstRespondedAt === undefined && view.cancelledAt !== undefined) return null;
  const wait = (view.firstRespondedAt ?? view.lastEventAt) - view.receivedAt;
  return 'asa' in target ? wait : wait <= target.answeredWithin ? 1 : 0;
}

/**
 * Simulates the desk with the given agents for every seed (with a week's drain, so that the end
 * of the run cuts no wait short) and tallies each inquiry's score by the hour it arrived in.
 *
 * @internal
 */
export function simulateTallies(
  options: SimulationOptions,
  config: SimulationConfig,
  agents: readonly AgentGroup[],
  target: MeasuredTarget,
  seeds: readonly number[],
): RunTally[] {
  const zone = zoneOffsets(config.arrivals.timezone);
  const slots = Math.max(1, Math.ceil((config.days * DAY) / HOUR));
  return seeds.map((seed) => {
    const tally: RunTally = {
      hourOfWeek: new Int16Array(slots).fill(-1),
      count: new Float64Array(slots),
      sum: new Float64Array(slots),
    };
    simulate({
      ...options,
      seed,
      agents,
      drain: Math.max(config.drain, 7 * DAY),
      keepViews: false,
      metrics: false,
      journal: false,
      onProgress: undefined,
      onEffect: undefined,
      onView: (view) => {
        const score = scoreOf(target, view);
        if (score === null) return;
        const slot = Math.min(slots - 1, Math.floor((view.receivedAt - config.start) / HOUR));
        tally.hourOfWeek[slot] = hourOfWeek(view.receivedAt + zone.offsetAt(view.receivedAt));
        tally.count[slot] = (tally.count[slot] ?? 0) + 1;
        tally.sum[slot] = (tally.sum[slot] ?? 0) + score;
      },
    });
    return tally;
  });
}

/** Running sums for one figure: over seeds, and over simulated hours for the standard error. */
class Accumulator {
  private readonly seedCount: number[];
  private readonly seedSum: number[];
  private readonly clusters: [number, number][] = [];

  constructor(seeds: number) {
    this.seedCount = new Array<number>(seeds).fill(0);
    this.seedSum = new Array<number>(seeds).fill(0);
  }

  add(seed: number, count: number, sum: number): void {
    this.seedCount[seed] = (this.seedCount[seed] ?? 0) + count;
    this.seedSum[seed] = (this.seedSum[seed] ?? 0) + sum;
    this.clusters.push([count, sum]);
  }

  result(): SimulatedAttainment | null {
    const count = this.seedCount.reduce((a, b) => a + b, 0);
    if (count === 0) return null;
    const mean = this.seedSum.reduce((a, b) => a + b, 0) / count;
    const perSeed = this.seedCount.flatMap((c, i) => (c > 0 ? [(this.seedSum[i] ?? 0) / c] : []));
    // The cluster-robust (sandwich) variance of a ratio mean, each simulated hour a cluster.
    const k = this.clusters.length;
    let squares = 0;
    for (const [c, s] of this.clusters) squares += (s - mean * c) ** 2;
    const variance = k > 1 ? (squares / (count * count)) * (k / (k - 1)) : 0;
    return {
      mean,
      min: Math.min(...perSeed),
      max: Math.max(...perSeed),
      inquiries: count,
      standardError: Math.sqrt(variance),
    };
  }
}

/**
 * The figure of each hour of the week and of the whole week, from the runs' tallies.
 *
 * @internal
 */
export function summarise(tallies: readonly RunTally[]): {
  hours: (SimulatedAttainment | null)[];
  overall: SimulatedAttainment | null;
} {
  const hours = Array.from({ length: WEEK_HOURS }, () => new Accumulator(tallies.length));
  const overall = new Accumulator(tallies.length);
  tallies.forEach((tally, seed) => {
    tally.count.forEach((count, slot) => {
      const hour = tally.hourOfWeek[slot] ?? -1;
      if (count === 0 || hour < 0) return;
      const sum = tally.sum[slot] ?? 0;
      hours[hour]?.add(seed, count, sum);
      overall.add(seed, count, sum);
    });
  });
  return { hours: hours.map((h) => h.result()), overall: overall.result() };
}
