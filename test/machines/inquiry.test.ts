import { createActor, setup, transition, initialTransition } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  createProcess,
  defaultPolicies,
  feedbackPolicy,
  InquiryContext,
  InquiryEvent,
  InquiryInput,
  inquiryMachine,
  InvalidConfigError,
  serviceActions,
  serviceGuards,
  type InquiryEffect,
  type InquiryEventInit,
} from 'serviceflow';
import { thrown } from '../support/errors.js';
import { HOUR, MINUTE, T0, makeInput, makeProcess, runTo } from '../support/fixtures.js';

const process = makeProcess();
const at = (minutes: number) => T0 + minutes * MINUTE;

/** Event sequences that bring a fresh inquiry into each stage (and sub-state). */
const reach: Record<string, InquiryEventInit[]> = {
  inquiry: [],
  identification: [{ type: 'categorize', category: 'billing', at: at(1) }],
  'resolution.working': [{ type: 'assign', agentId: 'ana', at: at(1) }],
  'resolution.pending(customer)': [
    { type: 'assign', agentId: 'ana', at: at(1) },
    { type: 'pend', reason: 'customer', at: at(2) },
  ],
  'resolution.pending(third-party)': [
    { type: 'assign', agentId: 'ana', at: at(1) },
    { type: 'pend', reason: 'third-party', at: at(2) },
  ],
  followUp: [{ type: 'resolve', at: at(1) }],
  closed: [
    { type: 'resolve', at: at(1) },
    { type: 'close', at: at(2) },
  ],
  cancelled: [{ type: 'cancel', at: at(1) }],
};

const probe = (type: string): InquiryEventInit =>
  ({
    acknowledge: { type: 'acknowledge' },
    categorize: { type: 'categorize', category: 'technical' },
    prioritize: { type: 'prioritize', priority: 'high' },
    assign: { type: 'assign', team: 'tier-2' },
    'agent.reply': { type: 'agent.reply', agentId: 'ana' },
    'customer.reply': { type: 'customer.reply' },
    pend: { type: 'pend', reason: 'customer' },
    resume: { type: 'resume' },
    escalate: { type: 'escalate' },
    resolve: { type: 'resolve', resolution: 'fixed' },
    feedback: { type: 'feedback', kind: 'csat', score: 5 },
    reopen: { type: 'reopen' },
    close: { type: 'close' },
    cancel: { type: 'cancel' },
    'contact.completed': {
      type: 'contact.completed',
      contactId: 'K-1',
      channel: 'phone',
      handleMs: 300_000,
      resolved: false,
    },
    tick: { type: 'tick' },
  })[type] as InquiryEventInit;

