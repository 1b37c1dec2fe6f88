/**
 * `planStaffing`: agents for each hour of the week that meet a target on a simulated desk. Erlang
 * C gives the first guess from the desk's own load; simulations of the real process over several
 * seeds then check every hour and adjust the staffing until each one meets the target.
 */
import { z } from 'zod';
import { zoneOffsets } from '../policies/calendar/zone.js';
import type { InquiryView } from '../process/view.js';
import type { Channel, Priority } from '../schemas/inquiry.js';
import { SlaMetric } from '../schemas/state.js';
import { Duration } from '../schemas/time.js';
import { hourOfWeek } from '../testing/arrivals.js';
import { simulate } from '../testing/simulate.js';
import { parseSimulationOptions, type AgentGroup, type SimulationConfig, type SimulationOptions } from '../testing/simulation-options.js';
import { processFor } from '../testing/simulation-process.js';
import { deskLoad, deskStaffing, hourLabel, WEEK_HOURS, type DeskLoad } from './desk-load.js';
import { parse, Share, solveStaffing } from './erlang.js';
import { erlangB, erlangCFigures } from './queue-math.js';
import { agentHours, weeklyAgentGroups } from './weekly-shifts.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * What a staffing plan must achieve in every hour of the week, for the inquiries that arrive in
 * it: a service level on first response (`{ answeredWithin: '20s', share: 0.8 }`), a mean wait
 * for the first response (`{ asa: '30s' }`), or an attainment of the desk's own SLA policy on one
 * metric (`{ sla: 'firstResponse', attainment: 0.95 }`).
 *
 * @example
 * ```ts
 * import { PlanTarget } from 'serviceflow/planning';
 * PlanTarget.parse({ sla: 'firstResponse', attainment: 0.95 });
 * PlanTarget.parse({ answeredWithin: '20s', share: 0.8 }); // { answeredWithin: 20000, share: 0.8 }
 * ```
 */
export const PlanTarget = z.union(
  [z.strictObject({ answeredWithin: Duration, share: Share }), z.strictObject({ asa: Duration }), z.strictObject({ sla: SlaMetric, attainment: Share })],
  {
    error:
      "must be { answeredWithin: '20s', share: 0.8 }, { asa: '30s' } or { sla: 'firstResponse' | 'nextResponse' | 'resolution', attainment: 0.95 } (shares below 1)",
  },
);
/**
 * What {@link PlanTarget} accepts.
 *
 * @example
 * ```ts
 * import type { PlanTarget } from 'serviceflow/planning';
 * const target: PlanTarget = { sla: 'firstResponse', attainment: 0.95 };
 * ```
 */
export type PlanTarget = z.input<typeof PlanTarget>;
type Target = z.output<typeof PlanTarget>;

/**
 * How {@link planStaffing} searches: seeds per check, rounds of checks, the occupancy ceiling of
 * the first guess, agents' concurrent capacity, and whether to try fewer agents where the
 * simulation shows room.
 *
 * @example
 * ```ts
 * import { PlanOptions } from 'serviceflow/planning';
 * PlanOptions.parse({ seeds: 5, maxOccupancy: 0.85 });
 * ```
 */
export const PlanOptions = z.strictObject({
  /** Simulations per check, with seeds `seed`, `seed + 1`, …: more seeds, less noise. */
  seeds: z.number().int().min(1).max(50).default(3),
  /** Checks at most (each simulates every seed); the plan stops earlier once every hour meets the target. */
  maxRounds: z.number().int().min(1).max(50).default(8),
  /** The first guess keeps agents at most this busy (0 to 1). */
  maxOccupancy: z.number().gt(0).max(1).default(1),
  /** Inquiries an agent works at once (default: the capacity of the desk's first agent group). */
  capacity: z.number().int().min(1).max(100).optional(),
  /** Once every hour meets the target, try fewer agents where the simulation shows clear room (down to none). */
  trim: z.boolean().default(true),
  /** Told after each check: the round, the hours short of the target, the agent-hours a week. */
  onRound: z.custom<(round: PlanRound) => void>((value) => typeof value === 'function', { message: 'onRound must be a function' }).optional(),
});
/**
 * What {@link PlanOptions} accepts.
 *
 * @example
 * ```ts
 * import type { PlanOptions } from 'serviceflow/planning';
 * const options: PlanOptions = { seeds: 5, trim: false };
 * ```
 */
