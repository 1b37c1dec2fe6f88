import assert from 'node:assert/strict';
import { createActor } from 'xstate';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  businessCalendar,
  computeMetrics,
  createProcess,
  escalationPolicy,
  followUpState,
  inquiryMachine,
  serviceSetup,
  slaPolicy,
  builtInSlaMetrics,
  SlaMetricDefinition,
  type AnySlaMetric,
  type InquiryEffect,
  type InquiryEventInit,
  type SlaPolicy,
} from 'serviceflow';
import { findViolations } from 'serviceflow/testing';
import { HOUR, MINUTE, T0, makeInput } from '../support/fixtures.js';

/** Whether a state is exactly its JSON (deep-strict equal to its round trip). */
function assertJsonExact(state: unknown): boolean {
  assert.deepStrictEqual(JSON.parse(JSON.stringify(state)), state);
  return true;
}
import { thrown } from '../support/errors.js';

const desk = (targets: Parameters<typeof slaPolicy>[0]['targets'], extra: { escalation?: boolean } = {}) =>
  createProcess(inquiryMachine, {
    sla: slaPolicy({ targets, warnAt: [] }),
    ...(extra.escalation
      ? {
          escalation: escalationPolicy({
            levels: [{ name: 'agent' }, { name: 'lead' }],
            rules: [{ on: 'sla.breached', metric: 'timeToAssign', escalateTo: '+1' }],
          }),
        }
      : {}),
  });

function run(process: ReturnType<typeof desk>, events: readonly InquiryEventInit[]) {
  let step = process.start(makeInput());
  const effects: InquiryEffect[] = [...step.effects];
  for (const event of events) {
    step = process.send(step.state, event);
    effects.push(...step.effects);
  }
  return { step, effects, view: process.view(step.state) };
}

const of = (effects: readonly InquiryEffect[], metric: string) =>
  effects.filter((e) => 'metric' in e && e.metric === metric).map((e) => e.type);

