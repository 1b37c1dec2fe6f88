import fc from 'fast-check';
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  ContactEvent,
  contactMachine,
  createProcess,
  defaultPolicies,
  serviceActions,
  ServiceFlowError,
  serviceGuards,
  type ContactEffect,
  type ContactEventInit,
  type ContactInputInit,
  type StateValue,
} from 'serviceflow';
import { contactEventSequence, contactInput, contactJourney } from 'serviceflow/testing/arbitraries';
import { contactActionNames } from '../internal/internals.js';

const MINUTE = 60_000;
/** Monday 2026-03-02 09:00 UTC. */
const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => T0 + minutes * MINUTE;

const contacts = createProcess(contactMachine);
type ContactStep = ReturnType<typeof contacts.start>;

const makeInput = (overrides: Partial<ContactInputInit> = {}): ContactInputInit => ({
  id: 'K-1',
  inquiryId: 'T-1',
  channel: 'phone',
  direction: 'inbound',
  customer: { id: 'C-1', tier: 'gold' },
  at: T0,
  ...overrides,
});

function runAll(events: readonly ContactEventInit[], input: ContactInputInit = makeInput()): ContactStep[] {
  const steps = [contacts.start(input)];
  for (const event of events) steps.push(contacts.send(steps[steps.length - 1]!.state, event));
  return steps;
}
const runTo = (events: readonly ContactEventInit[], input?: ContactInputInit) => runAll(events, input).at(-1)!;
const effectsOf = (steps: readonly ContactStep[]) => steps.flatMap((step) => step.effects as readonly ContactEffect[]);
const types = (effects: readonly { type: string }[]) => effects.map((effect) => effect.type);

const pathOf = (value: StateValue): string =>
  typeof value === 'string'
    ? value
    : (Object.entries(value).map(([key, inner]) => `${key}.${pathOf(inner)}`)[0] ?? '?');

function rejection(run: () => unknown): ServiceFlowError {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceFlowError) return error;
    throw error;
  }
  throw new Error('expected a ServiceFlowError');
}

/** Event sequences that bring a fresh contact into each state. */
const reach: Record<string, ContactEventInit[]> = {
  'preContact.identification': [],
  'preContact.selfService': [{ type: 'customer.identified', customerId: 'CRM-1', at: at(1) }],
  'preContact.queue': [{ type: 'routed', queue: 'billing', at: at(1) }],
  'contact.talking': [
    { type: 'routed', queue: 'billing', at: at(1) },
    { type: 'agent.connected', agentId: 'ana', at: at(2) },
  ],
  'contact.onHold': [
    { type: 'routed', queue: 'billing', at: at(1) },
    { type: 'agent.connected', agentId: 'ana', at: at(2) },
    { type: 'hold', at: at(3) },
  ],
  postContact: [
    { type: 'agent.connected', agentId: 'ana', at: at(2) },
    { type: 'contact.ended', at: at(3) },
  ],
  completed: [
    { type: 'agent.connected', agentId: 'ana', at: at(2) },
    { type: 'contact.ended', at: at(3) },
    { type: 'wrapup.completed', disposition: 'answered', resolved: true, at: at(4) },
  ],
  'completed(self-service)': [{ type: 'self-service.resolved', at: at(1) }],
  abandoned: [
    { type: 'routed', queue: 'billing', at: at(1) },
    { type: 'abandon', at: at(2) },
  ],
};

const probe = (type: ContactEventInit['type']): ContactEventInit => {
  const when = at(10);
  switch (type) {
    case 'customer.identified':
      return { type, customerId: 'CRM-9', at: when };
    case 'routed':
      return { type, queue: 'vip', at: when };
    case 'agent.connected':
      return { type, agentId: 'ben', at: when };
    case 'transfer':
      return { type, to: 'chen', at: when };
    case 'wrapup.completed':
      return { type, disposition: 'answered', resolved: false, at: when };
    default:
      return { type, at: when };
  }
};

