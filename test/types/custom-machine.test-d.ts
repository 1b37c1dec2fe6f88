import { describe, expectTypeOf, it } from 'vitest';
import { returnsProcess } from '../../examples/returns-process.js';

describe('custom machines are typed end to end', () => {
  it('types the view stages and the custom events', () => {
    const { state } = returnsProcess.start({ id: 'RMA-1', channel: 'web', customer: { id: 'C-1' }, at: 0 });
    expectTypeOf(returnsProcess.view(state).stage).toEqualTypeOf<
      'requested' | 'labelPending' | 'inTransit' | 'inspection' | 'refundPending' | 'followUp' | 'closed' | 'cancelled'
    >();
    returnsProcess.send(state, { type: 'approve', approver: 'lena', at: 1 });
    returnsProcess.send(state, { type: 'agent.reply', at: 1 });
    // @ts-expect-error: a typo in a custom event name
    returnsProcess.send(state, { type: 'aprove', approver: 'lena', at: 1 });
    // @ts-expect-error: a custom event without its field
    returnsProcess.send(state, { type: 'refund', at: 1 });
    expectTypeOf(state.context.trackingId).toEqualTypeOf<string | null>();
  });
});
