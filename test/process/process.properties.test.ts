import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escalationPolicy, feedbackPolicy, InquiryContext, ServiceFlowError, slaPolicy } from 'serviceflow';
import * as arb from 'serviceflow/testing/arbitraries';
import { applyAccepted, makeProcess, type InquiryProcess } from '../support/fixtures.js';

const processes: Record<string, InquiryProcess> = {
  defaults: makeProcess(),
  policies: makeProcess({
    sla: slaPolicy({
      calendar: {
        timezone: 'America/New_York',
        week: {
          mon: [['09:00', '17:00']],
          tue: [['09:00', '17:00']],
          wed: [['09:00', '17:00']],
          thu: [['09:00', '17:00']],
          fri: [['09:00', '17:00']],
        },
      },
      targets: [
        { when: { priority: 'urgent' }, firstResponse: '30m', resolution: '4h' },
        { firstResponse: '2h', nextResponse: '4h', resolution: '2d' },
      ],
      warnAt: [0.5, 0.8],
    }),
    escalation: escalationPolicy({
      levels: [
        { name: 'agent' },
        { name: 'specialist', team: 'tier-2' },
        { name: 'manager', notify: ['lead@example.com'] },
      ],
      rules: [
        { on: 'received', when: { tier: 'vip' }, escalateTo: 'specialist' },
        { on: 'sla.breached', escalateTo: '+1' },
        { on: 'reopened', count: 2, escalateTo: 'manager' },
      ],
    }),
    feedback: feedbackPolicy({
      survey: 'nps',
      sendAfter: '2h',
      reminders: { count: 2, every: '1d' },
      expireAfter: '5d',
      reopenWindow: '3d',
      onNegative: ['reopen', 'escalate'],
    }),
  }),
};

const lifecycle = arb.lifecycle({ maxLength: 25 });

/** Whether a value and everything it holds is frozen. */
function frozenThroughout(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(frozenThroughout);
}

