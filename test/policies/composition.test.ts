/**
 * How the SLA, escalation and feedback policies compose inside one process, and the order in
 * which one step applies them (docs/escalation.md, "One step, in order").
 */
import { describe, expect, it } from 'vitest';
import {
  escalationPolicy,
  feedbackPolicy,
  ServiceFlowError,
  slaPolicy,
  type InquiryEffect,
  type InquiryEventInit,
} from 'serviceflow';
import { DAY, HOUR, MINUTE, T0, makeInput, makeProcess, runAll, runTo } from '../support/fixtures.js';

const policies = {
  sla: slaPolicy({
    targets: [
      { when: { priority: 'urgent' }, firstResponse: '15m', nextResponse: '30m', resolution: '2h' },
      { firstResponse: '1h', nextResponse: '2h', resolution: '8h' },
    ],
    warnAt: [0.5],
  }),
  escalation: escalationPolicy({
    levels: [
      { name: 'agent' },
      { name: 'specialist', team: 'tier-2' },
      { name: 'manager', notify: ['support-manager@example.com'] },
    ],
    rules: [
      { on: 'sla.breached', metric: 'resolution', escalateTo: 'manager' },
      { on: 'sla.breached', escalateTo: '+1' },
      { on: 'reopened', escalateTo: '+1' },
    ],
  }),
  feedback: feedbackPolicy({
    survey: 'csat',
    sendAfter: '1h',
    reminders: { count: 2, every: '1d' },
    expireAfter: '3d',
    reopenWindow: '2d',
    onNegative: ['reopen', 'escalate'],
  }),
};
const process = makeProcess(policies);

/** `type[ detail]@minutes since T0` for each effect. */
const trace = (effects: readonly InquiryEffect[]) =>
  effects.map((e) => {
    const detail =
      'metric' in e
        ? ` ${e.metric}`
        : e.type === 'escalated'
          ? ` ${e.from}→${e.level} ${e.trigger}`
          : e.type === 'stage.changed'
            ? ` ${e.from}→${e.to}`
            : '';
    return `${e.type}${detail}@${(e.at - T0) / MINUTE}m`;
  });

/** Worked for 3 hours, resolved at 12:00 with the first response met at 09:20. */
const worked: InquiryEventInit[] = [
  { type: 'assign', agentId: 'ana', at: T0 + 5 * MINUTE },
  { type: 'agent.reply', at: T0 + 20 * MINUTE },
  { type: 'resolve', at: T0 + 3 * HOUR },
];

