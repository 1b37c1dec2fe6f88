import { describe, expect, it } from 'vitest';
import { simulate, type SimulationOptions } from 'serviceflow/testing';
import { planStaffing, requiredAgents, type StaffingPlan } from 'serviceflow/planning';
import { thrown } from '../support/errors.js';

const HOUR = 3_600_000;

/**
 * A desk that is an M/M/c queue: a flat arrival profile, one channel answered as the session
 * starts (phone), exponential handling, one session per inquiry, one 24×7 group of `agents`.
 */
const mmc = (agents: number, seed: number): SimulationOptions => ({
  inquiries: 60 * 24 * 8,
  days: 8,
  seed,
  arrivals: {
    profile: Array.from({ length: 24 }, () => 1),
    channels: { phone: 1 },
    priorities: { normal: 1 },
    tiers: { standard: 1 },
    categories: { general: 1 },
  },
  agents: [{ count: agents, capacity: 1 }],
  work: {
    handling: { kind: 'exponential', mean: '4m' },
    resolveRate: 1,
    escalateRate: 0,
    cancelRate: 0,
    contacts: false,
  },
  customers: { reopenRate: 0 },
  surveys: { responseRate: 0 },
  metrics: false,
  keepViews: false,
});

/** The share answered within 20 s over every seed's inquiries. */
function answeredWithin20s(agents: number, seeds: readonly number[]): number {
  let within = 0;
  let all = 0;
  for (const seed of seeds) {
    simulate({
      ...mmc(agents, seed),
      onView: (view) => {
        all++;
        if (view.firstRespondedAt !== undefined && view.firstRespondedAt - view.receivedAt <= 20_000) within++;
      },
    });
  }
  return within / all;
}

describe('requiredAgents on a simulated M/M/c desk', () => {
  it('meets 80 % within 20 s with the agents it plans, and falls short with one fewer', () => {
    const planned = requiredAgents({ arrivalsPerHour: 60, aht: '4m', target: { answeredWithin: '20s', share: 0.8 } });
    expect(planned.agents).toBe(7);
    const seeds = [1, 2, 3];
    const withPlan = answeredWithin20s(planned.agents, seeds);
    const withOneFewer = answeredWithin20s(planned.agents - 1, seeds);
    // Erlang C predicts 0.895 and 0.759: the simulation agrees within sampling noise.
    expect(withPlan).toBeGreaterThanOrEqual(0.8);
    expect(withPlan).toBeCloseTo(planned.serviceLevel, 1);
    expect(withOneFewer).toBeLessThan(0.8);
  });
});

