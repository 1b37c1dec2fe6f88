import { describe, expect, it } from 'vitest';
import {
  businessCalendar,
  ServiceFlowError,
  slaPolicy,
  type InquiryEventInit,
  type SlaPolicyConfig,
} from 'serviceflow';
import { HOUR, MINUTE, makeInput, makeProcess, runAll, runTo } from '../support/fixtures.js';

const weekdays = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
} as const;
const newYork = businessCalendar({ timezone: 'America/New_York', week: weekdays, holidays: ['2026-12-25'] });

const sla = (config: Partial<SlaPolicyConfig> = {}) =>
  slaPolicy({
    calendar: newYork,
    targets: [{ firstResponse: '4h', nextResponse: '2h', resolution: '16h' }],
    warnAt: [],
    ...config,
  });

/** A local New York wall-clock time as an instant (the offset given explicitly). */
const ny = (local: string, offset = '-05:00') => Date.parse(`${local}${offset}`);
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? ms : new Date(ms).toISOString());

describe('slaPolicy configuration', () => {
  it.each<[string, unknown, (string | number)[]]>([
    ['a malformed duration', { targets: [{ firstResponse: '4 hours' }] }, ['targets', 0, 'firstResponse']],
    ['a zero duration', { targets: [{ resolution: 0 }] }, ['targets', 0, 'resolution']],
    ['a target without metrics', { targets: [{ when: { priority: 'low' } }] }, ['targets', 0]],
    [
      'an unknown priority in when',
      { targets: [{ when: { priority: 'asap' }, firstResponse: '1h' }] },
      ['targets', 0, 'when', 'priority'],
    ],
    [
      'an unknown condition field',
      { targets: [{ when: { weather: 'rain' }, firstResponse: '1h' }] },
      ['targets', 0, 'when'],
    ],
    ['a warning fraction of 1', { targets: [{ firstResponse: '1h' }], warnAt: 1 }, ['warnAt']],
    ['an unknown pause reason', { targets: [{ firstResponse: '1h' }], pauseOn: ['lunch'] }, ['pauseOn', 0]],
    [
      'an unknown time zone',
      { calendar: { timezone: 'Mars/Olympus' }, targets: [{ firstResponse: '1h' }] },
      ['calendar'],
    ],
  ])('rejects %s with INVALID_CONFIG naming the field', (_label, config, path) => {
    let error: unknown;
    try {
      slaPolicy(config as SlaPolicyConfig);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ServiceFlowError);
    expect((error as ServiceFlowError).code).toBe('INVALID_CONFIG');
    expect((error as ServiceFlowError).path.slice(0, path.length)).toEqual(path);
  });

  it('matches targets on priority, channel, tier and category; the first match wins', () => {
    const policy = slaPolicy({
      targets: [
        { when: { tier: 'vip', priority: ['high', 'urgent'] }, firstResponse: '15m' },
        { when: { channel: ['chat', 'phone'] }, firstResponse: '5m' },
        { when: { category: 'billing' }, firstResponse: '2h' },
        { firstResponse: '8h' },
      ],
    });
    expect(policy.targetsFor({ priority: 'urgent', channel: 'chat', tier: 'vip' }).firstResponse).toBe(15 * MINUTE);
    expect(policy.targetsFor({ priority: 'normal', channel: 'chat', tier: 'vip' }).firstResponse).toBe(5 * MINUTE);
    expect(policy.targetsFor({ priority: 'normal', channel: 'email', category: 'billing' }).firstResponse).toBe(
      2 * HOUR,
    );
    expect(policy.targetsFor({ priority: 'normal', channel: 'email' }).firstResponse).toBe(8 * HOUR);
  });

  it('accepts durations as milliseconds or text', () => {
    const policy = slaPolicy({ targets: [{ firstResponse: 90_000, nextResponse: '1.5h', resolution: '2d' }] });
    expect(policy.targetsFor({ priority: 'normal', channel: 'email' })).toEqual({
      firstResponse: 90_000,
      nextResponse: 90 * MINUTE,
      resolution: 48 * HOUR,
    });
  });
});