export type PlanOptions = z.input<typeof PlanOptions>;

/**
 * One check of a staffing plan, as `onRound` hears of it.
 *
 * @example
 * ```ts
 * import type { PlanRound } from 'serviceflow/planning';
 * const log = (round: PlanRound) => console.log(`round ${round.round}: ${round.short} hours short, ${round.agentHours} agent-hours`);
 * ```
 */
export interface PlanRound {
  readonly round: number;
  readonly short: number;
  readonly agentHours: number;
}

/**
 * What the simulations measured in one hour of the week, over the seeds: the share that met the
 * target (or, for an ASA target, the mean wait in ms).
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
}

/**
 * One hour of the week in a staffing plan.
 *
 * @example
 * ```ts
 * import type { StaffingInterval } from 'serviceflow/planning';
 * const row = (i: StaffingInterval) => `${i.label}: ${i.agents} agents (had ${i.had}), simulated ${i.simulated?.mean ?? '–'}`;
 * ```
 */
export interface StaffingInterval {
  /** 0 = Monday 00:00–01:00 in the desk's time zone. */
  readonly hour: number;
  /** `'Mon 08:00'`. */
  readonly label: string;
  /** Expected inquiries arriving in this hour. */
  readonly arrivalsPerHour: number;
  /** Offered work in Erlangs: sessions an hour × mean session length. */
  readonly load: number;
  /** Agents planned. */
  readonly agents: number;
  /** Agents the desk of the options had on shift. */
  readonly had: number;
  /** Occupancy the closed form predicts with the planned agents. */
  readonly occupancy: number;
  /** The target figure Erlang C predicts with the planned agents (share, or wait in ms); `null` without arrivals. */
  readonly predicted: number | null;
  /** The target figure the simulations measured; `null` when no inquiry arrived in this hour. */
  readonly simulated: SimulatedAttainment | null;
  /** Whether the simulated figure meets the target (an hour without inquiries does). */
  readonly met: boolean;
}

/**
 * What {@link planStaffing} returns.
 *
 * @example
 * ```ts
 * import type { StaffingPlan } from 'serviceflow/planning';
 * const peak = (plan: StaffingPlan) => Math.max(...plan.intervals.map((i) => i.agents));
 * ```
 */
export interface StaffingPlan {
  /** The target, durations in ms. */
  readonly target: Target;
  /** The 168 hours of the week, Monday 00:00 local first. */
  readonly intervals: readonly StaffingInterval[];
  /** The planned agents as groups `simulate` takes: one group per staffing level, on hourly shifts. */
  readonly agents: readonly AgentGroup[];
  readonly agentHours: number;
  readonly hadAgentHours: number;
  /** Inquiries each agent works at once. */
  readonly capacity: number;
  /** The whole week's figure over every inquiry, per the seeds. */
  readonly overall: SimulatedAttainment;
  readonly seeds: readonly number[];
  /** Checks made (each simulated every seed). */
  readonly rounds: number;
  /** Whether every hour met the target in the last check. */
  readonly converged: boolean;
  /** Work sessions an inquiry took on average in the closed form's model of the desk. */
  readonly sessionsPerInquiry: number;
  readonly sessionMs: number;
  readonly timezone: string;
}

/** Per hour of the week: inquiries measured and the figure summed, for each seed. */
interface Tally {
  readonly count: Float64Array;
  readonly sum: Float64Array;
}

const isShareTarget = (target: Target): boolean => !('asa' in target);
const goalOf = (target: Target): number => ('asa' in target ? target.asa : 'share' in target ? target.share : target.attainment);
const meets = (target: Target, figure: number): boolean => ('asa' in target ? figure <= target.asa : figure >= goalOf(target));

/** What one inquiry contributes to the figure: 1 or 0 for a share target, its wait for ASA; `null` to skip it. */
function scoreOf(target: Target, view: InquiryView): number | null {
  if ('sla' in target) {
    const clocks = [view.sla[target.sla], ...view.slaHistory.filter((clock) => clock.metric === target.sla)].filter((clock) => clock !== undefined && clock.status !== 'cancelled');
    if (clocks.length === 0) return null;
    return clocks.some((clock) => clock?.status === 'breached') ? 0 : 1;
  }
  // Cancelled before anyone answered: spam and duplicates are no one's wait.
  if (view.firstRespondedAt === undefined && view.cancelledAt !== undefined) return null;
  const wait = (view.firstRespondedAt ?? view.lastEventAt) - view.receivedAt;
  return 'asa' in target ? wait : wait <= target.answeredWithin ? 1 : 0;
}

