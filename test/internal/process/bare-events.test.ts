import assert from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InquiryEvent, inquiryEventTypes } from 'serviceflow';
import { bareInquiryEvent } from '../../../src/process/inputs.js';

const T = Date.parse('2026-03-02T09:00:00Z');

/** What InquiryEvent makes of `value`, or undefined when it refuses it. */
const parsed = (value: unknown): unknown => {
  const result = InquiryEvent.safeParse(value);
  return result.success ? result.data : undefined;
};

describe('the shortcut for bare inquiry events ({ type, at })', () => {
  it('reads the common events as InquiryEvent does, with the same keys in the same order', () => {
    for (const type of ['tick', 'customer.reply', 'agent.reply', 'resolve', 'close', 'resume', 'acknowledge'])
      for (const at of [T, 0, -0, -62_135_596_800_000, 253_402_300_799_999]) {
        const event = { type, at };
        const fast = bareInquiryEvent(event);
        expect(fast).toBeDefined();
        assert.deepStrictEqual(fast, parsed(event));
        expect(Object.keys(fast as object)).toEqual(Object.keys(parsed(event) as object));
      }
  });

  it('leaves everything else to the schema', () => {
    const others: unknown[] = [
      { type: 'tick', at: '2026-03-02T09:00:00Z' },
      { type: 'tick', at: T + 0.5 },
      { type: 'tick', at: 2 ** 53 - 1 },
      { type: 'tick', at: Number.NaN },
      { at: T, type: 'pend' },
      { type: 'assign', at: T },
      { type: 'feedback', at: T },
      { type: 'tick', at: T, extra: 1 },
      { type: 'agent.reply', agentId: 'ana', at: T },
      { type: 'tick', at: T, agentId: undefined },
      Object.assign(Object.create(null) as object, { type: 'tick', at: T }),
      Object.assign(Object.create({ extra: 1 }) as object, { type: 'tick', at: T }),
      [T],
      null,
      'tick',
    ];
    for (const value of others) expect(bareInquiryEvent(value)).toBeUndefined();
  });

  it('never accepts what InquiryEvent refuses, nor reads anything differently (property)', () => {
    const types = fc.constantFrom(...inquiryEventTypes, 'deadline', 'sla.observe', 'TICK', '');
    const at = fc.oneof(fc.integer(), fc.double(), fc.constant(T), fc.string(), fc.constant(undefined));
    fc.assert(
      fc.property(
        types,
        at,
        fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
        (type, when, extra) => {
          const event = { type, at: when, ...extra };
          const fast = bareInquiryEvent(event);
          if (fast !== undefined) assert.deepStrictEqual(fast, parsed(event));
        },
      ),
    );
  });
});
