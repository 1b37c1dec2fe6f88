/**
 * The work a simulated desk is offered, read from its own options: inquiries an hour for each
 * hour of the week, how many work sessions an inquiry takes, how long a session lasts, and how
 * many agents the desk has on shift in each hour.
 *
 * @internal
 */
import { zoneOffsets } from '../policies/calendar/zone.js';
import type { Channel } from '../schemas/inquiry.js';
import { hourOfWeek, hourSlots } from '../testing/arrivals.js';
import { agentGroups, calendarOf } from '../testing/desk-model.js';
import { DurationDistribution } from '../testing/distribution.js';
import type { SimulationConfig } from '../testing/simulation-options.js';
import { standardHandling, standardProfile } from '../testing/standard-desk.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
export const WEEK_HOURS = 168;
/** The 90th percentile of the standard normal distribution. */
const Z90 = 1.2815515655446004;
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** `'Mon 08:00'` for hour 8 of the week. */
export const hourLabel = (hour: number): string =>
  `${DAYS[Math.floor(hour / 24)] ?? '?'} ${String(hour % 24).padStart(2, '0')}:00`;

/** The load a desk is offered, hour by hour of its local week. */
export interface DeskLoad {
  /** Expected inquiries an hour, for each hour of the week (Monday 00:00 local first). */
  readonly arrivalsPerHour: readonly number[];
  /** Work sessions an inquiry takes on average: the first, the ones after customer replies, escalations and reopens. */
  readonly sessionsPerInquiry: number;
  /** Mean length of a work session over the channel mix, in ms. */
  readonly sessionMs: number;
}

/** The standard normal distribution function, by the complementary error function. */
function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** erfc with a relative error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** The mean of a duration distribution, its long tail cut at `max` as the sampler cuts it. */
export function meanOf(d: DurationDistribution): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.max === undefined ? d.mean : d.mean * (1 - Math.exp(-d.max / d.mean));
    case 'lognormal': {
      const mu = Math.log(d.median);
      const sigma = (Math.log(d.p90) - mu) / Z90;
      const mean = Math.exp(mu + (sigma * sigma) / 2);
      if (d.max === undefined || sigma === 0) return d.max === undefined ? mean : Math.min(mean, d.max);
      // E[min(X, m)] = e^(μ+σ²/2)·Φ((ln m − μ − σ²)/σ) + m·(1 − Φ((ln m − μ)/σ))
      const cut = Math.log(d.max);
      return mean * normalCdf((cut - mu - sigma * sigma) / sigma) + d.max * (1 - normalCdf((cut - mu) / sigma));
    }
  }
}

/** The chance that a draw of a duration distribution is shorter than `limit`. */
export function chanceShorterThan(d: DurationDistribution, limit: number): number {
  if ('max' in d && d.max !== undefined && d.max < limit && d.kind !== 'uniform') return 1;
  switch (d.kind) {
    case 'fixed':
      return d.value < limit ? 1 : 0;
    case 'uniform':
      return d.max <= d.min ? (d.min < limit ? 1 : 0) : Math.min(1, Math.max(0, (limit - d.min) / (d.max - d.min)));
    case 'exponential':
      return 1 - Math.exp(-limit / d.mean);
    case 'lognormal': {
      const mu = Math.log(d.median);
      const sigma = (Math.log(d.p90) - mu) / Z90;
      return sigma === 0 ? (d.median < limit ? 1 : 0) : normalCdf((Math.log(limit) - mu) / sigma);
    }
  }
}

/**
 * Sessions an inquiry takes in the simulator's process: after each session it resolves (chance
 * `resolveRate`, or at `maxSessions`), or goes back to the queue (an escalation, or a customer
 * who answers in time); a reopened inquiry takes one session more.
 */
