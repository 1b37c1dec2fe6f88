/**
 * Shortcuts past the built-in schemas for what a process is sent most: an inquiry's input and the
 * inquiry events with a few plain fields. Each reads a value exactly as the schema would (the same
 * keys in the same order, the same values) when the value is plainly valid and already in the form
 * the schema normalises to; anything else — a string `at`, a label with spaces around it, a key the
 * schema does not know, a key set to `undefined` — returns `undefined` and goes through the schema,
 * which refuses it with its own message or normalises it. A property test holds each shortcut to
 * its schema (test/internal/process/fast-inputs.test.ts).
 *
 * Why: the schemas' unions, strict objects, text checks and instant transform cost about as much as
 * the step itself (bench/README.md).
 */
import type * as z from 'zod/mini';
import {
  Channel,
  FeedbackKind,
  feedbackScales,
  InquiryEvent,
  InquiryInput,
  PendingReason,
  Priority,
} from '../schemas/inquiry.js';
import { isStorableText, textLimits } from '../schemas/text.js';
import { isInstant } from '../schemas/time.js';

type Fields = Record<string, unknown>;

/** Whether {@link fastInquiryEvent} reads events of `schema` as the schema does. */
export const readsInquiryEvents = (schema: z.ZodMiniType): boolean => schema === InquiryEvent;

/** Whether {@link fastInquiryInput} reads inputs of `schema` as the schema does. */
export const readsInquiryInputs = (schema: z.ZodMiniType): boolean => schema === InquiryInput;

/** An event as a shortcut reads it. */
export interface ReadEvent {
  readonly type: string;
  readonly at: number;
  readonly [field: string]: unknown;
}

const channels: ReadonlySet<unknown> = new Set(Channel.options);
const priorities: ReadonlySet<unknown> = new Set(Priority.options);
const pendingReasons: ReadonlySet<unknown> = new Set(PendingReason.options);
const feedbackKinds: ReadonlySet<unknown> = new Set(FeedbackKind.options);

/** A plain object (what JSON and object literals make), or `undefined`. */
function plain(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
    ? (value as Fields)
    : undefined;
}

/**
 * Whether `value`'s keys are all among `allowed`, none set to `undefined` (for-in also lists
 * inherited enumerable keys, which a strict schema refuses too).
 */
function onlyKeys(value: Fields, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key) || value[key] === undefined) return false;
  return true;
}

/** `Id`: 1 to 256 storable characters, kept as given. */
const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= textLimits.id && isStorableText(value);

/** `Label` as it reads a label that needs no trimming: 1 to 256 storable characters. */
const isTrimmedLabel = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length >= 1 &&
  value.length <= textLimits.label &&
  value.trim().length === value.length &&
  isStorableText(value);

/** `storableText(max)`: at most `max` storable characters. */
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length <= max && isStorableText(value);

const inputKeys: ReadonlySet<string> = new Set([
  'id',
  'channel',
  'customer',
  'priority',
  'category',
  'subject',
  'followUpOf',
  'at',
]);
const customerKeys: ReadonlySet<string> = new Set(['id', 'tier', 'timezone']);

/** What `InquiryInput` makes of `value` when it is plainly valid, or `undefined`. */
export function fastInquiryInput(value: unknown): Fields | undefined {
  const input = plain(value);
  if (input === undefined || !onlyKeys(input, inputKeys)) return undefined;
  const { id, channel, priority, category, subject, followUpOf, at } = input;
  const customer = plain(input.customer);
  if (
    !isId(id) ||
    !channels.has(channel) ||
    customer === undefined ||
    !onlyKeys(customer, customerKeys) ||
    !isId(customer.id) ||
    (customer.tier !== undefined && !isTrimmedLabel(customer.tier)) ||
    (customer.timezone !== undefined && !isTrimmedLabel(customer.timezone)) ||
    (priority !== undefined && !priorities.has(priority)) ||
    (category !== undefined && !isTrimmedLabel(category)) ||
    (subject !== undefined && !isText(subject, textLimits.note)) ||
    (followUpOf !== undefined && !isId(followUpOf)) ||
    typeof at !== 'number' ||
    !isInstant(at)
  )
    return undefined;
  // The schema's key order; optional keys only when given, `priority` defaulting to 'normal'.
  const readCustomer: Fields = { id: customer.id };
  if (customer.tier !== undefined) readCustomer.tier = customer.tier;
  if (customer.timezone !== undefined) readCustomer.timezone = customer.timezone;
  const read: Fields = { id, channel, customer: readCustomer, priority: priority ?? 'normal' };
  if (category !== undefined) read.category = category;
  if (subject !== undefined) read.subject = subject;
  if (followUpOf !== undefined) read.followUpOf = followUpOf;
  read.at = at;
  return read;
}