describe('built-in metrics defined as data', () => {
  it('timeToAssign runs from the arrival to the first assignment', () => {
    const { view, effects } = run(desk([{ timeToAssign: '30m' }]), [
      { type: 'assign', agentId: 'ana', at: T0 + 20 * MINUTE },
      { type: 'assign', agentId: 'bo', at: T0 + 40 * MINUTE },
    ]);
    expect(view.sla.timeToAssign).toMatchObject({ status: 'met', elapsedMs: 20 * MINUTE, metAt: T0 + 20 * MINUTE });
    expect(of(effects, 'timeToAssign')).toEqual(['sla.started', 'sla.met']);
  });

  it('timeToAssign breaches when nobody is assigned in time, and escalation rules name it', () => {
    const { view, effects } = run(desk([{ timeToAssign: '15m' }], { escalation: true }), [
      { type: 'tick', at: T0 + HOUR },
    ]);
    expect(view.sla.timeToAssign).toMatchObject({ status: 'breached', breachedAt: T0 + 15 * MINUTE });
    expect(effects).toContainEqual(
      expect.objectContaining({ type: 'escalated', trigger: 'sla.breached', at: T0 + 15 * MINUTE, name: 'lead' }),
    );
  });

  it('periodicUpdate starts at the first agent reply, restarts at each, and is cancelled on resolve', () => {
    const { view, step, effects } = run(desk([{ periodicUpdate: '4h' }]), [
      { type: 'agent.reply', at: T0 + HOUR },
      { type: 'agent.reply', at: T0 + 3 * HOUR },
      { type: 'agent.reply', at: T0 + 9 * HOUR },
      { type: 'resolve', at: T0 + 10 * HOUR },
    ]);
    expect(of(effects, 'periodicUpdate')).toEqual([
      'sla.started',
      'sla.met',
      'sla.started',
      'sla.breached',
      'sla.met',
      'sla.started',
    ]);
    expect(view.slaHistory.filter((c) => c.metric === 'periodicUpdate')).toMatchObject([
      { status: 'met', elapsedMs: 2 * HOUR },
      { status: 'breached', elapsedMs: 6 * HOUR },
    ]);
    expect(view.sla.periodicUpdate).toMatchObject({ status: 'cancelled', startedAt: T0 + 9 * HOUR });
    expect(findViolations([step.state], { process: desk([{ periodicUpdate: '4h' }]) })).toEqual([]);
  });

  it('agentWorkTime pauses while pending for any reason; requesterWaitTime only while pending on the customer', () => {
    const { view } = run(desk([{ agentWorkTime: '8h', requesterWaitTime: '8h' }]), [
      { type: 'assign', agentId: 'ana', at: T0 + HOUR },
      { type: 'pend', reason: 'customer', at: T0 + 2 * HOUR },
      { type: 'customer.reply', at: T0 + 3 * HOUR },
      { type: 'pend', reason: 'third-party', at: T0 + 4 * HOUR },
      { type: 'resume', at: T0 + 6 * HOUR },
      { type: 'resolve', at: T0 + 7 * HOUR },
    ]);
    expect(view.sla.agentWorkTime).toMatchObject({ status: 'met', elapsedMs: 4 * HOUR });
    expect(view.sla.requesterWaitTime).toMatchObject({ status: 'met', elapsedMs: 6 * HOUR });
  });

  it('counts business time on the policy calendar', () => {
    const calendar = businessCalendar({
      timezone: 'UTC',
      week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']] },
    });
    const process = createProcess(inquiryMachine, {
      sla: slaPolicy({ calendar, targets: [{ timeToAssign: '4h' }], warnAt: [] }),
    });
    const start = process.start(makeInput({ at: T0 + 6 * HOUR })); // Monday 15:00
    const assigned = process.send(start.state, { type: 'assign', team: 'billing', at: T0 + 25 * HOUR }); // Tuesday 10:00
    expect(process.view(assigned.state).sla.timeToAssign).toMatchObject({ status: 'met', elapsedMs: 3 * HOUR });
  });

  it('recalculates the target of an open defined clock when the priority changes', () => {
    const process = desk([{ when: { priority: 'urgent' }, timeToAssign: '15m' }, { timeToAssign: '2h' }]);
    const { view } = run(process, [{ type: 'prioritize', priority: 'urgent', at: T0 + 5 * MINUTE }]);
    expect(view.sla.timeToAssign).toMatchObject({ status: 'running', targetMs: 15 * MINUTE, dueAt: T0 + 15 * MINUTE });
  });

  it('reports attainment per metric in computeMetrics', () => {
    const process = desk([{ timeToAssign: '30m', periodicUpdate: '1h' }]);
    const fast = run(process, [
      { type: 'assign', agentId: 'ana', at: T0 + 10 * MINUTE },
      { type: 'agent.reply', at: T0 + 20 * MINUTE },
      { type: 'agent.reply', at: T0 + 40 * MINUTE },
    ]).view;
    const slow = run(process, [{ type: 'assign', agentId: 'ana', at: T0 + 2 * HOUR }]).view;
    const kpis = computeMetrics([fast, slow]);
    expect(kpis.slaAttainment.timeToAssign).toEqual({ met: 1, breached: 1, rate: 0.5 });
    expect(kpis.slaAttainment.periodicUpdate).toEqual({ met: 1, breached: 0, rate: 1 });
    expect(kpis.slaAttainment.firstResponse).toEqual({ met: 0, breached: 0, rate: null });
  });

  it('leaves the classic clocks and the stored state as they were when no target names a defined metric', () => {
    const process = desk([{ firstResponse: '1h', resolution: '8h' }]);
    const { step } = run(process, [{ type: 'agent.reply', at: T0 + HOUR / 2 }]);
    expect(Object.keys(step.state.context.sla.clocks)).toEqual(['firstResponse', 'resolution']);
  });
});