const EVENT_TYPES = [
  'customer.identified',
  'routed',
  'self-service.resolved',
  'agent.connected',
  'hold',
  'unhold',
  'transfer',
  'contact.ended',
  'wrapup.completed',
  'abandon',
  'tick',
] as const;

const none = Object.fromEntries(EVENT_TYPES.map((type) => [type, null])) as Record<
  (typeof EVENT_TYPES)[number],
  string | null
>;

/** Where each event leads from each state: a state path, or `null` for EVENT_NOT_ALLOWED. */
const table: Record<string, Record<(typeof EVENT_TYPES)[number], string | null>> = {
  'preContact.identification': {
    ...none,
    'customer.identified': 'preContact.selfService',
    routed: 'preContact.queue',
    'self-service.resolved': 'completed',
    'agent.connected': 'contact.talking',
    abandon: 'abandoned',
    tick: 'preContact.identification',
  },
  'preContact.selfService': {
    ...none,
    'customer.identified': 'preContact.selfService',
    routed: 'preContact.queue',
    'self-service.resolved': 'completed',
    'agent.connected': 'contact.talking',
    abandon: 'abandoned',
    tick: 'preContact.selfService',
  },
  'preContact.queue': {
    ...none,
    'customer.identified': 'preContact.queue',
    routed: 'preContact.queue',
    'self-service.resolved': 'completed',
    'agent.connected': 'contact.talking',
    abandon: 'abandoned',
    tick: 'preContact.queue',
  },
  'contact.talking': {
    ...none,
    'customer.identified': 'contact.talking',
    hold: 'contact.onHold',
    transfer: 'contact.talking',
    'contact.ended': 'postContact',
    tick: 'contact.talking',
  },
  'contact.onHold': {
    ...none,
    'customer.identified': 'contact.onHold',
    unhold: 'contact.talking',
    transfer: 'contact.talking',
    'contact.ended': 'postContact',
    tick: 'contact.onHold',
  },
  postContact: { ...none, 'customer.identified': 'postContact', 'wrapup.completed': 'completed', tick: 'postContact' },
  completed: none,
  'completed(self-service)': none,
  abandoned: none,
};

describe('contactMachine transitions', () => {
  for (const [state, row] of Object.entries(table)) {
    describe(`in ${state}`, () => {
      const before = runTo(reach[state]!);
      it(`is reached as ${state.replace(/\(.*\)$/, '')}`, () => {
        expect(pathOf(before.state.value)).toBe(state.replace(/\(.*\)$/, ''));
      });
      for (const type of EVENT_TYPES) {
        const expected = row[type];
        if (expected === null) {
          it(`rejects ${type} with EVENT_NOT_ALLOWED and changes nothing`, () => {
            const snapshot = JSON.stringify(before.state);
            const error = rejection(() => contacts.send(before.state, probe(type)));
            expect(error.code).toBe('EVENT_NOT_ALLOWED');
            expect(error.message).toContain(`'${type}'`);
            expect(contacts.can(before.state, probe(type))).toBe(false);
            expect(JSON.stringify(before.state)).toBe(snapshot);
          });
        } else {
          it(`takes ${type} to ${expected}`, () => {
            const next = contacts.send(before.state, probe(type));
            expect(pathOf(next.state.value)).toBe(expected);
            expect(next.state.context.lastEventAt).toBe(at(10));
            expect(contacts.can(before.state, probe(type))).toBe(true);
          });
        }
      }
    });
  }

  it('says the process has ended when a final contact gets an event', () => {
    const done = runTo(reach.completed!);
    expect(rejection(() => contacts.send(done.state, probe('tick'))).message).toContain('has ended');
  });

  it('lists the accepted events when an event is not allowed', () => {
    const talking = runTo(reach['contact.talking']!);
    const error = rejection(() => contacts.send(talking.state, probe('abandon')));
    expect(error.message).toContain("not allowed in stage 'contact'");
    expect(error.expected).toContain('hold');
  });
});

