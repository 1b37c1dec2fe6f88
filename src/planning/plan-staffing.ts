/**
 * `planStaffing`: agents for each hour of the week that meet a target on a simulated desk. Erlang
 * C gives the first guess from the desk's own load; simulations of the real process over several
 * seeds then check every hour and adjust the staffing until each one meets the target.
 */
import * as z from 'zod/mini';
import type { Channel, Priority } from '../schemas/inquiry.js';
import { SlaMetric } from '../schemas/state.js';
import { Duration } from '../schemas/time.js';
import {
  parseSimulationOptions,
  type AgentGroup,
  type SimulationConfig,
  type SimulationOptions,
} from '../testing/simulation-options.js';
import { processFor } from '../testing/simulation-process.js';
import { deskLoad, deskStaffing, hourLabel, WEEK_HOURS, type DeskLoad } from './desk-load.js';
import { parse, TargetFraction, solveStaffing } from './erlang.js';
import { erlangB, erlangCFigures } from './queue-math.js';
import { simulateTallies, summarise, type SimulatedAttainment } from './simulated-attainment.js';
import { agentHours, weeklyAgentGroups } from './weekly-shifts.js';

const HOUR = 3_600_000;

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
  [
    z.strictObject({ answeredWithin: Duration, share: TargetFraction }),
    z.strictObject({ asa: Duration }),
    z.strictObject({ sla: SlaMetric, attainment: TargetFraction }),
  ],
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
  seeds: z._default(z.number().check(z.int(), z.gte(1), z.lte(50)), 3),
  /** Checks at most (each simulates every seed); the plan stops earlier once every hour meets the target. */
  maxRounds: z._default(z.number().check(z.int(), z.gte(1), z.lte(50)), 8),
  /** The first guess keeps agents at most this busy (0 to 1). */
  maxOccupancy: z._default(z.number().check(z.gt(0), z.lte(1)), 1),
  /** Inquiries an agent works at once (default: the capacity of the desk's first agent group). */
  capacity: z.optional(z.number().check(z.int(), z.gte(1), z.lte(100))),
  /** Once every hour meets the target, try fewer agents where the simulation shows clear room (down to none). */
  trim: z._default(z.boolean(), true),
  /** Told after each check: the round, the hours short of the target, the agent-hours a week. */
  onRound: z.optional(
    z.custom<(round: PlanRound) => void>((value) => typeof value === 'function', {
      message: 'onRound must be a function',
    }),
  ),
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
  /** Whether the simulated figure meets the target within sampling noise (an hour without inquiries does). */
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

const isShareTarget = (target: Target): boolean => !('asa' in target);
const goalOf = (target: Target): number =>
  'asa' in target ? target.asa : 'share' in target ? target.share : target.attainment;

