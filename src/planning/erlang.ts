/**
 * Erlang C and Erlang A in closed form: how a queue of agents performs for a given load, and how
 * many agents a service-level, ASA or abandonment target needs.
 */
import * as z from 'zod/mini';
import { describeZodError, InvalidInputError } from '../errors.js';
import { Duration, PositiveDuration, parseDuration, type DurationInput } from '../schemas/time.js';
import { erlangAFigures, erlangB, erlangCFigures, nextErlangB, type QueueFigures } from './queue-math.js';

const HOUR = 3_600_000;

/** @internal */
export const ArrivalsPerHour = z.number().check(z.nonnegative('must be 0 or more arrivals an hour'));
/** @internal A target's fraction, strictly between 0 and 1: a service level's share, an attainment, a cap on abandonment. */
export const TargetFraction = z
  .number()
  .check(
    z.gt(0, 'must be a share above 0'),
    z.lt(1, 'must be a share below 1 (no queue answers everyone within a time)'),
  );

/**
 * The load of a queue: arrivals an hour and the average handling time (`aht`, milliseconds or a
 * duration such as `'4m'`), with `agents` working it. Give a mean `patience` to let waiting
 * customers give up (Erlang A); without it nobody leaves (Erlang C).
 *
 * @example
 * ```ts
 * import { QueueLoad } from 'serviceflow/planning';
 * QueueLoad.parse({ arrivalsPerHour: 120, aht: '4m', agents: 10 }); // aht: 240000
 * ```
 */
export const QueueLoad = z.strictObject({
  arrivalsPerHour: ArrivalsPerHour,
  aht: PositiveDuration,
  agents: z
    .number()
    .check(z.int('must be a whole number of agents'), z.gte(1, 'must be at least 1 agent'), z.lte(1_000_000)),
  patience: z.optional(PositiveDuration),
});
/**
 * What {@link erlangC} and {@link erlangA} take.
 *
 * @example
 * ```ts
 * import type { QueueLoad } from 'serviceflow/planning';
 * const phones: QueueLoad = { arrivalsPerHour: 300, aht: '5m', agents: 28, patience: '3m' };
 * ```
 */
export type QueueLoad = z.input<typeof QueueLoad>;

/**
 * A staffing target: a service level (`share` of arrivals answered within `answeredWithin`, e.g.
 * 80 % within 20 s) or an average speed of answer (`asa`, the mean wait).
 *
 * @example
 * ```ts
 * import { StaffingTarget } from 'serviceflow/planning';
 * StaffingTarget.parse({ answeredWithin: '20s', share: 0.8 }); // { answeredWithin: 20000, share: 0.8 }
 * StaffingTarget.parse({ asa: '30s' }); // { asa: 30000 }
 * ```
 */
export const StaffingTarget = z.union(
  [z.strictObject({ answeredWithin: Duration, share: TargetFraction }), z.strictObject({ asa: Duration })],
  {
    error:
      "must be { answeredWithin: '20s', share: 0.8 } (a share below 1) or { asa: '30s' }, durations as milliseconds or text",
  },
);
/**
 * What {@link StaffingTarget} accepts.
 *
 * @example
 * ```ts
 * import type { StaffingTarget } from 'serviceflow/planning';
 * const eightyTwenty: StaffingTarget = { answeredWithin: '20s', share: 0.8 };
 * ```
 */
export type StaffingTarget = z.input<typeof StaffingTarget>;

/**
 * How a queue performs: Erlang C or Erlang A's figures for one staffing level.
 *
 * @example
 * ```ts
 * import { erlangC, type QueuePerformance } from 'serviceflow/planning';
 * const phones: QueuePerformance = erlangC({ arrivalsPerHour: 200, aht: '3m', agents: 14 });
 * console.log(phones.serviceLevel('20s')); // ≈ 0.888: 89 % answered within 20 seconds
 * ```
 */
export interface QueuePerformance {
  readonly agents: number;
  /** Offered load in Erlangs: arrivals an hour × AHT in hours. */
  readonly load: number;
  /** Probability that an arrival waits at all. */
  readonly pWait: number;
  /** Mean wait over every arrival in ms (abandoners count the time until they left); `Infinity` when overloaded. */
  readonly asaMs: number;
  /** Share of the agents' time spent handling (1 when overloaded). */
  readonly occupancy: number;
  /** Share of arrivals that give up waiting: 0 in Erlang C. */
  readonly pAbandon: number;
  /** Share of arrivals answered within a time (ms or a duration such as `'20s'`). */
  readonly serviceLevel: (within: DurationInput) => number;
}

/**
 * What {@link requiredAgents} returns: the smallest number of agents that meets the target, and
 * how the queue performs with them.
 *
 * @example
 * ```ts
 * import { requiredAgents, type StaffingAnswer } from 'serviceflow/planning';
 * const answer: StaffingAnswer = requiredAgents({ arrivalsPerHour: 200, aht: '3m', target: { asa: '15s' } });
 * console.log(answer.agents, answer.asaMs);
 * ```
 */
