import type * as z from 'zod/mini';
import { en } from 'zod/v4/locales';

/** Every stable error code serviceflow throws. */
export type ServiceFlowErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_EVENT'
  | 'EVENT_NOT_ALLOWED'
  | 'OUT_OF_ORDER'
  | 'INVALID_CONFIG'
  | 'INCOMPATIBLE_STATE'
  | 'CONFLICT';

/** Structured details carried by every {@link ServiceFlowError}. */
export interface ServiceFlowErrorDetails {
  /** Where in the offending value the problem is, e.g. `['customer', 'id']`. */
  readonly path?: readonly (string | number)[];
  /** The offending value, abbreviated to keep messages and logs short. */
  readonly received?: unknown;
  /** What was expected instead, in words. */
  readonly expected?: string | undefined;
  /** Every individual problem when several were found at once. */
  readonly issues?: readonly ServiceFlowIssue[];
  readonly cause?: unknown;
}

/** One problem found while validating a value. */
export interface ServiceFlowIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly received?: unknown;
  readonly expected?: string;
}

/**
 * The base class of every error serviceflow throws on purpose.
 *
 * Branch on `code`, which is stable across releases; the message is for humans and says what was
 * wrong and what was expected.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, ServiceFlowError } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: 0 });
 * const cancelled = process.send(state, { type: 'cancel', at: 1 }).state;
 * try {
 *   process.send(cancelled, { type: 'resolve', at: 2 });
 * } catch (error) {
 *   if (error instanceof ServiceFlowError && error.code === 'EVENT_NOT_ALLOWED') {
 *     // tell the agent the inquiry is already closed
 *   } else throw error;
 * }
 * ```
 */
export class ServiceFlowError extends Error {
  readonly code: ServiceFlowErrorCode;
  readonly path: readonly (string | number)[];
  readonly received: unknown;
  readonly expected: string | undefined;
  readonly issues: readonly ServiceFlowIssue[];

  constructor(code: ServiceFlowErrorCode, message: string, details: ServiceFlowErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.path = details.path ?? [];
    this.received = details.received;
    this.expected = details.expected;
    this.issues = details.issues ?? [];
  }

  /** A plain, JSON-serialisable description (for logs, dead-letter lists and HTTP answers). */
  toJSON(): {
    name: string;
    code: ServiceFlowErrorCode;
    message: string;
    path: (string | number)[];
    issues: ServiceFlowIssue[];
  } {
    return { name: this.name, code: this.code, message: this.message, path: [...this.path], issues: [...this.issues] };
  }
}

/**
 * A start input (`process.start`, `desk.open`) failed validation. Code `INVALID_INPUT`. Stores
 * throw it too for a malformed write.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, InvalidInputError } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * try {
 *   process.start(JSON.parse('{"id":"T-1","channel":"fax","customer":{"id":"C-1"},"at":0}'));
 * } catch (error) {
 *   if (error instanceof InvalidInputError) error.path; // ['channel']
 * }
 * ```
 */
export class InvalidInputError extends ServiceFlowError {
  constructor(message: string, details?: ServiceFlowErrorDetails) {
    super('INVALID_INPUT', message, details);
  }
}

/**
 * An event failed validation (unknown type, missing field, bad score…). Code `INVALID_EVENT`.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, InvalidEventError } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: 0 });
 * try {
 *   process.send(state, { type: 'feedback', kind: 'csat', score: 9, at: 1 });
 * } catch (error) {
 *   if (error instanceof InvalidEventError) error.path; // ['score'] (CSAT is 1 to 5)
 * }
 * ```
 */
export class InvalidEventError extends ServiceFlowError {
  constructor(message: string, details?: ServiceFlowErrorDetails) {
    super('INVALID_EVENT', message, details);
  }
}

/**
 * A valid event that the process does not accept in its current stage. Code `EVENT_NOT_ALLOWED`.
 * `process.can` answers the same question without throwing.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, EventNotAllowedError } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: 0 });
 * const cancelled = process.send(state, { type: 'cancel', at: 1 }).state;
 * process.can(cancelled, { type: 'resolve', at: 2 }); // false
 * try {
 *   process.send(cancelled, { type: 'resolve', at: 2 });
 * } catch (error) {
 *   if (error instanceof EventNotAllowedError) error.message; // "Event 'resolve' is not allowed in stage 'cancelled'; …"
 * }
 * ```
 */
export class EventNotAllowedError extends ServiceFlowError {
  constructor(message: string, details?: ServiceFlowErrorDetails) {
    super('EVENT_NOT_ALLOWED', message, details);
  }
}

/**
 * An event stamped earlier than the last event applied. Code `OUT_OF_ORDER`.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, OutOfOrderError } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * try {
 *   process.send(state, { type: 'tick', at: '2026-03-02T08:59:00Z' });
 * } catch (error) {
 *   if (error instanceof OutOfOrderError) error.path; // ['at']
 * }
 * ```
 */
export class OutOfOrderError extends ServiceFlowError {
  constructor(message: string, details?: ServiceFlowErrorDetails) {
    super('OUT_OF_ORDER', message, details);
  }
}

/**
 * A policy, calendar, simulation or store configuration failed validation, or a machine breaks
 * the service machine contract. Code `INVALID_CONFIG`.
 *
 * @example
 * ```ts
 * import { InvalidConfigError, slaPolicy } from 'serviceflow';
 * try {
 *   slaPolicy({ targets: [{ firstResponse: '1 hour' }] });
 * } catch (error) {
 *   if (error instanceof InvalidConfigError) error.path; // ['targets', 0, 'firstResponse']
 * }
 * ```
 */