/** Where each event leads from each stage: a state path, or `null` for EVENT_NOT_ALLOWED. */
const table: Record<string, Record<string, string | null>> = {
  inquiry: {
    acknowledge: 'inquiry',
    categorize: 'identification',
    prioritize: 'identification',
    assign: 'resolution.working',
    'agent.reply': 'inquiry',
    'customer.reply': 'inquiry',
    pend: null,
    resume: null,
    escalate: 'inquiry',
    resolve: 'followUp',
    feedback: null,
    reopen: null,
    close: null,
    cancel: 'cancelled',
    'contact.completed': 'inquiry',
    tick: 'inquiry',
  },
  identification: {
    acknowledge: 'identification',
    categorize: 'identification',
    prioritize: 'identification',
    assign: 'resolution.working',
    'agent.reply': 'identification',
    'customer.reply': 'identification',
    pend: null,
    resume: null,
    escalate: 'identification',
    resolve: 'followUp',
    feedback: null,
    reopen: null,
    close: null,
    cancel: 'cancelled',
    'contact.completed': 'identification',
    tick: 'identification',
  },
  'resolution.working': {
    acknowledge: null,
    categorize: 'resolution.working',
    prioritize: 'resolution.working',
    assign: 'resolution.working',
    'agent.reply': 'resolution.working',
    'customer.reply': 'resolution.working',
    pend: 'resolution.pending',
    resume: null,
    escalate: 'resolution.working',
    resolve: 'followUp',
    feedback: null,
    reopen: null,
    close: null,
    cancel: 'cancelled',
    'contact.completed': 'resolution.working',
    tick: 'resolution.working',
  },
  'resolution.pending(customer)': {
    acknowledge: null,
    categorize: 'resolution.pending',
    prioritize: 'resolution.pending',
    assign: 'resolution.pending',
    'agent.reply': 'resolution.pending',
    'customer.reply': 'resolution.working',
    pend: 'resolution.pending',
    resume: 'resolution.working',
    escalate: 'resolution.pending',
    resolve: 'followUp',
    feedback: null,
    reopen: null,
    close: null,
    cancel: 'cancelled',
    'contact.completed': 'resolution.pending',
    tick: 'resolution.pending',
  },
  'resolution.pending(third-party)': {
    acknowledge: null,
    categorize: 'resolution.pending',
    prioritize: 'resolution.pending',
    assign: 'resolution.pending',
    'agent.reply': 'resolution.pending',
    'customer.reply': 'resolution.pending',
    pend: 'resolution.pending',
    resume: 'resolution.working',
    escalate: 'resolution.pending',
    resolve: 'followUp',
    feedback: null,
    reopen: null,
    close: null,
    cancel: 'cancelled',
    'contact.completed': 'resolution.pending',
    tick: 'resolution.pending',
  },
  followUp: {
    acknowledge: null,
    categorize: 'followUp',
    prioritize: 'followUp',
    assign: 'followUp',
    'agent.reply': 'followUp',
    'customer.reply': 'resolution.working',
    pend: null,
    resume: null,
    escalate: 'followUp',
    resolve: null,
    feedback: 'followUp',
    reopen: 'resolution.working',
    close: 'closed',
    cancel: 'cancelled',
    'contact.completed': 'followUp',
    tick: 'followUp',
  },
  // final stages accept nothing; a customer reply or reopen asks for a follow-up (the state stays)
  closed: { 'customer.reply': 'closed', reopen: 'closed' },
  cancelled: { 'customer.reply': 'cancelled', reopen: 'cancelled' },
};