describe.each(Object.entries(processes))('process properties (%s)', (_name, process) => {
  it('gives deep-equal outputs for the same inputs', () => {
    fc.assert(
      fc.property(lifecycle, ({ input, events }) => {
        const a = applyAccepted(process, input, events).steps;
        const b = applyAccepted(process, input, events).steps;
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 100 },
    );
  });

  it('never changes a state it returned: later steps, from it or from its successors, copy before they write', () => {
    // A step updates the contexts it copied itself in place; the states it was given and the ones
    // it returned before must stay exactly as they were, including when a state is sent to twice.
    fc.assert(
      fc.property(lifecycle, fc.nat(), ({ input, events }, pick) => {
        const { steps, accepted } = applyAccepted(process, input, events);
        const frozen = steps.map((step) => JSON.stringify(step.state));
        const cut = pick % steps.length;
        let step = steps[cut]!;
        for (let i = cut; i < accepted.length; i++) step = process.send(step.state, accepted[i]!);
        for (const event of accepted.slice(cut, cut + 3)) {
          try {
            process.send(steps[cut]!.state, { ...event, at: (event.at as number) + 1 });
          } catch (error) {
            if (!(error instanceof ServiceFlowError)) throw error;
          }
        }
        expect(steps.map((s) => JSON.stringify(s.state))).toEqual(frozen);
      }),
      { numRuns: 100 },
    );
  });

  it('changes no later output when the state takes a JSON round-trip (undefined written as null) between any two steps', () => {
    // A store that writes undefined as null (the MongoDB driver) gives back the same state: it has none.
    const throughStore = <T>(value: T): T =>
      JSON.parse(JSON.stringify(value, (_key, member: unknown) => (member === undefined ? null : member))) as T;
    fc.assert(
      fc.property(lifecycle, fc.nat(), ({ input, events }, pick) => {
        const { steps, accepted } = applyAccepted(process, input, events);
        const cut = pick % steps.length;
        let step = { ...steps[cut]!, state: throughStore(steps[cut]!.state) };
        expect(process.view(step.state)).toEqual(process.view(steps[cut]!.state));
        expect(process.wakeAt(step.state)).toBe(steps[cut]!.wakeAt);
        assert.deepStrictEqual(process.restore(step.state), steps[cut]!.state);
        for (let i = cut; i < accepted.length; i++) {
          step = process.send(i % 2 === 0 ? throughStore(step.state) : step.state, accepted[i]!);
          assert.deepStrictEqual(step, steps[i + 1]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('leaves the state byte-identical when an event is rejected', () => {
    const anyEvent = fc.oneof(
      arb.inquiryEventBody().map((body) => ({ ...body })),
      fc.record({ type: fc.constantFrom('nope', 'deadline', 'tick'), extra: fc.anything() }),
      fc.record({ type: fc.constant('feedback'), kind: fc.constant('csat'), score: fc.integer({ min: -3, max: 12 }) }),
    );
    fc.assert(
      fc.property(
        lifecycle,
        anyEvent,
        fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
        ({ input, events }, body, offset) => {
          const { steps } = applyAccepted(process, input, events);
          const state = steps.at(-1)!.state;
          const before = JSON.stringify(state);
          const event = { ...body, at: state.context.lastEventAt + offset };
          try {
            process.send(state, event as never);
          } catch (error) {
            expect(error).toBeInstanceOf(ServiceFlowError);
          }
          expect(JSON.stringify(state)).toBe(before);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('can(state, e) is true exactly when send(state, e) does not throw', () => {
    fc.assert(
      fc.property(
        lifecycle,
        arb.inquiryEventBody(),
        fc.integer({ min: -86_400_000, max: 3 * 86_400_000 }),
        ({ input, events }, body, offset) => {
          const { steps } = applyAccepted(process, input, events);
          const state = steps.at(-1)!.state;
          const event = { ...body, at: state.context.lastEventAt + offset } as never;
          let threw = false;
          try {
            process.send(state, event);
          } catch {
            threw = true;
          }
          expect(process.can(state, event)).toBe(!threw);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never reports an effect stamped before the previous event or after the current one', () => {
    fc.assert(
      fc.property(lifecycle, ({ input, events }) => {
        const { steps, accepted } = applyAccepted(process, input, events);
        for (let i = 1; i < steps.length; i++) {
          const from = steps[i - 1]!.state.context.lastEventAt;
          const to = steps[i]!.state.context.lastEventAt;
          const eventAt = Number(accepted[i - 1]!.at);
          // An inquiry that has ended records no later instant (a message to it asks for a follow-up).
          const ended = steps[i - 1]!.state.value === 'closed' || steps[i - 1]!.state.value === 'cancelled';
          expect(to).toBe(ended ? from : eventAt);
          let previous = from;
          for (const effect of steps[i]!.effects) {
            expect(effect.at).toBeGreaterThanOrEqual(previous);
            expect(effect.at).toBeLessThanOrEqual(eventAt);
            previous = effect.at;
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('hands out states that are exactly their JSON, frozen all the way down', () => {
    // regression (issue 12): contexts and clocks held undefined members, which a store that writes
    // undefined as null (the MongoDB driver) gave back as nulls that restore refused
    fc.assert(
      fc.property(lifecycle, ({ input, events }) => {
        const { steps } = applyAccepted(process, input, events);
        for (const step of steps) {
          assert.deepStrictEqual(JSON.parse(JSON.stringify(step.state)), step.state);
          expect(InquiryContext.safeParse(step.state.context).success).toBe(true);
          expect(frozenThroughout(step.state)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('reports wakeAt as the earliest instant a tick changes something', () => {
    fc.assert(
      fc.property(lifecycle, ({ input, events }) => {
        const { steps } = applyAccepted(process, input, events);
        const step = steps.at(-1)!;
        if (step.wakeAt === null) {
          expect(process.can(step.state, { type: 'tick', at: step.state.context.lastEventAt + 365 * 86_400_000 })).toBe(
            !['closed', 'cancelled'].includes(process.view(step.state).stage),
          );
          return;
        }
        expect(step.wakeAt).toBeGreaterThan(step.state.context.lastEventAt);
        const early = process.send(step.state, { type: 'tick', at: step.wakeAt - 1 });
        expect(early.effects).toEqual([]);
        const due = process.send(step.state, { type: 'tick', at: step.wakeAt });
        expect(due.effects.length).toBeGreaterThan(0);
        expect(due.effects[0]!.at).toBe(step.wakeAt);
      }),
      { numRuns: 100 },
    );
  });
});

describe.each(Object.entries(processes))('follow-up properties (%s)', (_name, process) => {
  it('a message that cannot reopen asks for exactly one follow-up and leaves the inquiry as a tick would', () => {
    fc.assert(
      fc.property(
        lifecycle,
        fc.integer({ min: 0, max: 30 * 24 * 3_600_000 }),
        fc.constantFrom('customer.reply' as const, 'reopen' as const),
        ({ input, events }, delay, type) => {
          const last = applyAccepted(process, input, events).steps.at(-1)!;
          const at = last.state.context.lastEventAt + delay;
          let step;
          try {
            step = process.send(last.state, { type, at });
          } catch (error) {
            // Refused only where a reopen has nothing to reopen (an inquiry still being worked on).
            expect(type).toBe('reopen');
            expect((error as ServiceFlowError).code).toBe('EVENT_NOT_ALLOWED');
            return;
          }
          const requests = step.effects.filter((effect) => effect.type === 'followUp.requested');
          const reopened = step.effects.some((effect) => effect.type === 'inquiry.reopened');
          expect(requests.length + (reopened ? 1 : 0)).toBeLessThanOrEqual(1);
          if (requests.length === 0) return;
          expect(requests[0]).toMatchObject({
            inquiryId: input.id,
            at,
            by: type,
            input: { followUpOf: input.id, customer: last.state.context.customer, at },
          });
          const ended = last.state.value === 'closed' || last.state.value === 'cancelled';
          if (ended) expect(JSON.stringify(step.state)).toBe(JSON.stringify(last.state));
          else
            expect(JSON.stringify(step.state)).toBe(
              JSON.stringify(process.send(last.state, { type: 'tick', at }).state),
            );
        },
      ),
      { numRuns: 100 },
    );
  });
});
