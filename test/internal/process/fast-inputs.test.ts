import assert from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InquiryEvent, InquiryInput, inquiryEventTypes } from 'serviceflow';
import {
  fastInquiryEvent,
  fastInquiryEvent as bareInquiryEvent,
  fastInquiryInput,
} from '../../../src/process/fast-inputs.js';

const T = Date.parse('2026-03-02T09:00:00Z');

/** What InquiryEvent makes of `value`, or undefined when it refuses it. */
const parsed = (value: unknown): unknown => {
  const result = InquiryEvent.safeParse(value);
  return result.success ? result.data : undefined;
};

/** What InquiryInput makes of `value`, or undefined when it refuses it. */
const parsedInput = (value: unknown): unknown => {
  const result = InquiryInput.safeParse(value);
  return result.success ? result.data : undefined;
};

/** Asserts that a shortcut read `value` exactly as the schema did: same values, same key order. */
function sameAsSchema(fast: unknown, schema: unknown): void {
  assert.deepStrictEqual(fast, schema);
  assert.equal(JSON.stringify(fast), JSON.stringify(schema));
}

/**
 * Asserts, over 3000 generated values, that every value a shortcut takes is read exactly as the
 * schema reads it, and that the generator reaches the shortcut at least `atLeast` times (so that
 * the property means something).
 */
function agreesWithSchema(
  values: fc.Arbitrary<unknown>,
  fast: (value: unknown) => unknown,
  schema: (value: unknown) => unknown,
  atLeast: number,
): void {
  let taken = 0;
  fc.assert(
    fc.property(values, (value) => {
      const read = fast(value);
      if (read === undefined) return;
      taken++;
      sameAsSchema(read, schema(value));
    }),
    { numRuns: 3000 },
  );
  expect(taken).toBeGreaterThan(atLeast);
}

/** Strings near every edge the text schemas check: blank, spaces around, NUL, lone surrogates, lengths. */
const edgyText = fc.oneof(
  fc.constantFrom('', ' ', 'ana', ' ana', 'ana ', 'a\u0000b', '\ud800', 'x\udc00', '\ud83d\ude00', '\t', 'billing'),
  fc.constantFrom(255, 256, 257, 999, 1000, 1001, 9999, 10_000, 10_001).map((n) => 'x'.repeat(n)),
  fc.string(),
);
const edgyValue = fc.oneof(
  edgyText,
  fc.integer({ min: -2, max: 12 }),
  fc.double(),
  fc.constant(undefined),
  fc.constant(null),
);
/** An instant: mostly whole epoch ms in range, sometimes anything else `at` may be sent as. */
const instant = fc.oneof(
  { arbitrary: fc.constant(T), weight: 6 },
  fc.integer(),
  fc.double(),
  fc.constant('2026-03-02T09:00:00Z'),
);
/** Mostly `value` itself, sometimes with keys no schema knows (or one set to undefined). */
const withExtra = (value: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof(
    { arbitrary: value, weight: 4 },
    fc
      .tuple(value, fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constant(undefined))))
      .map(([fields, extra]) => ({ ...fields, ...extra })),
  );
/** A field's value (fc.record leaves optional keys out on its own): mostly a good one, else an edgy one. */
const field = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: arb, weight: 8 }, { arbitrary: edgyValue, weight: 1 });

describe('the shortcuts past the inquiry schemas', () => {
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

  it('read plainly valid events of every kind they know as InquiryEvent does', () => {
    const events = [
      { type: 'categorize', category: 'billing', at: T },
      { type: 'categorize', category: 'billing', priority: 'urgent', at: T },
      { type: 'assign', agentId: 'ana', at: T },
      { type: 'assign', team: 'billing-desk', at: T },
      { at: T, team: 'billing-desk', agentId: 'ana', type: 'assign' },
      { type: 'pend', reason: 'customer', at: T },
      { type: 'feedback', kind: 'csat', score: 5, at: T },
      { type: 'feedback', kind: 'nps', score: 0, comment: 'fine', at: T },
    ];
    for (const event of events) {
      const fast = fastInquiryEvent(event);
      expect(fast, JSON.stringify(event)).toBeDefined();
      sameAsSchema(fast, parsed(event));
    }
  });

  it('read a plainly valid input as InquiryInput does, priority defaulting to normal', () => {
    const inputs = [
      { id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: T },
      { at: T, customer: { tier: 'gold', id: 'C-1' }, channel: 'chat', id: 'T-2', priority: 'high' },
      {
        id: 'T-3',
        channel: 'web',
        customer: { id: 'C-1', tier: 'gold', timezone: 'Europe/Berlin' },
        category: 'billing',
        subject: ' Where is my refund? ',
        followUpOf: 'T-1',
        at: T,
      },
    ];
    for (const input of inputs) {
      const fast = fastInquiryInput(input);
      expect(fast, JSON.stringify(input)).toBeDefined();
      sameAsSchema(fast, parsedInput(input));
    }
  });

  it('never accept an event InquiryEvent refuses, nor read one differently (property)', () => {
    const ofType = (type: fc.Arbitrary<string>, fields: Record<string, fc.Arbitrary<unknown>>) =>
      withExtra(fc.record({ type, ...fields, at: instant }, { requiredKeys: ['type', 'at'], noNullPrototype: true }));
    const event = fc.oneof(
      ofType(fc.constantFrom('categorize', 'Categorize'), {
        category: field(fc.constantFrom('billing', 'returns')),
        priority: field(fc.constantFrom('low', 'normal', 'high', 'urgent', 'mega')),
      }),
      ofType(fc.constantFrom('assign', 'pend'), {
        agentId: field(fc.constantFrom('ana', 'bo')),
        team: field(fc.constantFrom('billing-desk')),
      }),
      ofType(fc.constantFrom('pend', 'assign'), { reason: field(fc.constantFrom('customer', 'third-party', 'lunch')) }),
      ofType(fc.constantFrom('feedback', 'tick'), {
        kind: field(fc.constantFrom('csat', 'nps', 'ces', 'stars')),
        score: field(fc.integer({ min: -1, max: 11 })),
        comment: field(edgyText),
      }),
    );
    agreesWithSchema(event, fastInquiryEvent, parsed, 300);
  });

  it('never accept an input InquiryInput refuses, nor read one differently (property)', () => {
    const customer = fc.oneof(
      {
        arbitrary: withExtra(
          fc.record(
            {
              id: field(fc.constantFrom('C-1')),
              tier: field(fc.constantFrom('gold', 'vip')),
              timezone: field(fc.constantFrom('Europe/Berlin')),
            },
            { requiredKeys: ['id'], noNullPrototype: true },
          ),
        ),
        weight: 6,
      },
      edgyValue,
    );
    const input = withExtra(
      fc.record(
        {
          id: field(fc.constantFrom('T-1')),
          channel: field(fc.constantFrom('email', 'chat', 'fax')),
          customer,
          priority: field(fc.constantFrom('low', 'normal', 'high', 'urgent', 'mega')),
          category: field(fc.constantFrom('billing')),
          subject: field(edgyText),
          followUpOf: field(fc.constantFrom('T-0')),
          at: instant,
        },
        { requiredKeys: ['id', 'channel', 'customer', 'at'], noNullPrototype: true },
      ),
    );
    agreesWithSchema(input, fastInquiryInput, parsedInput, 100);
  });
});
