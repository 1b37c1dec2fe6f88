// White-box: the compiled object schemas parse exactly as zod/mini's own objects do.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { compiledObject, compiledStrictObject } from '../../../src/internal/compiled-objects.js';

const shape = () => ({
  id: z.string().check(z.minLength(1)),
  count: z.optional(z.number().check(z.int(), z.nonnegative())),
  tags: z.array(z.enum(['a', 'b'])),
  nested: z.nullable(z.strictObject({ at: z.number() })),
  note: z._default(z.string(), 'none'),
});

const values = fc.oneof(
  fc.anything(),
  fc.record(
    {
      id: fc.oneof(fc.string(), fc.anything()),
      count: fc.oneof(fc.integer(), fc.double(), fc.anything()),
      tags: fc.oneof(fc.array(fc.constantFrom('a', 'b', 'c')), fc.anything()),
      nested: fc.oneof(fc.constant(null), fc.record({ at: fc.oneof(fc.integer(), fc.string()) }), fc.anything()),
      note: fc.oneof(fc.string(), fc.constant(undefined)),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);

describe('compiled object schemas', () => {
  it('give what zod/mini objects give, data or issues, for any value', () => {
    const pairs = [
      [compiledObject(shape()), z.object(shape())],
      [compiledStrictObject(shape()), z.strictObject(shape())],
    ] as const;
    fc.assert(
      fc.property(values, (value) => {
        for (const [compiled, plain] of pairs) {
          const [got, want] = [compiled.safeParse(value), plain.safeParse(value)];
          expect({ success: got.success, data: got.data, issues: got.error?.issues }).toEqual({
            success: want.success,
            data: want.data,
            issues: want.error?.issues,
          });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('are zod/mini objects, and stay compiled through .check and z.extend', () => {
    const schema = compiledStrictObject({ id: z.string() });
    expect(schema).toBeInstanceOf(z.ZodMiniObject);
    expect(Object.keys(schema.shape)).toEqual(['id']);
    const extended = z.extend(schema, { at: z.number() }).check(z.refine((value) => value.at > 0, 'positive'));
    expect(extended.constructor).toBe(schema.constructor);
    expect(extended.safeParse({ id: 'x', at: 1, more: 1 }).success).toBe(false);
    expect(extended.safeParse({ id: 'x', at: 1 })).toEqual({ success: true, data: { id: 'x', at: 1 } });
  });
});
