import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erlangA, erlangC, requiredAgents } from 'serviceflow/planning';
import { thrown } from '../support/errors.js';

/**
 * Erlang C's probability of waiting computed independently, in exact rational arithmetic: with a
 * load A = p/q, the terms Aᵏ/k! of the Erlang formula share the denominator qᶜ·c!, so every sum is
 * a BigInt and nothing rounds until the final division.
 */
function exactErlangC(p: bigint, q: bigint, c: number): number {
  const cc = BigInt(c);
  if (cc * q <= p) return 1;
  // tₖ = pᵏ·q^(c−k)·c!/k!, from t_c = pᶜ down: t_(k−1) = tₖ·q·k/p (exact: tₖ holds pᵏ).
  let term = p ** cc;
  const top = term;
  let below = 0n;
  for (let k = c; k >= 1; k--) {
    term = (term * q * BigInt(k)) / p;
    below += term;
  }
  const waiting = top * cc * q;
  const all = below * (cc * q - p) + waiting;
  return Number((waiting * 10n ** 18n) / all) / 1e18;
}

/** The smallest c meeting share-within-t by the exact formula: 1 − C·e^(−(c−A)·t/AHT). */
function exactRequired(p: bigint, q: bigint, ahtMs: number, withinMs: number, share: number): number {
  const load = Number(p) / Number(q);
  for (let c = Math.floor(load) + 1; ; c++) {
    const level = 1 - exactErlangC(p, q, c) * Math.exp((-(c - load) * withinMs) / ahtMs);
    if (level >= share) return c;
  }
}

