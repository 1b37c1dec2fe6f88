import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  businessCalendar,
  computeMetrics,
  contactMachine,
  createProcess,
  durationStats,
  inquiryMachine,
  slaPolicy,
  type ContactView,
  type EscalationRecord,
  type FeedbackKind,
  type InquiryView,
  type ServiceKpis,
  type SlaClockView,
  type SlaMetric,
} from 'serviceflow';
import { contactJourney, lifecycle } from 'serviceflow/testing/arbitraries';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Monday 2026-03-02 09:00 UTC. */
const T0 = Date.parse('2026-03-02T09:00:00Z');
const m = (minutes: number) => T0 + minutes * MINUTE;

const clock = (status: SlaClockView['status'], startedAt: number, metAt?: number): SlaClockView => ({
  status,
  startedAt,
  dueAt: null,
  targetMs: HOUR,
  elapsedMs: 0,
  ...(metAt === undefined ? {} : { metAt }),
});
const escalated: EscalationRecord = {
  at: T0,
  level: 1,
  from: 0,
  name: 'specialist',
  trigger: 'manual',
  reason: 'manual escalation',
};
const response = (kind: FeedbackKind, score: number, at: number) => ({
  kind,
  score,
  sentiment: (score >= 4 ? 'positive' : 'negative') as 'positive' | 'negative',
  at,
});

/** A hand-made inquiry view: only what a fixture states differs from a fresh inquiry. */
function view(id: string, overrides: Partial<InquiryView> = {}): InquiryView {
  return {
    id,
    stage: 'inquiry',
    priority: 'normal',
    channel: 'email',
    customer: { id: `C-${id}` },
    escalation: { level: 0, name: 'agent', history: [] },
    sla: {},
    slaHistory: [],
    feedback: { responses: [] },
    contacts: [],
    receivedAt: T0,
    reopenCount: 0,
    lastEventAt: T0,
    wakeAt: null,
    ...overrides,
  };
}

/**
 * The fixture every hand-computed figure below comes from (minutes after Mon 09:00 UTC).
 *
 * | id | channel | prio | received | 1st reply | resolved | stage | contacts (handle, resolved) | other |
 * | A | email | normal | 0 | 10 | 120 | closed | — | CSAT 5; next-response cycle 30→50 met |
 * | B | chat | high | 60 | 62 | 90 | followUp | K-1 chat 20m ✓ | CSAT 2, NPS 10 |
 * | C | phone | high | 120 | 150 | 1440 (Tue 09:00) | closed | K-2 phone 10m ✗, K-3 phone 15m ✓ | reopened once, escalated, CSAT 3 then 4, NPS 6, CES 2, SLAs breached, next-response 180→240 met |
 * | D | email | normal | 180 | — | — | resolution | — | escalated, clocks running |
 * | E | sms | low | 0 | 1 | — | cancelled | — | escalated (left out) |
 * | F | chat | normal | 240 | — | — | inquiry | — | |
 */