describe('SLA clocks on business hours', () => {
  it('Friday 16:30 + 4 business hours (Mon–Fri 9–17) is due Monday 12:30', () => {
    const process = makeProcess({ sla: sla() });
    const step = process.start(makeInput({ at: ny('2026-02-06T16:30:00') }));
    expect(iso(process.view(step.state).sla.firstResponse?.dueAt)).toBe(iso(ny('2026-02-09T12:30:00')));
    expect(step.effects).toContainEqual(
      expect.objectContaining({ type: 'sla.started', metric: 'firstResponse', dueAt: ny('2026-02-09T12:30:00') }),
    );
  });

  it('stays exact across the US spring-forward weekend', () => {
    const process = makeProcess({ sla: sla() });
    // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT; Monday is UTC−4
    const step = process.start(makeInput({ at: ny('2026-03-06T16:30:00') }));
    expect(iso(process.view(step.state).sla.firstResponse?.dueAt)).toBe('2026-03-09T16:30:00.000Z');
  });

  it('skips holidays', () => {
    const process = makeProcess({ sla: sla() });
    // Thursday 2026-12-24 16:00 + 4h: 1h on Thursday, Friday 25th is a holiday, 3h on Monday 28th
    const step = process.start(makeInput({ at: ny('2026-12-24T16:00:00') }));
    expect(iso(process.view(step.state).sla.firstResponse?.dueAt)).toBe(iso(ny('2026-12-28T12:00:00')));
  });

  it('meets the first-response clock with the first agent reply and reports business time used', () => {
    const process = makeProcess({ sla: sla() });
    const steps = runAll(process, makeInput({ at: ny('2026-02-06T16:30:00') }), [
      { type: 'agent.reply', agentId: 'ana', at: ny('2026-02-09T10:00:00') },
    ]);
    const clock = process.view(steps[1]!.state).sla.firstResponse!;
    expect(clock).toMatchObject({
      status: 'met',
      elapsedMs: 90 * MINUTE,
      targetMs: 4 * HOUR,
      metAt: ny('2026-02-09T10:00:00'),
    });
    expect(steps[1]!.effects).toContainEqual(
      expect.objectContaining({ type: 'sla.met', metric: 'firstResponse', elapsedMs: 90 * MINUTE, late: false }),
    );
  });

  it('reads a running clock at any instant through view({ at })', () => {
    const process = makeProcess({ sla: sla() });
    const step = process.start(makeInput({ at: ny('2026-02-06T16:30:00') }));
    expect(process.view(step.state, { at: ny('2026-02-09T09:15:00') }).sla.firstResponse?.elapsedMs).toBe(45 * MINUTE);
  });
});

