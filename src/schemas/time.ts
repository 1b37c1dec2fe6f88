import * as z from 'zod/mini';
import { abbreviate, InvalidInputError } from '../errors.js';
import { refuseInTransform } from './refuse.js';

/** Epoch milliseconds, the one representation of an instant inside serviceflow. */
export type EpochMs = number;

/** The earliest instant serviceflow accepts: 0001-01-01T00:00:00.000Z (`Date.UTC(1, 0, 1)` reads year 1 as 1901). */
const EARLIEST = -62_135_596_800_000;
/** The latest instant serviceflow accepts: 9999-12-31T23:59:59.999Z. */
const LATEST = 253_402_300_799_999;

/**
 * The instants serviceflow accepts, as epoch milliseconds (both ends included): from
 * 0001-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z, the years with a four-digit ISO-8601 form
 * that every database reads. Every `at`, `view`'s `at`, and every other instant an input carries
 * must lie in it; persisted states, effects and journals keep instants as epoch milliseconds
 * (negative before 1970).
 *
 * @example
 * ```ts
 * import { instantRange } from 'serviceflow';
 * new Date(instantRange.min).toISOString(); // '0001-01-01T00:00:00.000Z'
 * new Date(instantRange.max).toISOString(); // '9999-12-31T23:59:59.999Z'
 * instantRange.min; // -62135596800000
 * ```
 */
export const instantRange = Object.freeze({ min: EARLIEST, max: LATEST } as const);

/** What an instant must be, for messages. */
export const INSTANT_EXPECTED =
  'an instant from 0001-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z (epoch ms -62135596800000 to 253402300799999)';

/**
 * The longest duration serviceflow reads: the span of {@link instantRange} (about 10,000 years).
 * Nothing longer fits between two instants, so a longer target or delay could only fail later.
 */
const MAX_DURATION_MS = LATEST - EARLIEST;

/** Whether `ms` is whole epoch milliseconds within {@link instantRange}. */
export const isInstant = (ms: number): boolean => Number.isInteger(ms) && ms >= EARLIEST && ms <= LATEST;

const ISO_INSTANT =
  /^(\d{4}|[+-]\d{6})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))?)?$/;
const ISO_EXPECTED = 'must be an ISO-8601 date-time such as 2026-03-02T09:00:00Z';

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Reads an ISO-8601 date or date-time as epoch milliseconds (UTC when it has no offset), or says
 * why it is not one. Impossible dates and times are refused, never rolled over as `Date.parse`
 * does (`2026-02-30` is not March 2), and so is `24:00`.
 */
function parseIsoInstant(text: string): { ms: number } | { problem: string } {
  const match = ISO_INSTANT.exec(text);
  // ECMAScript's date-time format has no year -000000 (there is no negative zero year).
  if (match === null || text.startsWith('-000000')) return { problem: ISO_EXPECTED };
  const [
    ,
    y,
    mo,
    d,
    h = '00',
    mi = '00',
    s = '00',
    fraction = '',
    zone,
    sign,
    offsetHours = '00',
    offsetMinutes = '00',
  ] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return { problem: `${text} is not a date: there is no month ${mo}` };
  if (day < 1 || day > daysInMonth(year, month))
    return { problem: `${text} is not a date: ${y}-${mo} has no day ${d}` };
  if (Number(h) > 23)
    return { problem: `${text} is not a time of day: hours run from 00 to 23 (write 00:00 of the next day for 24:00)` };
  if (Number(mi) > 59 || Number(s) > 59)
    return { problem: `${text} is not a time of day: minutes and seconds run from 00 to 59` };
  if (zone !== undefined && zone !== 'Z' && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) {
    return { problem: `${text} has no valid UTC offset: at most ±23:59` };
  }
  const offsetMs =
    sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  // setUTCFullYear, not Date.UTC, which reads the years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(fraction.slice(0, 3).padEnd(3, '0')));
  return { ms: date.getTime() - offsetMs };
}

/**
 * An instant: epoch milliseconds (an integer), an ISO-8601 string or a `Date`, normalised to epoch
 * milliseconds, within {@link instantRange} (0001-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z).
 * ISO strings without an offset are read as UTC, so the result never depends on the machine's time
 * zone; years 0001–0099 are those years (not 1901–1999), and an expanded year (`'+002026-…'`) is
 * read too, and refused outside the range (`'+010000-01-01T00:00:00Z'`). Impossible dates and
 * times (`'2026-02-30'`, `'2027-02-29'`, `'2026-13-01'`, `'T24:00'`) are refused, never rolled
 * over.
 *
 * @example
 * ```ts
 * import { Timestamp } from 'serviceflow';
 * Timestamp.parse('2026-03-02T09:00:00Z'); // 1772442000000
 * Timestamp.parse('2026-03-02T09:00'); // 1772442000000 (no offset: UTC)
 * Timestamp.parse(new Date(0)); // 0
 * Timestamp.parse('1969-07-20T20:17:00Z'); // -14182980000
 * Timestamp.parse('0001-01-01T00:00:00Z'); // -62135596800000
 * Timestamp.safeParse('2026-02-30').success; // false: February has no 30th
 * Timestamp.safeParse(2 ** 53 - 1).success; // false: after 9999-12-31
 * Timestamp.safeParse('+010000-01-01T00:00:00Z').success; // false: after 9999-12-31
 * ```
 */