/** Simulates the desk with a staffing over every seed and tallies the target's figure per hour. */
function check(options: SimulationOptions, config: SimulationConfig, agents: readonly AgentGroup[], target: Target, seeds: readonly number[]): Tally[] {
  const zone = zoneOffsets(config.arrivals.timezone);
  return seeds.map((seed) => {
    const tally: Tally = { count: new Float64Array(WEEK_HOURS), sum: new Float64Array(WEEK_HOURS) };
    simulate({
      ...options,
      seed,
      agents,
      // Time to answer the last arrivals, so that the end of the run cuts no wait short.
      drain: Math.max(config.drain, 7 * DAY),
      keepViews: false,
      metrics: false,
      journal: false,
      onProgress: undefined,
      onEffect: undefined,
      onView: (view) => {
        const score = scoreOf(target, view);
        if (score === null) return;
        const hour = hourOfWeek(view.receivedAt + zone.offsetAt(view.receivedAt));
        tally.count[hour] = (tally.count[hour] ?? 0) + 1;
        tally.sum[hour] = (tally.sum[hour] ?? 0) + score;
      },
    });
    return tally;
  });
}

function summarise(tallies: readonly Tally[], hours: readonly number[]): SimulatedAttainment | null {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const tally of tallies) {
    let c = 0;
    let s = 0;
    for (const hour of hours) {
      c += tally.count[hour] ?? 0;
      s += tally.sum[hour] ?? 0;
    }
    count += c;
    sum += s;
    if (c > 0) {
      min = Math.min(min, s / c);
      max = Math.max(max, s / c);
    }
  }
  return count === 0 ? null : { mean: sum / count, min, max, inquiries: count };
}

/** The closed form's reading of one hour: Erlang C on work sessions, agents × capacity servers. */
function closedForm(load: DeskLoad, hour: number, threshold: number) {
  const rate = ((load.arrivalsPerHour[hour] ?? 0) * load.sessionsPerInquiry) / HOUR;
  const offered = rate * load.sessionMs;
  return {
    offered,
    rate,
    at: (agents: number, capacity: number) => {
      const servers = agents * capacity;
      if (servers === 0) return { occupancy: offered > 0 ? 1 : 0, serviceLevel: offered > 0 ? 0 : 1, asaMs: offered > 0 ? Infinity : 0 };
      const figures = erlangCFigures(offered, servers, load.sessionMs, erlangB(offered, servers));
      return { occupancy: figures.occupancy, serviceLevel: figures.serviceLevel(threshold), asaMs: figures.asaMs };
    },
  };
}

/** The time within which the closed form counts an inquiry answered, for the target. */
function thresholdOf(target: Target, config: SimulationConfig): number {
  if ('asa' in target) return target.asa;
  if ('answeredWithin' in target) return target.answeredWithin;
  // The desk's SLA target for its most common kind of inquiry (business time read as calendar time).
  const top = <K extends string>(weights: Partial<Record<K, number>>): K | undefined =>
    (Object.entries(weights) as [K, number][]).sort((a, b) => b[1] - a[1])[0]?.[0];
  const facts = {
    priority: top<Priority>(config.arrivals.priorities) ?? 'normal',
    channel: top<Channel>(config.arrivals.channels) ?? 'email',
    tier: top(config.arrivals.tiers),
    category: top(config.arrivals.categories),
  };
  return processFor(config).policies.sla.targetsFor(facts)[target.sla] ?? Infinity;
}

/** Erlang C's first guess: the agents each hour needs, by the closed form. */
function firstGuess(load: DeskLoad, target: Target, threshold: number, capacity: number, maxOccupancy: number): number[] {
  return load.arrivalsPerHour.map((arrivals) => {
    if (arrivals <= 0) return 0;
    const servers = solveStaffing({
      arrivalsPerHour: arrivals * load.sessionsPerInquiry,
      aht: load.sessionMs,
      target: 'asa' in target ? { asa: target.asa } : { answeredWithin: threshold, share: goalOf(target) },
      maxOccupancy,
    }).agents;
    return Math.max(1, Math.ceil(servers / capacity));
  });
}

