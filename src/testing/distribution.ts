/**
 * Durations drawn at random: handling times, customer response delays, survey answer delays.
 * Each is given as plain data (validated with zod) and turned into a sampler over a seeded
 * {@link Random}.
 */
import * as z from 'zod/mini';
import { Duration } from '../schemas/time.js';
import type { Random } from './random.js';

const Z90 = 1.2815515655446004;

/**
 * A distribution of durations. A bare duration (`'10m'`, `600000`) is a fixed value; the other
 * forms name their `kind`. Every sample is whole milliseconds, at least 0, and at most `max` when
 * given (long tails of lognormal and exponential draws are cut there).
 *
 * - `{ kind: 'fixed', value }`
 * - `{ kind: 'uniform', min, max }`
 * - `{ kind: 'exponential', mean, max? }` — memoryless waits (time between independent events)
 * - `{ kind: 'lognormal', median, p90, max? }` — handling and response times: half are shorter
 *   than `median`, nine in ten shorter than `p90`
 *
 * @example
 * ```ts
 * import { DurationDistribution } from 'serviceflow/testing';
 * const handling = DurationDistribution.parse({ kind: 'lognormal', median: '8m', p90: '25m' });
 * ```
 */
export const DurationDistribution = z.union([
  z.pipe(
    Duration,
    z.transform((value) => ({ kind: 'fixed' as const, value })),
  ),
  z.strictObject({ kind: z.literal('fixed'), value: Duration }),
  z
    .strictObject({ kind: z.literal('uniform'), min: Duration, max: Duration })
    .check(z.refine((d) => d.max >= d.min, { message: 'max must not be below min', path: ['max'] })),
  z.strictObject({ kind: z.literal('exponential'), mean: Duration, max: z.optional(Duration) }),
  z.strictObject({ kind: z.literal('lognormal'), median: Duration, p90: Duration, max: z.optional(Duration) }).check(
    z.refine((d) => d.median > 0 && d.p90 >= d.median, {
      message: 'a lognormal needs 0 < median <= p90',
      path: ['p90'],
    }),
  ),
]);
/**
 * A validated distribution, durations in milliseconds.
 *
 * @example
 * ```ts
 * import { DurationDistribution } from 'serviceflow/testing';
 * const fixed: DurationDistribution = DurationDistribution.parse('10m'); // { kind: 'fixed', value: 600000 }
 * ```
 */
export type DurationDistribution = z.output<typeof DurationDistribution>;
/**
 * What {@link DurationDistribution} accepts.
 *
 * @example
 * ```ts
 * import type { DurationDistributionInput } from 'serviceflow/testing';
 * const replyDelay: DurationDistributionInput = { kind: 'exponential', mean: '3h', max: '2d' };
 * ```
 */
export type DurationDistributionInput = z.input<typeof DurationDistribution>;

/**
 * Draws whole milliseconds from a validated distribution.

 */
export type DurationSampler = (random: Random) => number;

/**
 * Turns a validated distribution into a sampler.

 */
export function durationSampler(distribution: DurationDistribution): DurationSampler {
  switch (distribution.kind) {
    case 'fixed': {
      const value = distribution.value;
      return () => value;
    }
    case 'uniform': {
      const { min, max } = distribution;
      return (random) => Math.round(min + random.next() * (max - min));
    }
    case 'exponential': {
      const { mean } = distribution;
      const max = distribution.max ?? Number.MAX_SAFE_INTEGER;
      return (random) => Math.min(max, Math.round(-mean * Math.log(1 - random.next())));
    }
    case 'lognormal': {
      const mu = Math.log(distribution.median);
      const sigma = (Math.log(distribution.p90) - mu) / Z90;
      const max = distribution.max ?? Number.MAX_SAFE_INTEGER;
      return (random) => Math.min(max, Math.round(Math.exp(mu + sigma * random.normal())));
    }
  }
}
