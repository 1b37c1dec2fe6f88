import * as z from 'zod';

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/**
 * The schema of a record: a plain object whose keys `key` accepts, each holding a `value`. It
 * checks what `z.record(key, value)` checks and reports the same issues (a value's at its key, a
 * key's as `invalid_key`), but is built from the object schema every bundle has already: `z.record`
 * alone adds more than 1 KB gzip to every browser bundle.
 *
 * A key is checked once the values are valid (a record with a bad value and a bad key reports the
 * value's issue).
 *
 * @example
 * ```ts
 * const Counts = recordOf(z.string().regex(/^[a-z]+$/), z.number());
 * Counts.parse({ open: 3 }); // { open: 3 }
 * Counts.safeParse({ Open: 3 }).success; // false: invalid key
 * ```
 * @internal
 */
export function recordOf<V extends z.ZodType>(
  key: z.ZodType<string>,
  value: V,
): z.ZodType<Record<string, z.output<V>>, Record<string, z.input<V>>> {
  return z
    .custom<Record<string, z.input<V>>>(isPlainObject, { message: 'Invalid input: expected record' })
    .pipe(z.object({}).catchall(value))
    .superRefine((record, ctx) => {
      for (const name of Object.keys(record)) {
        const checked = key.safeParse(name);
        if (!checked.success) {
          ctx.addIssue({
            code: 'invalid_key',
            origin: 'record',
            issues: checked.error.issues,
            input: name,
            path: [name],
          });
        }
      }
    }) as z.ZodType<Record<string, z.output<V>>, Record<string, z.input<V>>>;
}
