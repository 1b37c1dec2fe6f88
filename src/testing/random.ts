/**
 * The simulator's source of randomness: a small seeded generator (sfc32, seeded through
 * splitmix32) so that the same seed always draws the same numbers, on every platform.
 */

/** A seeded stream of uniform numbers in [0, 1) and the draws the simulator needs from them. */
export interface Random {
  /** A uniform number in [0, 1). */
  next(): number;
  /** A uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** `true` with probability `p`. */
  chance(p: number): boolean;
  /** A standard normal number (mean 0, deviation 1). */
  normal(): number;
  /** An index drawn with probability proportional to `cumulative[i] - cumulative[i - 1]`. */
  pick(cumulative: Float64Array | readonly number[]): number;
  /** An independent generator derived from this one and a label (streams that must not interfere). */
  fork(label: number): Random;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seeded generator. Equal seeds give equal sequences; the seed is any integer (its low 32 bits
 * and the sign of the rest are mixed in).
 */
export function seededRandom(seed: number): Random {
  const mix = splitmix32(seed ^ Math.floor(seed / 0x1_0000_0000));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next = (): number => {
    // sfc32: passes PractRand to 2^40 bytes, which is far more than a simulation draws.
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | null = null;
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => p >= 1 || (p > 0 && next() < p),
    normal() {
      if (spare !== null) {
        const value = spare;
        spare = null;
        return value;
      }
      // Box–Muller; 1 - u keeps the logarithm finite.
      const u = 1 - next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    pick(cumulative) {
      const total = cumulative[cumulative.length - 1] ?? 0;
      const x = next() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulative[mid] ?? 0) > x) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
    fork: (label) => seededRandom((Math.floor(next() * 4294967296) ^ Math.imul(label + 1, 0x27d4eb2d)) >>> 0),
  };
  return random;
}

/** Running sums of non-negative weights, for {@link Random.pick}. */
export function cumulativeWeights(weights: readonly number[]): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((weight, index) => {
    total += weight;
    sums[index] = total;
  });
  return sums;
}