export interface StaffingAnswer extends Omit<QueuePerformance, 'serviceLevel'> {
  /** The share answered within the target's `answeredWithin` (for an ASA target: within the ASA). */
  readonly serviceLevel: number;
}

/** Parses with a schema, throwing `INVALID_INPUT` naming the path. @internal */
export function parse<S extends z.core.$ZodType>(schema: S, what: string, value: unknown): z.output<S> {
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) {
    const { message, details } = describeZodError(what, value, parsed.error);
    throw new InvalidInputError(message, details);
  }
  return parsed.data;
}

function withinMs(value: DurationInput): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new InvalidInputError(
      `Invalid service level threshold: must be a duration such as '20s' or milliseconds (received ${JSON.stringify(value)})`,
      {
        received: value,
        expected: "a duration: milliseconds (a number >= 0) or text such as '20s'",
      },
    );
  }
  return ms;
}

function performance(agents: number, load: number, figures: QueueFigures): QueuePerformance {
  return {
    agents,
    load,
    pWait: figures.pWait,
    asaMs: figures.asaMs,
    occupancy: figures.occupancy,
    pAbandon: figures.pAbandon,
    serviceLevel: (within) => figures.serviceLevel(withinMs(within)),
  };
}

/** The figures of `servers` agents, by Erlang A with a patience, else Erlang C. */
function figuresFor(
  rate: number,
  ahtMs: number,
  servers: number,
  patienceMs: number | undefined,
  blocking: number,
): QueueFigures {
  const load = rate * ahtMs;
  return patienceMs === undefined
    ? erlangCFigures(load, servers, ahtMs, blocking)
    : erlangAFigures(rate, servers, ahtMs, patienceMs, blocking);
}

/**
 * Erlang C: how `agents` agents perform when `arrivalsPerHour` inquiries arrive at random (a
 * Poisson process), each takes `aht` on average (exponentially distributed), and every customer
 * waits as long as it takes. The classic staffing formula of contact centres.
 *
 * Computed through the Erlang B recurrence, never a factorial, so it stays exact for thousands of
 * agents. An overloaded queue (load at or above the agents) reports `pWait` 1, `asaMs` `Infinity`
 * and a service level of 0.
 *
 * @param load - `arrivalsPerHour`, `aht` (ms or a duration) and `agents`; a `patience` is ignored
 *   here (see {@link erlangA}).
 * @returns the probability of waiting, the mean wait, the occupancy and a `serviceLevel(within)`
 *   function.
 * @throws {InvalidInputError} `INVALID_INPUT` naming the bad field.
 *
 * @example
 * ```ts
 * import { erlangC } from 'serviceflow/planning';
 * const queue = erlangC({ arrivalsPerHour: 200, aht: '3m', agents: 14 });
 * queue.pWait; // ≈ 0.174
 * queue.serviceLevel('20s'); // ≈ 0.888
 * queue.asaMs; // ≈ 7,840: under 8 seconds on average
 * ```
 */
export function erlangC(load: QueueLoad): QueuePerformance {
  const { arrivalsPerHour, aht, agents } = parse(QueueLoad, 'Erlang C input', load);
  const rate = arrivalsPerHour / HOUR;
  const offered = rate * aht;
  return performance(agents, offered, figuresFor(rate, aht, agents, undefined, erlangB(offered, agents)));
}

/**
 * Erlang A (the M/M/c+M queue of Palm, Garnett–Mandelbaum–Reiman): Erlang C with customers who
 * give up. Each waiting customer leaves after an exponentially distributed patience of mean
 * `patience`; an abandoner is never answered. Stable at any load, and it needs fewer agents than
 * Erlang C for the same service level, as real queues do. Exact, from the stationary distribution
 * of the birth–death chain, summed in series that stay finite at any size.
 *
 * @param load - `arrivalsPerHour`, `aht`, `agents` and the customers' mean `patience`.
 * @returns `pWait`, `pAbandon`, `asaMs` (mean wait of all arrivals), `occupancy` and
 *   `serviceLevel(within)`: the share of arrivals answered within that time.
 * @throws {InvalidInputError} `INVALID_INPUT` naming the bad field (also when `patience` is missing).
 *
 * @example
 * ```ts
 * import { erlangA } from 'serviceflow/planning';
 * const chat = erlangA({ arrivalsPerHour: 200, aht: '3m', agents: 13, patience: '5m' });
 * chat.pAbandon; // ≈ 0.025: one in forty gives up
 * chat.serviceLevel('20s'); // ≈ 0.858
 * ```
 */
export function erlangA(load: QueueLoad): QueuePerformance {
  const { arrivalsPerHour, aht, agents, patience } = parse(
    z.required(QueueLoad, { patience: true }),
    'Erlang A input',
    load,
  );
  const rate = arrivalsPerHour / HOUR;
  const offered = rate * aht;
  return performance(agents, offered, figuresFor(rate, aht, agents, patience, erlangB(offered, agents)));
}

/**
 * What {@link requiredAgents} takes: the load, the target, and optionally a ceiling on occupancy,
 * the customers' patience (Erlang A) and a ceiling on abandonment.
 *
 * @example
 * ```ts
 * import { StaffingQuestion } from 'serviceflow/planning';
 * StaffingQuestion.parse({ arrivalsPerHour: 90, aht: '6m', target: { asa: '1m' }, maxOccupancy: 0.85 });
 * ```
 */