function sessionsPerInquiry(config: SimulationConfig): number {
  const { work, customers } = config;
  const escalates = Math.min(1, work.escalateRate / Math.max(1e-9, 1 - work.resolveRate));
  const replies = customers.replyRate * chanceShorterThan(customers.replyDelay, work.abandonAfter);
  const again = (1 - work.resolveRate) * (escalates + (1 - escalates) * replies);
  let sessions = 0;
  let reach = 1;
  for (let k = 1; k <= work.maxSessions; k++) {
    sessions += reach;
    reach *= again;
  }
  return sessions + customers.reopenRate;
}

/** Mean session length over the channel mix. */
function meanSessionMs(config: SimulationConfig): number {
  const given = config.work.handling;
  let weighted = 0;
  let weights = 0;
  for (const [channel, weight] of Object.entries(config.arrivals.channels) as [Channel, number | undefined][]) {
    if (weight === undefined || weight <= 0) continue;
    const distribution = given === undefined ? undefined : 'kind' in given ? given : given[channel];
    weighted += weight * meanOf(distribution ?? DurationDistribution.parse(standardHandling[channel]));
    weights += weight;
  }
  return weighted / weights;
}

/** The arrival profile's expected inquiries an hour for each hour of the local week. */
function weeklyArrivals(config: SimulationConfig): number[] {
  const end = config.start + Math.round(config.days * DAY);
  const { hours, weights } = hourSlots(
    config.start,
    end,
    config.arrivals.profile ?? standardProfile(),
    config.arrivals.timezone,
  );
  const total = weights.reduce((sum, w) => sum + w, 0);
  const expected = new Array<number>(WEEK_HOURS).fill(0);
  const exposure = new Array<number>(WEEK_HOURS).fill(0);
  weights.forEach((weight, slot) => {
    const hour = hours[slot] ?? 0;
    const length = Math.min(HOUR, end - (config.start + slot * HOUR)) / HOUR;
    // A profile that is zero over the whole period spreads arrivals evenly (as `arrivalTimes` does).
    expected[hour] =
      (expected[hour] ?? 0) + (total > 0 ? (config.inquiries * weight) / total : config.inquiries / weights.length);
    exposure[hour] = (exposure[hour] ?? 0) + length;
  });
  return expected.map((count, hour) => {
    const hoursSeen = exposure[hour] ?? 0;
    return hoursSeen > 0 ? count / hoursSeen : 0;
  });
}

/**
 * The load of a desk as its simulation options describe it.
 *
 * @internal
 */
export function deskLoad(config: SimulationConfig): DeskLoad {
  return {
    arrivalsPerHour: weeklyArrivals(config),
    sessionsPerInquiry: sessionsPerInquiry(config),
    sessionMs: meanSessionMs(config),
  };
}

/**
 * For each hour of the local week, an instant inside it (the middle of its first occurrence from
 * `start`), to ask a calendar who is on shift then.
 */
export function weekInstants(start: number, timezone: string): number[] {
  const zone = zoneOffsets(timezone);
  const instants = new Array<number>(WEEK_HOURS).fill(Number.NaN);
  // Two weeks, so that an hour skipped by a DST change in the first is found in the second.
  for (let slot = 0; slot < 2 * WEEK_HOURS; slot++) {
    const middle = start + slot * HOUR + HOUR / 2;
    const hour = hourOfWeek(middle + zone.offsetAt(middle));
    if (Number.isNaN(instants[hour] ?? 0)) instants[hour] = middle;
  }
  return instants;
}

/**
 * How many agents the desk of these options has on shift in each hour of the local week, and the
 * concurrent capacity of its (first) agent group.
 *
 * @internal
 */
export function deskStaffing(config: SimulationConfig): { agents: number[]; capacity: number; team: string } {
  const groups = agentGroups(config);
  const instants = weekInstants(config.start, config.arrivals.timezone);
  const shifts = groups.map((group) => calendarOf(group.shift));
  const agents = instants.map((at) =>
    groups.reduce((sum, group, i) => (Number.isNaN(at) || shifts[i]?.isOpen(at) !== true ? sum : sum + group.count), 0),
  );
  const first = groups[0];
  return { agents, capacity: first?.capacity ?? 1, team: first?.team ?? 'support' };
}