const fixture: InquiryView[] = [
  view('A', {
    stage: 'closed',
    firstRespondedAt: m(10),
    resolvedAt: m(120),
    closedAt: m(200),
    sla: { firstResponse: clock('met', m(0), m(10)), resolution: clock('met', m(0), m(120)) },
    slaHistory: [{ metric: 'nextResponse', ...clock('met', m(30), m(50)) }],
    feedback: { responses: [response('csat', 5, m(180))] },
  }),
  view('B', {
    stage: 'followUp',
    channel: 'chat',
    priority: 'high',
    receivedAt: m(60),
    firstRespondedAt: m(62),
    resolvedAt: m(90),
    sla: { firstResponse: clock('met', m(60), m(62)), resolution: clock('met', m(60), m(90)) },
    contacts: [{ contactId: 'K-1', channel: 'chat', handleMs: 20 * MINUTE, resolved: true, at: m(90) }],
    feedback: { responses: [response('csat', 2, m(150)), response('nps', 10, m(151))] },
  }),
  view('C', {
    stage: 'closed',
    channel: 'phone',
    priority: 'high',
    receivedAt: m(120),
    firstRespondedAt: m(150),
    resolvedAt: m(1440),
    reopenCount: 1,
    escalation: { level: 1, name: 'specialist', history: [escalated] },
    sla: {
      firstResponse: clock('breached', m(120), m(150)),
      resolution: clock('breached', m(120), m(1440)),
      nextResponse: clock('met', m(180), m(240)),
    },
    contacts: [
      { contactId: 'K-2', channel: 'phone', handleMs: 10 * MINUTE, resolved: false, at: m(160) },
      { contactId: 'K-3', channel: 'phone', handleMs: 15 * MINUTE, resolved: true, at: m(1440) },
    ],
    feedback: {
      responses: [
        response('csat', 3, m(1500)),
        response('csat', 4, m(1600)),
        response('nps', 6, m(1601)),
        response('ces', 2, m(1602)),
      ],
    },
  }),
  view('D', {
    stage: 'resolution',
    receivedAt: m(180),
    escalation: { level: 1, name: 'specialist', history: [{ ...escalated, trigger: 'sla.breached' }] },
    sla: { firstResponse: clock('running', m(180)), resolution: clock('running', m(180)) },
  }),
  view('E', {
    stage: 'cancelled',
    channel: 'sms',
    priority: 'low',
    firstRespondedAt: m(1),
    cancelledAt: m(5),
    escalation: { level: 1, name: 'specialist', history: [escalated] },
  }),
  view('F', { channel: 'chat', receivedAt: m(240) }),
];

const minutes = (stats: { count: number; mean: number | null; median: number | null; p90: number | null }) => ({
  count: stats.count,
  mean: stats.mean === null ? null : stats.mean / MINUTE,
  median: stats.median === null ? null : stats.median / MINUTE,
  p90: stats.p90 === null ? null : stats.p90 / MINUTE,
});

/** Mon–Fri 09:00–17:00 UTC. */
const officeHours = businessCalendar({
  timezone: 'UTC',
  week: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '17:00']],
  },
});