describe('metrics a policy defines', () => {
  const tracked = () =>
    createProcess(inquiryMachine, {
      sla: slaPolicy({
        metrics: {
          // Time spent waiting on a third party, paused by an event and resumed by another.
          vendorWait: { start: { event: 'pend', where: { reason: 'third-party' } }, stop: ['resume', 'resolve'] },
          // Time from arrival until it leaves the first stage, paused while pending (tag).
          triage: { start: 'received', stop: { stage: ['identification', 'resolution'] } },
          handling: {
            start: { stage: 'resolution' },
            stop: 'resolve',
            pause: { event: 'escalate' },
            resume: 'agent.reply',
          },
        },
        targets: [{ vendorWait: '1d', triage: '1h', handling: '8h' }],
        warnAt: [],
      }),
    });

  it('starts, stops, pauses and resumes on the events and stages it names', () => {
    const process = tracked();
    let step = process.start(makeInput());
    for (const event of [
      { type: 'categorize', category: 'billing', at: T0 + 30 * MINUTE },
      { type: 'assign', agentId: 'ana', at: T0 + HOUR },
      { type: 'escalate', at: T0 + 2 * HOUR },
      { type: 'agent.reply', at: T0 + 3 * HOUR },
      { type: 'pend', reason: 'third-party', at: T0 + 4 * HOUR },
      { type: 'resume', at: T0 + 6 * HOUR },
      { type: 'resolve', at: T0 + 7 * HOUR },
    ] as const)
      step = process.send(step.state, event);
    const view = process.view(step.state);
    expect(view.sla.triage).toMatchObject({ status: 'met', elapsedMs: 30 * MINUTE });
    expect(view.sla.handling).toMatchObject({ status: 'met', elapsedMs: 5 * HOUR });
    expect(view.sla.vendorWait).toMatchObject({ status: 'met', elapsedMs: 2 * HOUR });
  });

  it('gives the same effects and state under plain XState as through process.send', () => {
    const process = tracked();
    const events = [
      { type: 'categorize', category: 'billing', at: T0 + 30 * MINUTE },
      { type: 'assign', agentId: 'ana', at: T0 + HOUR },
      { type: 'pend', reason: 'third-party', at: T0 + 4 * HOUR },
      { type: 'resume', at: T0 + 6 * HOUR },
      { type: 'resolve', at: T0 + 7 * HOUR },
    ] as const;
    let step = process.start(makeInput());
    const expected: unknown[] = [...step.effects];
    for (const event of events) {
      step = process.send(step.state, event);
      expected.push(...step.effects);
    }
    const actor = createActor(process.machine, { input: makeInput() });
    const effects: unknown[] = [];
    actor.on('*', (effect) => void effects.push(effect));
    actor.start();
    for (const event of events) actor.send(event);
    expect(effects).toEqual(expected);
    expect(JSON.parse(JSON.stringify(actor.getSnapshot().context))).toEqual(step.state.context);
  });

  it('carries metric names into targets, views and attainment types', () => {
    const sla = slaPolicy({ metrics: { refund: { start: 'approve', stop: 'refund' } }, targets: [{ refund: '2d' }] });
    expectTypeOf(sla).toEqualTypeOf<
      SlaPolicy<
        | 'firstResponse'
        | 'nextResponse'
        | 'resolution'
        | 'periodicUpdate'
        | 'agentWorkTime'
        | 'requesterWaitTime'
        | 'timeToAssign'
        | 'refund'
      >
    >();
    expect(() =>
      // @ts-expect-error: a target may only name a defined metric
      slaPolicy({ metrics: { refund: { start: 'approve', stop: 'refund' } }, targets: [{ refnud: '2d' }] }),
    ).toThrow(/no metric 'refnud'/);
    const effect = {} as Extract<InquiryEffect, { type: 'sla.breached' }>;
    expectTypeOf(effect.metric).toEqualTypeOf<AnySlaMetric>();
  });
});