describe('planStaffing', () => {
  let plan: StaffingPlan;
  const desk = { ...mmc(1, 5), inquiries: 60 * 24 * 14, days: 14 };

  it('plans the Erlang C staffing for every hour of an M/M/c desk and confirms it by simulation', () => {
    plan = planStaffing(desk, { answeredWithin: '20s', share: 0.8 }, { seeds: 2, maxRounds: 4 });
    expect(plan.intervals).toHaveLength(168);
    expect(plan.converged).toBe(true);
    for (const interval of plan.intervals) {
      expect(interval.arrivalsPerHour).toBeCloseTo(60, 6);
      expect(interval.agents).toBeGreaterThanOrEqual(7);
      expect(interval.agents).toBeLessThanOrEqual(8);
      expect(interval.had).toBe(1);
      expect(interval.simulated?.inquiries).toBeGreaterThan(0);
      expect(interval.met).toBe(true);
    }
    expect(plan.intervals[9]).toMatchObject({ hour: 9, label: 'Mon 09:00' });
    expect(plan.sessionsPerInquiry).toBeCloseTo(1, 9);
    expect(plan.overall.mean).toBeGreaterThanOrEqual(0.8);
    expect(plan.overall.min).toBeLessThanOrEqual(plan.overall.max);
  });

  it('returns agent groups that simulate the planned staffing hour by hour', () => {
    const groups = plan.agents;
    const result = simulate({ ...desk, agents: groups, inquiries: 10, days: 1 });
    expect(result.stats.agents).toBe(Math.max(...plan.intervals.map((i) => i.agents)));
  });

  it('is deterministic: the same options and seeds give the same plan', () => {
    const small = { ...desk, inquiries: 60 * 24 * 2, days: 2 };
    const options = { seeds: 1, maxRounds: 2 } as const;
    const a = planStaffing(small, { asa: '20s' }, options);
    const b = planStaffing(small, { asa: '20s' }, options);
    expect(b).toEqual(a);
  });

  it("staffs hours by the desk's own arrival profile, and meets its SLA policy", () => {
    const plan = planStaffing(
      { inquiries: 1_500, days: 7, seed: 3 },
      { sla: 'firstResponse', attainment: 0.9 },
      { seeds: 2, maxRounds: 3 },
    );
    const monday = (hour: number) => plan.intervals[hour]?.agents ?? 0;
    // The standard profile is busiest on weekday business hours, quiet at night.
    expect(monday(10)).toBeGreaterThan(monday(3));
    expect(plan.intervals.filter((i) => i.simulated !== null).every((i) => i.met)).toBe(plan.converged);
    expect(plan.overall.mean).toBeGreaterThanOrEqual(0.9);
    expect(plan.hadAgentHours).toBeGreaterThan(0);
  });

  it('stops adding agents where more no longer help, and says the target is not met', () => {
    // Email's first response comes after the session: nobody answers in 1 s, however many agents.
    const email = { ...desk, inquiries: 500, days: 2, arrivals: { ...desk.arrivals, channels: { email: 1 } } };
    const rounds: number[] = [];
    const plan = planStaffing(
      email,
      { answeredWithin: '1s', share: 0.8 },
      { seeds: 1, maxRounds: 6, onRound: (r) => rounds.push(r.short) },
    );
    expect(plan.converged).toBe(false);
    expect(rounds.length).toBeLessThan(6);
    expect(plan.intervals.filter((i) => !i.met).length).toBeGreaterThan(0);
  });

  it('rejects bad targets and options with INVALID_INPUT, bad desks with INVALID_CONFIG', () => {
    const badMetric = thrown(() => planStaffing(desk, { sla: 'firstContact' as 'firstResponse', attainment: 0.9 }));
    expect(badMetric).toMatchObject({ code: 'INVALID_INPUT' });
    expect(badMetric.message).toMatch(/sla: 'firstResponse' \| 'nextResponse' \| 'resolution'/);
    expect(thrown(() => planStaffing(desk, { asa: '30s' }, { seeds: 0 }))).toMatchObject({
      code: 'INVALID_INPUT',
      path: ['seeds'],
    });
    expect(thrown(() => planStaffing({ ...desk, days: -1 }, { asa: '30s' }))).toMatchObject({
      code: 'INVALID_CONFIG',
      path: ['days'],
    });
  });

  it('reads hours on the desk time zone', () => {
    const zoned = planStaffing(
      {
        ...desk,
        inquiries: 200,
        days: 7,
        arrivals: {
          ...desk.arrivals,
          timezone: 'America/New_York',
          profile: Array.from({ length: 24 }, (_, h) => (h === 9 ? 1 : 0)),
        },
      },
      { asa: '1m' },
      { seeds: 1, maxRounds: 1 },
    );
    const staffed = zoned.intervals.filter((i) => i.agents > 0).map((i) => i.label);
    expect(staffed).toEqual([
      'Mon 09:00',
      'Tue 09:00',
      'Wed 09:00',
      'Thu 09:00',
      'Fri 09:00',
      'Sat 09:00',
      'Sun 09:00',
    ]);
    expect(zoned.intervals[9]?.arrivalsPerHour).toBeCloseTo(200 / 7, 6);
    expect(HOUR).toBe(3_600_000);
  });
});