describe('durationStats', () => {
  it('gives count, mean, median and an interpolated 90th percentile', () => {
    expect(durationStats([60_000, 120_000, 300_000])).toEqual({
      count: 3,
      mean: 160_000,
      median: 120_000,
      p90: 264_000,
    });
    expect(durationStats([40, 10, 30, 20])).toEqual({ count: 4, mean: 25, median: 25, p90: 37 });
    expect(durationStats([7])).toEqual({ count: 1, mean: 7, median: 7, p90: 7 });
  });

  it('is all null over no samples', () => {
    expect(durationStats([])).toEqual({ count: 0, mean: null, median: null, p90: null });
  });

  /** The definition, spelled out: sort, add up in order, interpolate between closest ranks. */
  const bySorting = (samples: number[]) => {
    const sorted = Float64Array.from(samples).sort();
    const at = (p: number) => {
      const rank = p * (sorted.length - 1);
      const [lower, upper] = [sorted[Math.floor(rank)]!, sorted[Math.ceil(rank)]!];
      return lower + (rank - Math.floor(rank)) * (upper - lower);
    };
    return {
      count: sorted.length,
      mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
      median: at(0.5),
      p90: at(0.9),
    };
  };

  it('gives exactly the figures of the sorted samples, whole milliseconds or not', () => {
    const sample = fc.oneof(
      fc.integer({ min: -1e6, max: 1e9 }),
      fc.constantFrom(0, -0, 1, 1, 2),
      fc.double({ min: -1e15, max: 1e15, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 50 }), (samples) => {
        expect(durationStats(samples)).toStrictEqual(bySorting(samples));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives exactly the figures of the sorted samples on large sets with many ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 601, maxLength: 5000 }),
        fc.integer({ min: 1, max: 1e9 }),
        (ticks, scale) => {
          const samples = ticks.map((tick) => tick * scale);
          expect(durationStats(samples)).toStrictEqual(bySorting(samples));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('computeMetrics on the hand-computed fixture', () => {
  const metrics = computeMetrics(fixture);

  it('measures first response time from received to the first agent reply (A 10, B 2, C 30 min)', () => {
    expect(minutes(metrics.firstResponseTime)).toEqual({ count: 3, mean: 14, median: 10, p90: 26 });
  });

  it('measures next response time per answered customer reply, from the next-response clocks (A 20, C 60 min)', () => {
    expect(minutes(metrics.nextResponseTime)).toEqual({ count: 2, mean: 40, median: 40, p90: 56 });
  });

  it('measures resolution time to the latest resolution (A 120, B 30, C 1320 min)', () => {
    expect(minutes(metrics.resolutionTime)).toEqual({ count: 3, mean: 490, median: 120, p90: 1080 });
  });

  it('measures average handle time over agent-handled contacts (20, 10, 15 min)', () => {
    expect(minutes(metrics.averageHandleTime)).toEqual({ count: 3, mean: 15, median: 15, p90: 19 });
  });

  it('counts first-contact resolution over resolved inquiries with contacts (B yes, C no; A has none)', () => {
    expect(metrics.firstContactResolutionRate).toBe(0.5);
  });

  it('counts SLA attainment over decided clocks, history included', () => {
    expect(metrics.slaAttainment).toEqual({
      firstResponse: { met: 2, breached: 1, rate: 2 / 3 },
      nextResponse: { met: 2, breached: 0, rate: 1 },
      resolution: { met: 2, breached: 1, rate: 2 / 3 },
    });
  });

  it('counts escalation over the inquiries that were not cancelled (C, D of A–D, F)', () => {
    expect(metrics.escalationRate).toBe(2 / 5);
  });

  it('counts reopens over the inquiries ever resolved (C of A, B, C)', () => {
    expect(metrics.reopenRate).toBe(1 / 3);
  });

  it('reads CSAT, NPS and CES from the latest response of each kind per inquiry', () => {
    expect(metrics.csat).toBe(2 / 3); // A 5 ✓, B 2 ✗, C 4 ✓ (its earlier 3 is replaced)
    expect(metrics.nps).toBe(0); // B promoter, C detractor
    expect(metrics.ces).toBe(2);
    expect(metrics.counts.responses).toEqual({ csat: 3, nps: 2, ces: 1 });
  });

  it('counts the backlog of open inquiries by stage', () => {
    expect(metrics.backlog).toEqual({
      total: 3,
      unresolved: 2,
      byStage: { inquiry: 1, identification: 0, resolution: 1, followUp: 1 },
    });
  });

  it('leaves cancelled inquiries out of every figure but the count', () => {
    expect(metrics.counts).toMatchObject({ inquiries: 6, cancelled: 1, resolved: 3 });
    expect(computeMetrics(fixture.filter((v) => v.id !== 'E'))).toMatchObject({
      firstResponseTime: metrics.firstResponseTime,
      escalationRate: metrics.escalationRate,
      backlog: metrics.backlog,
    });
  });

  it('gives the business-time twins on the calendar it is given', () => {
    const business = computeMetrics(fixture, { calendar: officeHours }).business;
    expect(minutes(business.firstResponseTime)).toEqual({ count: 3, mean: 14, median: 10, p90: 26 });
    expect(minutes(business.nextResponseTime)).toEqual({ count: 2, mean: 40, median: 40, p90: 56 });
    // C: Mon 11:00 → Tue 09:00 is 6 business hours.
    expect(minutes(business.resolutionTime)).toEqual({ count: 3, mean: 170, median: 120, p90: 312 });
    // K-3 was handled Tue 08:45–09:00, before opening: 0 business minutes.
    expect(minutes(business.averageHandleTime)).toEqual({ count: 3, mean: 10, median: 10, p90: 18 });
  });

  it('makes the business twins equal to calendar time without a calendar (24×7)', () => {
    expect(metrics.business).toEqual({
      firstResponseTime: metrics.firstResponseTime,
      nextResponseTime: metrics.nextResponseTime,
      resolutionTime: metrics.resolutionTime,
      averageHandleTime: metrics.averageHandleTime,
    });
  });

  it('breaks the figures down per channel', () => {
    expect(Object.keys(metrics.byChannel)).toEqual(['chat', 'email', 'phone', 'sms']);
    const { chat, email, phone, sms } = metrics.byChannel as Record<string, ServiceKpis>;
    expect(minutes(email!.firstResponseTime)).toEqual({ count: 1, mean: 10, median: 10, p90: 10 });
    expect(email!.firstContactResolutionRate).toBeNull(); // A resolved without contacts
    expect(email!.escalationRate).toBe(1 / 2);
    expect(chat!.firstContactResolutionRate).toBe(1);
    expect(minutes(chat!.averageHandleTime)).toEqual({ count: 1, mean: 20, median: 20, p90: 20 });
    expect(chat!.backlog.byStage).toEqual({ inquiry: 1, identification: 0, resolution: 0, followUp: 1 });
    expect(phone!.firstContactResolutionRate).toBe(0);
    expect(minutes(phone!.averageHandleTime)).toEqual({ count: 2, mean: 12.5, median: 12.5, p90: 14.5 });
    expect(phone!.reopenRate).toBe(1);
    expect(sms!.counts).toMatchObject({ inquiries: 1, cancelled: 1 });
    expect(sms!.escalationRate).toBeNull();
  });

  it('breaks the figures down per priority, contacts under their inquiry’s priority', () => {
    expect(Object.keys(metrics.byPriority)).toEqual(['high', 'low', 'normal']);
    const high = metrics.byPriority.high!;
    expect(high.firstContactResolutionRate).toBe(0.5);
    expect(minutes(high.averageHandleTime)).toEqual({ count: 3, mean: 15, median: 15, p90: 19 });
    expect(minutes(high.firstResponseTime)).toEqual({ count: 2, mean: 16, median: 16, p90: 27.2 });
    expect(metrics.byPriority.normal!.averageHandleTime.count).toBe(0);
    expect(metrics.byPriority.normal!.csat).toBe(1);
  });
});

describe('computeMetrics with contact views', () => {
  const contactView = (id: string, overrides: Partial<ContactView>): ContactView => ({
    id,
    channel: 'phone',
    direction: 'inbound',
    stage: 'completed',
    customer: { id: 'C-1', identified: false, startedAs: 'C-1' },
    routing: [],
    agents: [],
    transfers: [],
    holds: [],
    queueMs: 0,
    talkMs: 0,
    holdMs: 0,
    wrapUpMs: 0,
    handleMs: 0,
    startedAt: T0,
    lastEventAt: T0,
    wakeAt: null,
    ...overrides,
  });
  const handled = (
    id: string,
    inquiryId: string | undefined,
    from: number,
    talk: number,
    hold: number,
    wrapUp: number,
    resolved: boolean,
  ) =>
    contactView(id, {
      ...(inquiryId === undefined ? {} : { inquiryId }),
      outcome: 'handled',
      resolved,
      talkMs: talk * MINUTE,
      holdMs: hold * MINUTE,
      wrapUpMs: wrapUp * MINUTE,
      handleMs: (talk + hold + wrapUp) * MINUTE,
      connectedAt: m(from),
      completedAt: m(from + talk + hold + wrapUp),
      lastEventAt: m(from + talk + hold + wrapUp),
    });

  it('takes handle time from the contact views, in place of the inquiry’s record of the same contact', () => {
    // K-1 as a view says 12 + 3 + 5 = 20 min, as B recorded; K-9 has no inquiry in the set.
    const metrics = computeMetrics(fixture, {
      contacts: [handled('K-1', 'B', 70, 12, 3, 5, true), handled('K-9', undefined, 0, 30, 0, 6, true)],
    });
    expect(minutes(metrics.averageHandleTime)).toEqual({ count: 4, mean: 20.25, median: 17.5, p90: 31.2 });
    expect(metrics.firstContactResolutionRate).toBe(0.5);
  });

  it('lets contact views give an inquiry its contacts for first-contact resolution', () => {
    // A resolved without recorded contacts; a view of the call that resolved it makes it first-contact.
    const metrics = computeMetrics(fixture, { contacts: [handled('K-7', 'A', 100, 15, 0, 5, true)] });
    expect(metrics.firstContactResolutionRate).toBe(2 / 3);
  });

  it('counts handled, self-service and abandoned contacts', () => {
    const metrics = computeMetrics([], {
      contacts: [
        handled('K-1', undefined, 0, 10, 0, 2, true),
        contactView('K-2', { outcome: 'self-service', resolved: true, completedAt: m(3) }),
        contactView('K-3', {
          stage: 'abandoned',
          outcome: 'abandoned',
          resolved: false,
          abandonedAt: m(2),
          queueMs: 2 * MINUTE,
        }),
        contactView('K-4', { stage: 'contact', connectedAt: m(1) }),
      ],
    });
    expect(metrics.contacts).toEqual({
      total: 4,
      handled: 1,
      selfService: 1,
      abandoned: 1,
      abandonmentRate: 1 / 3,
      selfServiceRate: 1 / 3,
    });
    expect(minutes(metrics.averageHandleTime)).toEqual({ count: 1, mean: 12, median: 12, p90: 12 });
  });

  it('does not count a contact twice when the same view is given twice', () => {
    const once = computeMetrics([], { contacts: [handled('K-1', undefined, 0, 10, 0, 2, true)] });
    const twice = computeMetrics([], {
      contacts: [handled('K-1', undefined, 0, 10, 0, 2, true), handled('K-1', undefined, 0, 10, 0, 2, true)],
    });
    expect(twice.averageHandleTime).toEqual(once.averageHandleTime);
  });

  it('puts a contact under its own channel and under its inquiry’s priority', () => {
    const metrics = computeMetrics([view('Q', { priority: 'urgent' })], {
      contacts: [contactView('K-1', { ...handled('K-1', 'Q', 0, 4, 0, 1, false), channel: 'social' })],
    });
    expect(metrics.byChannel.social?.averageHandleTime.count).toBe(1);
    expect(metrics.byChannel.email?.averageHandleTime.count).toBe(0);
    expect(metrics.byPriority.urgent?.averageHandleTime.count).toBe(1);
  });
});

describe('computeMetrics edge cases', () => {
  it('gives null rates and empty distributions over no views', () => {
    const metrics = computeMetrics([]);
    expect(metrics.firstResponseTime).toEqual({ count: 0, mean: null, median: null, p90: null });
    expect(metrics).toMatchObject({
      firstContactResolutionRate: null,
      escalationRate: null,
      reopenRate: null,
      csat: null,
      ces: null,
      nps: null,
      slaAttainment: { firstResponse: { met: 0, breached: 0, rate: null } },
      backlog: { total: 0, unresolved: 0, byStage: { inquiry: 0, identification: 0, resolution: 0, followUp: 0 } },
      contacts: { total: 0, abandonmentRate: null, selfServiceRate: null },
      byChannel: {},
      byPriority: {},
    });
  });

  it('gives null feedback scores when no one answered', () => {
    const metrics = computeMetrics([view('A'), view('B', { stage: 'closed', resolvedAt: m(5) })]);
    expect([metrics.csat, metrics.nps, metrics.ces]).toEqual([null, null, null]);
    expect(metrics.reopenRate).toBe(0);
  });

  it('leaves unresolved inquiries out of resolution time and first-contact resolution', () => {
    const metrics = computeMetrics([
      view('A', { contacts: [{ contactId: 'K-1', channel: 'phone', handleMs: MINUTE, resolved: true, at: m(1) }] }),
    ]);
    expect(metrics.resolutionTime.count).toBe(0);
    expect(metrics.firstContactResolutionRate).toBeNull();
    expect(metrics.averageHandleTime.count).toBe(1);
  });

  it('does not count a self-service contact (no handle time) as handled', () => {
    const metrics = computeMetrics([
      view('A', {
        stage: 'followUp',
        resolvedAt: m(2),
        contacts: [{ contactId: 'K-1', channel: 'web', handleMs: 0, resolved: true, at: m(2) }],
      }),
    ]);
    expect(metrics.averageHandleTime.count).toBe(0);
    expect(metrics.firstContactResolutionRate).toBe(1);
  });

  it('does not count an inquiry that was reopened as resolved at first contact', () => {
    const contacts = [{ contactId: 'K-1', channel: 'phone' as const, handleMs: MINUTE, resolved: true, at: m(1) }];
    expect(computeMetrics([view('A', { resolvedAt: m(9), reopenCount: 1, contacts })]).firstContactResolutionRate).toBe(
      0,
    );
  });

  it('scores NPS from −100 (all detractors) to 100 (all promoters)', () => {
    const nps = (...scores: number[]) =>
      computeMetrics(
        scores.map((score, i) => view(`N${i}`, { feedback: { responses: [response('nps', score, m(i))] } })),
      ).nps;
    expect(nps(0, 6)).toBe(-100);
    expect(nps(9, 10)).toBe(100);
    expect(nps(10, 8, 7, 3)).toBe(0);
    expect(nps(10, 10, 2)).toBeCloseTo(100 / 3, 10);
  });

  it('counts a breached clock completed late as breached', () => {
    const metrics = computeMetrics([
      view('A', { sla: { firstResponse: clock('breached', T0, m(90)) }, firstRespondedAt: m(90) }),
    ]);
    expect(metrics.slaAttainment.firstResponse).toEqual({ met: 0, breached: 1, rate: 0 });
    expect(metrics.firstResponseTime.count).toBe(1);
  });

  it('counts the stages of custom machines in the backlog', () => {
    const custom = { ...view('A'), stage: 'triage' };
    expect(computeMetrics([custom]).backlog.byStage).toMatchObject({ triage: 1, inquiry: 0 });
  });
});

// -----------------------------------------------------------------------------------------------
// Properties over views produced by the real processes.

const sla = slaPolicy({ targets: [{ firstResponse: '30m', nextResponse: '1h', resolution: '8h' }] });
const inquiries = createProcess(inquiryMachine, { sla });
const contacts = createProcess(contactMachine);

/** A set of inquiry views and contact views, the contacts forwarded to their inquiries. */
const viewSet = fc
  .array(lifecycle({ maxLength: 15 }), { minLength: 0, maxLength: 6 })
  .chain((lives) =>
    fc.tuple(
      fc.constant(lives),
      fc.array(fc.tuple(fc.nat({ max: Math.max(lives.length - 1, 0) }), contactJourney()), { maxLength: 6 }),
    ),
  )
  .map(([lives, journeys]) => {
    const contactViews = journeys.map(([owner, { input, events }], index) => {
      const inquiryId = lives[owner]?.input.id;
      let step = contacts.start({
        ...input,
        id: `K-${index}`,
        ...(inquiryId === undefined ? {} : { inquiryId: `${inquiryId}#${owner}` }),
      });
      for (const event of events) step = contacts.send(step.state, event);
      return contacts.view(step.state);
    });
    const inquiryViews = lives.map(({ input, events }, index) => {
      let step = inquiries.start({ ...input, id: `${input.id}#${index}` });
      for (const event of events) {
        try {
          step = inquiries.send(step.state, event);
        } catch {
          // not accepted in this stage: skipped, as a host would reject it
        }
      }
      return inquiries.view(step.state);
    });
    return { inquiryViews, contactViews };
  });

const rates = (k: ServiceKpis) => [
  k.firstContactResolutionRate,
  k.escalationRate,
  k.reopenRate,
  k.csat,
  k.contacts.abandonmentRate,
  k.contacts.selfServiceRate,
  ...Object.values(k.slaAttainment).map((a) => a.rate),
];
const stats = (k: ServiceKpis) => [
  k.firstResponseTime,
  k.nextResponseTime,
  k.resolutionTime,
  k.averageHandleTime,
  ...Object.values(k.business),
];
const everyShare = (metrics: ReturnType<typeof computeMetrics>): ServiceKpis[] => [
  metrics,
  ...Object.values(metrics.byChannel),
  ...Object.values(metrics.byPriority),
];

describe('computeMetrics properties', () => {
  it('keeps rates in [0, 1], NPS in [−100, 100], CES on its scale, and ordered distributions', () => {
    fc.assert(
      fc.property(viewSet, ({ inquiryViews, contactViews }) => {
        for (const k of everyShare(computeMetrics(inquiryViews, { contacts: contactViews }))) {
          for (const value of rates(k)) if (value !== null) expect(value >= 0 && value <= 1).toBe(true);
          if (k.nps !== null) expect(k.nps >= -100 && k.nps <= 100).toBe(true);
          if (k.ces !== null) expect(k.ces >= 1 && k.ces <= 7).toBe(true);
          for (const s of stats(k)) {
            if (s.count === 0) expect([s.mean, s.median, s.p90]).toEqual([null, null, null]);
            else {
              expect(s.median!).toBeLessThanOrEqual(s.p90! + 1e-9);
              expect(s.mean!).toBeGreaterThanOrEqual(0);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives an average handle time equal to the mean of talk + hold + wrap-up of the handled contacts', () => {
    fc.assert(
      fc.property(viewSet, ({ contactViews }) => {
        const handled = contactViews.filter((v) => v.stage === 'completed' && v.outcome === 'handled');
        const aht = computeMetrics([], { contacts: contactViews }).averageHandleTime;
        expect(aht.count).toBe(handled.length);
        if (handled.length === 0) expect(aht.mean).toBeNull();
        else
          expect(aht.mean).toBeCloseTo(
            handled.reduce((sum, v) => sum + v.talkMs + v.holdMs + v.wrapUpMs, 0) / handled.length,
            6,
          );
      }),
      { numRuns: 60 },
    );
  });

  it('does not depend on the order of the views', () => {
    fc.assert(
      fc.property(
        viewSet.chain((set) =>
          fc.tuple(
            fc.constant(set),
            fc.shuffledSubarray(set.inquiryViews, { minLength: set.inquiryViews.length }),
            fc.shuffledSubarray(set.contactViews, { minLength: set.contactViews.length }),
          ),
        ),
        ([{ inquiryViews, contactViews }, shuffledInquiries, shuffledContacts]) => {
          const calendar = officeHours;
          expect(computeMetrics(shuffledInquiries, { contacts: shuffledContacts, calendar })).toEqual(
            computeMetrics(inquiryViews, { contacts: contactViews, calendar }),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('splits the inquiries exactly across channels and priorities, and never counts more business than calendar time', () => {
    fc.assert(
      fc.property(viewSet, ({ inquiryViews, contactViews }) => {
        const metrics = computeMetrics(inquiryViews, { contacts: contactViews, calendar: officeHours });
        const sum = (shares: Partial<Record<string, ServiceKpis>>) =>
          Object.values(shares).reduce((n, k) => n + (k?.counts.inquiries ?? 0), 0);
        expect(sum(metrics.byChannel)).toBe(inquiryViews.length);
        expect(sum(metrics.byPriority)).toBe(inquiryViews.length);
        const metricNames = ['firstResponseTime', 'nextResponseTime', 'resolutionTime', 'averageHandleTime'] as const;
        for (const name of metricNames) {
          expect(metrics.business[name].count).toBe(metrics[name].count);
          if (metrics[name].count > 0) expect(metrics.business[name].mean!).toBeLessThanOrEqual(metrics[name].mean!);
        }
        const slaTotal = (metric: SlaMetric) =>
          metrics.slaAttainment[metric].met + metrics.slaAttainment[metric].breached;
        expect(slaTotal('firstResponse')).toBeLessThanOrEqual(inquiryViews.length);
      }),
      { numRuns: 60 },
    );
  });
});