/** Hours whose simulated figure misses the target, and how far (in the figure's own units). */
function shortfalls(tallies: readonly Tally[], target: Target): Map<number, number> {
  const short = new Map<number, number>();
  for (let hour = 0; hour < WEEK_HOURS; hour++) {
    const figure = summarise(tallies, [hour]);
    if (figure !== null && !meets(target, figure.mean)) short.set(hour, Math.abs(figure.mean - goalOf(target)));
  }
  return short;
}

/**
 * Hours where every seed clears the target by more than the sampling noise, and how many agents
 * to try fewer there: a fifth when far above the target, else one, never below the hour's floor.
 */
function roomy(tallies: readonly Tally[], target: Target, agents: readonly number[], floors: readonly number[], locked: ReadonlySet<number>): Map<number, number> {
  const fewer = new Map<number, number>();
  const goal = goalOf(target);
  for (let hour = 0; hour < WEEK_HOURS; hour++) {
    const n = agents[hour] ?? 0;
    const floor = floors[hour] ?? 0;
    const figure = summarise(tallies, [hour]);
    if (n <= floor || locked.has(hour) || figure === null || !meets(target, figure.min)) continue;
    let margin: number;
    if (isShareTarget(target)) {
      const p = Math.min(figure.mean, 1 - 1e-9);
      margin = figure.mean - 2 * Math.sqrt((p * (1 - p)) / figure.inquiries) - goal;
    } else margin = (goal - figure.max) / goal - 0.2;
    if (margin > 0) fewer.set(hour, Math.min(n - floor, margin > (1 - goal) / 2 && n >= 5 ? Math.floor(n / 5) : 1));
  }
  return fewer;
}

/**
 * Plans the agents a simulated desk needs in each hour of its week to meet a target, and shows
 * that they do. The first guess is Erlang C on the desk's own load (its arrival profile, the work
 * sessions an inquiry takes, its handling times); then the real process is simulated with those
 * agents on hourly shifts over several seeds, hours short of the target get more agents (more
 * the further short), and hours with clear room are tried with one fewer, until every hour meets
 * the target in simulation or the rounds run out (`converged` says which).
 *
 * The plan is one pooled team that handles every category and channel (the closed form knows no
 * skills); the report per hour gives the arrivals, the load, the planned agents next to the ones
 * the options had, the predicted and the simulated figure with its spread over the seeds.
 * Deterministic: the same options, target and seeds give the same plan.
 *
 * @param simulation - the desk, as `simulate` takes it (its `agents` are what the plan is compared
 *   with; its `seed` is the first of the seeds).
 * @param target - a service level on first response, an ASA, or an SLA attainment.
 * @param options - seeds, rounds, occupancy ceiling, capacity, trimming.
 * @returns the plan: 168 intervals, agent groups for `simulate`, the overall figure and the spread.
 * @throws {ServiceFlowError} `INVALID_CONFIG` for bad simulation options, `INVALID_INPUT` for a bad
 *   target or plan options.
 *
 * @example
 * ```ts
 * import { planStaffing } from 'serviceflow/planning';
 * const plan = planStaffing({ inquiries: 2_000, days: 7 }, { sla: 'firstResponse', attainment: 0.9 }, { seeds: 2, maxRounds: 3 });
 * console.log(plan.agentHours, 'agent-hours a week; had', plan.hadAgentHours);
 * ```
 */