/**
 * The inquiry events whose every field but `type` and `at` is optional (or that have none): sent
 * as `{ type, at }` alone, what `InquiryEvent` gives back is `{ type, at }` itself.
 */
const BARE_INQUIRY_EVENTS: ReadonlySet<string> = new Set([
  'acknowledge',
  'agent.reply',
  'customer.reply',
  'resume',
  'escalate',
  'resolve',
  'reopen',
  'close',
  'cancel',
  'tick',
]);

const bareKeys: ReadonlySet<string> = new Set(['type', 'at']);
const categorizeKeys: ReadonlySet<string> = new Set(['type', 'category', 'priority', 'at']);
const assignKeys: ReadonlySet<string> = new Set(['type', 'agentId', 'team', 'at']);
const pendKeys: ReadonlySet<string> = new Set(['type', 'reason', 'at']);
const feedbackKeys: ReadonlySet<string> = new Set(['type', 'kind', 'score', 'comment', 'at']);

/**
 * What `InquiryEvent` makes of `value` when it is plainly valid, or `undefined`: a bare event
 * (`{ type, at }` of a type whose fields are all optional), `categorize`, `assign`, `pend` or
 * `feedback`, with `at` already whole epoch ms in range.
 */
export function fastInquiryEvent(value: unknown): ReadEvent | undefined {
  const event = plain(value);
  if (event === undefined) return undefined;
  const { type, at } = event;
  if (typeof type !== 'string' || typeof at !== 'number' || !isInstant(at)) return undefined;
  if (BARE_INQUIRY_EVENTS.has(type)) return onlyKeys(event, bareKeys) ? { type, at } : undefined;
  switch (type) {
    case 'categorize': {
      const { category, priority } = event;
      if (!onlyKeys(event, categorizeKeys) || !isTrimmedLabel(category)) return undefined;
      if (priority === undefined) return { type, category, at };
      return priorities.has(priority) ? { type, category, priority, at } : undefined;
    }
    case 'assign': {
      const { agentId, team } = event;
      if (!onlyKeys(event, assignKeys) || (agentId === undefined && team === undefined)) return undefined;
      if ((agentId !== undefined && !isId(agentId)) || (team !== undefined && !isTrimmedLabel(team))) return undefined;
      const read: Fields = { type };
      if (agentId !== undefined) read.agentId = agentId;
      if (team !== undefined) read.team = team;
      read.at = at;
      return read as ReadEvent;
    }
    case 'pend':
      return onlyKeys(event, pendKeys) && pendingReasons.has(event.reason)
        ? { type, reason: event.reason, at }
        : undefined;
    case 'feedback': {
      const { kind, score, comment } = event;
      if (!onlyKeys(event, feedbackKeys) || !feedbackKinds.has(kind) || !Number.isInteger(score)) return undefined;
      const [min, max] = feedbackScales[kind as FeedbackKind];
      if ((score as number) < min || (score as number) > max) return undefined;
      if (comment === undefined) return { type, kind, score, at };
      return isText(comment, textLimits.text) ? { type, kind, score, comment, at } : undefined;
    }
    default:
      return undefined;
  }
}