describe('the classic clocks as definitions', () => {
  it('are definitions in the same language, listed with the other built-in metrics', () => {
    for (const name of ['firstResponse', 'nextResponse', 'resolution'] as const)
      expect(SlaMetricDefinition.safeParse(builtInSlaMetrics[name]).success).toBe(true);
    expect(builtInSlaMetrics.firstResponse).toEqual({
      start: 'received',
      stop: [{ action: 'recordAgentReply' }, { action: 'resolve' }],
    });
    expect(builtInSlaMetrics.nextResponse.start).toEqual({
      action: 'recordCustomerReply',
      if: [{ replied: true }, { resolved: false }],
    });
  });

  it('a metric with the same definition as a classic clock gives the same clock, cycle for cycle', () => {
    const { firstResponse, nextResponse, resolution } = builtInSlaMetrics;
    const process = createProcess(inquiryMachine, {
      sla: slaPolicy({
        metrics: { first: firstResponse, next: nextResponse, solve: resolution },
        targets: [{ firstResponse: '1h', nextResponse: '2h', resolution: '8h', first: '1h', next: '2h', solve: '8h' }],
        warnAt: [0.5],
      }),
    });
    const { step } = run(process as never, [
      { type: 'assign', agentId: 'ana', at: T0 + 10 * MINUTE },
      { type: 'agent.reply', at: T0 + 20 * MINUTE },
      { type: 'customer.reply', at: T0 + HOUR },
      { type: 'pend', reason: 'customer', at: T0 + 2 * HOUR },
      { type: 'customer.reply', at: T0 + 3 * HOUR },
      { type: 'agent.reply', at: T0 + 4 * HOUR },
      { type: 'resolve', at: T0 + 5 * HOUR },
      { type: 'reopen', at: T0 + 6 * HOUR },
      { type: 'resolve', at: T0 + 7 * HOUR },
    ]);
    const { clocks, history } = step.state.context.sla;
    const same = (classic: string, defined: string) => {
      const strip = ({ metric: _metric, ...rest }: { metric: string }) => rest;
      expect(strip(clocks[defined]!)).toEqual(strip(clocks[classic]!));
      expect(history.filter((c) => c.metric === defined).map(strip)).toEqual(
        history.filter((c) => c.metric === classic).map(strip),
      );
    };
    same('firstResponse', 'first');
    same('nextResponse', 'next');
    same('resolution', 'solve');
    expect(clocks.solve).toMatchObject({ status: 'met', elapsedMs: 5 * HOUR });
  });
});