describe('policies compose', () => {
  it('escalates to the manager when the resolution clock breaches', () => {
    const step = runTo(process, makeInput(), [...worked.slice(0, 2), { type: 'tick', at: T0 + 9 * HOUR }]);
    expect(trace(step.effects)).toEqual([
      'sla.warning resolution@240m',
      'sla.breached resolution@480m',
      'escalated 0→2 sla.breached@480m',
    ]);
    expect(process.view(step.state)).toMatchObject({
      escalation: { level: 2, name: 'manager' },
      sla: { resolution: { status: 'breached', breachedAt: T0 + 8 * HOUR } },
    });
  });

  it('climbs one level when another clock breaches, re-routing to the level team', () => {
    const step = runTo(process, makeInput(), [
      { type: 'assign', agentId: 'ana', at: T0 + 5 * MINUTE },
      { type: 'tick', at: T0 + 2 * HOUR },
    ]);
    expect(trace(step.effects)).toEqual([
      'sla.warning firstResponse@30m',
      'sla.breached firstResponse@60m',
      'escalated 0→1 sla.breached@60m',
    ]);
    expect(process.view(step.state).assignee).toEqual({ team: 'tier-2' });
  });

  it('reopens and escalates on negative feedback', () => {
    const step = runTo(process, makeInput(), [
      ...worked,
      { type: 'feedback', kind: 'nps', score: 3, at: T0 + 5 * HOUR },
    ]);
    expect(trace(step.effects)).toEqual([
      'survey.requested@240m',
      'feedback.received@300m',
      'escalated 0→1 feedback.negative@300m',
      'inquiry.reopened@300m',
      'sla.resumed resolution@300m',
      'escalated 1→2 reopened@300m',
      'stage.changed followUp→resolution@300m',
    ]);
    expect(process.view(step.state)).toMatchObject({
      stage: 'resolution',
      reopenCount: 1,
      escalation: { level: 2, name: 'manager' },
      feedback: { survey: { status: 'answered' }, responses: [{ kind: 'nps', score: 3, sentiment: 'negative' }] },
    });
  });

  it('resumes the resolution clock on reopen without counting the time spent in follow-up', () => {
    const reopenAt = T0 + 3 * HOUR + 1 * DAY;
    const steps = runAll(process, makeInput(), [...worked, { type: 'reopen', reason: 'still failing', at: reopenAt }]);
    expect(process.view(steps[3]!.state).sla.resolution).toMatchObject({
      status: 'met',
      elapsedMs: 3 * HOUR,
      metAt: T0 + 3 * HOUR,
    });
    const reopened = steps[4]!;
    expect(reopened.effects).toContainEqual({
      type: 'sla.resumed',
      inquiryId: 'T-1',
      at: reopenAt,
      metric: 'resolution',
      dueAt: reopenAt + 5 * HOUR,
    });
    expect(process.view(reopened.state).sla.resolution).toMatchObject({
      status: 'running',
      elapsedMs: 3 * HOUR,
      dueAt: reopenAt + 5 * HOUR,
    });
    expect(process.view(reopened.state).sla.resolution).not.toHaveProperty('metAt');
    // the 8-hour promise now breaches 5 hours after the reopen, and escalates
    const late = process.send(reopened.state, { type: 'tick', at: reopenAt + 6 * HOUR });
    expect(trace(late.effects).slice(-2)).toEqual([
      `sla.breached resolution@${(reopenAt + 5 * HOUR - T0) / MINUTE}m`,
      `escalated 1→2 sla.breached@${(reopenAt + 5 * HOUR - T0) / MINUTE}m`,
    ]);
  });

  it('keeps a resolution clock that breached before the resolve breached after a reopen, and records the second resolve as late', () => {
    const steps = runAll(process, makeInput(), [
      { type: 'agent.reply', at: T0 + 10 * MINUTE },
      { type: 'resolve', at: T0 + 9 * HOUR },
      { type: 'reopen', at: T0 + 10 * HOUR },
      { type: 'resolve', at: T0 + 11 * HOUR },
    ]);
    expect(process.view(steps[3]!.state).sla.resolution).toMatchObject({
      status: 'breached',
      breachedAt: T0 + 8 * HOUR,
    });
    expect(steps[4]!.effects).toContainEqual(
      expect.objectContaining({ type: 'sla.met', metric: 'resolution', late: true, elapsedMs: 10 * HOUR }),
    );
  });

  it('does not count time pending on the customer before the resolve after a reopen either', () => {
    const steps = runAll(process, makeInput(), [
      { type: 'assign', agentId: 'ana', at: T0 },
      { type: 'agent.reply', at: T0 + 10 * MINUTE },
      { type: 'pend', reason: 'customer', at: T0 + HOUR },
      { type: 'resolve', resolution: 'no answer, resolved', at: T0 + 5 * HOUR },
      { type: 'customer.reply', at: T0 + 6 * HOUR },
    ]);
    expect(process.view(steps.at(-1)!.state).sla.resolution).toMatchObject({
      status: 'running',
      elapsedMs: HOUR,
      dueAt: T0 + 13 * HOUR,
    });
  });
});