describe('contactMachine input and event validation', () => {
  it('normalises ISO and Date instants to epoch ms', () => {
    const step = contacts.start(makeInput({ at: '2026-03-02T09:00:00Z' }));
    expect(step.state.context.startedAt).toBe(T0);
    const next = contacts.send(step.state, { type: 'routed', queue: 'billing', at: new Date(at(1)) });
    expect(next.state.context.routing).toEqual([{ queue: 'billing', at: at(1) }]);
  });

  it('rejects a bad input with INVALID_INPUT and the offending path', () => {
    const error = rejection(() => contacts.start({ ...makeInput(), direction: 'sideways' } as never));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.path).toEqual(['direction']);
    expect(rejection(() => contacts.start({ ...makeInput(), channel: 'fax' } as never)).code).toBe('INVALID_INPUT');
    expect(rejection(() => contacts.start({ ...makeInput(), customer: {} } as never)).path).toEqual(['customer', 'id']);
    expect(rejection(() => contacts.start({ ...makeInput(), extra: 1 } as never)).code).toBe('INVALID_INPUT');
  });

  it('rejects malformed events with INVALID_EVENT and leaves the state as it was', () => {
    const talking = runTo(reach['contact.talking']!);
    const snapshot = JSON.stringify(talking.state);
    const bad: unknown[] = [
      { type: 'hangup', at: at(5) },
      { type: 'transfer', at: at(5) },
      { type: 'transfer', to: '', at: at(5) },
      { type: 'hold', at: at(5), reason: 'music' },
      { type: 'wrapup.completed', disposition: 'x', resolved: 'yes', at: at(5) },
      { type: 'wrapup.completed', disposition: '  ', resolved: true, at: at(5) },
      { type: 'customer.identified', customerId: 'C-1', profile: { when: new Date() }, at: at(5) },
      { type: 'hold' },
      { type: 'hold', at: -62_135_596_800_001 }, // before 0001-01-01
    ];
    for (const event of bad) {
      expect(rejection(() => contacts.send(talking.state, event as never)).code).toBe('INVALID_EVENT');
    }
    expect(JSON.stringify(talking.state)).toBe(snapshot);
  });

  it('rejects an event earlier than the last one with OUT_OF_ORDER', () => {
    const queued = runTo([{ type: 'routed', queue: 'billing', at: at(5) }]);
    const error = rejection(() => contacts.send(queued.state, { type: 'agent.connected', agentId: 'ana', at: at(4) }));
    expect(error.code).toBe('OUT_OF_ORDER');
    expect(contacts.send(queued.state, { type: 'agent.connected', agentId: 'ana', at: at(5) }).state.value).toEqual({
      contact: 'talking',
    });
  });
});

