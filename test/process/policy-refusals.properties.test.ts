// Random policy objects written by hand: either createProcess refuses them as INVALID_CONFIG, or the
// process they make runs a whole lifecycle without hanging, throwing or writing a state that is not
// exactly its JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createProcess,
  escalationPolicy,
  feedbackPolicy,
  inquiryMachine,
  ServiceFlowError,
  slaPolicy,
} from 'serviceflow';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const anything = fc.constantFrom<unknown>(undefined, null, '1h', {}, [], true, () => 1);
const awkward = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -1, 0.5, 1e9, 1e300, 2 ** 53, -0),
  fc.double(),
);
const value = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 30 * DAY }) },
  { weight: 2, arbitrary: awkward },
  { weight: 1, arbitrary: anything },
);
/** A field left as the factory made it, or replaced by a random value. */
const maybe = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

const base = {
  feedback: feedbackPolicy({ reminders: { count: 2, every: '1d' } }),
  sla: slaPolicy({ targets: [{ firstResponse: '4h', nextResponse: '8h', resolution: '2d' }] }),
  escalation: escalationPolicy({
    levels: [{ name: 'agent' }, { name: 'lead' }],
    rules: [{ on: 'sla.breached', escalateTo: '+1' }],
  }),
};

const feedbackObject = fc
  .record({
    survey: maybe(fc.constantFrom<unknown>('csat', 'nps', 'ces', false, 'stars', 1)),
    sendAfter: maybe(value),
    reminders: maybe(fc.oneof(fc.record({ count: value, every: value }), anything)),
    expireAfter: maybe(value),
    reopenWindow: maybe(value),
    autoCloseAfter: maybe(value),
    onNegative: maybe(fc.constantFrom<unknown>([], ['reopen'], ['escalate', 'reopen'], ['none'], 'reopen')),
  })
  .map((fields) => ({ ...base.feedback, ...definedOf(fields) }));

const slaObject = fc
  .record({
    warnAt: maybe(fc.oneof(fc.array(fc.oneof(fc.double({ min: 0, max: 1 }), value), { maxLength: 4 }), anything)),
    pauseOn: maybe(fc.constantFrom<unknown>([], ['customer'], ['third-party', 'customer'], ['lunch'], 'customer')),
    onPriorityChange: maybe(fc.constantFrom<unknown>('recalculate', 'keep', 'never')),
  })
  .map((fields) => ({ ...base.sla, ...definedOf(fields) }));

const escalationObject = fc
  .record({
    levels: maybe(
      fc.oneof(
        fc.array(fc.record({ name: fc.constantFrom<unknown>('agent', 'lead', 'manager', '', 7) }), { maxLength: 4 }),
        anything,
      ),
    ),
  })
  .map((fields) => ({ ...base.escalation, ...definedOf(fields) }));

function definedOf(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, field]) => field !== undefined));
}

const lifecycle = [
  { type: 'tick', at: T0 + HOUR },
  { type: 'agent.reply', at: T0 + 2 * HOUR },
  { type: 'customer.reply', at: T0 + 3 * HOUR },
  { type: 'tick', at: T0 + DAY },
  { type: 'resolve', at: T0 + 2 * DAY },
  { type: 'tick', at: T0 + 3 * DAY },
  { type: 'feedback', kind: 'csat', score: 1, at: T0 + 4 * DAY },
  { type: 'tick', at: T0 + 400 * DAY },
] as const;

describe('policy objects written by hand', () => {
  it('are refused as INVALID_CONFIG, or run a lifecycle that ends, never throws and keeps the state exactly its JSON', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.record({ feedback: feedbackObject, sla: slaObject, escalation: escalationObject }), (options) => {
        let process;
        try {
          process = createProcess(inquiryMachine, options as never);
        } catch (error) {
          expect(error).toBeInstanceOf(ServiceFlowError);
          expect((error as ServiceFlowError).code).toBe('INVALID_CONFIG');
          return;
        }
        accepted++;
        let step = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: T0 });
        for (const event of lifecycle) {
          try {
            step = process.send(step.state, event);
          } catch (error) {
            // Only what the lifecycle itself may meet: an event the stage does not take.
            expect((error as ServiceFlowError).code).toBe('EVENT_NOT_ALLOWED');
            continue;
          }
          expect(step.effects.length).toBeLessThan(1_000);
          expect(JSON.parse(JSON.stringify(step.state))).toStrictEqual(step.state);
          expect(step.wakeAt === null || Number.isSafeInteger(step.wakeAt)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(25); // the property is not only about refusals
  });
});
