import fc from 'fast-check';
import { createActor, type AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createProcess,
  escalationPolicy,
  feedbackPolicy,
  followUpState,
  InquiryEvent,
  inquiryMachine,
  serviceSetup,
  slaPolicy,
} from 'serviceflow';
import { applyEvents, findViolations } from 'serviceflow/testing';
import * as arb from 'serviceflow/testing/arbitraries';
import { HOUR, T0, makeInput } from '../support/fixtures.js';
import { thrown } from '../support/errors.js';

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Runs a machine with XState's own actor, collecting every effect it emits. */
function runActor(
  machine: AnyStateMachine,
  options: { input?: unknown; snapshot?: unknown },
  events: readonly unknown[],
) {
  const actor = createActor(machine, options as never);
  const effects: unknown[] = [];
  actor.on('*', (effect) => void effects.push(effect));
  actor.start();
  for (const event of events) actor.send(event as never);
  return { actor, effects };
}

const onFirstResponse = () => createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });

describe('service machines under plain XState', () => {
  it('fire the deadlines an event arrives after before applying it, as process.send does', () => {
    const process = onFirstResponse();
    const reply = { type: 'agent.reply', agentId: 'ana', at: T0 + 3 * HOUR } as const;
    const start = process.start(makeInput());
    const step = process.send(start.state, reply);

    const { actor, effects } = runActor(process.machine, { input: makeInput() }, [reply]);

    expect(effects.slice(start.effects.length).map((e) => (e as { type: string }).type)).toEqual([
      'sla.warning',
      'sla.breached',
      'sla.met',
    ]);
    expect(effects.at(-1)).toMatchObject({ type: 'sla.met', late: true, elapsedMs: 3 * HOUR, targetMs: HOUR });
    expect(effects.find((e) => (e as { type: string }).type === 'sla.breached')).toMatchObject({ at: T0 + HOUR });
    expect(json(effects)).toEqual(json([...start.effects, ...step.effects]));
    expect(json(actor.getSnapshot().context)).toEqual(json(step.state.context));
    expect(process.view(process.fromSnapshot(actor.getPersistedSnapshot())).sla.firstResponse).toMatchObject({
      status: 'breached',
      metAt: T0 + 3 * HOUR,
    });
    expect(findViolations(process.fromSnapshot(actor.getPersistedSnapshot()), { process })).toEqual([]);
  });

  it('do the same with the exported inquiryMachine and a policy bound by provide()', () => {
    const process = onFirstResponse();
    const machine = inquiryMachine.provide({
      actions: process.machine.implementations.actions,
      guards: process.machine.implementations.guards,
    });
    const { effects } = runActor(machine, { input: makeInput() }, [{ type: 'agent.reply', at: T0 + 3 * HOUR }]);
    expect(effects.at(-1)).toMatchObject({ type: 'sla.met', late: true });
  });

  it('close by themselves before an event that arrives after the automatic close', () => {
    const process = createProcess(inquiryMachine, { feedback: feedbackPolicy({ survey: false, reopenWindow: '1d' }) });
    const events = [
      { type: 'resolve', at: T0 + HOUR },
      { type: 'customer.reply', at: T0 + 3 * 24 * HOUR },
    ];
    const { actor, effects } = runActor(process.machine, { input: makeInput() }, events);
    expect(actor.getSnapshot().value).toBe('closed');
    expect(effects).toContainEqual(
      expect.objectContaining({ type: 'inquiry.closed', at: T0 + HOUR + 24 * HOUR, reason: 'auto' }),
    );
    expect(effects).not.toContainEqual(expect.objectContaining({ type: 'inquiry.reopened' }));
    // XState ignores events a final state gets; the process turns the late reply into a follow-up
    // request instead of dropping it, and refuses other events.
    const step = process.send(process.start(makeInput()).state, events[0] as never);
    expect(process.send(step.state, events[1] as never).effects.at(-1)).toMatchObject({
      type: 'followUp.requested',
      at: T0 + 3 * 24 * HOUR,
    });
    expect(thrown(() => process.send(step.state, { type: 'agent.reply', at: T0 + 3 * 24 * HOUR } as never)).code).toBe(
      'EVENT_NOT_ALLOWED',
    );
  });

  it('do the same for custom machines built with serviceSetup', () => {
    const custom = serviceSetup({ events: { approve: { approver: z.string() } } });
    const stage = (name: string) => ({ type: 'enterStage', params: { stage: name } }) as const;
    const machine = custom.createMachine({
      id: 'tiny',
      version: '1',
      context: custom.context,
      entry: 'receive',
      on: custom.on,
      initial: 'open',
      states: {
        open: { entry: stage('open'), on: { approve: { target: 'followUp', actions: 'resolve' } } },
        followUp: followUpState({ stage: 'followUp', reopenTo: 'open', closeTo: 'closed' }),
        closed: { type: 'final', entry: stage('closed') },
      },
    });
    const process = createProcess(machine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
    const input = { id: 'X-1', channel: 'chat', customer: { id: 'C' }, at: T0 } as const;
    const events = [
      { type: 'agent.reply', at: T0 + 2 * HOUR },
      { type: 'approve', approver: 'a', at: T0 + 3 * HOUR },
      { type: 'tick', at: T0 + 30 * 24 * HOUR },
    ] as const;
    const trace = applyEvents(process, input, events as never);
    const { actor, effects } = runActor(process.machine, { input }, trace.accepted);
    expect(json(effects)).toEqual(json(trace.steps.flatMap((s) => s.effects)));
    expect(actor.getSnapshot().value).toBe('closed');
    expect(effects).toContainEqual(expect.objectContaining({ type: 'sla.met', late: true }));
  });

  it('give the effects and state of process.send on random lifecycles and policies', () => {
    const policies = fc.record({
      sla: arb.slaPolicyConfig(),
      escalation: arb.escalationPolicyConfig(),
      feedback: arb.feedbackPolicyConfig(),
    });
    fc.assert(
      fc.property(policies, arb.lifecycle({ maxLength: 25 }), (config, { input, events }) => {
        const process = createProcess(inquiryMachine, {
          sla: slaPolicy(config.sla),
          escalation: escalationPolicy(config.escalation),
          feedback: feedbackPolicy(config.feedback),
        });
        const trace = applyEvents(process, input, events);
        // A reply or reopen to an inquiry that has ended (or that the deadlines due by then end) is,
        // for the process, a tick at that instant plus a follow-up request; a bare actor ignores any
        // event a final state gets, so it gets the tick.
        const endedBy = (step: (typeof trace.steps)[number]) =>
          (step.state.value === 'closed' || step.state.value === 'cancelled') &&
          step.effects.some((effect) => effect.type === 'followUp.requested');
        const fed = trace.accepted.map((event, i) =>
          endedBy(trace.steps[i + 1]!) ? { type: 'tick', at: event.at } : event,
        );
        // The recipe for a bare actor: events parsed by the machine's own schema (epoch-ms `at`).
        const { actor, effects } = runActor(
          process.machine,
          { input },
          fed.map((event) => InquiryEvent.parse(event)),
        );
        const last = trace.steps.at(-1)!;
        const expected = trace.steps.flatMap((s) =>
          endedBy(s) ? s.effects.filter((effect) => effect.type !== 'followUp.requested') : s.effects,
        );
        expect(json(effects)).toEqual(json(expected));
        expect(actor.getSnapshot().value).toEqual(last.state.value);
        expect(json(actor.getSnapshot().context)).toEqual(json(last.state.context));
        for (const effect of effects as { type: string; late?: boolean; elapsedMs?: number; targetMs?: number }[]) {
          if (effect.type === 'sla.met' && effect.late === false)
            expect(effect.elapsedMs).toBeLessThanOrEqual(effect.targetMs!);
        }
        expect(findViolations(process.fromSnapshot(actor.getPersistedSnapshot()), { process })).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('driving a bare actor safely (the docs recipe)', () => {
  it('checks each event with the process first: bad ones throw and the actor is left as it was', () => {
    const desk = onFirstResponse();
    const actor = createActor(desk.machine, { input: makeInput() }).start();
    const sendChecked = (event: Parameters<typeof desk.send>[1] & { at: number }) => {
      desk.send(desk.fromSnapshot(actor.getPersistedSnapshot()), event);
      actor.send(event as never);
    };
    sendChecked({ type: 'agent.reply', at: T0 + 3 * HOUR });
    const before = json(actor.getPersistedSnapshot());
    expect(thrown(() => sendChecked({ type: 'prioritize', priority: 'mega', at: T0 + 4 * HOUR } as never)).code).toBe(
      'INVALID_EVENT',
    );
    expect(thrown(() => sendChecked({ type: 'agent.reply', at: T0 - 1 })).code).toBe('OUT_OF_ORDER');
    expect(thrown(() => sendChecked({ type: 'close', at: T0 + 4 * HOUR })).code).toBe('EVENT_NOT_ALLOWED');
    expect(json(actor.getPersistedSnapshot())).toEqual(before);
    expect(firstResponseOf(desk, actor)).toMatchObject({ status: 'breached' });
  });
});

const firstResponseOf = (desk: ReturnType<typeof onFirstResponse>, actor: { getPersistedSnapshot(): unknown }) =>
  desk.view(desk.fromSnapshot(actor.getPersistedSnapshot())).sla.firstResponse;

describe('the snapshot bridge', () => {
  it('process.toSnapshot gives what createActor(process.machine, { snapshot }) restores', () => {
    const process = onFirstResponse();
    const start = process.start(makeInput());
    const reply = { type: 'agent.reply', at: T0 + 3 * HOUR } as const;
    const snapshot = process.toSnapshot(json(start.state));
    expect(json(snapshot)).toEqual(snapshot);
    const { actor, effects } = runActor(process.machine, { snapshot }, [reply]);
    const step = process.send(start.state, reply);
    expect(json(effects)).toEqual(json(step.effects));
    expect(json(actor.getSnapshot().context)).toEqual(json(step.state.context));
  });

  it('process.fromSnapshot gives the process state of an actor’s persisted snapshot', () => {
    const process = onFirstResponse();
    const events = [
      { type: 'assign', agentId: 'ana', at: T0 + 10 * 60_000 },
      { type: 'agent.reply', at: T0 + 20 * 60_000 },
    ] as const;
    const { actor } = runActor(process.machine, { input: makeInput() }, events);
    const state = process.fromSnapshot(json(actor.getPersistedSnapshot()));
    const expected = events.reduce((step, event) => process.send(step.state, event), process.start(makeInput()));
    expect(json(state)).toEqual(json(expected.state));
    expect(process.view(state)).toEqual(process.view(expected.state));
    expect(process.send(state, { type: 'resolve', at: T0 + HOUR }).state.value).toBe('followUp');
  });

  it('round-trips a final state both ways', () => {
    const process = onFirstResponse();
    const cancelled = process.send(process.start(makeInput()).state, { type: 'cancel', at: T0 + 1 });
    const snapshot = process.toSnapshot(cancelled.state);
    expect(snapshot.status).toBe('done');
    const actor = createActor(process.machine, { snapshot, input: undefined as never }).start();
    expect(actor.getSnapshot().status).toBe('done');
    expect(json(process.fromSnapshot(actor.getPersistedSnapshot()))).toEqual(json(cancelled.state));
  });

  it('refuses what is not a persisted snapshot of the machine with INCOMPATIBLE_STATE', () => {
    const process = onFirstResponse();
    const good = process.toSnapshot(process.start(makeInput()).state) as unknown as Record<string, unknown>;
    for (const bad of [
      null,
      42,
      { value: 'inquiry' },
      { ...good, status: 'error' },
      { ...good, value: 'nowhere' },
      { ...good, context: { id: 1 } },
      { ...good, children: { x: {} } },
    ]) {
      expect(thrown(() => process.fromSnapshot(bad)).code).toBe('INCOMPATIBLE_STATE');
    }
    expect(
      thrown(() =>
        process.toSnapshot({ format: 1, machine: { id: 'other', version: '1' }, value: 'x', context: {} } as never),
      ).code,
    ).toBe('INCOMPATIBLE_STATE');
  });
});
