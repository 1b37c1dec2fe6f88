import * as z from 'zod';

/** Epoch milliseconds, the one representation of an instant inside serviceflow. */
export type EpochMs = number;

const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An instant: epoch milliseconds (an integer), an ISO-8601 string or a `Date`, normalised to epoch
 * milliseconds. ISO strings without an offset are read as UTC, so the result never depends on the
 * machine's time zone.
 *
 * @example
 * ```ts
 * import { Timestamp } from 'serviceflow';
 * Timestamp.parse('2026-03-02T09:00:00Z'); // 1772442000000
 * Timestamp.parse('2026-03-02T09:00'); // 1772442000000 (no offset: UTC)
 * Timestamp.parse(new Date(0)); // 0
 * ```
 */
export const Timestamp = z
  .union([
    z.number().int('must be whole epoch milliseconds').nonnegative('must not be before 1970'),
    z.string().regex(ISO_INSTANT, 'must be an ISO-8601 date-time such as 2026-03-02T09:00:00Z'),
    z.date(),
  ])
  .transform((value, ctx): EpochMs => {
    const ms =
      typeof value === 'number'
        ? value
        : typeof value === 'string'
          ? Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || value.length === 10 ? value : `${value}Z`)
          : value.getTime();
    if (!Number.isSafeInteger(ms) || ms < 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a valid instant at or after 1970-01-01T00:00:00Z' });
      return z.NEVER;
    }
    return ms;
  });
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
 * writes). Returns `undefined` for anything else.
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
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
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
  return Number.isFinite(total) ? Math.round(total) : undefined;
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
export const Duration = z.union([z.number(), z.string()]).transform((value, ctx): number => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: "must be a duration: milliseconds (a number >= 0) or text such as '30m', '4h', '2d' or '1h 30m' (largest unit first)",
    });
    return z.NEVER;
  }
  return ms;
});
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
export const PositiveDuration = Duration.refine((ms) => ms > 0, { message: 'must be longer than zero' });

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