describe('pauses', () => {
  const start = ny('2026-02-09T09:00:00'); // Monday
  const pendingLife = (reason: 'customer' | 'third-party'): InquiryEventInit[] => [
    { type: 'assign', agentId: 'ana', at: start + 10 * MINUTE },
    { type: 'agent.reply', at: start + HOUR },
    { type: 'pend', reason, at: start + HOUR },
    { type: 'customer.reply', at: start + 3 * HOUR },
  ];

  it('pauses the resolution clock while pending on the customer and resumes it on the reply', () => {
    const process = makeProcess({ sla: sla() });
    const steps = runAll(process, makeInput({ at: start }), pendingLife('customer'));
    expect(steps[3]!.effects).toContainEqual({
      type: 'sla.paused',
      inquiryId: 'T-1',
      at: start + HOUR,
      metric: 'resolution',
      reason: 'pending.customer',
    });
    expect(process.view(steps[3]!.state).sla.resolution).toMatchObject({
      status: 'paused',
      dueAt: null,
      elapsedMs: HOUR,
    });
    const resumed = process.view(steps[4]!.state).sla.resolution!;
    expect(resumed.status).toBe('running');
    // 16 business hours, 1 used before the pause: 15 left from Monday 12:00 → Tuesday 12:00 + 5h = Wednesday 11:00
    expect(iso(resumed.dueAt)).toBe(iso(ny('2026-02-11T11:00:00')));
  });

  it('keeps counting while pending on a third party by default', () => {
    const process = makeProcess({ sla: sla() });
    const steps = runAll(process, makeInput({ at: start }), pendingLife('third-party'));
    expect(steps[3]!.effects.map((e) => e.type)).not.toContain('sla.paused');
    expect(process.view(steps[3]!.state).sla.resolution?.status).toBe('running');
  });

  it('pauses on the reasons the policy names', () => {
    const process = makeProcess({ sla: sla({ pauseOn: ['customer', 'third-party'] }) });
    const steps = runAll(process, makeInput({ at: start }), [
      ...pendingLife('third-party').slice(0, 3),
      { type: 'resume', at: start + 5 * HOUR },
    ]);
    expect(process.view(steps[3]!.state).sla.resolution?.status).toBe('paused');
    expect(process.view(steps[4]!.state).sla.resolution).toMatchObject({ status: 'running', elapsedMs: HOUR });
  });

  it('switches between pausing and counting when the pending reason changes', () => {
    const process = makeProcess({ sla: sla() });
    const steps = runAll(process, makeInput({ at: start }), [
      ...pendingLife('customer').slice(0, 3),
      { type: 'pend', reason: 'third-party', at: start + 2 * HOUR },
    ]);
    expect(steps[4]!.effects).toContainEqual(
      expect.objectContaining({ type: 'sla.resumed', metric: 'resolution', at: start + 2 * HOUR }),
    );
    expect(process.view(steps[4]!.state).sla.resolution).toMatchObject({ status: 'running', elapsedMs: HOUR });
  });
});

describe('next response', () => {
  const start = ny('2026-02-09T09:00:00');
  it('starts at a customer reply after the first response, once per unanswered reply, and is met by the next agent reply', () => {
    const process = makeProcess({ sla: sla() });
    const steps = runAll(process, makeInput({ at: start }), [
      { type: 'customer.reply', at: start + 10 * MINUTE }, // before any agent reply: part of the first request
      { type: 'agent.reply', at: start + 20 * MINUTE },
      { type: 'customer.reply', at: start + HOUR },
      { type: 'customer.reply', at: start + 90 * MINUTE }, // still unanswered: same clock
      { type: 'agent.reply', at: start + 2 * HOUR },
      { type: 'customer.reply', at: start + 3 * HOUR },
    ]);
    expect(process.view(steps[1]!.state).sla.nextResponse).toBeUndefined();
    expect(process.view(steps[4]!.state).sla.nextResponse).toMatchObject({
      status: 'running',
      startedAt: start + HOUR,
    });
    const view = process.view(steps[6]!.state);
    expect(view.sla.nextResponse).toMatchObject({ status: 'running', startedAt: start + 3 * HOUR });
    expect(view.slaHistory).toEqual([
      expect.objectContaining({
        metric: 'nextResponse',
        status: 'met',
        startedAt: start + HOUR,
        elapsedMs: HOUR,
        metAt: start + 2 * HOUR,
      }),
    ]);
  });

  it('is cancelled, not met, when the inquiry is resolved without answering', () => {
    const process = makeProcess({ sla: sla() });
    const step = runTo(process, makeInput({ at: start }), [
      { type: 'agent.reply', at: start + 20 * MINUTE },
      { type: 'customer.reply', at: start + HOUR },
      { type: 'resolve', at: start + 2 * HOUR },
    ]);
    expect(process.view(step.state).sla.nextResponse?.status).toBe('cancelled');
    expect(step.effects.map((e) => e.type)).not.toContain('sla.breached');
  });
});

