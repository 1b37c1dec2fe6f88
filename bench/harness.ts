/**
 * A tiny benchmark harness: run a body in rounds, report medians and ratios against a baseline
 * measured in the same run. These machines are shared and noisy, so single timings mean little.
 */
import { performance } from 'node:perf_hooks';

export interface Measurement {
  /** Operations per second, the median over rounds. */
  readonly opsPerSec: number;
  /** Nanoseconds per operation, the median over rounds. */
  readonly nsPerOp: number;
  readonly rounds: number;
  readonly opsPerRound: number;
}

/** Median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The q-quantile (0..1) of a list of numbers, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * Measures `body(i)` over `rounds` rounds of `opsPerRound` calls after a warm-up round. The body
 * receives the operation index so that it can walk a pre-generated vector of inputs.
 */
export function measure(
  body: (i: number) => unknown,
  {
    opsPerRound = 10_000,
    rounds = 15,
    warmupRounds = 3,
  }: { opsPerRound?: number; rounds?: number; warmupRounds?: number } = {},
): Measurement {
  let sink: unknown;
  for (let r = 0; r < warmupRounds; r++) for (let i = 0; i < opsPerRound; i++) sink = body(i);
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < opsPerRound; i++) sink = body(i);
    perRound.push(performance.now() - start);
  }
  keep(sink);
  const ms = median(perRound);
  return { opsPerSec: (opsPerRound / ms) * 1000, nsPerOp: (ms * 1e6) / opsPerRound, rounds, opsPerRound };
}

/**
 * Measures two bodies in interleaved rounds (A, B, A, B…) so that both see the same machine load,
 * and reports the median of the per-round speed ratios `candidate / baseline` (>1 = candidate faster).
 */
export function compare(
  candidate: (i: number) => unknown,
  baseline: (i: number) => unknown,
  {
    opsPerRound = 10_000,
    rounds = 15,
    warmupRounds = 3,
  }: { opsPerRound?: number; rounds?: number; warmupRounds?: number } = {},
): { candidate: Measurement; baseline: Measurement; ratio: number } {
  let sink: unknown;
  for (let r = 0; r < warmupRounds; r++) {
    for (let i = 0; i < opsPerRound; i++) sink = candidate(i);
    for (let i = 0; i < opsPerRound; i++) sink = baseline(i);
  }
  const candidateMs: number[] = [];
  const baselineMs: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let start = performance.now();
    for (let i = 0; i < opsPerRound; i++) sink = candidate(i);
    const c = performance.now() - start;
    start = performance.now();
    for (let i = 0; i < opsPerRound; i++) sink = baseline(i);
    const b = performance.now() - start;
    candidateMs.push(c);
    baselineMs.push(b);
    ratios.push(b / c);
  }
  keep(sink);
  const toMeasurement = (ms: number[]): Measurement => {
    const m = median(ms);
    return { opsPerSec: (opsPerRound / m) * 1000, nsPerOp: (m * 1e6) / opsPerRound, rounds, opsPerRound };
  };
  return { candidate: toMeasurement(candidateMs), baseline: toMeasurement(baselineMs), ratio: median(ratios) };
}

let blackhole: unknown;
/** Keeps a value alive so the optimiser cannot drop the work that produced it. */
export function keep(value: unknown): void {
  blackhole = value;
  if (blackhole === Symbol.for('never')) console.log('');
}

/** Prints one figure as one JSON line on stdout. */
export function report(figure: Record<string, unknown> & { bench: string; metric: string }): void {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

/** A small deterministic PRNG (mulberry32) so that every run measures the same vectors. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