describe('one step, in order', () => {
  it('(1) fires the deadlines that passed before the event, each at its own instant, then the event', () => {
    const step = runTo(process, makeInput(), [
      { type: 'assign', agentId: 'ana', at: T0 + 5 * MINUTE },
      { type: 'agent.reply', at: T0 + 90 * MINUTE },
    ]);
    expect(trace(step.effects)).toEqual([
      'sla.warning firstResponse@30m',
      'sla.breached firstResponse@60m',
      'escalated 0→1 sla.breached@60m',
      'sla.met firstResponse@90m',
    ]);
  });

  it('(1) fires passed survey deadlines before an event that leaves follow-up', () => {
    const step = runTo(process, makeInput(), [...worked, { type: 'customer.reply', at: T0 + 3 * HOUR + 36 * HOUR }]);
    expect(trace(step.effects).slice(0, 2)).toEqual(['survey.requested@240m', 'survey.reminder@1680m']);
    expect(step.effects[2]).toMatchObject({ type: 'inquiry.reopened', by: 'customer.reply' });
  });

  it('(1) fires a deadline due at the very instant of the event before the event', () => {
    const reminderAt = T0 + 4 * HOUR + DAY;
    const step = runTo(process, makeInput(), [
      ...worked,
      { type: 'tick', at: T0 + 5 * HOUR },
      { type: 'feedback', kind: 'csat', score: 5, at: reminderAt },
    ]);
    expect(trace(step.effects)).toEqual([
      `survey.reminder@${(reminderAt - T0) / MINUTE}m`,
      `feedback.received@${(reminderAt - T0) / MINUTE}m`,
    ]);
  });

  it('(1) closes at the automatic close before an event at that instant, which is then refused (a reply asks for a follow-up)', () => {
    const quiet = makeProcess({ ...policies, feedback: feedbackPolicy({ survey: false, reopenWindow: '2d' }) });
    const resolved = runTo(quiet, makeInput(), worked);
    const closeAt = T0 + 3 * HOUR + 2 * DAY;
    let error: unknown;
    try {
      quiet.send(resolved.state, { type: 'agent.reply', at: closeAt });
    } catch (caught) {
      error = caught;
    }
    expect((error as ServiceFlowError).code).toBe('EVENT_NOT_ALLOWED');
    expect((error as ServiceFlowError).message).toContain("moved it from 'followUp' to 'closed' first");
    const reply = quiet.send(resolved.state, { type: 'customer.reply', at: closeAt });
    expect(reply.effects.map((effect) => effect.type)).toEqual([
      'inquiry.closed',
      'stage.changed',
      'followUp.requested',
    ]);
    expect(reply.state.value).toBe('closed');
  });

  it('(2) reopen: the reopen, the clock it resumes, the escalation it sets off, then the stage change', () => {
    const step = runTo(process, makeInput(), [...worked, { type: 'reopen', at: T0 + 3 * HOUR + 30 * MINUTE }]);
    expect(trace(step.effects)).toEqual([
      'inquiry.reopened@210m',
      'sla.resumed resolution@210m',
      'escalated 0→1 reopened@210m',
      'stage.changed followUp→resolution@210m',
    ]);
  });

  it('(2) customer reply in the window: the reopen and what it sets off, then the reply’s own clock, then the stage change', () => {
    const step = runTo(process, makeInput(), [...worked, { type: 'customer.reply', at: T0 + 3 * HOUR + 30 * MINUTE }]);
    expect(trace(step.effects)).toEqual([
      'inquiry.reopened@210m',
      'sla.resumed resolution@210m',
      'escalated 0→1 reopened@210m',
      'sla.started nextResponse@210m',
      'stage.changed followUp→resolution@210m',
    ]);
  });

  it('(2) resolve: the clocks it meets, then the stage change; (3) a survey due at once follows', () => {
    const immediate = makeProcess({ ...policies, feedback: feedbackPolicy({ sendAfter: 0 }) });
    const step = runTo(immediate, makeInput(), [
      ...worked.slice(0, 2),
      { type: 'customer.reply', at: T0 + 150 * MINUTE },
      { type: 'resolve', at: T0 + 3 * HOUR },
    ]);
    // the unanswered next response is cancelled silently: a resolved case owes no reply
    expect(trace(step.effects)).toEqual([
      'sla.met resolution@180m',
      'stage.changed resolution→followUp@180m',
      'survey.requested@180m',
    ]);
    expect(immediate.view(step.state).sla.nextResponse).toMatchObject({ status: 'cancelled' });
  });

  it('(2) categorize: the clock a new target starts, then the stage change', () => {
    const billing = makeProcess({
      ...policies,
      sla: slaPolicy({
        targets: [{ when: { category: 'billing' }, firstResponse: '1h', resolution: '1d' }, { firstResponse: '1h' }],
        warnAt: [],
      }),
    });
    const step = runTo(billing, makeInput(), [{ type: 'categorize', category: 'billing', at: T0 + 10 * MINUTE }]);
    expect(trace(step.effects)).toEqual(['sla.started resolution@10m', 'stage.changed inquiry→identification@10m']);
  });

  it('(2) close: the close, then the stage change', () => {
    const step = runTo(process, makeInput(), [...worked, { type: 'close', at: T0 + 4 * HOUR }]);
    expect(trace(step.effects)).toEqual([
      'survey.requested@240m',
      'inquiry.closed@240m',
      'stage.changed followUp→closed@240m',
    ]);
    expect(process.view(step.state).feedback.survey).toMatchObject({ status: 'cancelled' });
  });

  it('(2) cancel: the cancellation, then the stage change', () => {
    const step = runTo(process, makeInput(), [{ type: 'cancel', reason: 'spam', at: T0 + MINUTE }]);
    expect(trace(step.effects)).toEqual(['inquiry.cancelled@1m', 'stage.changed inquiry→cancelled@1m']);
  });

  it('(3) fires what the event made due at its own instant after the event: a retarget already overdue', () => {
    const step = runTo(process, makeInput(), [
      { type: 'agent.reply', at: T0 + 10 * MINUTE },
      { type: 'prioritize', priority: 'urgent', at: T0 + 3 * HOUR },
    ]);
    expect(trace(step.effects)).toEqual([
      'stage.changed inquiry→identification@180m',
      'sla.breached resolution@180m',
      'escalated 0→2 sla.breached@180m',
    ]);
  });

  it('(1)+(2)+(3) in one step: passed deadlines, the event, then what its instant made due', () => {
    const step = runTo(process, makeInput(), [{ type: 'prioritize', priority: 'urgent', at: T0 + 30 * MINUTE }]);
    expect(trace(step.effects)).toEqual([
      // (1) the first-response warning at 50 % of 1 h passed before the event
      'sla.warning firstResponse@30m',
      // (2) the event: a new stage
      'stage.changed inquiry→identification@30m',
      // (3) the 15-minute urgent target is already overdue: it breaches at the event's instant
      'sla.breached firstResponse@30m',
      'escalated 0→1 sla.breached@30m',
    ]);
  });
});