describe('warnings and breaches', () => {
  const start = ny('2026-02-09T09:00:00');

  it('warns at each configured fraction and breaches at the due time', () => {
    const process = makeProcess({ sla: sla({ warnAt: [0.5, 0.75], targets: [{ firstResponse: '4h' }] }) });
    const step = process.send(process.start(makeInput({ at: start })).state, { type: 'tick', at: start + 5 * HOUR });
    expect(step.effects).toEqual([
      {
        type: 'sla.warning',
        inquiryId: 'T-1',
        at: start + 2 * HOUR,
        metric: 'firstResponse',
        fraction: 0.5,
        dueAt: start + 4 * HOUR,
        remainingMs: 2 * HOUR,
      },
      {
        type: 'sla.warning',
        inquiryId: 'T-1',
        at: start + 3 * HOUR,
        metric: 'firstResponse',
        fraction: 0.75,
        dueAt: start + 4 * HOUR,
        remainingMs: HOUR,
      },
      {
        type: 'sla.breached',
        inquiryId: 'T-1',
        at: start + 4 * HOUR,
        metric: 'firstResponse',
        dueAt: start + 4 * HOUR,
      },
    ]);
  });

  it('fires deadlines passed before an event first, each at its own time, then applies the event', () => {
    const process = makeProcess({ sla: sla({ warnAt: 0.5, targets: [{ firstResponse: '1h', resolution: '2h' }] }) });
    const step = process.send(process.start(makeInput({ at: start })).state, {
      type: 'agent.reply',
      at: start + 3 * HOUR,
    });
    expect(step.effects.map((e) => [e.type, 'metric' in e ? e.metric : undefined, (e.at - start) / MINUTE])).toEqual([
      ['sla.warning', 'firstResponse', 30],
      // simultaneous deadlines fire in metric order: firstResponse, nextResponse, resolution
      ['sla.breached', 'firstResponse', 60],
      ['sla.warning', 'resolution', 60],
      ['sla.breached', 'resolution', 120],
      ['sla.met', 'firstResponse', 180],
    ]);
  });

  it('keeps a breached clock breached and records when it was completed late', () => {
    const process = makeProcess({ sla: sla({ targets: [{ firstResponse: '1h' }] }) });
    const step = runTo(process, makeInput({ at: start }), [{ type: 'agent.reply', at: start + 2 * HOUR }]);
    expect(process.view(step.state).sla.firstResponse).toMatchObject({
      status: 'breached',
      breachedAt: start + HOUR,
      metAt: start + 2 * HOUR,
      elapsedMs: 2 * HOUR,
    });
    expect(step.effects.at(-1)).toMatchObject({ type: 'sla.met', late: true });
  });

  it('reports wakeAt as the earliest pending warning or breach', () => {
    const process = makeProcess({ sla: sla({ warnAt: 0.5, targets: [{ firstResponse: '4h', resolution: '2h' }] }) });
    expect(process.start(makeInput({ at: start })).wakeAt).toBe(start + HOUR);
  });

  it('does not warn or breach while paused', () => {
    const process = makeProcess({ sla: sla({ warnAt: 0.5, targets: [{ resolution: '2h' }] }) });
    const step = runTo(process, makeInput({ at: start }), [
      { type: 'assign', agentId: 'ana', at: start },
      { type: 'pend', reason: 'customer', at: start + 30 * MINUTE },
    ]);
    expect(step.wakeAt).toBeNull();
    expect(process.send(step.state, { type: 'tick', at: start + 8 * HOUR }).effects).toEqual([]);
  });
});

