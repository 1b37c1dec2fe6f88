/**
 * The door of a process: inputs, events and instants validated against their schemas, refused with
 * a typed error that says what was wrong, before anything reaches the machine.
 */
import type * as z from 'zod/mini';
import { abbreviate, describeZodError, InvalidEventError, InvalidInputError } from '../errors.js';
import { textLimits, textProblem } from '../schemas/text.js';
import { INSTANT_EXPECTED, isInstant, Timestamp } from '../schemas/time.js';

/** An instant as epoch ms; anything else `Timestamp` accepts is normalised, the rest is `INVALID_INPUT`. */
export function parseInstant(at: unknown): number {
  // Epoch ms, the common case, is taken as is when Timestamp would accept it unchanged.
  if (typeof at === 'number' && isInstant(at)) return at;
  const parsed = Timestamp.safeParse(at);
  if (!parsed.success) {
    const { message, details } = describeZodError('instant', at, parsed.error);
    throw new InvalidInputError(message, details);
  }
  return parsed.data;
}

/**
 * `value` validated with `schema`, or `refusal` naming what is wrong. `checkText`: whether to check
 * the strings a store could keep and the range of `at` here too (for schemas that do not vouch for
 * it themselves: a custom machine's).
 */
export function parseWith<T extends { at: number }>(
  schema: z.ZodMiniType,
  value: unknown,
  what: string,
  refusal: typeof InvalidEventError,
  checkText: boolean,
): T {
  let parsed: z.core.util.SafeParseResult<unknown>;
  try {
    parsed = schema.safeParse(value);
  } catch (error) {
    // A schema that throws (a custom machine's z.json() on a value nested too deep) cannot read it.
    throw new refusal(
      `Invalid ${what}: its schema could not read it (${error instanceof Error ? error.message : abbreviate(error)})`,
      {
        received: value,
        cause: error,
      },
    );
  }
  if (!parsed.success) {
    const { message, details } = describeZodError(what, value, parsed.error);
    throw new refusal(message, details);
  }
  const data = parsed.data as T;
  const problem = checkText ? textProblem(data, { maxText: textLimits.text, json: false }) : undefined;
  if (problem !== undefined) {
    throw new refusal(`Invalid ${what}: ${problem.path.join('.')}: ${problem.message}`, {
      path: problem.path,
      expected: problem.message,
    });
  }
  if (!isInstant(data.at)) {
    throw new refusal(`Invalid ${what}: at: must be ${INSTANT_EXPECTED} (received ${abbreviate(data.at)})`, {
      path: ['at'],
      received: data.at,
      expected: INSTANT_EXPECTED,
    });
  }
  return data;
}
