/**
 * The JSON a process hands out: deeply frozen, JSON-exact copies of what the engine holds.
 *
 * Inside the engine, inquiry contexts and SLA clocks keep one fixed shape (every field present,
 * unset optional ones `undefined`), which keeps steps fast. What a process hands out must be
 * exactly its JSON (no `undefined` members, no `-0`, nothing a store could write back
 * differently) and must not be changed in place behind the engine's back. So a state's context is
 * a copy of the engine's with JSON's semantics, frozen all the way down.
 *
 * The engine never changes an object it made, so a step copies only what it changed: given the
 * value the step started from and its copy, every part still identical to the earlier value is
 * taken from the earlier copy (no look-up tables, which cost the garbage collector more than the
 * copies they save).
 */
import { EMPTY_LIST } from './records.js';

/** The frozen JSON copy of `value`, or `undefined` where JSON leaves the value out. */
function copyOf(value: unknown, before: unknown, beforeCopy: unknown): unknown {
  if (value === before && beforeCopy !== undefined) return beforeCopy;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes NaN and ±Infinity as null, and -0 as 0.
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value)) return arrayCopy(value, before, beforeCopy);
      if (isPlainRecord(value)) return recordCopy(value as Record<string, unknown>, before, beforeCopy);
      // A Date, a class instance, anything with toJSON: what JSON makes of it.
      return copyOf(JSON.parse(JSON.stringify(value)) as unknown, undefined, undefined);
    default:
      // undefined, functions and symbols: JSON leaves them out (and writes null in arrays).
      return undefined;
  }
}

function isPlainRecord(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

function arrayCopy(value: readonly unknown[], before: unknown, beforeCopy: unknown): readonly unknown[] {
  const earlier = Array.isArray(before) && Array.isArray(beforeCopy) ? before : undefined;
  const earlierCopy = earlier === undefined ? undefined : (beforeCopy as readonly unknown[]);
  if (value.length === 0) return EMPTY_LIST;
  const copy = new Array<unknown>(value.length);
  for (let index = 0; index < value.length; index++) {
    copy[index] = copyOf(value[index], earlier?.[index], earlierCopy?.[index]) ?? null;
  }
  return Object.freeze(copy);
}

function recordCopy(
  value: Record<string, unknown>,
  before: unknown,
  beforeCopy: unknown,
): Readonly<Record<string, unknown>> {
  const earlier = isRecordLike(before) && isRecordLike(beforeCopy) ? before : undefined;
  const earlierCopy = earlier === undefined ? undefined : (beforeCopy as Record<string, unknown>);
  const copy: Record<string, unknown> = {};
  // Plain records (checked by the caller) have no enumerable inherited keys: for-in lists own keys.
  for (const key in value) {
    const member = copyOf(value[key], earlier?.[key], earlierCopy?.[key]);
    if (member === undefined) continue;
    // JSON.parse makes '__proto__' an own key; an assignment would set the prototype.
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value: member, enumerable: true, writable: true, configurable: true });
    else copy[key] = member;
  }
  return Object.freeze(copy);
}

const isRecordLike = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The frozen JSON copy of `value`: what `JSON.parse(JSON.stringify(value))` gives, deeply frozen.
 * With `before` (an earlier value of the same thing that the engine made and never changed since)
 * and `beforeCopy` (its frozen copy), every part of `value` identical to the part of `before` at
 * the same place is taken from `beforeCopy`.
 */
export function frozenJsonOf<T>(value: T, before?: unknown, beforeCopy?: unknown): T {
  return copyOf(value, before, beforeCopy) as T;
}

/**
 * Freezes `value` and everything it holds, in place, and returns it; the parts identical to those
 * at the same place in `earlier` (a value the engine handed out before, frozen all the way down)
 * are frozen already and skipped. Only for values the engine made JSON-exact by construction (no
 * `undefined` members, no `-0`) and never changes once they are in a context: the built-in inquiry
 * context's members other than its SLA clocks, and XState's state values. Identity decides what
 * is new because `Object.isFrozen` costs about as much as `Object.freeze`.
 */
export function freezeNew<T>(value: T, earlier?: unknown): T {
  if (value === earlier || typeof value !== 'object' || value === null || value === EMPTY_LIST) return value;
  Object.freeze(value);
  const before = typeof earlier === 'object' && earlier !== null ? (earlier as Record<string, unknown>) : undefined;
  for (const key in value) {
    const member = value[key];
    if (typeof member === 'object' && member !== null) freezeNew(member, before?.[key]);
  }
  return value;
}