export const StaffingQuestion = z.strictObject({
  arrivalsPerHour: ArrivalsPerHour,
  aht: PositiveDuration,
  target: StaffingTarget,
  /** The highest share of time agents may spend handling (people need air): 0 to 1, default 1. */
  maxOccupancy: z.optional(z.number().check(z.gt(0, 'must be above 0'), z.lte(1, 'must be at most 1'))),
  /** Customers' mean patience: plan with Erlang A instead of Erlang C. */
  patience: z.optional(PositiveDuration),
  /** With a patience: the highest share of arrivals allowed to give up. */
  maxAbandon: z.optional(TargetFraction),
});
/**
 * What {@link requiredAgents} accepts.
 *
 * @example
 * ```ts
 * import type { StaffingQuestion } from 'serviceflow/planning';
 * const question: StaffingQuestion = { arrivalsPerHour: 200, aht: '3m', target: { answeredWithin: '20s', share: 0.8 } };
 * ```
 */
export type StaffingQuestion = z.input<typeof StaffingQuestion>;

/**
 * Fewer agents than this cannot meet the target with impatient customers: c agents answer at most
 * c/AHT an hour, so the share answered (at least the target share, or 1 − ASA/patience by Little's
 * law, or 1 − maxAbandon) times the load bounds c from below.
 */
function servedFloor(
  load: number,
  target: z.output<typeof StaffingTarget>,
  patience: number,
  maxAbandon: number,
): number {
  const answered = Math.max('asa' in target ? 1 - target.asa / patience : target.share, 1 - maxAbandon, 0);
  return Math.max(1, Math.floor(load * answered));
}

/** The largest staff the search tries: far beyond any load it may be asked about. */
const SEARCH_LIMIT = 2_000_000;

/**
 * Solves a validated staffing question on plain numbers.
 *
 * @internal
 */
export function solveStaffing(question: z.output<typeof StaffingQuestion>): StaffingAnswer {
  const { aht, target, patience } = question;
  const rate = question.arrivalsPerHour / HOUR;
  const load = rate * aht;
  const maxOccupancy = question.maxOccupancy ?? 1;
  const maxAbandon = question.maxAbandon ?? 1;
  const within = 'asa' in target ? target.asa : target.answeredWithin;
  // Below the load Erlang C has no finite wait, and its occupancy is the load over the agents.
  let agents =
    patience === undefined
      ? Math.max(Math.floor(load) + 1, Math.ceil(load / maxOccupancy - 1e-9))
      : servedFloor(load, target, patience, maxAbandon);
  let blocking = erlangB(load, agents);
  for (; agents <= SEARCH_LIMIT; agents++) {
    const figures = figuresFor(rate, aht, agents, patience, blocking);
    const level = figures.serviceLevel(within);
    const meets = 'asa' in target ? figures.asaMs <= target.asa : level >= target.share;
    if (meets && figures.occupancy <= maxOccupancy && figures.pAbandon <= maxAbandon) {
      return {
        agents,
        load,
        pWait: figures.pWait,
        asaMs: figures.asaMs,
        occupancy: figures.occupancy,
        pAbandon: figures.pAbandon,
        serviceLevel: level,
      };
    }
    blocking = nextErlangB(load, agents, blocking);
  }
  throw new InvalidInputError(
    `Invalid staffing question: no staff up to ${SEARCH_LIMIT.toLocaleString('en-US')} agents meets the target`,
    {
      path: ['target'],
      received: target,
      expected: 'a target some number of agents can meet',
    },
  );
}

/**
 * The smallest number of agents that meets a target: a service level (`{ answeredWithin: '20s',
 * share: 0.8 }`, the "80/20" of contact centres) or an average speed of answer (`{ asa: '30s' }`),
 * optionally at most `maxOccupancy` busy. With a `patience` it plans by Erlang A (customers give
 * up; `maxAbandon` caps how many may), else by Erlang C. The closed-form answer for one interval
 * of steady load; `planStaffing` plans a whole week of a real desk.
 *
 * @param question - `arrivalsPerHour`, `aht`, `target`, and optionally `maxOccupancy`,
 *   `patience`, `maxAbandon`.
 * @returns the agents and how the queue performs with them (`serviceLevel` is the share answered
 *   within the target's time, or within the ASA for an ASA target).
 * @throws {InvalidInputError} `INVALID_INPUT` naming the bad field.
 *
 * @example
 * ```ts
 * import { requiredAgents } from 'serviceflow/planning';
 * const plan = requiredAgents({ arrivalsPerHour: 200, aht: '3m', target: { answeredWithin: '20s', share: 0.8 }, maxOccupancy: 0.85 });
 * plan.agents; // 14
 * plan.serviceLevel; // ≈ 0.888
 * ```
 */
export function requiredAgents(question: StaffingQuestion): StaffingAnswer {
  return solveStaffing(parse(StaffingQuestion, 'staffing question', question));
}
