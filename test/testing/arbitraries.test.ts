import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, escalationPolicy, feedbackPolicy, slaPolicy } from 'serviceflow';
import { applyEvents, checkInvariants } from 'serviceflow/testing';
import * as arb from 'serviceflow/testing/arbitraries';
import { makeInput, makeProcess, T0, HOUR } from '../support/fixtures.js';

describe('arbitraries', () => {
  it('generate policy configurations their factories accept', () => {
    fc.assert(
      fc.property(
        arb.calendarConfig(),
        arb.slaPolicyConfig(),
        arb.escalationPolicyConfig(),
        arb.feedbackPolicyConfig(),
        (calendar, sla, escalation, feedback) => {
          businessCalendar(calendar);
          slaPolicy(sla);
          escalationPolicy(escalation);
          feedbackPolicy(feedback);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('generate event sequences whose instants never go back', () => {
    fc.assert(
      fc.property(arb.lifecycle(), ({ input, events }) => {
        let previous = Number(input.at);
        for (const event of events) {
          expect(Number(event.at)).toBeGreaterThanOrEqual(previous);
          previous = Number(event.at);
        }
      }),
    );
  });

  it('trace() keeps only accepted events, so replaying them never throws', () => {
    const process = makeProcess();
    fc.assert(
      fc.property(arb.trace(process, { maxLength: 20 }), (trace) => {
        expect(trace.steps).toHaveLength(trace.accepted.length + 1);
        const replay = applyEvents(process, trace.input, trace.accepted);
        expect(replay.rejected).toEqual([]);
        expect(JSON.stringify(replay.steps)).toBe(JSON.stringify(trace.steps));
      }),
      { numRuns: 100 },
    );
  });
});

describe('applyEvents', () => {
  it('records refused events with their index and error, and goes on', () => {
    const process = makeProcess();
    const trace = applyEvents(process, makeInput(), [
      { type: 'close', at: T0 + HOUR },
      { type: 'resolve', at: T0 + 2 * HOUR },
      { type: 'agent.reply', at: T0 + HOUR },
      { type: 'close', at: T0 + 3 * HOUR },
    ]);
    expect(trace.accepted.map((e) => e.type)).toEqual(['resolve', 'close']);
    expect(trace.rejected.map((r) => [r.index, r.error.code])).toEqual([
      [0, 'EVENT_NOT_ALLOWED'],
      [2, 'OUT_OF_ORDER'],
    ]);
    expect(process.view(trace.steps.at(-1)!.state).stage).toBe('closed');
  });
});

describe('process invariants under generated policies', () => {
  it('hold for every SLA, escalation and feedback configuration', () => {
    fc.assert(
      fc.property(
        arb.slaPolicyConfig(),
        arb.escalationPolicyConfig(),
        arb.feedbackPolicyConfig(),
        arb.lifecycle({ maxLength: 25 }),
        (sla, escalation, feedback, { input, events }) => {
          const process = makeProcess({
            sla: slaPolicy(sla),
            escalation: escalationPolicy(escalation),
            feedback: feedbackPolicy(feedback),
          });
          checkInvariants(applyEvents(process, input, events), { process });
        },
      ),
      { numRuns: 150 },
    );
  });
});