describe('a contact from start to end', () => {
  const events: ContactEventInit[] = [
    { type: 'customer.identified', customerId: 'CRM-1', profile: { openInquiries: 2 }, at: at(1) },
    { type: 'routed', queue: 'billing', at: at(2) },
    { type: 'routed', queue: 'billing-vip', at: at(3) },
    { type: 'agent.connected', agentId: 'ana', at: at(6) },
    { type: 'hold', at: at(8) },
    { type: 'unhold', at: at(10) },
    { type: 'transfer', to: 'ben', at: at(12) },
    { type: 'hold', at: at(15) },
    { type: 'transfer', to: 'chen', at: at(16) },
    { type: 'tick', at: at(17) },
    { type: 'contact.ended', at: at(20) },
    { type: 'wrapup.completed', disposition: 'refund-issued', resolved: true, at: at(23) },
  ];
  const steps = runAll(events);
  const last = steps.at(-1)!;
  const view = contacts.view(last.state);

  it('walks preContact → contact → postContact → completed, reporting each stage change', () => {
    expect(effectsOf(steps).filter((e) => e.type === 'stage.changed')).toEqual([
      { type: 'stage.changed', contactId: 'K-1', inquiryId: 'T-1', at: at(6), from: 'preContact', to: 'contact' },
      { type: 'stage.changed', contactId: 'K-1', inquiryId: 'T-1', at: at(20), from: 'contact', to: 'postContact' },
      { type: 'stage.changed', contactId: 'K-1', inquiryId: 'T-1', at: at(23), from: 'postContact', to: 'completed' },
    ]);
    expect(last.state.value).toBe('completed');
    expect(last.wakeAt).toBeNull();
  });

  it('reports every effect in order', () => {
    expect(types(effectsOf(steps))).toEqual([
      'contact.started',
      'contact.identified',
      'contact.queued',
      'contact.queued',
      'contact.connected',
      'stage.changed',
      'contact.held',
      'contact.unheld',
      'contact.transferred',
      'contact.held',
      'contact.transferred',
      'contact.ended',
      'stage.changed',
      'survey.offered',
      'stage.changed',
      'contact.completed',
    ]);
    const byType = <T extends ContactEffect['type']>(type: T) =>
      effectsOf(steps).filter((e): e is Extract<ContactEffect, { type: T }> => e.type === type);
    expect(byType('contact.connected')[0]).toMatchObject({ agentId: 'ana', queueMs: 4 * MINUTE, at: at(6) });
    expect(byType('contact.unheld')[0]).toMatchObject({ agentId: 'ana', holdMs: 2 * MINUTE });
    expect(byType('contact.ended')[0]).toMatchObject({ talkMs: 11 * MINUTE, holdMs: 3 * MINUTE });
  });

  it('ends by emitting contact.completed for the inquiry', () => {
    expect(last.effects.at(-1)).toEqual({
      type: 'contact.completed',
      contactId: 'K-1',
      inquiryId: 'T-1',
      at: at(23),
      channel: 'phone',
      handleMs: 17 * MINUTE,
      resolved: true,
      outcome: 'handled',
      disposition: 'refund-issued',
    });
  });

  it('records every hold and transfer with its instants', () => {
    expect(view.holds).toEqual([
      { startedAt: at(8), endedAt: at(10), durationMs: 2 * MINUTE },
      { startedAt: at(15), endedAt: at(16), durationMs: 1 * MINUTE },
    ]);
    expect(view.transfers).toEqual([
      { from: 'ana', to: 'ben', at: at(12) },
      { from: 'ben', to: 'chen', at: at(16) },
    ]);
    expect(view.agents).toEqual(['ana', 'ben', 'chen']);
    expect(view.agentId).toBe('chen');
  });

  it('computes queue, talk, hold, wrap-up and handle time from the event instants', () => {
    expect(view).toMatchObject({
      queueMs: 4 * MINUTE, // routed 09:02 → connected 09:06 (re-routing keeps counting)
      holdMs: 3 * MINUTE, // 09:08–09:10 and 09:15–09:16 (the transfer ended the second hold)
      talkMs: 11 * MINUTE, // connected 09:06 → ended 09:20 is 14 min, minus 3 min on hold
      wrapUpMs: 3 * MINUTE, // ended 09:20 → wrap-up 09:23
      handleMs: 17 * MINUTE,
    });
  });

  it('shows the customer as identified, with the profile identification loaded', () => {
    expect(view.customer).toEqual({
      id: 'CRM-1',
      identified: true,
      startedAs: 'C-1',
      tier: 'gold',
      profile: { openInquiries: 2 },
    });
    expect(view.queue).toBe('billing-vip');
    expect(view.routing.map((r) => r.queue)).toEqual(['billing', 'billing-vip']);
  });

  it('keeps the outcome, the disposition, the survey offer and the timestamps', () => {
    expect(view).toMatchObject({
      id: 'K-1',
      inquiryId: 'T-1',
      channel: 'phone',
      direction: 'inbound',
      stage: 'completed',
      outcome: 'handled',
      disposition: 'refund-issued',
      resolved: true,
      surveyOfferedAt: at(23),
      startedAt: T0,
      identifiedAt: at(1),
      queuedAt: at(2),
      connectedAt: at(6),
      endedAt: at(20),
      completedAt: at(23),
      lastEventAt: at(23),
      wakeAt: null,
    });
    expect(view.followUpTask).toBeUndefined();
    expect(view.status).toBeUndefined();
  });

  it('round-trips through JSON at every step', () => {
    let state = JSON.parse(JSON.stringify(contacts.start(makeInput()).state)) as ContactStep['state'];
    for (const event of events)
      state = JSON.parse(JSON.stringify(contacts.send(state, event).state)) as ContactStep['state'];
    expect(state).toEqual(JSON.parse(JSON.stringify(last.state)));
  });
});