export const Timestamp = z.pipe(
  // z.custom rather than z.date(): the same check, a few hundred bytes less in every browser bundle.
  z.union([z.number(), z.string(), z.custom<Date>((value) => value instanceof Date)], {
    error: `must be ${INSTANT_EXPECTED}: epoch milliseconds, an ISO-8601 string or a Date`,
  }),
  z.transform((value: number | string | Date, ctx): EpochMs => {
    let ms: number;
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) return refuseInTransform(ctx, 'must be whole epoch milliseconds');
      ms = value;
    } else if (typeof value === 'string') {
      const parsed = parseIsoInstant(value);
      if ('problem' in parsed) return refuseInTransform(ctx, parsed.problem);
      ms = parsed.ms;
    } else ms = value.getTime();
    if (!isInstant(ms)) return refuseInTransform(ctx, `must be ${INSTANT_EXPECTED}`);
    return ms;
  }),
);
/** What {@link Timestamp} accepts: epoch ms, an ISO-8601 string or a `Date`. */
export type TimestampInput = z.input<typeof Timestamp>;

/** One part of a duration text: an amount and its unit. */
const DURATION_PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*/y;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Largest first: the parts of a compound duration come in this order, each at most once. */
const UNIT_ORDER = ['d', 'h', 'm', 's', 'ms'] as const;

/**
 * Parses a duration: a non-negative number of milliseconds, or a string such as `'90s'`, `'30m'`,
 * `'4h'`, `'2d'` (`d` is 24 hours) or `'1.5h'`, or several such parts from the largest unit down,
 * each unit at most once: `'1h30m'`, `'2d 12h'`, `'1d 4h 30m'` (what {@link formatDuration}
 * writes). Returns `undefined` for anything else, and for a duration longer than the span of
 * instants serviceflow reads (0001-01-01 to 9999-12-31, about 10,000 years).
 *
 * A hand-written parser rather than the `ms` package: the contract allows exactly these units,
 * and `ms` would accept `'1y'` or `'2 weeks'` that serviceflow must reject (and reads no compound
 * durations).
 *
 * @example
 * ```ts
 * import { parseDuration } from 'serviceflow';
 * parseDuration('1.5h'); // 5400000
 * parseDuration('1h 30m'); // 5400000
 * parseDuration(90_000); // 90000
 * parseDuration('30m 1h'); // undefined: largest unit first
 * parseDuration('2 weeks'); // undefined
 * ```
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 && value <= MAX_DURATION_MS ? Math.round(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let total = 0;
  let next = 0; // index into UNIT_ORDER of the largest unit still allowed
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const match = DURATION_PART.exec(text);
    if (match === null) return undefined;
    const unit = match[2] as keyof typeof UNIT_MS;
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank < next) return undefined;
    next = rank + 1;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  return total <= MAX_DURATION_MS ? Math.round(total) : undefined;
}

/**
 * A duration as milliseconds or text (`'30m'`, `'4h'`, `'2d'`, `'1h 30m'`), normalised to milliseconds.
 * Anything {@link parseDuration} rejects fails validation.
 *
 * @example
 * ```ts
 * import { Duration } from 'serviceflow';
 * Duration.parse('30m'); // 1800000
 * Duration.safeParse('1y').success; // false
 * ```
 */
export const Duration = z.pipe(
  z.union([z.number(), z.string()]),
  z.transform((value: number | string, ctx): number => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      return refuseInTransform(
        ctx,
        "must be a duration: milliseconds (a number >= 0, at most the 10,000 years from 0001 to 9999) or text such as '30m', '4h', '2d' or '1h 30m' (largest unit first)",
      );
    }
    return ms;
  }),
);
/** What {@link Duration} accepts: milliseconds or text such as `'30m'`, `'4h'`, `'2d'`, `'1h 30m'`. */
export type DurationInput = z.input<typeof Duration>;

/**
 * A strictly positive {@link Duration}.
 *
 * @example
 * ```ts
 * import { PositiveDuration } from 'serviceflow';
 * PositiveDuration.parse('4h'); // 14400000
 * PositiveDuration.safeParse('0s').success; // false
 * ```
 */
export const PositiveDuration = Duration.check(z.refine((ms) => ms > 0, { message: 'must be longer than zero' }));

/**
 * Formats milliseconds as a short human duration: `'1h 30m'`, `'2d 4h'`, `'45s'`. Keeps the two
 * largest units (truncating the rest), writes under a second as `'750ms'`, and keeps the sign.
 * {@link parseDuration} reads what it writes (for durations that are not negative).
 *
 * @example
 * ```ts
 * import { formatDuration } from 'serviceflow';
 * formatDuration(5_400_000); // '1h 30m'
 * formatDuration(90_061_000); // '1d 1h'
 * formatDuration(-45_000); // '-45s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (typeof ms !== 'number') {
    throw new InvalidInputError(`formatDuration: ms must be a number of milliseconds (received ${abbreviate(ms)})`, {
      path: ['ms'],
      received: ms,
      expected: 'a number of milliseconds',
    });
  }
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
    ['s', UNIT_MS.s],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return sign + parts.slice(0, 2).join(' ');
}
