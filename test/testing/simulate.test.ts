import { describe, expect, it } from 'vitest';
import { businessCalendar, feedbackPolicy, ServiceFlowError, slaPolicy, type InquiryView } from 'serviceflow';
import { findViolations, simulate } from 'serviceflow/testing';
import { makeProcess } from '../support/fixtures.js';

const small = { inquiries: 400, days: 5, seed: 11 } as const;

function configError(run: () => unknown): ServiceFlowError {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceFlowError) return error;
    throw error;
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('simulate', () => {
  it('gives deep-equal results for the same seed, and different ones for another', () => {
    const a = simulate({ ...small, journal: true });
    const b = simulate({ ...small, journal: true });
    expect(b).toEqual(a);
    expect(simulate({ ...small, seed: 12 }).views).not.toEqual(a.views);
  });

  it('runs every inquiry through the process: one view each, in arrival order, keeping the invariants', () => {
    const result = simulate({ ...small, journal: true });
    expect(result.views).toHaveLength(400);
    expect(result.views.map((v) => v.id)).toEqual(Array.from({ length: 400 }, (_, i) => `Q-${i + 1}`));
    const received = result.views.map((v) => v.receivedAt);
    expect(received).toEqual([...received].sort((x, y) => x - y));
    expect(findViolations(result)).toEqual([]);
    expect(result.stats.rejected).toEqual({});
    expect(result.stats.steps).toBeGreaterThan(400 * 4);
    expect(result.journal?.length).toBe(result.stats.effects);
  });

  it('lets most inquiries run their whole course: answered, resolved, surveyed, closed', () => {
    const { views, metrics } = simulate({ inquiries: 600, days: 10, drain: '10d', seed: 5 });
    const stages = count(views.map((v) => v.stage));
    expect((stages.closed ?? 0) / views.length).toBeGreaterThan(0.9);
    expect(views.some((v) => v.feedback.responses.length > 0)).toBe(true);
    expect(views.some((v) => v.reopenCount > 0)).toBe(true);
    expect(views.some((v) => v.contacts.length > 1)).toBe(true);
    expect(metrics?.csat).toBeGreaterThan(0.5);
    expect(metrics?.counts.inquiries).toBe(600);
  });

  it('computes the same metrics when views are streamed instead of kept', () => {
    const streamed: InquiryView[] = [];
    const kept = simulate(small);
    const lean = simulate({ ...small, keepViews: false, onView: (view) => streamed.push(view) });
    expect(lean.views).toEqual([]);
    expect(lean.metrics).toEqual(kept.metrics);
    expect(streamed.sort((a, b) => a.receivedAt - b.receivedAt || a.id.localeCompare(b.id))).toEqual(
      [...kept.views].sort((a, b) => a.receivedAt - b.receivedAt || a.id.localeCompare(b.id)),
    );
  });

  it('skips the KPIs with metrics: false, whether views are kept or streamed', () => {
    // Regression: with kept views, metrics: false was ignored and the KPIs computed anyway.
    const kept = simulate({ ...small, metrics: false });
    expect(kept.metrics).toBeNull();
    expect(kept.views).toEqual(simulate(small).views);
    expect(simulate({ ...small, metrics: false, keepViews: false }).metrics).toBeNull();
  });

  it('starts work only while agents are on shift, and never beyond their capacity', () => {
    const shift = businessCalendar({
      week: {
        mon: [['09:00', '17:00']],
        tue: [['09:00', '17:00']],
        wed: [['09:00', '17:00']],
        thu: [['09:00', '17:00']],
        fri: [['09:00', '17:00']],
      },
    });
    const { views } = simulate({
      inquiries: 150,
      days: 7,
      seed: 2,
      arrivals: { channels: { email: 1 } },
      agents: [{ count: 1, capacity: 1, shift: { week: shift.config.week } }],
    });
    const sessions = views
      .flatMap((v) => v.contacts.map((c) => [c.at - c.handleMs, c.at] as const))
      .sort((a, b) => a[0] - b[0]);
    expect(sessions.length).toBeGreaterThan(50);
    for (const [start] of sessions) expect(shift.isOpen(start)).toBe(true);
    for (let i = 1; i < sessions.length; i++) expect(sessions[i]![0]).toBeGreaterThanOrEqual(sessions[i - 1]![1]);
  });

  it('answers faster with more agents', () => {
    const frt = (agents: number) => simulate({ ...small, agents }).metrics?.firstResponseTime.median ?? Infinity;
    expect(frt(20)).toBeLessThan(frt(2));
  });

  it('follows the arrival profile and the channel mix', () => {
    const nightsOff = Array.from({ length: 24 }, (_, hour) => (hour >= 8 && hour < 20 ? 1 : 0));
    const { views } = simulate({
      inquiries: 500,
      days: 7,
      seed: 4,
      arrivals: { profile: nightsOff, channels: { chat: 3, email: 1 } },
    });
    for (const view of views) expect(new Date(view.receivedAt).getUTCHours()).toBeGreaterThanOrEqual(8);
    const channels = count(views.map((v) => v.channel));
    expect(channels.chat).toBeGreaterThan(2 * (channels.email ?? 0));
  });

  it('runs the policies it is given, as configs, objects or a whole process', () => {
    const nps = simulate({ ...small, drain: '10d', policies: { feedback: { survey: 'nps', sendAfter: '10m' } } });
    expect(nps.views.some((v) => v.feedback.responses.some((r) => r.kind === 'nps'))).toBe(true);
    const strict = simulate({ ...small, policies: { sla: slaPolicy({ targets: [{ firstResponse: '1m' }] }) } });
    expect(strict.metrics?.slaAttainment.firstResponse.breached).toBeGreaterThan(0);
    const process = makeProcess({ feedback: feedbackPolicy({ survey: false }) });
    expect(simulate({ ...small, process }).views.every((v) => v.feedback.survey === undefined)).toBe(true);
  });

  it('routes escalations to the team their level names', () => {
    const { views } = simulate({
      ...small,
      work: { escalateRate: 0.3 },
      agents: [
        { team: 'tier-1', count: 4, capacity: 2 },
        { team: 'tier-2', count: 2 },
      ],
      policies: { escalation: { levels: [{ name: 'agent' }, { name: 'specialist', team: 'tier-2' }] } },
    });
    const escalated = views.filter(
      (v) => v.escalation.level === 1 && v.stage !== 'cancelled' && v.resolvedAt !== undefined,
    );
    expect(escalated.length).toBeGreaterThan(10);
    for (const view of escalated) expect(view.assignee?.team).toBe('tier-2');
  });

  it('reports progress through the virtual period', () => {
    const fractions: number[] = [];
    simulate({ ...small, onProgress: (p) => fractions.push(p.fraction) });
    expect(fractions.length).toBeGreaterThan(100);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('records arrivals, resolutions and the backlog over time', () => {
    const { timeline, stats } = simulate(small);
    expect(timeline.bucketMs).toBe(3_600_000);
    expect(timeline.arrivals.reduce((a, b) => a + b, 0)).toBe(stats.inquiries);
    expect(timeline.backlog).toHaveLength(5 * 24);
    expect(Math.max(...timeline.backlog)).toBeGreaterThan(0);
  });

  it('refuses bad options with INVALID_CONFIG naming the path', () => {
    expect(configError(() => simulate({ inquiries: -1 })).path).toEqual(['inquiries']);
    expect(configError(() => simulate({ customers: { replyRate: 2 } })).path).toEqual(['customers', 'replyRate']);
    expect(configError(() => simulate({ arrivals: { profile: [1, 2, 3] } })).path).toEqual(['arrivals', 'profile']);
    expect(
      configError(() => simulate({ work: { handling: { kind: 'lognormal', median: '10m', p90: '5m' } } })).code,
    ).toBe('INVALID_CONFIG');
    expect(
      configError(() => simulate({ policies: { sla: { targets: [{ firstResponse: 'soon' }] } } })).path.slice(0, 3),
    ).toEqual(['policies', 'sla', 'targets']);
    expect(configError(() => simulate({ agents: [{ count: 2, skills: ['billing'] }] })).message).toMatch(
      /no agent handles category 'technical'/,
    );
    expect(configError(() => simulate({ process: makeProcess(), policies: {} })).path).toEqual(['policies']);
    // Tiers and categories become inquiry fields as they are: they must be valid input text.
    expect(configError(() => simulate({ arrivals: { categories: { ' billing': 1 } } })).path).toEqual([
      'arrivals',
      'categories',
      ' billing',
    ]);
    expect(configError(() => simulate({ arrivals: { tiers: { '': 1 } } })).path.slice(0, 2)).toEqual([
      'arrivals',
      'tiers',
    ]);
  });
});

function count(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe('simulate: customers and surveys by rule', () => {
  it('sends each inquiry the survey its rule names, and the KPI table and report show all three kinds', async () => {
    const { kpiTable, simulationReport } = await import('serviceflow/testing');
    const process = makeProcess({
      feedback: feedbackPolicy({
        surveys: [{ when: { channel: 'chat' }, kind: 'ces' }, { when: { tier: 'vip' }, kind: 'nps' }, { kind: 'csat' }],
      }),
    });
    const result = simulate({
      inquiries: 1_500,
      days: 10,
      seed: 5,
      process,
      surveys: { responseRate: 0.6 },
      arrivals: { tiers: { standard: 70, vip: 30 } },
    });
    for (const view of result.views) {
      const expected = view.channel === 'chat' ? 'ces' : view.customer.tier === 'vip' ? 'nps' : 'csat';
      if (view.feedback.survey !== undefined) expect(view.feedback.survey.kind).toBe(expected);
      for (const response of view.feedback.responses) expect(response.kind).toBe(expected);
    }
    const metrics = result.metrics!;
    expect(metrics.counts.responses.csat).toBeGreaterThan(0);
    expect(metrics.counts.responses.nps).toBeGreaterThan(0);
    expect(metrics.counts.responses.ces).toBeGreaterThan(0);
    const table = kpiTable(metrics, result.stats);
    expect(table).toMatch(/^Repeat contact rate\s+\d+\.\d %\s+0 follow-ups$/m);
    expect(table).toMatch(/^Customers\s+[\d,]+ \(\d\.\d\d inquiries each\)$/m);
    const html = simulationReport(result);
    expect(html).toContain('Repeat contact rate');
    expect(html).toContain('CES (mean, 1–7)');
  });

  it('brings customers back at about returnRate, so repeat contacts are measured', () => {
    const none = simulate({ ...small, customers: { returnRate: 0 } }).metrics!;
    expect(none.customers).toBe(none.counts.inquiries - none.counts.cancelled);
    expect(none.repeatContactRate).toBe(0);
    const some = simulate({ ...small, customers: { returnRate: 0.3 } }).metrics!;
    expect(some.inquiriesPerCustomer).toBeGreaterThan(1.15);
    expect(some.repeatContactRate).toBeGreaterThan(0.05);
    expect(some.repeatContactRate).toBeLessThan(0.4);
  });

  it('keeps a seeded run the same apart from who the customers are', () => {
    const a = simulate({ ...small, customers: { returnRate: 0 } });
    const b = simulate({ ...small, customers: { returnRate: 0.5 } });
    const withoutCustomer = (views: readonly InquiryView[]) => views.map(({ customer: _customer, ...rest }) => rest);
    expect(withoutCustomer(b.views)).toEqual(withoutCustomer(a.views));
  });
});