describe('erlangC', () => {
  it("reproduces pyworkforce's worked example: 100 calls in 30 minutes, AHT 3 minutes", () => {
    // pyworkforce README / test_erlang.py: 14 positions, service level 0.888 within 0.33 min,
    // occupancy 0.714, waiting probability 0.174.
    const queue = erlangC({ arrivalsPerHour: 200, aht: '3m', agents: 14 });
    expect(queue.load).toBeCloseTo(10, 12);
    expect(queue.pWait).toBeCloseTo(0.174, 3);
    expect(queue.serviceLevel(0.33 * 60_000)).toBeCloseTo(0.888, 3);
    expect(queue.occupancy).toBeCloseTo(0.714, 3);
    expect(queue.pAbandon).toBe(0);
  });

  it('agrees with the exact rational formula from 0.5 to 500 Erlangs', () => {
    for (const [p, q, c] of [
      [1n, 2n, 1],
      [1n, 2n, 3],
      [37n, 10n, 5],
      [10n, 1n, 14],
      [995n, 10n, 110],
      [500n, 1n, 520],
      [4999n, 10n, 501],
    ] as const) {
      const queue = erlangC({ arrivalsPerHour: (Number(p) / Number(q)) * 20, aht: '3m', agents: c });
      expect(queue.pWait).toBeCloseTo(exactErlangC(p, q, c), 12);
    }
  });

  it('reports an overloaded queue as everyone waiting forever', () => {
    const queue = erlangC({ arrivalsPerHour: 300, aht: '3m', agents: 15 });
    expect(queue).toMatchObject({ pWait: 1, asaMs: Infinity, occupancy: 1 });
    expect(queue.serviceLevel('1h')).toBe(0);
  });

  it('stays finite and exact for thousands of agents, where factorials overflow', () => {
    const queue = erlangC({ arrivalsPerHour: 100_000, aht: '3m', agents: 5_100 });
    expect(queue.pWait).toBeGreaterThan(0);
    expect(queue.pWait).toBeLessThan(1);
    expect(Number.isFinite(queue.asaMs)).toBe(true);
    const idle = erlangC({ arrivalsPerHour: 1, aht: '3m', agents: 2_000 });
    expect(idle.pWait).toBe(0);
    expect(idle.serviceLevel(0)).toBe(1);
  });

  it('accepts durations as milliseconds or text, and rejects bad input with INVALID_INPUT and the path', () => {
    expect(erlangC({ arrivalsPerHour: 200, aht: 180_000, agents: 14 }).serviceLevel(20_000)).toBeCloseTo(
      erlangC({ arrivalsPerHour: 200, aht: '3m', agents: 14 }).serviceLevel('20s'),
      15,
    );
    expect(thrown(() => erlangC({ arrivalsPerHour: 200, aht: '3 minutes', agents: 14 }))).toMatchObject({
      code: 'INVALID_INPUT',
      path: ['aht'],
    });
    expect(thrown(() => erlangC({ arrivalsPerHour: -1, aht: '3m', agents: 14 }))).toMatchObject({
      code: 'INVALID_INPUT',
      path: ['arrivalsPerHour'],
    });
    expect(thrown(() => erlangC({ arrivalsPerHour: 10, aht: '3m', agents: 2.5 }))).toMatchObject({
      code: 'INVALID_INPUT',
      path: ['agents'],
    });
    expect(thrown(() => erlangC({ arrivalsPerHour: 10, aht: 0, agents: 2 }))).toMatchObject({
      code: 'INVALID_INPUT',
      path: ['aht'],
    });
    const queue = erlangC({ arrivalsPerHour: 10, aht: '3m', agents: 2 });
    expect(thrown(() => queue.serviceLevel('soon'))).toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('requiredAgents', () => {
  it("reproduces pyworkforce's worked examples, with and without an occupancy ceiling", () => {
    const target = { answeredWithin: 0.33 * 60_000, share: 0.8 };
    const at85 = requiredAgents({ arrivalsPerHour: 200, aht: '3m', target, maxOccupancy: 0.85 });
    expect(at85.agents).toBe(14);
    expect(at85.serviceLevel).toBeCloseTo(0.888, 3);
    expect(at85.occupancy).toBeCloseTo(0.714, 3);
    expect(at85.pWait).toBeCloseTo(0.174, 3);
    const at70 = requiredAgents({ arrivalsPerHour: 200, aht: '3m', target, maxOccupancy: 0.7 });
    expect(at70.agents).toBe(15);
    expect(at70.serviceLevel).toBeCloseTo(0.941, 3);
    expect(at70.occupancy).toBeCloseTo(0.667, 3);
    expect(at70.pWait).toBeCloseTo(0.102, 3);
  });

  it('agrees with the smallest staff the exact formula finds, for loads from 0.5 to 500 Erlangs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 5_000 }),
        fc.constantFrom(60_000, 180_000, 300_000),
        fc.constantFrom(10_000, 20_000, 60_000),
        fc.constantFrom(0.5, 0.8, 0.9, 0.95),
        (tenths, ahtMs, withinMs, share) => {
          const load = tenths / 10;
          const answer = requiredAgents({
            arrivalsPerHour: (load * 3_600_000) / ahtMs,
            aht: ahtMs,
            target: { answeredWithin: withinMs, share },
          });
          expect(answer.agents).toBe(exactRequired(BigInt(tenths), 10n, ahtMs, withinMs, share));
          expect(answer.serviceLevel).toBeGreaterThanOrEqual(share);
        },
      ),
      { numRuns: 40, seed: 17 },
    );
  });

  it('meets an ASA target with the smallest staff, and the next smaller staff misses it', () => {
    const answer = requiredAgents({ arrivalsPerHour: 6_000, aht: '5m', target: { asa: '15s' } });
    expect(answer.asaMs).toBeLessThanOrEqual(15_000);
    expect(erlangC({ arrivalsPerHour: 6_000, aht: '5m', agents: answer.agents - 1 }).asaMs).toBeGreaterThan(15_000);
    expect(answer.load).toBeCloseTo(500, 9);
  });

  it('plans with Erlang A when given a patience, needing no more agents than Erlang C', () => {
    const target = { answeredWithin: '20s', share: 0.8 } as const;
    // pyworkforce's Erlang A example: 13 positions, service level 0.858, abandonment 0.025.
    const impatient = requiredAgents({
      arrivalsPerHour: 200,
      aht: '3m',
      target,
      patience: '5m',
      maxOccupancy: 0.85,
      maxAbandon: 0.05,
    });
    expect(impatient.agents).toBe(13);
    expect(impatient.pAbandon).toBeCloseTo(0.025, 3);
    for (const load of [0.5, 5, 50, 500]) {
      const question = { arrivalsPerHour: load * 20, aht: '3m', target };
      expect(requiredAgents({ ...question, patience: '2m' }).agents).toBeLessThanOrEqual(
        requiredAgents(question).agents,
      );
    }
  });

  it('rejects a target no queue can meet or a malformed one with INVALID_INPUT and the path', () => {
    const unreachable = thrown(() =>
      requiredAgents({ arrivalsPerHour: 10, aht: '3m', target: { answeredWithin: '20s', share: 1 } }),
    );
    expect(unreachable).toMatchObject({ code: 'INVALID_INPUT', path: ['target', 'share'] });
    expect(unreachable.message).toMatch(/share below 1/);
    expect(thrown(() => requiredAgents({ arrivalsPerHour: 10, aht: '3m', target: { asa: 'fast' } }))).toMatchObject({
      code: 'INVALID_INPUT',
      path: ['target'],
    });
    expect(
      thrown(() => requiredAgents({ arrivalsPerHour: 10, aht: '3m', target: { asa: '1m' }, maxOccupancy: 1.5 })),
    ).toMatchObject({ code: 'INVALID_INPUT', path: ['maxOccupancy'] });
  });
});

describe('erlangA', () => {
  it("reproduces pyworkforce's Erlang A example: 13 agents, patience 5 minutes", () => {
    const queue = erlangA({ arrivalsPerHour: 200, aht: '3m', agents: 13, patience: '5m' });
    expect(queue.serviceLevel('20s')).toBeCloseTo(0.858, 3);
    expect(queue.occupancy).toBeCloseTo(0.75, 3);
    expect(queue.pAbandon).toBeCloseTo(0.025, 3);
    expect(queue.pWait).toBeCloseTo(0.226, 3);
    expect(queue.asaMs / 60_000).toBeCloseTo(0.125, 3);
  });

  it('agrees with the birth–death chain summed state by state', () => {
    for (const [arrivalsPerHour, agents, patienceMin] of [
      [200, 13, 5],
      [200, 8, 2],
      [40, 3, 10],
      [600, 25, 1],
    ] as const) {
      const lambda = arrivalsPerHour / 60;
      const mu = 1 / 3;
      const theta = 1 / patienceMin;
      const weights = [1];
      for (let n = 1; n < 4_000; n++)
        weights.push(((weights[n - 1] ?? 0) * lambda) / (Math.min(n, agents) * mu + Math.max(0, n - agents) * theta));
      const total = weights.reduce((s, w) => s + w, 0);
      const pWait = weights.slice(agents).reduce((s, w) => s + w, 0) / total;
      const queueLength = weights.reduce((s, w, n) => s + Math.max(0, n - agents) * w, 0) / total;
      const queue = erlangA({ arrivalsPerHour, aht: '3m', agents, patience: `${patienceMin}m` });
      expect(queue.pWait).toBeCloseTo(pWait, 10);
      expect(queue.pAbandon).toBeCloseTo((theta * queueLength) / lambda, 10);
      expect(queue.asaMs / 60_000).toBeCloseTo(queueLength / lambda, 8);
    }
  });

  it('tends to Erlang C as customers grow patient, and stays stable when overloaded', () => {
    const c = erlangC({ arrivalsPerHour: 200, aht: '3m', agents: 12 });
    const a = erlangA({ arrivalsPerHour: 200, aht: '3m', agents: 12, patience: '1000d' });
    expect(a.pWait).toBeCloseTo(c.pWait, 5);
    expect(a.serviceLevel('20s')).toBeCloseTo(c.serviceLevel('20s'), 5);
    const overloaded = erlangA({ arrivalsPerHour: 20_000, aht: '3m', agents: 500, patience: '30m' });
    expect(overloaded.pWait).toBeCloseTo(1, 9);
    expect(overloaded.pAbandon).toBeCloseTo(0.5, 6);
    expect(overloaded.occupancy).toBeCloseTo(1, 6);
  });

  it('answers more within a longer time, and more with more agents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 60 }), (agents, patienceMin) => {
        const queue = erlangA({ arrivalsPerHour: 2_000, aht: '6m', agents, patience: `${patienceMin}m` });
        const more = erlangA({ arrivalsPerHour: 2_000, aht: '6m', agents: agents + 1, patience: `${patienceMin}m` });
        expect(queue.serviceLevel('1m')).toBeGreaterThanOrEqual(queue.serviceLevel('10s') - 1e-12);
        expect(more.serviceLevel('20s')).toBeGreaterThanOrEqual(queue.serviceLevel('20s') - 1e-12);
        expect(queue.serviceLevel('20s')).toBeLessThanOrEqual(1 - queue.pAbandon + 1e-12);
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('needs a patience', () => {
    expect(thrown(() => erlangA({ arrivalsPerHour: 10, aht: '3m', agents: 2 }))).toMatchObject({
      code: 'INVALID_INPUT',
      path: ['patience'],
    });
  });
});