describe('contact variations', () => {
  it('connects an outbound contact without a queue', () => {
    const step = runTo(
      [
        { type: 'agent.connected', agentId: 'ana', at: at(1) },
        { type: 'contact.ended', at: at(4) },
      ],
      makeInput({ direction: 'outbound', channel: 'sms' }),
    );
    expect(contacts.view(step.state)).toMatchObject({
      direction: 'outbound',
      channel: 'sms',
      queueMs: 0,
      talkMs: 3 * MINUTE,
      stage: 'postContact',
    });
    expect(contacts.view(step.state).queuedAt).toBeUndefined();
  });

  it('ends on hold: the hold ends with the contact', () => {
    const step = runTo([
      { type: 'agent.connected', agentId: 'ana', at: at(1) },
      { type: 'hold', at: at(3) },
      { type: 'contact.ended', at: at(7) },
    ]);
    const view = contacts.view(step.state);
    expect(view.holds).toEqual([{ startedAt: at(3), endedAt: at(7), durationMs: 4 * MINUTE }]);
    expect(view).toMatchObject({ holdMs: 4 * MINUTE, talkMs: 2 * MINUTE });
  });

  it('deflects to self-service: completed without an agent, resolved, no handle time', () => {
    const steps = runAll([
      { type: 'customer.identified', customerId: 'CRM-1', at: at(1) },
      { type: 'self-service.resolved', at: at(4) },
    ]);
    const view = contacts.view(steps.at(-1)!.state);
    expect(view).toMatchObject({
      stage: 'completed',
      outcome: 'self-service',
      resolved: true,
      handleMs: 0,
      queueMs: 0,
      completedAt: at(4),
    });
    expect(view.agentId).toBeUndefined();
    expect(view.surveyOfferedAt).toBeUndefined();
    expect(steps.at(-1)!.effects).toEqual([
      { type: 'stage.changed', contactId: 'K-1', inquiryId: 'T-1', at: at(4), from: 'preContact', to: 'completed' },
      {
        type: 'contact.completed',
        contactId: 'K-1',
        inquiryId: 'T-1',
        at: at(4),
        channel: 'phone',
        handleMs: 0,
        resolved: true,
        outcome: 'self-service',
      },
    ]);
  });

  it('counts the queue wait until self-service resolves a queued contact', () => {
    const view = contacts.view(
      runTo([
        { type: 'routed', queue: 'billing', at: at(1) },
        { type: 'self-service.resolved', at: at(6) },
      ]).state,
    );
    expect(view.queueMs).toBe(5 * MINUTE);
  });

  it('abandons in the queue: records the wait, reports contact.abandoned, never contact.completed', () => {
    const steps = runAll(reach.abandoned!);
    const view = contacts.view(steps.at(-1)!.state);
    expect(view).toMatchObject({
      stage: 'abandoned',
      outcome: 'abandoned',
      resolved: false,
      queueMs: MINUTE,
      abandonedAt: at(2),
      handleMs: 0,
    });
    expect(steps.at(-1)!.effects).toEqual([
      { type: 'stage.changed', contactId: 'K-1', inquiryId: 'T-1', at: at(2), from: 'preContact', to: 'abandoned' },
      {
        type: 'contact.abandoned',
        contactId: 'K-1',
        inquiryId: 'T-1',
        at: at(2),
        channel: 'phone',
        queueMs: MINUTE,
        during: 'queue',
      },
    ]);
    expect(types(effectsOf(steps))).not.toContain('contact.completed');
  });

  it('says where in pre-contact the customer left', () => {
    const during = (events: ContactEventInit[]) =>
      (
        runTo([...events, { type: 'abandon', at: at(5) }]).effects.find((e) => e.type === 'contact.abandoned') as {
          during: string;
        }
      ).during;
    expect(during([])).toBe('identification');
    expect(during([{ type: 'customer.identified', customerId: 'CRM-1', at: at(1) }])).toBe('selfService');
  });

  it('leaves a follow-up task when wrap-up says the contact did not resolve the issue', () => {
    const step = runTo([
      { type: 'agent.connected', agentId: 'ana', at: at(1) },
      { type: 'contact.ended', at: at(5) },
      { type: 'wrapup.completed', disposition: 'needs-engineering', resolved: false, at: at(6) },
    ]);
    expect(types(step.effects)).toEqual(['survey.offered', 'followUp.created', 'stage.changed', 'contact.completed']);
    expect(step.effects[1]).toEqual({
      type: 'followUp.created',
      contactId: 'K-1',
      inquiryId: 'T-1',
      at: at(6),
      reason: 'unresolved',
      disposition: 'needs-engineering',
    });
    expect(contacts.view(step.state)).toMatchObject({
      resolved: false,
      followUpTask: { reason: 'unresolved', disposition: 'needs-engineering', createdAt: at(6) },
    });
    expect(step.effects.at(-1)).toMatchObject({ type: 'contact.completed', resolved: false, handleMs: 5 * MINUTE });
  });

  it('offers the survey at wrap-up, naming the agent who handled the contact', () => {
    const step = runTo(reach.completed!);
    expect(step.effects[0]).toEqual({
      type: 'survey.offered',
      contactId: 'K-1',
      inquiryId: 'T-1',
      at: at(4),
      channel: 'phone',
      agentId: 'ana',
    });
  });

  it('lets the agent identify the customer during the contact and the wrap-up', () => {
    const step = runTo([
      ...reach.postContact!,
      { type: 'customer.identified', customerId: 'CRM-5', profile: { vip: true }, at: at(4) },
    ]);
    expect(contacts.view(step.state).customer).toMatchObject({ id: 'CRM-5', identified: true, profile: { vip: true } });
    expect(step.effects).toEqual([
      { type: 'contact.identified', contactId: 'K-1', inquiryId: 'T-1', at: at(4), customerId: 'CRM-5' },
    ]);
  });

  it('works without an inquiry: effects carry no inquiryId', () => {
    const { inquiryId: _unused, ...unlinked } = makeInput();
    const steps = runAll(reach.completed!, unlinked);
    expect(effectsOf(steps).every((effect) => !('inquiryId' in effect))).toBe(true);
    expect(contacts.view(steps.at(-1)!.state).inquiryId).toBeUndefined();
  });

  it('records the instant of a tick and nothing else', () => {
    const queued = runTo(reach['preContact.queue']!);
    const ticked = contacts.send(queued.state, { type: 'tick', at: at(30) });
    expect(ticked.effects).toEqual([]);
    expect(ticked.state.context).toEqual({ ...queued.state.context, lastEventAt: at(30) });
    expect(contacts.send(queued.state, { type: 'tick', at: at(1) }).state.context).toEqual(queued.state.context);
  });

  it('reads periods under way up to the view instant', () => {
    const queued = runTo(reach['preContact.queue']!);
    expect(contacts.view(queued.state, { at: at(9) }).queueMs).toBe(8 * MINUTE);
    expect(contacts.view(queued.state).queueMs).toBe(0);
    expect(contacts.view(queued.state, { at: T0 }).queueMs).toBe(0); // never before the last event
    const onHold = runTo(reach['contact.onHold']!);
    expect(contacts.view(onHold.state, { at: at(10) })).toMatchObject({
      talkMs: MINUTE,
      holdMs: 7 * MINUTE,
      handleMs: 8 * MINUTE,
      status: 'onHold',
    });
    expect(contacts.view(onHold.state, { at: at(10) }).holds).toEqual([{ startedAt: at(3), durationMs: 7 * MINUTE }]);
    const wrapping = runTo(reach.postContact!);
    expect(contacts.view(wrapping.state, { at: at(8) })).toMatchObject({
      talkMs: MINUTE,
      wrapUpMs: 5 * MINUTE,
      handleMs: 6 * MINUTE,
    });
  });

  it('handles every channel in both directions', () => {
    for (const channel of ['email', 'chat', 'phone', 'social', 'web', 'sms'] as const) {
      for (const direction of ['inbound', 'outbound'] as const) {
        const step = runTo(reach.completed!, makeInput({ channel, direction }));
        expect(step.effects.at(-1)).toMatchObject({ type: 'contact.completed', channel, handleMs: 2 * MINUTE });
      }
    }
  });
});

