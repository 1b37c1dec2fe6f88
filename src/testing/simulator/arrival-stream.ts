/**
 * Who arrives when: the arrival instants (an hour-of-week profile), and for each arrival its
 * channel, priority, tier and category drawn from the options' mix, and its customer (new, or
 * one who wrote in the last few days).
 */
import type { Channel, Priority } from '../../schemas/inquiry.js';
import { arrivalTimes } from '../arrivals.js';
import { cumulativeWeights, type Random } from '../random.js';
import type { SimulationConfig } from '../simulation-options.js';
import { standardProfile } from '../standard-desk.js';

/** One arrival's draws: everything its `start` input needs but its id and instant. */
export interface ArrivalDraw {
  readonly channel: Channel;
  readonly priority: Priority;
  readonly tier: string;
  readonly category: string;
  readonly customerId: string;
}

export class ArrivalStream {
  private readonly times: ArrayLike<number>;
  private next = 0;
  private readonly channels: Mix<Channel>;
  private readonly priorities: Mix<Priority>;
  private readonly tiers: Mix<string>;
  private readonly categories: Mix<string>;
  private readonly customers: ReturningCustomers;

  /** Arrivals in [start, arrivalsEnd); the instants come from their own stream, `timesRandom`. */
  constructor(
    config: SimulationConfig,
    arrivalsEnd: number,
    timesRandom: Random,
    private readonly random: Random,
  ) {
    const arrivals = config.arrivals;
    this.times = arrivalTimes(
      timesRandom,
      config.inquiries,
      config.start,
      arrivalsEnd,
      arrivals.profile ?? standardProfile(),
      arrivals.timezone,
    );
    this.channels = weightsOf<Channel>(arrivals.channels);
    this.priorities = weightsOf<Priority>(arrivals.priorities);
    this.tiers = weightsOf(arrivals.tiers);
    this.categories = weightsOf(arrivals.categories);
    // Someone who wrote in the last three days' arrivals (at least the last 50).
    const recent = Math.max(50, Math.round((config.inquiries / Math.max(config.days, 1)) * 3));
    this.customers = new ReturningCustomers(config.customers.returnRate, recent);
  }

  /** The instant of the next arrival, or `Infinity` when all have arrived. */
  peek(): number {
    return this.next < this.times.length ? (this.times[this.next] as number) : Infinity;
  }

  /** Moves past the next arrival and returns its index (0 for the first). */
  take(): number {
    return this.next++;
  }

  /** Draws who the arrival is and what it is about. */
  draw(): ArrivalDraw {
    const random = this.random;
    const channel = draw(random, this.channels);
    const priority = draw(random, this.priorities);
    const tier = draw(random, this.tiers);
    const category = draw(random, this.categories);
    return { channel, priority, tier, category, customerId: this.customers.next(random.next()) };
  }
}

interface Mix<K extends string> {
  readonly keys: readonly K[];
  readonly cumulative: Float64Array;
}

function weightsOf<K extends string>(weights: Partial<Record<K, number>>): Mix<K> {
  const keys = Object.keys(weights) as K[];
  return { keys, cumulative: cumulativeWeights(keys.map((key) => weights[key] ?? 0)) };
}

/** One value of a mix, drawn by weight. */
function draw<K extends string>(random: Random, mix: Mix<K>): K {
  const key = mix.keys[random.pick(mix.cumulative)];
  // A programmer error no input can cause: the options schema requires a positive weight in every mix.
  if (key === undefined) throw new RangeError('a mix without a positive weight');
  return key;
}

/**
 * Who an arrival comes from, from one uniform draw `u` per arrival: with probability `rate` a
 * customer of one of the last `recent` arrivals (someone coming back within days), else a new
 * customer. One draw, as the uniform pool it replaces took, so that the rest of a seeded run is
 * unchanged.
 */
class ReturningCustomers {
  private readonly ring: string[] = [];
  private cursor = 0;
  private created = 0;

  constructor(
    private readonly rate: number,
    private readonly recent: number,
  ) {}

  next(u: number): string {
    const { ring, rate, recent } = this;
    let id: string;
    if (u < rate && ring.length > 0)
      id = ring[Math.min(ring.length - 1, Math.floor((u / rate) * ring.length))] as string;
    else id = `C-${++this.created}`;
    if (ring.length < recent) ring.push(id);
    else ring[this.cursor] = id;
    this.cursor = (this.cursor + 1) % recent;
    return id;
  }
}
