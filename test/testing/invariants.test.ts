import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escalationPolicy, feedbackPolicy, slaPolicy } from 'serviceflow';
import { applyEvents, checkInvariants, findViolations, InvariantError, simulate } from 'serviceflow/testing';
import * as arb from 'serviceflow/testing/arbitraries';
import { makeInput, makeProcess, T0, HOUR } from '../support/fixtures.js';

const policies = makeProcess({
  sla: slaPolicy({ targets: [{ firstResponse: '1h', nextResponse: '2h', resolution: '8h' }], warnAt: [0.5] }),
  escalation: escalationPolicy({
    levels: [{ name: 'agent' }, { name: 'specialist', team: 'tier-2' }],
    rules: [{ on: 'sla.breached', escalateTo: '+1' }],
  }),
  feedback: feedbackPolicy({ survey: 'nps', onNegative: ['reopen', 'escalate'] }),
});

describe('checkInvariants', () => {
  it('holds on every generated lifecycle of the built-in process', () => {
    fc.assert(
      fc.property(arb.lifecycle({ maxLength: 25 }), ({ input, events }) => {
        checkInvariants(applyEvents(policies, input, events), { process: policies });
      }),
      { numRuns: 200 },
    );
  });

  it('holds on a simulated desk, views and journal', () => {
    const result = simulate({ inquiries: 300, days: 5, seed: 3, journal: true });
    expect(findViolations(result)).toEqual([]);
  });

  it('names the rule, the inquiry and the step of a violation', () => {
    const trace = applyEvents(policies, makeInput(), [{ type: 'agent.reply', at: T0 + HOUR / 6 }]);
    const view = policies.view(trace.steps[1]!.state);
    const broken = {
      ...view,
      sla: { ...view.sla, firstResponse: { ...view.sla.firstResponse!, metAt: undefined } },
    } as never;
    expect(() => checkInvariants(broken)).toThrow(InvariantError);
    expect(findViolations(broken)).toEqual([expect.objectContaining({ inquiryId: 'T-1', rule: 'sla.met-has-metAt' })]);
  });
});
