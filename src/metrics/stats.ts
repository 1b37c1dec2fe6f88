/**
 * Summary statistics of a set of durations.
 */

/**
 * A distribution of durations in milliseconds: how many samples, their arithmetic mean, their
 * median and their 90th percentile. With no samples, `count` is 0 and the rest are `null`.
 *
 * Percentiles interpolate linearly between the closest ranks (the method of Excel's
 * `PERCENTILE.INC` and NumPy's default): for sorted samples `x[0] ≤ … ≤ x[n−1]` the p-quantile is
 * at rank `r = p·(n−1)`, `x[⌊r⌋] + (r − ⌊r⌋)·(x[⌈r⌉] − x[⌊r⌋])`. The median is the p = 0.5 quantile
 * (the mean of the two middle samples for an even count). Nothing is rounded.
 *
 * @example
 * ```ts
 * import { durationStats, type DurationStats } from 'serviceflow';
 * const stats: DurationStats = durationStats([60_000, 120_000, 300_000]);
 * // { count: 3, mean: 160000, median: 120000, p90: 264000 }
 * ```
 */
export interface DurationStats {
  readonly count: number;
  readonly mean: number | null;
  readonly median: number | null;
  readonly p90: number | null;
}

/** The p-quantile (0 ≤ p ≤ 1) of samples sorted ascending, interpolated between closest ranks. */
function quantile(sorted: ArrayLike<number>, p: number): number {
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lower = sorted[low] ?? 0;
  const upper = sorted[high] ?? lower;
  return lower + (rank - low) * (upper - lower);
}

/**
 * Summarises durations (ms) as {@link DurationStats}. The result does not depend on the order of
 * the samples: they are sorted before anything is added up.
 *
 * @example
 * ```ts
 * import { durationStats } from 'serviceflow';
 * durationStats([]); // { count: 0, mean: null, median: null, p90: null }
 * durationStats([10, 20, 30, 40]).median; // 25
 * ```
 */
export function durationStats(samples: readonly number[]): DurationStats {
  if (samples.length === 0) return { count: 0, mean: null, median: null, p90: null };
  // A typed array sorts numerically without a comparator, several times faster on large sets.
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const sample of sorted) sum += sample;
  return { count: sorted.length, mean: sum / sorted.length, median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9) };
}