describe('triggers on service actions', () => {
  const incident = serviceSetup({ events: { 'page.acknowledged': {}, mitigate: {}, 'customer.update': {} } });
  const machine = incident.createMachine({
    id: 'mini-incident',
    context: incident.context,
    entry: 'receive',
    on: incident.on,
    initial: 'triage',
    states: {
      triage: {
        entry: { type: 'enterStage', params: { stage: 'triage' } },
        on: { 'page.acknowledged': { target: 'investigating', actions: 'recordAgentReply' } },
      },
      investigating: {
        entry: { type: 'enterStage', params: { stage: 'investigating' } },
        on: {
          'customer.update': { actions: 'recordCustomerReply' },
          mitigate: { target: 'followUp', actions: 'resolve' },
        },
      },
      followUp: followUpState({ stage: 'followUp', reopenTo: 'investigating', closeTo: 'closed' }),
      closed: { type: 'final', entry: { type: 'enterStage', params: { stage: 'closed' } } },
    },
  });

  it('measure a custom machine whatever events run the actions: the built-in metrics included', () => {
    const process = createProcess(machine, {
      sla: slaPolicy({
        metrics: { acknowledge: { start: 'received', stop: { action: 'recordAgentReply' } } },
        targets: [{ acknowledge: '15m', firstResponse: '15m', periodicUpdate: '1h', resolution: '4h' }],
        warnAt: [],
      }),
    });
    let step = process.start(makeInput());
    step = process.send(step.state, { type: 'page.acknowledged', at: T0 + 10 * MINUTE });
    step = process.send(step.state, { type: 'mitigate', at: T0 + HOUR });
    const view = process.view(step.state);
    expect(view.sla.acknowledge).toMatchObject({ status: 'met', elapsedMs: 10 * MINUTE });
    expect(view.sla.firstResponse).toMatchObject({ status: 'met', elapsedMs: 10 * MINUTE });
    expect(view.sla.periodicUpdate).toMatchObject({ status: 'cancelled' });
    expect(view.sla.resolution).toMatchObject({ status: 'met', elapsedMs: HOUR });
  });

  it('start only while every `if` condition holds', () => {
    const process = createProcess(machine, {
      sla: slaPolicy({
        metrics: {
          answerUpdate: {
            start: { action: 'recordCustomerReply', if: [{ replied: true }, { inStage: 'investigating' }] },
            stop: { action: 'resolve' },
          },
        },
        targets: [{ answerUpdate: '1h' }],
        warnAt: [],
      }),
    });
    let step = process.start(makeInput());
    step = process.send(step.state, { type: 'page.acknowledged', at: T0 + 10 * MINUTE });
    expect(process.view(step.state).sla.answerUpdate).toBeUndefined();
    step = process.send(step.state, { type: 'customer.update', at: T0 + 20 * MINUTE });
    step = process.send(step.state, { type: 'mitigate', at: T0 + 50 * MINUTE });
    expect(process.view(step.state).sla.answerUpdate).toMatchObject({ status: 'met', elapsedMs: 30 * MINUTE });
  });

  it('reopen a completed cycle, which counts on with its time so far', () => {
    const process = createProcess(inquiryMachine, {
      sla: slaPolicy({
        metrics: { handling: { start: 'assign', stop: 'resolve', reopen: 'reopen' } },
        targets: [{ handling: '8h' }],
        warnAt: [],
      }),
    });
    const { view, effects } = run(process as never, [
      { type: 'assign', agentId: 'ana', at: T0 + HOUR },
      { type: 'resolve', at: T0 + 2 * HOUR },
      { type: 'reopen', at: T0 + 3 * HOUR },
      { type: 'resolve', at: T0 + 5 * HOUR },
    ]);
    expect(view.sla.handling).toMatchObject({ status: 'met', elapsedMs: 3 * HOUR });
    expect(view.slaHistory.filter((c) => c.metric === 'handling')).toEqual([]);
    expect(of(effects, 'handling')).toEqual(['sla.started', 'sla.met', 'sla.resumed', 'sla.met']);
  });

  it('start a metric that gains a target through a priority change from when its cycle started', () => {
    const process = createProcess(inquiryMachine, {
      sla: slaPolicy({ targets: [{ when: { priority: 'urgent' }, timeToAssign: '15m' }], warnAt: [] }),
    });
    let { step, effects } = run(process as never, []);
    // No target at the arrival: the cycle waits, remembering when it started.
    expect(step.state.context.sla.waiting).toEqual({ timeToAssign: T0 });
    expect(assertJsonExact(step.state)).toBe(true);
    step = process.send(step.state, { type: 'prioritize', priority: 'urgent', at: T0 + 10 * MINUTE });
    effects = [...effects, ...step.effects];
    expect(process.view(step.state).sla.timeToAssign).toMatchObject({
      status: 'running',
      startedAt: T0,
      elapsedMs: 10 * MINUTE,
      dueAt: T0 + 15 * MINUTE,
    });
    expect(step.state.context.sla.waiting).toBeUndefined();
    step = process.send(step.state, { type: 'assign', agentId: 'ana', at: T0 + 20 * MINUTE });
    effects = [...effects, ...step.effects];
    expect(process.view(step.state).sla.timeToAssign).toMatchObject({ status: 'breached', elapsedMs: 20 * MINUTE });
    expect(of(effects, 'timeToAssign')).toEqual(['sla.started', 'sla.breached', 'sla.met']);
  });

  it('end the wait at the stop trigger, and start paused when a pause condition holds at the change', () => {
    const process = createProcess(inquiryMachine, {
      sla: slaPolicy({
        targets: [{ when: { priority: 'urgent' }, timeToAssign: '15m', requesterWaitTime: '4h' }],
        warnAt: [],
      }),
    });
    const { step } = run(process as never, [
      { type: 'assign', agentId: 'ana', at: T0 + 5 * MINUTE },
      { type: 'pend', reason: 'third-party', at: T0 + HOUR },
      { type: 'pend', reason: 'customer', at: T0 + 2 * HOUR },
    ]);
    // timeToAssign's cycle ended at the assignment; requesterWaitTime's waits since the arrival.
    expect(step.state.context.sla.waiting).toEqual({ requesterWaitTime: T0 });
    const urgent = process.send(step.state, { type: 'prioritize', priority: 'urgent', at: T0 + 3 * HOUR });
    const view = process.view(urgent.state);
    expect(view.sla.timeToAssign).toBeUndefined();
    // Counted from the arrival (the wait had no pauses to remember), held now: it waits on the customer.
    expect(view.sla.requesterWaitTime).toMatchObject({ status: 'paused', startedAt: T0, elapsedMs: 3 * HOUR });
    expect(urgent.effects.filter((e) => 'metric' in e).map((e) => e.type)).toEqual(['sla.started', 'sla.paused']);
    const restored = process.restore(JSON.parse(JSON.stringify(step.state)));
    expect(restored).toEqual(step.state);
  });

  it('never reopen a cancelled cycle, not even one that had breached (regression: found by the elapsedMs property)', () => {
    const process = createProcess(inquiryMachine, {
      sla: slaPolicy({
        metrics: { handling: { start: 'received', stop: 'resolve', cancel: 'escalate', reopen: 'assign' } },
        targets: [{ handling: '1h' }],
        warnAt: [],
      }),
    });
    const { view, effects } = run(process as never, [
      { type: 'escalate', at: T0 + 2 * HOUR },
      { type: 'assign', agentId: 'ana', at: T0 + 3 * HOUR },
    ]);
    // Cancelled at the escalation: it counted two hours and counts no more.
    expect(view.sla.handling).toMatchObject({ status: 'breached', elapsedMs: 2 * HOUR });
    expect(view.sla.handling?.metAt).toBeUndefined();
    expect(of(effects, 'handling')).toEqual(['sla.started', 'sla.breached']);
  });

  it('refuse an action that is no service action when createProcess binds the policy', () => {
    const sla = slaPolicy({
      metrics: { x: { start: 'received', stop: { action: 'reply' } } },
      targets: [],
    });
    expect(thrown(() => createProcess(inquiryMachine, { sla }))).toMatchObject({
      code: 'INVALID_CONFIG',
      path: ['sla', 'metrics', 'x', 'stop'],
      received: 'reply',
    });
  });
});