describe('priority and category changes', () => {
  const start = ny('2026-02-09T09:00:00');
  const tiers = {
    targets: [
      { when: { priority: 'urgent' as const }, firstResponse: '1h' },
      { when: { category: 'billing' }, firstResponse: '2h' },
      { firstResponse: '4h' },
    ],
  };

  it('recalculates due times from the original start', () => {
    const process = makeProcess({ sla: sla(tiers) });
    const step = runTo(process, makeInput({ at: start }), [
      { type: 'prioritize', priority: 'urgent', at: start + 30 * MINUTE },
    ]);
    expect(process.view(step.state).sla.firstResponse).toMatchObject({
      status: 'running',
      targetMs: HOUR,
      dueAt: start + HOUR,
      startedAt: start,
    });
  });

  it('recalculates on a category change too', () => {
    const process = makeProcess({ sla: sla(tiers) });
    const step = runTo(process, makeInput({ at: start }), [
      { type: 'categorize', category: 'billing', at: start + 30 * MINUTE },
    ]);
    expect(process.view(step.state).sla.firstResponse).toMatchObject({ targetMs: 2 * HOUR, dueAt: start + 2 * HOUR });
  });

  it('breaches at the change when the new target has already passed', () => {
    const process = makeProcess({ sla: sla(tiers) });
    const step = runTo(process, makeInput({ at: start }), [
      { type: 'prioritize', priority: 'urgent', at: start + 90 * MINUTE },
    ]);
    expect(step.effects).toContainEqual({
      type: 'sla.breached',
      inquiryId: 'T-1',
      at: start + 90 * MINUTE,
      metric: 'firstResponse',
      dueAt: start + 90 * MINUTE,
    });
    expect(process.view(step.state).sla.firstResponse?.status).toBe('breached');
  });

  it("keeps the original targets with onPriorityChange: 'keep'", () => {
    const process = makeProcess({ sla: sla({ ...tiers, onPriorityChange: 'keep' }) });
    const step = runTo(process, makeInput({ at: start }), [
      { type: 'prioritize', priority: 'urgent', at: start + 30 * MINUTE },
    ]);
    expect(process.view(step.state).sla.firstResponse).toMatchObject({ targetMs: 4 * HOUR, dueAt: start + 4 * HOUR });
  });

  it('starts a clock from the original start when a change gives a metric its first target', () => {
    const process = makeProcess({
      sla: sla({
        targets: [{ when: { priority: 'urgent' }, firstResponse: '1h', resolution: '4h' }, { firstResponse: '4h' }],
      }),
    });
    const step = runTo(process, makeInput({ at: start }), [
      { type: 'prioritize', priority: 'urgent', at: start + 30 * MINUTE },
    ]);
    expect(process.view(step.state).sla.resolution).toMatchObject({
      status: 'running',
      startedAt: start,
      elapsedMs: 30 * MINUTE,
      dueAt: start + 4 * HOUR,
    });
  });

  it('cancels a clock whose metric loses its target', () => {
    const process = makeProcess({
      sla: sla({
        targets: [{ when: { priority: 'urgent' }, firstResponse: '1h', resolution: '4h' }, { firstResponse: '4h' }],
      }),
    });
    const step = runTo(process, makeInput({ at: start, priority: 'urgent' }), [
      { type: 'prioritize', priority: 'low', at: start + 30 * MINUTE },
    ]);
    expect(process.view(step.state).sla.resolution?.status).toBe('cancelled');
  });
});

describe('reopen and cancel', () => {
  const start = ny('2026-02-09T09:00:00');

  it('resumes the resolution clock on reopen, not counting the time spent resolved', () => {
    const process = makeProcess({ sla: sla({ targets: [{ resolution: '8h' }] }) });
    const step = runTo(process, makeInput({ at: start }), [
      { type: 'resolve', at: start + 2 * HOUR },
      { type: 'reopen', at: start + 5 * HOUR },
    ]);
    expect(step.effects).toContainEqual(
      expect.objectContaining({ type: 'sla.resumed', metric: 'resolution', at: start + 5 * HOUR }),
    );
    // 6 business hours left from Monday 14:00: 3 on Monday, 3 on Tuesday
    expect(process.view(step.state).sla.resolution).toMatchObject({
      status: 'running',
      elapsedMs: 2 * HOUR,
      dueAt: ny('2026-02-10T12:00:00'),
    });
  });

  it('cancels running clocks when the inquiry is cancelled', () => {
    const process = makeProcess({ sla: sla() });
    const step = runTo(process, makeInput({ at: start }), [{ type: 'cancel', reason: 'spam', at: start + HOUR }]);
    const view = process.view(step.state);
    expect(view.sla.firstResponse?.status).toBe('cancelled');
    expect(view.sla.resolution?.status).toBe('cancelled');
    expect(step.wakeAt).toBeNull();
  });
});
