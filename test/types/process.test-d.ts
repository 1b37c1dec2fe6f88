import { describe, expectTypeOf, it } from 'vitest';
import {
  createProcess,
  inquiryMachine,
  type InquiryContext,
  type InquiryEffect,
  type InquiryEvent,
  type InquiryEventInit,
  type InquiryEventType,
  type InquiryView,
  type PersistedState,
  type AnySlaMetric,
} from 'serviceflow';

const process = createProcess(inquiryMachine);

describe('the typed process API', () => {
  it('derives the event union from the schemas', () => {
    expectTypeOf<InquiryEventType>().toEqualTypeOf<
      | 'acknowledge'
      | 'categorize'
      | 'prioritize'
      | 'assign'
      | 'agent.reply'
      | 'customer.reply'
      | 'pend'
      | 'resume'
      | 'escalate'
      | 'resolve'
      | 'feedback'
      | 'reopen'
      | 'close'
      | 'cancel'
      | 'contact.completed'
      | 'tick'
    >();
    expectTypeOf<Extract<InquiryEvent, { type: 'feedback' }>>().toEqualTypeOf<{
      type: 'feedback';
      kind: 'csat' | 'nps' | 'ces';
      score: number;
      comment?: string | undefined;
      at: number;
    }>();
    expectTypeOf<Extract<InquiryEventInit, { type: 'tick' }>['at']>().toEqualTypeOf<string | number | Date>();
  });

  it('accepts well-formed events and rejects typos at compile time', () => {
    const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: 0 });
    expectTypeOf(state).toEqualTypeOf<PersistedState<InquiryContext>>();
    process.send(state, { type: 'pend', reason: 'customer', at: '2026-03-02T09:00:00Z' });
    process.send(state, { type: 'feedback', kind: 'nps', score: 9, at: new Date() });
    // @ts-expect-error: no such event type
    process.send(state, { type: 'resolv', at: 0 });
    // @ts-expect-error: pend needs a reason from the enum
    process.send(state, { type: 'pend', reason: 'lunch', at: 0 });
    // @ts-expect-error: every event carries at
    process.send(state, { type: 'resolve' });
    // @ts-expect-error: deadline is internal
    process.send(state, { type: 'deadline', at: 0, until: 0 });
    // @ts-expect-error: channel must be one of the known channels
    process.start({ id: 'T-2', channel: 'fax', customer: { id: 'C-1' }, at: 0 });
  });

  it('types the view and the effects', () => {
    const step = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: 0 });
    expectTypeOf(process.view(step.state)).toEqualTypeOf<InquiryView>();
    expectTypeOf(step.effects).toEqualTypeOf<readonly InquiryEffect[]>();
    expectTypeOf(step.wakeAt).toEqualTypeOf<number | null>();
    expectTypeOf<InquiryView['stage']>().toEqualTypeOf<
      'inquiry' | 'identification' | 'resolution' | 'followUp' | 'closed' | 'cancelled'
    >();
    expectTypeOf<InquiryView['escalation']['level']>().toEqualTypeOf<number>();
    expectTypeOf<NonNullable<InquiryView['sla']['firstResponse']>['status']>().toEqualTypeOf<
      'running' | 'paused' | 'met' | 'breached' | 'cancelled'
    >();
    expectTypeOf<NonNullable<InquiryView['sla']['resolution']>['dueAt']>().toEqualTypeOf<number | null>();
    const effect = step.effects[0];
    if (effect?.type === 'sla.breached') expectTypeOf(effect.metric).toEqualTypeOf<AnySlaMetric>();
    if (effect?.type === 'escalated') expectTypeOf(effect.notify).toEqualTypeOf<readonly string[]>();
  });
});