export class InvalidConfigError extends ServiceFlowError {
  constructor(message: string, details?: ServiceFlowErrorDetails) {
    super('INVALID_CONFIG', message, details);
  }
}

/**
 * A persisted state that this release can neither read nor migrate. Code `INCOMPATIBLE_STATE`.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, IncompatibleStateError } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: 0 });
 * try {
 *   process.restore({ ...state, machine: { id: 'inquiry', version: '0' } });
 * } catch (error) {
 *   if (error instanceof IncompatibleStateError) error.path; // ['machine', 'version'] (no migration from '0')
 * }
 * ```
 */
export class IncompatibleStateError extends ServiceFlowError {
  constructor(message: string, details?: ServiceFlowErrorDetails) {
    super('INCOMPATIBLE_STATE', message, details);
  }
}

/**
 * A store's optimistic-concurrency check failed: someone else saved first (or `create` found the
 * id taken). Code `CONFLICT`. Reload the snapshot and retry.
 *
 * @example
 * ```ts
 * import { ConflictError, memoryStore } from 'serviceflow';
 * const store = memoryStore();
 * await store.create({ id: 'T-1', state: {}, stage: 'inquiry', wakeAt: null, lastEventAt: 0, effects: [] });
 * try {
 *   await store.save({ id: 'T-1', expectedVersion: 2, state: {}, stage: 'inquiry', wakeAt: null, lastEventAt: 0, effects: [] });
 * } catch (error) {
 *   if (error instanceof ConflictError) error.path; // ['expectedVersion'] (the store holds version 1)
 * }
 * ```
 */
export class ConflictError extends ServiceFlowError {
  constructor(message: string, details?: ServiceFlowErrorDetails) {
    super('CONFLICT', message, details);
  }
}

/**
 * Abbreviates a value for an error message: JSON (`undefined` and bigints written as in code, the
 * `String` of anything JSON refuses), cut to at most `max` characters ending in `…`.
 *
 * @example
 * ```ts
 * import { abbreviate } from 'serviceflow';
 * abbreviate({ id: 'T-1', subject: 'Refund for order 1234, charged twice' }, 30); // '{"id":"T-1","subject":"Refund…'
 * abbreviate(undefined); // 'undefined'
 * ```
 */
export function abbreviate(value: unknown, max = 80): string {
  let text: string;
  try {
    text =
      value === undefined
        ? 'undefined'
        : typeof value === 'bigint'
          ? `${value}n`
          : (JSON.stringify(value, (_key, inner: unknown) =>
              // Long strings are cut before they are quoted: a refused 10 MB field costs no 10 MB copy.
              typeof inner === 'bigint'
                ? `${inner}n`
                : typeof inner === 'string' && inner.length > max
                  ? inner.slice(0, max)
                  : inner,
            ) ?? String(value));
  } catch {
    text = describeUnprintable(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What a value JSON refuses is (a cycle, a throwing getter): its `String`, or its kind when even that throws. */
function describeUnprintable(value: unknown): string {
  try {
    return String(value);
  } catch {
    // An object without a prototype (or whose toString throws) has no string form.
    return Object.prototype.toString.call(value);
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? key : `${text}.${key}`),
    '',
  );
}

/** zod's English messages, for issues that carry only the generic one. */
const english = /* @__PURE__ */ (() => en().localeError)();

/**
 * An issue's message in words. zod/mini loads no locale, so an issue that serviceflow's schemas give
 * no message of their own carries zod's generic "Invalid input", unless the app configured a locale
 * (`z.config(...)`, or importing zod's classic entry, which configures English). Such an issue is
 * worded here as zod's English locale words it, without configuring zod for the whole app.
 */
function issueMessage(issue: z.core.$ZodIssue, received: unknown): string {
  if (issue.message !== 'Invalid input') return issue.message;
  const worded = english({ ...issue, input: received } as z.core.$ZodRawIssue);
  return (typeof worded === 'string' ? worded : worded?.message) ?? issue.message;
}

/**
 * Turns a zod error into the details of a {@link ServiceFlowError}: the first issue's path, the
 * value received there, and one human line per issue (the first five, then how many more).
 *
 * @example
 * ```ts
 * import { describeZodError, InquiryInput, InvalidInputError } from 'serviceflow';
 * const input = { id: 'T-1', channel: 'fax', customer: { id: 'C-1' }, at: 0 };
 * const parsed = InquiryInput.safeParse(input);
 * if (!parsed.success) {
 *   const { message, details } = describeZodError('inquiry input', input, parsed.error);
 *   details.path; // ['channel']
 *   throw new InvalidInputError(message, details); // 'Invalid inquiry input: channel: Invalid option: …'
 * }
 * ```
 */
export function describeZodError(
  what: string,
  value: unknown,
  error: z.core.$ZodError,
): { message: string; details: ServiceFlowErrorDetails } {
  const issues: ServiceFlowIssue[] = error.issues.map((issue) => {
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
    const received = valueAt(value, path);
    return { path, message: issueMessage(issue, received), received };
  });
  const first = issues[0];
  const lines = issues
    .slice(0, 5)
    .map((issue) => `${formatPath(issue.path)}: ${issue.message} (received ${abbreviate(issue.received)})`);
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return {
    message: `Invalid ${what}: ${lines.join('; ')}${more}`,
    details: {
      path: first?.path ?? [],
      received: first?.received,
      expected: first?.message,
      issues,
      cause: error,
    },
  };
}