describe('metric validation', () => {
  it.each<[string, unknown, (string | number)[]]>([
    [
      'a definition without stop',
      { metrics: { x: { start: 'assign' } }, targets: [{ x: '1h' }] },
      ['metrics', 'x', 'stop'],
    ],
    [
      'a definition without start',
      { metrics: { x: { stop: 'assign' } }, targets: [{ x: '1h' }] },
      ['metrics', 'x', 'start'],
    ],
    ['a target naming an undefined metric', { targets: [{ refundTime: '1h' }] }, ['targets', 0, 'refundTime']],
    [
      'a definition named like a classic clock',
      { metrics: { resolution: { start: 'received', stop: 'close' } }, targets: [{ resolution: '1h' }] },
      ['metrics', 'resolution'],
    ],
    [
      'a metric name that is no identifier',
      { metrics: { 'time to x': { start: 'a', stop: 'b' } }, targets: [] },
      ['metrics', 'time to x'],
    ],
    [
      'an unknown pause condition',
      { metrics: { x: { start: 'assign', stop: 'resolve', pause: { tags: 'pending' } } }, targets: [] },
      ['metrics', 'x', 'pause'],
    ],
  ])('refuses %s with INVALID_CONFIG and the path', (_label, config, path) => {
    const error = thrown(() => slaPolicy(config as never));
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', path });
  });

  it('refuses a policy whose definitions name an event or stage the machine does not have, when createProcess binds it', () => {
    const noEvent = slaPolicy({ metrics: { refund: { start: 'item.received', stop: 'resolve' } }, targets: [] });
    expect(thrown(() => createProcess(inquiryMachine, { sla: noEvent }))).toMatchObject({
      code: 'INVALID_CONFIG',
      path: ['sla', 'metrics', 'refund', 'start'],
      received: 'item.received',
    });
    const noStage = slaPolicy({
      metrics: { review: { start: { stage: 'qualityReview' }, stop: ['resolve', 'close'] } },
      targets: [],
    });
    expect(thrown(() => createProcess(inquiryMachine, { sla: noStage }))).toMatchObject({
      code: 'INVALID_CONFIG',
      path: ['sla', 'metrics', 'review', 'start'],
      received: 'qualityReview',
    });
  });

  it('refuses an escalation rule naming a metric the SLA policy does not run, when createProcess binds them', () => {
    const escalation = escalationPolicy({
      levels: [{ name: 'agent' }, { name: 'lead' }],
      rules: [{ on: 'sla.breached', metric: 'handleTime', escalateTo: '+1' }],
    });
    expect(thrown(() => createProcess(inquiryMachine, { escalation }))).toMatchObject({
      code: 'INVALID_CONFIG',
      path: ['escalation', 'rules', 0, 'metric'],
      received: 'handleTime',
    });
    const sla = slaPolicy({ metrics: { handleTime: { start: 'assign', stop: 'resolve' } }, targets: [] });
    expect(() => createProcess(inquiryMachine, { sla, escalation })).not.toThrow();
  });

  it('accepts the same definitions on a machine that has those events and stages', () => {
    const returns = serviceSetup({ events: { 'item.received': {}, refund: {} } });
    const machine = returns.createMachine({
      id: 'mini-returns',
      context: returns.context,
      entry: 'receive',
      on: returns.on,
      initial: 'waiting',
      states: {
        waiting: { entry: { type: 'enterStage', params: { stage: 'waiting' } }, on: { 'item.received': 'refunding' } },
        refunding: {
          entry: { type: 'enterStage', params: { stage: 'refunding' } },
          on: { refund: { target: 'followUp', actions: 'resolve' } },
        },
        followUp: followUpState({ stage: 'followUp', reopenTo: 'refunding', closeTo: 'closed' }),
        closed: { type: 'final', entry: { type: 'enterStage', params: { stage: 'closed' } } },
      },
    });
    const process = createProcess(machine, {
      sla: slaPolicy({
        metrics: { refundTime: { start: 'item.received', stop: 'refund' } },
        targets: [{ refundTime: '2d' }],
      }),
    });
    let step = process.start(makeInput());
    step = process.send(step.state, { type: 'item.received', at: T0 + HOUR });
    step = process.send(step.state, { type: 'refund', at: T0 + 5 * HOUR });
    expect(process.view(step.state).sla.refundTime).toMatchObject({ status: 'met', elapsedMs: 4 * HOUR });
    expect(z.string().parse(process.view(step.state).stage)).toBe('followUp');
  });
});

