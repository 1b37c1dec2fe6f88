import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, ServiceFlowError, type InquiryView } from 'serviceflow';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2026-03-02 09:00 UTC. */
const T0 = Date.parse('2026-03-02T09:00:00Z');

/** An inquiry of `customer` received at `receivedAt` (hours after T0), resolved `resolvedAfter` hours later. */
function inquiry(
  id: string,
  customer: string,
  receivedAt: number,
  resolvedAfter?: number,
  extra: Partial<InquiryView> = {},
): InquiryView {
  const received = T0 + receivedAt * HOUR;
  return {
    id,
    stage: resolvedAfter === undefined ? 'resolution' : 'followUp',
    priority: 'normal',
    channel: 'email',
    customer: { id: customer },
    escalation: { level: 0, name: 'agent', history: [] },
    sla: {},
    slaHistory: [],
    feedback: { responses: [] },
    contacts: [],
    receivedAt: received,
    ...(resolvedAfter === undefined ? {} : { resolvedAt: received + resolvedAfter * HOUR }),
    reopenCount: 0,
    lastEventAt: received,
    wakeAt: null,
    ...extra,
  };
}

describe('customer-level KPIs', () => {
  it('counts distinct customers and inquiries per customer, cancelled inquiries left out', () => {
    const metrics = computeMetrics([
      inquiry('T-1', 'C-1', 0, 1),
      inquiry('T-2', 'C-1', 100, 1),
      inquiry('T-3', 'C-2', 5),
      inquiry('T-4', 'C-3', 6, undefined, { stage: 'cancelled', cancelledAt: T0 + 7 * HOUR }),
    ]);
    expect(metrics.customers).toBe(2);
    expect(metrics.inquiriesPerCustomer).toBe(1.5);
  });

  it('counts a resolved inquiry as a repeat contact when its customer came back within the window of the resolution', () => {
    const metrics = computeMetrics([
      inquiry('T-1', 'C-1', 0, 2), // resolved at 2h; C-1 back at 50h: within 7 days
      inquiry('T-2', 'C-1', 50, 1), // resolved at 51h; C-1 back at 51h + 8d: too late
      inquiry('T-3', 'C-1', 51 + 8 * 24, 1),
      inquiry('T-4', 'C-2', 0, 1), // an earlier inquiry of the customer is no repeat
      inquiry('T-5', 'C-2', -10),
      inquiry('T-6', 'C-3', 0), // not resolved: not counted either way
    ]);
    expect(metrics.repeatContactRate).toBe(1 / 4);
  });

  it('takes repeatWindow as a duration, and refuses a bad one with INVALID_CONFIG', () => {
    const views = [inquiry('T-1', 'C-1', 0, 1), inquiry('T-2', 'C-1', 1 + 2 * 24)];
    expect(computeMetrics(views).repeatContactRate).toBe(1);
    expect(computeMetrics(views, { repeatWindow: '1d' }).repeatContactRate).toBe(0);
    expect(computeMetrics(views, { repeatWindow: 2 * DAY }).repeatContactRate).toBe(1);
    let error: unknown;
    try {
      computeMetrics(views, { repeatWindow: 'soon' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ServiceFlowError);
    expect((error as ServiceFlowError).code).toBe('INVALID_CONFIG');
    expect((error as ServiceFlowError).path).toEqual(['repeatWindow']);
  });

  it('counts follow-ups as repeat contacts of the inquiry they follow, not as reopens', () => {
    const metrics = computeMetrics([
      inquiry('T-1', 'C-1', 0, 1, { stage: 'closed' }),
      inquiry('T-1~f1', 'C-1', 30, undefined, { followUpOf: 'T-1' }),
    ]);
    expect(metrics.followUps).toBe(1);
    expect(metrics.repeatContactRate).toBe(1);
    expect(metrics.reopenRate).toBe(0);
  });

  it('gives null rates over nothing', () => {
    const metrics = computeMetrics([]);
    expect(metrics).toMatchObject({ customers: 0, inquiriesPerCustomer: null, repeatContactRate: null, followUps: 0 });
  });

  it('agrees with a brute-force count, whatever the order of the views', () => {
    const arrival = fc.record({
      customer: fc.integer({ min: 1, max: 6 }),
      receivedAt: fc.integer({ min: 0, max: 30 * 24 }),
      resolvedAfter: fc.option(fc.integer({ min: 0, max: 10 * 24 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(arrival, { maxLength: 40 }),
        fc.integer({ min: 1, max: 14 * 24 }),
        (arrivals, windowHours) => {
          const views = arrivals.map((a, i) => inquiry(`T-${i}`, `C-${a.customer}`, a.receivedAt, a.resolvedAfter));
          const resolved = views.filter((v) => v.resolvedAt !== undefined);
          const repeated = resolved.filter((v) =>
            views.some(
              (w) =>
                w !== v &&
                w.customer.id === v.customer.id &&
                w.receivedAt >= v.resolvedAt! &&
                w.receivedAt <= v.resolvedAt! + windowHours * HOUR,
            ),
          );
          const expected = resolved.length === 0 ? null : repeated.length / resolved.length;
          const metrics = computeMetrics(views, { repeatWindow: windowHours * HOUR });
          expect(metrics.repeatContactRate).toBe(expected);
          expect(computeMetrics([...views].reverse(), { repeatWindow: windowHours * HOUR }).repeatContactRate).toBe(
            expected,
          );
          expect(metrics.customers).toBe(new Set(views.map((v) => v.customer.id)).size);
        },
      ),
      { numRuns: 300 },
    );
  });
});
