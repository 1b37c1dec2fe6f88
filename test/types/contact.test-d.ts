import { describe, expectTypeOf, it } from 'vitest';
import {
  computeMetrics,
  contactCompletedEvent,
  contactMachine,
  createProcess,
  type ContactContext,
  type ContactEffect,
  type ContactEvent,
  type ContactEventInit,
  type ContactEventType,
  type ContactStage,
  type ContactView,
  type DurationStats,
  type InquiryEvent,
  type PersistedState,
  type ServiceMetrics,
} from 'serviceflow';

const contacts = createProcess(contactMachine);

describe('the typed contact process', () => {
  it('derives the contact event union from the schemas', () => {
    expectTypeOf<ContactEventType>().toEqualTypeOf<
      | 'customer.identified'
      | 'routed'
      | 'self-service.resolved'
      | 'agent.connected'
      | 'hold'
      | 'unhold'
      | 'transfer'
      | 'contact.ended'
      | 'wrapup.completed'
      | 'abandon'
      | 'tick'
    >();
    expectTypeOf<Extract<ContactEvent, { type: 'transfer' }>>().toEqualTypeOf<{
      type: 'transfer';
      to: string;
      at: number;
    }>();
    expectTypeOf<Extract<ContactEvent, { type: 'wrapup.completed' }>>().toEqualTypeOf<{
      type: 'wrapup.completed';
      disposition: string;
      resolved: boolean;
      at: number;
    }>();
    expectTypeOf<Extract<ContactEventInit, { type: 'hold' }>['at']>().toEqualTypeOf<string | number | Date>();
  });

  it('accepts well-formed events and rejects typos at compile time', () => {
    const { state } = contacts.start({
      id: 'K-1',
      channel: 'phone',
      direction: 'inbound',
      customer: { id: 'C-1' },
      at: 0,
    });
    expectTypeOf(state).toEqualTypeOf<PersistedState<ContactContext>>();
    contacts.send(state, { type: 'agent.connected', agentId: 'ana', at: '2026-03-02T09:00:00Z' });
    contacts.send(state, { type: 'wrapup.completed', disposition: 'answered', resolved: true, at: new Date() });
    // @ts-expect-error: no such event type (a typo of agent.connected)
    contacts.send(state, { type: 'agent.conected', agentId: 'ana', at: 0 });
    // @ts-expect-error: no such event type (the inquiry's, not the contact's)
    contacts.send(state, { type: 'resolve', at: 0 });
    // @ts-expect-error: transfer needs a destination
    contacts.send(state, { type: 'transfer', at: 0 });
    // @ts-expect-error: resolved is a boolean
    contacts.send(state, { type: 'wrapup.completed', disposition: 'answered', resolved: 'yes', at: 0 });
    // @ts-expect-error: every event carries at
    contacts.send(state, { type: 'hold' });
    // @ts-expect-error: direction must be inbound or outbound
    contacts.start({ id: 'K-2', channel: 'phone', direction: 'sideways', customer: { id: 'C-1' }, at: 0 });
    // @ts-expect-error: the contact machine takes no inquiry input (direction is required)
    contacts.start({ id: 'K-2', channel: 'phone', customer: { id: 'C-1' }, at: 0 });
  });

  it('types the view as ContactView', () => {
    const { state, effects } = contacts.start({
      id: 'K-1',
      channel: 'chat',
      direction: 'outbound',
      customer: { id: 'C-1' },
      at: 0,
    });
    const view = contacts.view(state);
    expectTypeOf(view).toEqualTypeOf<ContactView>();
    expectTypeOf(view.stage).toEqualTypeOf<ContactStage>();
    expectTypeOf(view.handleMs).toEqualTypeOf<number>();
    expectTypeOf(view.transfers).toEqualTypeOf<readonly { from: string; to: string; at: number }[]>();
    expectTypeOf(view.outcome).toEqualTypeOf<'handled' | 'self-service' | 'abandoned' | undefined>();
    expectTypeOf(effects).toEqualTypeOf<readonly ContactEffect[]>();
    // @ts-expect-error: a contact view has no SLA clocks
    void view.sla;
  });

  it('narrows effects by type and links them to the inquiry event', () => {
    const effect = {} as ContactEffect;
    if (effect.type === 'contact.completed') {
      expectTypeOf(effect.handleMs).toEqualTypeOf<number>();
      expectTypeOf(effect.inquiryId).toEqualTypeOf<string | undefined>();
      expectTypeOf(contactCompletedEvent(effect)).toExtend<InquiryEvent>();
    }
    if (effect.type === 'contact.transferred') expectTypeOf(effect.from).toEqualTypeOf<string>();
  });

  it('types the metrics with the §4c names', () => {
    const metrics = computeMetrics([], { contacts: [] as ContactView[] });
    expectTypeOf(metrics).toEqualTypeOf<ServiceMetrics>();
    expectTypeOf(metrics.firstResponseTime).toEqualTypeOf<DurationStats>();
    expectTypeOf(metrics.business.averageHandleTime).toEqualTypeOf<DurationStats>();
    expectTypeOf(metrics.nps).toEqualTypeOf<number | null>();
    expectTypeOf(metrics.slaAttainment.firstResponse.rate).toEqualTypeOf<number | null>();
    expectTypeOf(metrics.byChannel.phone).toEqualTypeOf<ServiceMetrics['byChannel']['phone']>();
  });
});