/** The closed form's reading of one hour: Erlang C on work sessions, agents × capacity servers. */
function closedForm(load: DeskLoad, hour: number, threshold: number) {
  const rate = ((load.arrivalsPerHour[hour] ?? 0) * load.sessionsPerInquiry) / HOUR;
  const offered = rate * load.sessionMs;
  return {
    offered,
    rate,
    at: (agents: number, capacity: number) => {
      const servers = agents * capacity;
      if (servers === 0)
        return { occupancy: offered > 0 ? 1 : 0, serviceLevel: offered > 0 ? 0 : 1, asaMs: offered > 0 ? Infinity : 0 };
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
function firstGuess(
  load: DeskLoad,
  target: Target,
  threshold: number,
  capacity: number,
  maxOccupancy: number,
): number[] {
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

type Figures = readonly (SimulatedAttainment | null)[];

/**
 * How far a figure may miss the goal and still meet it within sampling noise: two standard errors
 * (for a share, of a share at the goal, so that an hour whose inquiries all met it has noise too).
 */
function allowance(target: Target, figure: SimulatedAttainment): number {
  if (!isShareTarget(target)) return 2 * figure.standardError;
  const goal = goalOf(target);
  return 2 * Math.max(figure.standardError, Math.sqrt((goal * (1 - goal)) / figure.inquiries));
}

/** Whether a figure meets the target, within sampling noise unless `strict`. */
function meetsWithinNoise(target: Target, figure: SimulatedAttainment, strict: boolean): boolean {
  const slack = strict ? 0 : allowance(target, figure);
  return 'asa' in target ? figure.mean - slack <= target.asa : figure.mean + slack >= goalOf(target);
}

/**
 * Hours whose simulated figure misses the target beyond sampling noise (hours just trimmed must
 * meet it outright), and by how much.
 */
function shortfalls(figures: Figures, target: Target, strict: ReadonlySet<number>): Map<number, number> {
  const short = new Map<number, number>();
  for (let hour = 0; hour < WEEK_HOURS; hour++) {
    const figure = figures[hour] ?? null;
    if (figure !== null && !meetsWithinNoise(target, figure, strict.has(hour)))
      short.set(hour, Math.abs(figure.mean - goalOf(target)));
  }
  return short;
}

/**
 * One figure for several hours: their inquiries pooled, the standard errors combined as
 * independent (each hour's already allows for its own inquiries waiting together).
 */
function pooled(figures: readonly SimulatedAttainment[]): SimulatedAttainment {
  const inquiries = figures.reduce((sum, f) => sum + f.inquiries, 0);
  const mean = figures.reduce((sum, f) => sum + f.mean * f.inquiries, 0) / inquiries;
  const variance = figures.reduce((sum, f) => sum + (f.standardError * f.inquiries) ** 2, 0) / inquiries ** 2;
  return {
    mean,
    inquiries,
    standardError: Math.sqrt(variance),
    min: Math.min(...figures.map((f) => f.min)),
    max: Math.max(...figures.map((f) => f.max)),
  };
}

/**
 * Hours that can do with fewer agents, and how many fewer to try: a fifth when far above the
 * target, else one, never below the hour's floor. One hour's figure is too noisy to trim on (a
 * lucky quiet hour stays lucky when the same seeds run again), so hours alike (the same arrivals
 * and agents) are judged together: their pooled figure must clear the target by its noise plus
 * what the closed form says the fewer agents cost, and each of them must meet the target itself.
 */
function roomy(figures: Figures, target: Target, agents: readonly number[], bounds: TrimBounds): Map<number, number> {
  const alike = new Map<string, number[]>();
  for (let hour = 0; hour < WEEK_HOURS; hour++) {
    const n = agents[hour] ?? 0;
    const figure = figures[hour] ?? null;
    if (
      n <= (bounds.floors[hour] ?? 0) ||
      bounds.locked.has(hour) ||
      figure === null ||
      !meetsWithinNoise(target, figure, true)
    )
      continue;
    const key = `${bounds.arrivals[hour] ?? 0}|${n}`;
    alike.set(key, [...(alike.get(key) ?? []), hour]);
  }
  const fewer = new Map<number, number>();
  const goal = goalOf(target);
  for (const hours of alike.values()) {
    const figure = pooled(hours.flatMap((hour) => figures[hour] ?? []));
    const hour = hours[0] ?? 0;
    const n = agents[hour] ?? 0;
    const far = isShareTarget(target) ? figure.mean - goal > (1 - goal) / 2 : figure.mean < goal / 2;
    const cut = Math.min(...hours.map((h) => n - (bounds.floors[h] ?? 0)), far && n >= 5 ? Math.floor(n / 5) : 1);
    const cost = bounds.cost(hour, n, n - cut);
    const room = isShareTarget(target)
      ? figure.mean - allowance(target, figure) - cost - goal
      : goal - figure.mean - allowance(target, figure) - cost;
    if (room > 0) for (const h of hours) fewer.set(h, cut);
  }
  return fewer;
}

/** What trimming must respect: the agents each hour keeps at least, hours that may not be trimmed, the closed form's cost of fewer agents. */
interface TrimBounds {
  readonly arrivals: readonly number[];
  readonly floors: readonly number[];
  readonly locked: ReadonlySet<number>;
  readonly cost: (hour: number, from: number, to: number) => number;
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
export function planStaffing(
  simulation: SimulationOptions,
  target: PlanTarget,
  options: PlanOptions = {},
): StaffingPlan {
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
    return offered <= 0
      ? 0
      : Math.max(Math.floor(offered / capacity) + 1, Math.ceil(offered / (capacity * settings.maxOccupancy) - 1e-9));
  });
  let measured = summarise([]);
  /** The last staffing that met the target everywhere, with its check. */
  let metPlan: { agents: number[]; measured: typeof measured } | null = null;
  // Hours that have fallen short once are not trimmed again, so the search cannot cycle.
  const locked = new Set<number>();
  const gaps = new Map<number, number>();
  const saturated = new Set<number>();
  let trimmed = new Set<number>();
  // The closed form's loss from fewer agents in an hour, in the target's own units.
  const cost = (hour: number, from: number, to: number): number => {
    const form = closedForm(load, hour, threshold);
    const [more, less] = [form.at(from, capacity), form.at(to, capacity)];
    return 'asa' in goal ? less.asaMs - more.asaMs : more.serviceLevel - less.serviceLevel;
  };
  let rounds = 0;
  let pending = true;
  while (pending && rounds < settings.maxRounds) {
    measured = summarise(simulateTallies(simulation, config, groupsFor(agents), goal, seeds));
    rounds++;
    const short = shortfalls(measured.hours, goal, trimmed);
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
    trimmed = new Set();
    if (short.size > 0) {
      for (const hour of short.keys()) locked.add(hour);
      // An hour trimmed too far goes back to what last met the target; others get more.
      const before = metPlan?.agents;
      agents = agents.map((n, hour) =>
        before !== undefined && n < (before[hour] ?? 0) && short.has(hour)
          ? (before[hour] ?? 0)
          : n + step(short.get(hour), n, goal),
      );
      continue;
    }
    metPlan = { agents, measured };
    const fewer = settings.trim
      ? roomy(measured.hours, goal, agents, { arrivals: load.arrivalsPerHour, floors, locked, cost })
      : new Map<number, number>();
    pending = fewer.size > 0;
    trimmed = new Set(fewer.keys());
    agents = agents.map((n, hour) => n - (fewer.get(hour) ?? 0));
  }
  if (pending) {
    if (metPlan !== null) ({ agents, measured } = metPlan);
    // The rounds ran out on a change that was never checked: check what is returned.
    else measured = summarise(simulateTallies(simulation, config, groupsFor(agents), goal, seeds));
  }
  const final = agents;
  const intervals = final.map((n, hour): StaffingInterval => {
    const form = closedForm(load, hour, threshold);
    const predicted = form.at(n, capacity);
    const simulated = measured.hours[hour] ?? null;
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
      met: simulated === null || meetsWithinNoise(goal, simulated, false),
    };
  });
  return {
    target: goal,
    intervals,
    agents: groupsFor(final),
    agentHours: agentHours(final),
    hadAgentHours: agentHours(had.agents),
    capacity,
    overall: measured.overall ?? { mean: isShareTarget(goal) ? 1 : 0, min: 0, max: 0, inquiries: 0, standardError: 0 },
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