describe('contactMachine with XState and createProcess', () => {
  it('runs with createActor and emits its effects', () => {
    const seen: string[] = [];
    const actor = createActor(contactMachine, { input: makeInput() });
    actor.on('*', (effect) => seen.push(effect.type));
    actor.start();
    for (const event of reach.completed!) actor.send(ContactEvent.parse(event));
    expect(actor.getSnapshot().status).toBe('done');
    expect(seen).toEqual([
      'contact.started',
      'contact.connected',
      'stage.changed',
      'contact.ended',
      'stage.changed',
      'survey.offered',
      'stage.changed',
      'contact.completed',
    ]);
    expect(actor.getSnapshot().context.lastEventAt).toBe(at(4));
  });

  it('is read as a contact by createProcess without options (the built-in registry)', () => {
    const view = contacts.view(contacts.start(makeInput()).state);
    expect(view).toMatchObject({
      id: 'K-1',
      stage: 'preContact',
      status: 'identification',
      queueMs: 0,
      handleMs: 0,
      wakeAt: null,
    });
    expect(contacts.wakeAt(contacts.start(makeInput()).state)).toBeNull();
  });

  it('persists the machine id and version', () => {
    expect(contacts.start(makeInput()).state.machine).toEqual({ id: 'contact', version: '1' });
  });

  it('refuses an inquiry state', () => {
    const foreign = { format: 1, machine: { id: 'inquiry', version: '1' }, value: 'inquiry', context: {} };
    expect(rejection(() => contacts.send(foreign as never, probe('tick'))).code).toBe('INCOMPATIBLE_STATE');
  });

  it('keeps its action names apart from the service actions createProcess provides to every machine', () => {
    const taken = new Set([
      ...Object.keys(serviceActions(defaultPolicies)),
      ...Object.keys(serviceGuards(defaultPolicies)),
    ]);
    expect(contactActionNames.filter((name) => taken.has(name))).toEqual([]);
  });
});

