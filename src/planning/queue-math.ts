/**
 * The queueing formulas behind Erlang C and Erlang A, on plain numbers (rates per millisecond,
 * durations in milliseconds). Every quantity that could overflow (factorials, powers of the load)
 * is carried as a ratio or a logarithm, so that hundreds or thousands of agents stay exact.
 *
 * @internal
 */

/**
 * Erlang B, the blocking probability of `servers` servers offered `load` Erlangs, by the
 * recurrence B(k) = A·B(k−1) / (k + A·B(k−1)): no factorials, every step in (0, 1].
 */
export function erlangB(load: number, servers: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (load * b) / (k + load * b);
  return b;
}

/** Erlang B one server further: B(c+1) from B(c). */
export const nextErlangB = (load: number, servers: number, b: number): number => (load * b) / (servers + 1 + load * b);

/** What a queue of `servers` agents gives: the figures both Erlang C and Erlang A report. */
export interface QueueFigures {
  readonly pWait: number;
  /** Mean wait of every arrival (abandoners count the time until they left). */
  readonly asaMs: number;
  readonly occupancy: number;
  /** Share of arrivals that give up waiting (0 without abandonment). */
  readonly pAbandon: number;
  /** Share of arrivals answered within `withinMs` (an abandoner is never answered). */
  readonly serviceLevel: (withinMs: number) => number;
}

/**
 * Erlang C (M/M/c): Poisson arrivals, exponential handling, `servers` agents, nobody leaves.
 * `blocking` is Erlang B for the same load and servers.
 */
export function erlangCFigures(load: number, servers: number, ahtMs: number, blocking: number): QueueFigures {
  if (load <= 0) return { pWait: 0, asaMs: 0, occupancy: 0, pAbandon: 0, serviceLevel: () => 1 };
  if (servers <= load) {
    // An overloaded queue grows without bound: everyone waits, and the wait has no mean.
    return { pWait: 1, asaMs: Infinity, occupancy: 1, pAbandon: 0, serviceLevel: () => 0 };
  }
  const pWait = blocking / (1 - (load / servers) * (1 - blocking));
  const spare = servers - load;
  return {
    pWait,
    asaMs: (pWait * ahtMs) / spare,
    occupancy: load / servers,
    pAbandon: 0,
    serviceLevel: (withinMs) => Math.max(0, Math.min(1, 1 - pWait * Math.exp((-spare * withinMs) / ahtMs))),
  };
}

/** Natural logarithms of positive-term sums, kept finite by rescaling as they grow. */
interface LogSums {
  /** log Σ tₙ */
  readonly log0: number;
  /** log Σ n·tₙ */
  readonly log1: number;
}

const RESCALE = 1e280;
const LOG_RESCALE = Math.log(RESCALE);

/**
 * Sums the series tₙ = Πₖ₌₁ⁿ z/(a+k) (t₀ = 1) and Σ n·tₙ, in logarithms. The terms rise while
 * a + n < z and then fall off faster than geometrically; the loop stops once they no longer change
 * the sum.
 */
export function logSeries(a: number, z: number): LogSums {
  if (z <= 0) return { log0: 0, log1: -Infinity };
  let term = 1;
  let sum0 = 1;
  let sum1 = 0;
  let scale = 0; // the sums and the term are stored divided by e^scale
  for (let n = 1; n < 50_000_000; n++) {
    term *= z / (a + n);
    sum0 += term;
    sum1 += n * term;
    if (sum1 > RESCALE) {
      term /= RESCALE;
      sum0 /= RESCALE;
      sum1 /= RESCALE;
      scale += LOG_RESCALE;
    }
    if (a + n > z && term * (n + 1) <= sum0 * 1e-17) break;
  }
  return { log0: Math.log(sum0) + scale, log1: sum1 > 0 ? Math.log(sum1) + scale : -Infinity };
}

/**
 * Erlang A (M/M/c+M, Palm's queue with impatient customers, as Garnett, Mandelbaum and Reiman
 * write it): Poisson arrivals at `rate` per ms, exponential handling of mean `ahtMs`, exponential
 * patience of mean `patienceMs`. Exact, from the birth–death chain's stationary distribution with
 * the states above `servers` summed in closed series: with x = c·patience/aht and g = λ·patience,
 * P(N = c + j) = P(N = c)·gʲ/((x+1)…(x+j)). An arrival that finds j waiting is answered within t
 * with the probability a tagged-customer argument gives in closed form, summed over j into two
 * series of the same kind.
 */
export function erlangAFigures(
  rate: number,
  servers: number,
  ahtMs: number,
  patienceMs: number,
  blocking: number,
): QueueFigures {
  if (rate <= 0) return { pWait: 0, asaMs: 0, occupancy: 0, pAbandon: 0, serviceLevel: () => 1 };
  const x = (servers * patienceMs) / ahtMs;
  const g = rate * patienceMs;
  const queue = logSeries(x, g);
  // Masses relative to P(N <= c) = 1: P(N < c) = 1 − B, P(N >= c) = B·Σtⱼ.
  const logWaiting = Math.log(blocking) + queue.log0;
  const notWaitingOverWaiting = Math.exp(Math.log1p(-blocking) - logWaiting);
  const pWait = blocking === 0 ? 0 : 1 / (1 + notWaitingOverWaiting);
  // Abandonment rate θ·E[Q] over the arrival rate λ: P(N >= c)·(Σ j·tⱼ / Σ tⱼ) / g.
  const pAbandon = queue.log1 === -Infinity ? 0 : Math.min(1, pWait * Math.exp(queue.log1 - queue.log0 - Math.log(g)));
  const served = logSeries(x + 1, g).log0;
  const xShare = x / (x + 1);
  return {
    pWait,
    // Little's law on the queue: E[wait] = E[Q]/λ = P(abandon)/θ.
    asaMs: pAbandon * patienceMs,
    occupancy: Math.min(1, (rate * (1 - pAbandon) * ahtMs) / servers),
    pAbandon,
    serviceLevel: (withinMs) => {
      if (pWait === 0) return 1;
      // y = e^(−θt): the chance that a patience outlasts t. The waiting arrivals answered within t,
      // relative to P(N = c): x/(x+1)·[S(x+1, g) − e^(g(1−y))·y^(x+1)·S(x+1, g·y)].
      const logY = -withinMs / patienceMs;
      const y = Math.exp(logY);
      const late = g * (1 - y) + (x + 1) * logY + logSeries(x + 1, g * y).log0;
      const answeredOfWaiting = xShare * (Math.exp(served - queue.log0) - Math.exp(late - queue.log0));
      return Math.max(0, Math.min(1, 1 - pWait + pWait * answeredOfWaiting));
    },
  };
}
