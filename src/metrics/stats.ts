/**
 * Summary statistics of a set of durations.
 */

import { abbreviate, InvalidInputError } from '../errors.js';

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
 * Rearranges `values[left..right]` so that the k-th smallest of them is at index `k`, nothing
 * larger before it and nothing smaller after it, and returns it. This is Floyd and Rivest's SELECT
 * (CACM 18(3), 1975): on a large range it first selects recursively within a small sample, which
 * brackets `k` tightly, so partitioning costs about 1.5 comparisons per value where quickselect
 * needs about 3. Comparisons use `<`: for samples without NaN only.
 */
function selectInPlace(values: number[], k: number, left: number, right: number): number {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      selectInPlace(
        values,
        k,
        Math.max(left, Math.floor(k - (m * s) / n + sd)),
        Math.min(right, Math.floor(k + ((n - m) * s) / n + sd)),
      );
    }
    const pivot = values[k] ?? 0;
    let i = left;
    let j = right;
    swap(values, left, k);
    if ((values[right] ?? 0) > pivot) swap(values, left, right);
    while (i < j) {
      swap(values, i, j);
      i++;
      j--;
      while ((values[i] ?? 0) < pivot) i++;
      while ((values[j] ?? 0) > pivot) j--;
    }
    if (values[left] === pivot) swap(values, left, j);
    else swap(values, ++j, right);
    // The pivot is at j now: narrow to the side that holds k.
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
  return values[k] ?? 0;
}

function swap(values: number[], i: number, j: number): void {
  const value = values[i] ?? 0;
  values[i] = values[j] ?? 0;
  values[j] = value;
}

/**
 * The p-quantile of samples, found by selection rather than sorting: the same value as
 * {@link quantile} over the sorted samples (ties are equal values), in linear time. Reorders
 * `values` from index `from`, which must not pass the quantile's lower rank.
 */
function selectQuantile(values: number[], p: number, from: number): { value: number; low: number } {
  const rank = p * (values.length - 1);
  const low = Math.floor(rank);
  const lower = selectInPlace(values, low, from, values.length - 1);
  // After the selection everything past `low` is at least `lower`: the next rank is their minimum.
  let upper = lower;
  if (rank > low) {
    upper = Infinity;
    for (let i = low + 1; i < values.length; i++) upper = Math.min(upper, values[i] ?? upper);
  }
  // The same arithmetic as `quantile`, down to the sign of a zero.
  return { value: lower + (rank - low) * (upper - lower), low };
}

/**
 * The sum of the samples when it is exact in any order (whole milliseconds whose absolute values
 * add up to at most 2^53 − 1, as every real duration does), otherwise `undefined`: floating-point
 * addition does not associate, so such samples are added up in sorted order.
 */
function exactSum(values: readonly number[]): number | undefined {
  let sum = 0;
  let magnitude = 0;
  // An indexed loop, not `for…of`: the faster form over a large array (bench/README.md).
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === undefined || !Number.isInteger(value)) return undefined;
    sum += value;
    magnitude += Math.abs(value);
    // Checked in the loop rather than after it, so that the loop's compiled code is not thrown
    // away when first leaving it (bench/README.md).
    if (magnitude > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return sum;
}

/**
 * Summarises durations (ms) as {@link DurationStats}. The result does not depend on the order of
 * the samples (whole-millisecond samples are summed exactly; any others are sorted first).
 *
 * @example
 * ```ts
 * import { durationStats } from 'serviceflow';
 * durationStats([]); // { count: 0, mean: null, median: null, p90: null }
 * durationStats([10, 20, 30, 40]).median; // 25
 * ```
 */
export function durationStats(samples: readonly number[]): DurationStats {
  if (!Array.isArray(samples) || !samples.every((sample) => typeof sample === 'number')) {
    throw new InvalidInputError(
      `durationStats: samples must be an array of numbers (received ${abbreviate(samples)})`,
      {
        received: samples,
        expected: 'an array of durations in ms',
      },
    );
  }
  return summariseInPlace(samples.slice());
}

/**
 * {@link durationStats} of samples the caller owns and no longer needs: reorders them rather than
 * copying them.
 */
export function summariseInPlace(samples: number[]): DurationStats {
  if (samples.length === 0) return { count: 0, mean: null, median: null, p90: null };
  const sum = exactSum(samples);
  if (sum !== undefined) {
    // The figures of the sorted samples without sorting them: a sum that is exact in any order is
    // the sorted sum, and selection finds the values at the quantiles' ranks. Two selections cost
    // a fraction of a sort; the second starts where the first left off.
    const median = selectQuantile(samples, 0.5, 0);
    const p90 = selectQuantile(samples, 0.9, median.low);
    return { count: samples.length, mean: sum / samples.length, median: median.value, p90: p90.value };
  }
  // A typed array sorts numerically without a comparator (−0 before 0, NaN last), and fast.
  const sorted = Float64Array.from(samples).sort();
  let sortedSum = 0;
  for (const sample of sorted) sortedSum += sample;
  return {
    count: sorted.length,
    mean: sortedSum / sorted.length,
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
  };
}