/** The timings a contact's events say, computed independently of the machine. */
function expectedTimings(startedAt: number, accepted: readonly ContactEventInit[], viewAt: number) {
  let queuedAt: number | undefined;
  let queueEnd: number | undefined;
  let connectedAt: number | undefined;
  let endedAt: number | undefined;
  let completedAt: number | undefined;
  let holdStart: number | undefined;
  let holdMs = 0;
  for (const event of accepted) {
    const t = event.at as number;
    switch (event.type) {
      case 'routed':
        queuedAt ??= t;
        break;
      case 'agent.connected':
      case 'abandon':
      case 'self-service.resolved':
        queueEnd = t;
        if (event.type === 'agent.connected') connectedAt = t;
        break;
      case 'hold':
        holdStart = t;
        break;
      case 'unhold':
      case 'transfer':
      case 'contact.ended':
        if (holdStart !== undefined) holdMs += t - holdStart;
        holdStart = undefined;
        if (event.type === 'contact.ended') endedAt = t;
        break;
      case 'wrapup.completed':
        completedAt = t;
        break;
      default:
        break;
    }
  }
  const now = Math.max(viewAt, startedAt, ...accepted.map((e) => e.at as number));
  if (holdStart !== undefined) holdMs += now - holdStart;
  const queueMs = queuedAt === undefined ? 0 : (queueEnd ?? now) - queuedAt;
  const talkMs = connectedAt === undefined ? 0 : (endedAt ?? now) - connectedAt - holdMs;
  const wrapUpMs = endedAt === undefined ? 0 : (completedAt ?? now) - endedAt;
  return { queueMs, talkMs, holdMs, wrapUpMs, handleMs: talkMs + holdMs + wrapUpMs };
}