describe('sla.met late', () => {
  it('is false for a clock met at exactly its due instant and true one ms later (elapsedMs > targetMs)', () => {
    const process = createProcess(inquiryMachine, {
      sla: slaPolicy({ targets: [{ firstResponse: '1h' }], warnAt: [] }),
    });
    const start = process.start(makeInput());
    const onTime = process.send(start.state, { type: 'agent.reply', at: T0 + HOUR });
    expect(onTime.effects.find((e) => e.type === 'sla.met')).toMatchObject({
      late: false,
      elapsedMs: HOUR,
      targetMs: HOUR,
    });
    const late = process.send(start.state, { type: 'agent.reply', at: T0 + HOUR + 1 });
    expect(late.effects.find((e) => e.type === 'sla.met')).toMatchObject({ late: true, elapsedMs: HOUR + 1 });
  });

  it('is the same under plain XState', () => {
    const process = createProcess(inquiryMachine, {
      sla: slaPolicy({ targets: [{ firstResponse: '1h' }], warnAt: [] }),
    });
    const actor = createActor(process.machine, { input: makeInput() });
    const effects: InquiryEffect[] = [];
    actor.on('*', (effect) => void effects.push(effect as InquiryEffect));
    actor.start();
    actor.send({ type: 'agent.reply', at: T0 + HOUR });
    expect(effects.find((e) => e.type === 'sla.met')).toMatchObject({ late: false, elapsedMs: HOUR });
  });
});
