import * as z from 'zod/mini';

/**
 * The longest text serviceflow accepts in each kind of field, in UTF-16 code units (JavaScript's
 * `string.length`), so that what the process accepts every store can keep and no event carries
 * megabytes into a state that is loaded and saved on every step.
 *
 * - `id` (256): inquiry, customer, contact and agent ids, `customerId`, a transfer's `to`.
 * - `label` (256): short names — `category`, a customer's `tier`, `timezone`, `name`, `phone`
 *   and `email`, `team`, `queue`, `disposition`.
 * - `note` (1000): a sentence or two — `subject`, `resolution` and every `reason`.
 * - `text` (10000): long free text — a feedback `comment`, and any string in a custom event.
 * - `profile` (65536): a contact's `customer.identified` profile, as JSON text.
 *
 * @example
 * ```ts
 * import { textLimits } from 'serviceflow';
 * const category = 'billing'.slice(0, textLimits.label);
 * textLimits.note; // 1000
 * ```
 */
export const textLimits = Object.freeze({ id: 256, label: 256, note: 1000, text: 10_000, profile: 65_536 } as const);

/**
 * A NUL character or an unpaired UTF-16 surrogate: PostgreSQL's `text` and `jsonb` refuse both
 * (and a lone surrogate is not Unicode text at all), so neither the process nor any store accepts
 * them.
 */
export const UNSTORABLE_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const UNSTORABLE_MESSAGE = 'must not contain NUL characters (\\u0000) or unpaired surrogates (\\ud800-\\udfff)';

/** Whether a store can keep `text`: no NUL character and no unpaired surrogate. */
export const isStorableText = (text: string): boolean => !UNSTORABLE_TEXT.test(text);

/**
 * A string schema for text that every store can keep: at most `max` characters, with no NUL
 * character and no unpaired surrogate. `trim` trims it first and then requires at least one
 * character (for names and labels, where blank means missing). Use it for the fields of your own
 * events (`serviceSetup({ events })`) to give them their own limit.
 *
 * @param max - The longest accepted string, in UTF-16 code units (`string.length`).
 * @param options - `trim: true` to trim and require a non-blank string; `min` for a shortest length.
 * @returns A zod string schema.
 *
 * @example
 * ```ts
 * import { storableText, textLimits } from 'serviceflow';
 * const Approver = storableText(textLimits.id, { trim: true });
 * Approver.parse(' ana '); // 'ana'
 * Approver.safeParse('ana\u0000').success; // false: NUL character
 * Approver.safeParse('x'.repeat(300)).success; // false: longer than 256
 * ```
 */
export function storableText(
  max: number,
  options: { readonly trim?: boolean; readonly min?: number } = {},
): z.ZodMiniString<string> {
  const checks: z.core.$ZodCheck<string>[] = [];
  if (options.trim === true) checks.push(z.trim(), z.minLength(1, 'must be a non-empty string'));
  if (options.min !== undefined && options.min > 0) checks.push(z.minLength(options.min, 'must be a non-empty string'));
  // Aborts: an over-long string is refused without scanning it.
  checks.push(
    z.maxLength(max, { message: `must be at most ${max} characters`, abort: true }),
    z.refine<string>(isStorableText, { message: UNSTORABLE_MESSAGE }),
  );
  return z.string().check(...checks);
}

/** An id: 1 to 256 characters, kept exactly as given. */
export const Id = storableText(textLimits.id, { min: 1 });
/** A short name (category, tier, team, queue…): trimmed, 1 to 256 characters. */
export const Label = storableText(textLimits.label, { trim: true });
/** A sentence or two (a reason, a resolution): trimmed, 1 to 1000 characters. */
export const Note = storableText(textLimits.note, { trim: true });

/** Depth beyond which a JSON value in an event is refused (and never walked or copied). */
export const MAX_JSON_DEPTH = 32;

/** What is wrong with a value an event carries, and where. */
export interface TextProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/**
 * The first problem in a value an event carries: a string (or object key) that holds a NUL
 * character or an unpaired surrogate or is longer than `maxText`, nesting deeper than
 * {@link MAX_JSON_DEPTH}, and with `json`, anything that is not plain JSON (`undefined`, a
 * non-finite number, a class instance, a function). `undefined` when there is none. Never recurses
 * deeper than the depth limit, whatever it is given.
 */
export function textProblem(
  value: unknown,
  options: { readonly maxText: number; readonly json: boolean },
  path: (string | number)[] = [],
): TextProblem | undefined {
  if (typeof value === 'string') {
    if (value.length > options.maxText) return { path, message: `must be at most ${options.maxText} characters` };
    return isStorableText(value) ? undefined : { path, message: UNSTORABLE_MESSAGE };
  }
  if (typeof value !== 'object' || value === null) {
    if (
      !options.json ||
      value === null ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    )
      return undefined;
    return {
      path,
      message: `must be JSON: a string, a finite number, a boolean, null, an array or a plain object (received ${typeof value === 'number' ? String(value) : typeof value})`,
    };
  }
  if (path.length >= MAX_JSON_DEPTH) return { path, message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = textProblem(value[index], options, [...path, index]);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (options.json && !isPlainObject(value))
    return { path, message: 'must be JSON: a plain object, not a class instance' };
  for (const key of Object.keys(value)) {
    if (key.length > textLimits.label || !isStorableText(key)) {
      return {
        path: [...path, key],
        message: `a key must be at most ${textLimits.label} characters, without NUL characters or unpaired surrogates`,
      };
    }
    const problem = textProblem((value as Record<string, unknown>)[key], options, [...path, key]);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Schemas whose every string is already bounded and storable (serviceflow's own inputs and events). */
const storableSchemas = new WeakSet<object>();

/** Records that every string `schema` lets through is bounded and storable; returns the schema. */
export function vouchStorable<S extends object>(schema: S): S {
  storableSchemas.add(schema);
  return schema;
}

/**
 * Whether {@link vouchStorable} vouched for `schema`. A process checks the strings of what any
 * other schema (a custom machine's own) accepts itself, with {@link textProblem}.
 */
export const isVouchedStorable = (schema: object): boolean => storableSchemas.has(schema);

/**
 * A zod refinement that refuses a value whose strings a store could not keep or that are longer
 * than `textLimits.text` (see {@link textProblem}), with the path of the first such string.
 */
export function refuseUnstorableText(value: unknown, ctx: z.core.$RefinementCtx): void {
  const problem = textProblem(value, { maxText: textLimits.text, json: false });
  if (problem !== undefined) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
}