export function planStaffing(simulation: SimulationOptions, target: PlanTarget, options: PlanOptions = {}): StaffingPlan {
  const config = parseSimulationOptions(simulation);
  const goal = parse(PlanTarget, 'staffing target', target);
  const settings = parse(PlanOptions, 'plan options', options);
  const load = deskLoad(config);
  const had = deskStaffing(config);
  const capacity = settings.capacity ?? had.capacity;
  const timezone = config.arrivals.timezone;
  const threshold = thresholdOf(goal, config);
  const seeds = Array.from({ length: settings.seeds }, (_, i) => config.seed + i);
  const groupsFor = (agents: readonly number[]) => weeklyAgentGroups(agents, { timezone, team: had.team, capacity });

  let agents = firstGuess(load, goal, threshold, capacity, settings.maxOccupancy);
  // Fewer agents than the load (or the occupancy ceiling) allows would let a backlog build up
  // that spills into the next hours: trimming stops there.
  const floors = load.arrivalsPerHour.map((_, hour) => {
    const offered = closedForm(load, hour, threshold).offered;
    return offered <= 0 ? 0 : Math.max(Math.floor(offered / capacity) + 1, Math.ceil(offered / (capacity * settings.maxOccupancy) - 1e-9));
  });
  let tallies: Tally[] = [];
  /** The last staffing that met the target everywhere, with its check. */
  let metPlan: { agents: number[]; tallies: Tally[] } | null = null;
  // Hours that have fallen short once are not trimmed again, so the search cannot cycle.
  const locked = new Set<number>();
  const gaps = new Map<number, number>();
  const saturated = new Set<number>();
  let rounds = 0;
  let pending = true;
  while (pending && rounds < settings.maxRounds) {
    tallies = check(simulation, config, groupsFor(agents), goal, seeds);
    rounds++;
    const short = shortfalls(tallies, goal);
    settings.onRound?.({ round: rounds, short: short.size, agentHours: agentHours(agents) });
    // More agents no longer help an hour whose gap did not close since the last ones were added
    // (first responses on email include the handling itself): it stays short.
    for (const [hour, gap] of short) {
      const before = gaps.get(hour);
      if (before !== undefined && before - gap < saturation(goal)) saturated.add(hour);
      if (saturated.has(hour)) short.delete(hour);
    }
    gaps.clear();
    for (const [hour, gap] of short) gaps.set(hour, gap);
    if (short.size > 0) {
      for (const hour of short.keys()) locked.add(hour);
      // An hour trimmed too far goes back to what last met the target; others get more.
      const before = metPlan?.agents;
      agents = agents.map((n, hour) => (before !== undefined && n < (before[hour] ?? 0) && short.has(hour) ? (before[hour] ?? 0) : n + step(short.get(hour), n, goal)));
      continue;
    }
    metPlan = { agents, tallies };
    const fewer = settings.trim ? roomy(tallies, goal, agents, floors, locked) : new Map<number, number>();
    pending = fewer.size > 0;
    agents = agents.map((n, hour) => n - (fewer.get(hour) ?? 0));
  }
  if (pending) {
    if (metPlan !== null) ({ agents, tallies } = metPlan);
    // The rounds ran out on a change that was never checked: check what is returned.
    else tallies = check(simulation, config, groupsFor(agents), goal, seeds);
  }
  const final = agents;
  const intervals = final.map((n, hour): StaffingInterval => {
    const form = closedForm(load, hour, threshold);
    const predicted = form.at(n, capacity);
    const simulated = summarise(tallies, [hour]);
    return {
      hour,
      label: hourLabel(hour),
      arrivalsPerHour: load.arrivalsPerHour[hour] ?? 0,
      load: form.offered,
      agents: n,
      had: had.agents[hour] ?? 0,
      occupancy: predicted.occupancy,
      predicted: form.offered === 0 ? null : 'asa' in goal ? predicted.asaMs : predicted.serviceLevel,
      simulated,
      met: simulated === null || meets(goal, simulated.mean),
    };
  });
  const all = Array.from({ length: WEEK_HOURS }, (_, hour) => hour);
  return {
    target: goal,
    intervals,
    agents: groupsFor(final),
    agentHours: agentHours(final),
    hadAgentHours: agentHours(had.agents),
    capacity,
    overall: summarise(tallies, all) ?? { mean: isShareTarget(goal) ? 1 : 0, min: 0, max: 0, inquiries: 0 },
    seeds,
    rounds: rounds + (pending && metPlan === null ? 1 : 0),
    converged: intervals.every((interval) => interval.met),
    sessionsPerInquiry: load.sessionsPerInquiry,
    sessionMs: load.sessionMs,
    timezone,
  };
}

/** The least a gap must close after adding agents for more to be worth adding. */
const saturation = (target: Target): number => ('asa' in target ? 0.02 * target.asa : 0.005);

/** Agents to add to an hour short by `gap`: one when close, a fifth more when far off. */
function step(gap: number | undefined, agents: number, target: Target): number {
  if (gap === undefined) return 0;
  const far = 'asa' in target ? gap > goalOf(target) : gap > 0.1;
  return far ? Math.max(1, Math.ceil(agents * 0.2)) : 1;
}