const statePath = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}.${statePath(v)}`)[0]!;

const eventTypes = Object.keys(table.inquiry!);

describe.each([
  ['fast path', makeProcess()],
  ['XState interpreter', makeProcess({ fastPath: false })],
])('inquiryMachine transitions (%s)', (_mode, process) => {
  for (const [from, events] of Object.entries(reach)) {
    describe(`from ${from}`, () => {
      const start = runTo(process, makeInput(), events);
      for (const type of eventTypes) {
        const expected = table[from]?.[type] ?? null;
        const event = { ...probe(type), at: at(30) } as InquiryEventInit;
        it(expected === null ? `rejects ${type} with EVENT_NOT_ALLOWED` : `${type} → ${expected}`, () => {
          if (expected === null) {
            expect(() => process.send(start.state, event)).toThrow(
              expect.objectContaining({ code: 'EVENT_NOT_ALLOWED' }),
            );
            expect(process.can(start.state, event)).toBe(false);
          } else {
            const next = process.send(start.state, event);
            expect(statePath(next.state.value)).toBe(expected);
            if (from === 'closed' || from === 'cancelled') {
              expect(next.state).toEqual(start.state);
              expect(next.effects).toMatchObject([
                { type: 'followUp.requested', inquiryId: 'T-1', at: at(30), by: type },
              ]);
            } else {
              expect(next.state.context.lastEventAt).toBe(at(30));
            }
          }
        });
      }
    });
  }
});

describe('inquiryMachine', () => {
  it('reports stage changes as effects with the stage left and the stage entered', () => {
    const step = runTo(process, makeInput(), [{ type: 'categorize', category: 'billing', at: at(1) }]);
    expect(step.effects).toEqual([
      { type: 'stage.changed', inquiryId: 'T-1', at: at(1), from: 'inquiry', to: 'identification' },
    ]);
  });

  it('only reopens from follow-up inside the reopen window', () => {
    const resolved = runTo(process, makeInput(), [{ type: 'resolve', at: at(1) }]);
    const reopenUntil = process.view(resolved.state).reopenUntil!;
    expect(reopenUntil).toBe(at(1) + 7 * 24 * HOUR);
    // default autoCloseAfter = reopenWindow, so the inquiry closes by itself at the window's end
    // from the window's end on, a reopen asks for a follow-up instead
    const late = process.send(resolved.state, { type: 'reopen', at: reopenUntil });
    expect(late.state.value).toBe('followUp');
    expect(late.effects.at(-1)).toMatchObject({ type: 'followUp.requested', by: 'reopen', at: reopenUntil });
    expect(process.send(resolved.state, { type: 'reopen', at: reopenUntil - 1 }).state.value).toEqual({
      resolution: 'working',
    });
  });

  it('asks for a follow-up on a customer reply after the reopen window, without reopening or recording it', () => {
    const p = makeProcess({ feedback: feedbackPolicy({ reopenWindow: '1d', autoCloseAfter: '3d', survey: false }) });
    const resolved = runTo(p, makeInput(), [{ type: 'resolve', at: at(1) }]);
    const late = p.send(resolved.state, { type: 'customer.reply', at: at(1) + 2 * 24 * HOUR });
    expect(late.state.value).toBe('followUp');
    expect(late.state.context.lastCustomerReplyAt).toBeUndefined();
    expect(late.state.context.lastEventAt).toBe(at(1) + 2 * 24 * HOUR);
    expect(late.effects).toMatchObject([
      { type: 'followUp.requested', by: 'customer.reply', input: { followUpOf: 'T-1', at: at(1) + 2 * 24 * HOUR } },
    ]);
  });

  it('refuses with INVALID_CONFIG a custom machine that names requestFollowUp on another event, leaving the state as it was', () => {
    // regression (built-in errors audit): this was a TypeError, though a custom machine's config causes it
    const config = inquiryMachine.config as { states: Record<string, { on?: Record<string, unknown> }> };
    const misnamed = setup({
      schemas: { input: InquiryInput, events: InquiryEvent, context: InquiryContext },
      actions: serviceActions(defaultPolicies),
      guards: serviceGuards(defaultPolicies),
    } as never).createMachine({
      ...inquiryMachine.config,
      id: 'inquiry-misnamed',
      states: {
        ...config.states,
        inquiry: {
          ...config.states['inquiry'],
          on: { ...config.states['inquiry']?.on, acknowledge: { actions: 'requestFollowUp' } },
        },
      },
    } as never) as unknown as typeof inquiryMachine;
    for (const fastPath of [true, false]) {
      const process = createProcess(misnamed, { fastPath });
      const started = process.start(makeInput());
      const before = JSON.stringify(started.state);
      const error = thrown(() => process.send(started.state, { type: 'acknowledge', at: at(1) }));
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect(error).toMatchObject({ code: 'INVALID_CONFIG', path: ['type'], received: 'acknowledge' });
      expect(error.message).toContain('requestFollowUp');
      expect(JSON.stringify(started.state)).toBe(before);
    }
  });

  it('runs with XState createActor and emits effects to actor.on', () => {
    const actor = createActor(inquiryMachine, { input: makeInput() });
    const seen: InquiryEffect[] = [];
    actor.on('*', (effect) => seen.push(effect));
    actor.start();
    actor.send({ type: 'assign', agentId: 'ana', at: at(5) });
    actor.send({ type: 'resolve', at: at(10) });
    actor.send({ type: 'tick', at: at(10) + 2 * HOUR });
    expect(actor.getSnapshot().value).toBe('followUp');
    expect(seen.map((e) => e.type)).toEqual(['stage.changed', 'stage.changed', 'survey.requested']);
    expect(seen[2]).toMatchObject({ type: 'survey.requested', at: at(10) + HOUR, kind: 'csat' });
    actor.stop();
  });

  it('runs with XState transition() as a pure function', () => {
    const [initial] = initialTransition(inquiryMachine, makeInput());
    const [next, actions] = transition(inquiryMachine, initial, { type: 'resolve', at: at(3) });
    expect(next.value).toBe('followUp');
    const emitted = (actions as { type: string; params?: unknown }[]).filter((a) => a.type === 'xstate.emit');
    expect(emitted.map((a) => (a.params as { event: InquiryEffect }).event.type)).toEqual(['stage.changed']);
  });

  it('has no delayed transitions: every timer is data in the context', () => {
    const json = JSON.stringify(inquiryMachine.definition);
    expect(json).not.toContain('xstate.after');
  });
});