describe('contact timing properties', () => {
  it('equals what the event timestamps say, for every valid journey, read at any later instant', () => {
    fc.assert(
      fc.property(contactJourney(), fc.integer({ min: 0, max: 3_600_000 }), ({ input, events }, later) => {
        const steps = runAll(events, input);
        const last = steps.at(-1)!;
        const viewAt = last.state.context.lastEventAt + later;
        const view = contacts.view(last.state, { at: viewAt });
        expect({
          queueMs: view.queueMs,
          talkMs: view.talkMs,
          holdMs: view.holdMs,
          wrapUpMs: view.wrapUpMs,
          handleMs: view.handleMs,
        }).toEqual(
          expectedTimings(
            input.at,
            events,
            view.stage === 'completed' || view.stage === 'abandoned' ? last.state.context.lastEventAt : viewAt,
          ),
        );
        expect(view.handleMs).toBe(view.talkMs + view.holdMs + view.wrapUpMs);
        for (const figure of [view.queueMs, view.talkMs, view.holdMs, view.wrapUpMs])
          expect(figure).toBeGreaterThanOrEqual(0);
        const completed = effectsOf(steps).filter((e) => e.type === 'contact.completed');
        expect(completed.length).toBe(view.stage === 'completed' ? 1 : 0);
        if (completed[0] !== undefined) expect(completed[0].handleMs).toBe(view.handleMs);
      }),
      { numRuns: 300 },
    );
  });

  it('holds for random event sequences too, keeping only the accepted events', () => {
    fc.assert(
      fc.property(
        contactInput().chain((input) => contactEventSequence({ start: input.at }).map((events) => ({ input, events }))),
        ({ input, events }) => {
          let step = contacts.start(input);
          const accepted: ContactEventInit[] = [];
          for (const event of events) {
            if (!contacts.can(step.state, event)) {
              expect(() => contacts.send(step.state, event)).toThrow(ServiceFlowError);
              continue;
            }
            step = contacts.send(step.state, event);
            accepted.push(event);
          }
          const view = contacts.view(step.state);
          expect({
            queueMs: view.queueMs,
            talkMs: view.talkMs,
            holdMs: view.holdMs,
            wrapUpMs: view.wrapUpMs,
            handleMs: view.handleMs,
          }).toEqual(expectedTimings(input.at, accepted, step.state.context.lastEventAt));
          expect(view.transfers.length).toBe(accepted.filter((e) => e.type === 'transfer').length);
          expect(view.holds.length).toBe(accepted.filter((e) => e.type === 'hold').length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
