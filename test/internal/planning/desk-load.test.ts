import { describe, expect, it } from 'vitest';
import { meanOf, chanceShorterThan } from '../../../src/planning/desk-load.js';
import { DurationDistribution } from 'serviceflow/testing';
import { durationSampler } from '../../../src/testing/distribution.js';
import { seededRandom } from '../../../src/testing/random.js';

/** The mean and the share below a limit of many seeded draws of the simulator's own sampler. */
function sampled(input: Parameters<typeof DurationDistribution.parse>[0], limit: number) {
  const draw = durationSampler(DurationDistribution.parse(input));
  const random = seededRandom(5);
  let total = 0;
  let below = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const ms = draw(random);
    total += ms;
    if (ms < limit) below++;
  }
  return { mean: total / n, below: below / n };
}

describe('the closed form reads handling and reply times as the simulator draws them', () => {
  it.each([
    [{ kind: 'lognormal', median: '8m', p90: '25m', max: '3h' }, 600_000],
    [{ kind: 'lognormal', median: '1h', p90: '10h', max: '6d' }, 3 * 86_400_000],
    [{ kind: 'lognormal', median: '10m', p90: '2h', max: '30m' }, 900_000],
    [{ kind: 'exponential', mean: '4m' }, 240_000],
    [{ kind: 'exponential', mean: '1d', max: '2d' }, 86_400_000],
    [{ kind: 'uniform', min: '1m', max: '5m' }, 120_000],
    ['7m', 420_001],
  ] as const)('%j: mean and share below a limit', (input, limit) => {
    const distribution = DurationDistribution.parse(input);
    const draws = sampled(input, limit);
    // Within the sampling noise of the draws (a long lognormal tail is slow to average out).
    expect(Math.abs(meanOf(distribution) / draws.mean - 1)).toBeLessThan(0.02);
    expect(chanceShorterThan(distribution, limit)).toBeCloseTo(draws.below, 2);
  });
});
