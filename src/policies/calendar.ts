/**
 * Business calendars: when a support team is open, and business-time arithmetic in its IANA zone.
 */
import { z } from 'zod';
import { abbreviate, describeZodError, InvalidConfigError, InvalidInputError } from '../process/errors.js';
import {
  DAY_MS,
  WEEKDAYS,
  formatTimeOfDay,
  parseIsoDate,
  parseTimeOfDay,
  type Weekday,
} from './calendar/civil.js';
import { Timeline, type WeekTemplate } from './calendar/timeline.js';
import { isTimeZone, zoneOffsets } from './calendar/zone.js';

/** The earliest instant a calendar accepts or returns: 0001-01-01T00:00:00.000Z. */
const MIN_INSTANT = -62_135_596_800_000;
/** The latest instant a calendar accepts or returns: 9999-12-31T23:59:59.999Z. */
const MAX_INSTANT = 253_402_300_799_999;
const INSTANT_RANGE = 'epoch milliseconds between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';

const TimeOfDay = z.string().superRefine((text, ctx) => {
  const parsed = parseTimeOfDay(text);
  if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

/** One open span `[start, end]` of a weekday; an end before the start crosses midnight. */
const Span = z.tuple([TimeOfDay, TimeOfDay]).superRefine(([start, end], ctx) => {
  const from = parseTimeOfDay(start);
  const to = parseTimeOfDay(end);
  if (!('ms' in from) || !('ms' in to)) return;
  if (from.ms === DAY_MS) {
    ctx.addIssue({ code: 'custom', path: [0], message: "a span cannot start at '24:00' (start at '00:00' of the next day)" });
  } else if (from.ms === to.ms) {
    ctx.addIssue({
      code: 'custom',
      path: [1],
      message: `a span must end at another time than it starts (${start}); write ['00:00', '24:00'] for a whole day`,
    });
  }
});

// Readonly so that `as const` configurations type-check.
const DaySpans = z.array(Span.readonly()).readonly();

const Week = z.strictObject({
  mon: DaySpans.optional(),
  tue: DaySpans.optional(),
  wed: DaySpans.optional(),
  thu: DaySpans.optional(),
  fri: DaySpans.optional(),
  sat: DaySpans.optional(),
  sun: DaySpans.optional(),
});

const Holiday = z.string().superRefine((text, ctx) => {
  const parsed = parseIsoDate(text);
  if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

const TimeZone = z.string().superRefine((name, ctx) => {
  if (!isTimeZone(name)) {
    ctx.addIssue({ code: 'custom', message: "must be an IANA time zone known to Intl, such as 'America/New_York' or 'UTC'" });
  }
});

type Spans = [string, string][];

/** Canonical spans: times as 'HH:MM' (or 'HH:MM:SS'), sorted, exact duplicates dropped. */
function normaliseSpans(spans: readonly (readonly [string, string])[]): Spans {
  const parsed = spans
    .map(([start, end]) => [msOf(start), msOf(end)] as const)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const unique = parsed.filter((span, i) => {
    const before = parsed[i - 1];
    return before === undefined || before[0] !== span[0] || before[1] !== span[1];
  });
  return unique.map(([start, end]): [string, string] => [formatTimeOfDay(start), formatTimeOfDay(end)]);
}

/** Milliseconds since midnight of a time the schema has already validated. */
function msOf(text: string): number {
  const parsed = parseTimeOfDay(text);
  return 'ms' in parsed ? parsed.ms : Number.NaN;
}

/**
 * The configuration of a {@link businessCalendar}, as a zod schema. Parsing yields the
 * {@link NormalisedCalendarConfig}.
 *
 * - `timezone`: an IANA zone known to the platform's `Intl` (default `'UTC'`).
 * - `week`: open spans per weekday as `['HH:MM', 'HH:MM']` (or `'HH:MM:SS'`); `'24:00'` may end a
 *   span; an end earlier than the start crosses midnight into the next day; a span ending where it
 *   starts is invalid; overlapping or touching spans are merged (open time is their union). Days
 *   not listed are closed. Without `week` the calendar is open 24×7.
 * - `holidays`: local dates `'YYYY-MM-DD'`, each closing its whole local day 00:00–24:00.
 *
 * @example
 * ```ts
 * import { BusinessCalendarConfig } from 'serviceflow';
 * const result = BusinessCalendarConfig.safeParse({ timezone: 'Europe/Berlin', week: { mon: [['9:00', '17:00']] } });
 * // result.success === false: week.mon[0][0] must be a time of day 'HH:MM' or 'HH:MM:SS'
 * const config = BusinessCalendarConfig.parse({ week: { sat: [['10:00:00', '14:00']] } });
 * // config.week.sat → [['10:00', '14:00']], config.week.mon → [], config.timezone → 'UTC'
 * ```
 */
export const BusinessCalendarConfig = z
  .strictObject({
    timezone: TimeZone.optional(),
    week: Week.optional(),
    holidays: z.array(Holiday).readonly().optional(),
  })
  .superRefine((config, ctx) => {
    const week = config.week;
    if (week !== undefined && WEEKDAYS.every((day) => (week[day] ?? []).length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['week'],
        message: 'the week has no open time: list at least one span, or leave week out for a 24x7 calendar',
      });
    }
  })
  .transform((config) => {
    const spansOf = (day: Weekday): Spans =>
      config.week === undefined ? [['00:00', '24:00']] : normaliseSpans(config.week[day] ?? []);
    const week = {
      mon: spansOf('mon'),
      tue: spansOf('tue'),
      wed: spansOf('wed'),
      thu: spansOf('thu'),
      fri: spansOf('fri'),
      sat: spansOf('sat'),
      sun: spansOf('sun'),
    };
    const holidays = [...new Set(config.holidays ?? [])].sort();
    return { timezone: config.timezone ?? 'UTC', week, holidays };
  });

/**
 * What {@link businessCalendar} accepts.
 *
 * @example
 * ```ts
 * import type { BusinessCalendarConfigInput } from 'serviceflow';
 * const config: BusinessCalendarConfigInput = {
 *   timezone: 'America/New_York',
 *   week: { mon: [['09:00', '17:00']], fri: [['09:00', '15:00']] },
 *   holidays: ['2026-12-25'],
 * };
 * ```
 */
export type BusinessCalendarConfigInput = z.input<typeof BusinessCalendarConfig>;

/**
 * The explicit, JSON-serialisable form of a calendar's configuration: the zone, all seven days
 * (a 24×7 day is `[['00:00', '24:00']]`, a closed day `[]`) with canonical, sorted spans, and the
 * holidays sorted and unique. It is itself a valid {@link BusinessCalendarConfigInput}.
 *
 * @example
 * ```ts
 * import { businessCalendar, type NormalisedCalendarConfig } from 'serviceflow';
 * const config: NormalisedCalendarConfig = businessCalendar({ week: { mon: [['09:00:00', '17:00']] } }).config;
 * // { timezone: 'UTC', week: { mon: [['09:00', '17:00']], tue: [], …, sun: [] }, holidays: [] }
 * ```
 */
export type NormalisedCalendarConfig = z.output<typeof BusinessCalendarConfig>;

/**
 * Business-time arithmetic over a weekly schedule in one IANA zone. All instants are epoch
 * milliseconds (years 0001–9999); a bad instant or duration throws a `ServiceFlowError` with code
 * `INVALID_INPUT`.
 *
 * The open time is a set of real-time intervals. Each span's start and end wall times map to the
 * first instant at which the local clock shows that time: a time skipped by a spring-forward gap
 * maps to the end of the gap, a time repeated by a fall-back maps to its first occurrence. So a
 * span 01:00–03:00 lasts 1 real hour on a US spring-forward day and 3 on a fall-back day, and a
 * span lying wholly inside a gap is empty that day.
 *
 * @example
 * ```ts
 * import { businessCalendar } from 'serviceflow';
 * const support = businessCalendar({
 *   timezone: 'America/New_York',
 *   week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']],
 *           thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] },
 * });
 * const due = support.addBusinessTime(Date.parse('2026-03-06T16:30:00-05:00'), 4 * 3_600_000);
 * // due === Date.parse('2026-03-09T12:30:00-04:00'): Monday 12:30, after the spring-forward weekend
 * ```
 */
export interface BusinessCalendar {
  /** The IANA zone whose wall clock the schedule follows. */
  readonly timezone: string;
  /** True when the calendar is open all the time (24x7, no holidays): arithmetic is plain addition. */
  readonly alwaysOpen: boolean;
  /**
   * The earliest instant `t >= at` such that `businessTimeBetween(at, t) === ms`. So `ms = 0`
   * gives `at` back (even when closed), and an amount that runs out exactly at a closing time gives
   * the closing time, not the next opening: Fri 16:30 + 30 min with 09:00–17:00 is Fri 17:00.
   * Throws `INVALID_INPUT` for a negative or non-finite `ms`, or a result after 9999.
   */
  addBusinessTime(at: number, ms: number): number;
  /**
   * Business milliseconds in `[a, b)`; when `b < a` the negative of `businessTimeBetween(b, a)`.
   */
  businessTimeBetween(a: number, b: number): number;
  /** Whether `at` lies in an open interval (start inclusive, end exclusive). */
  isOpen(at: number): boolean;
  /** `at` when open, otherwise the start of the next open interval. */
  nextOpen(at: number): number;
  /** The JSON-serialisable normalised config this calendar was built from. */
  readonly config: NormalisedCalendarConfig;
}

/**
 * Local open pieces per weekday: each day's own spans (an overnight span up to midnight) plus the
 * tails of the previous day's overnight spans, merged.
 */
function weekTemplate(week: NormalisedCalendarConfig['week']): WeekTemplate {
  const own = WEEKDAYS.map((day) => week[day].map(([start, end]) => [msOf(start), msOf(end)] as const));
  return own.map((spans, index) => {
    const previous = own[(index + 6) % 7] ?? [];
    const pieces: [number, number][] = [];
    for (const [start, end] of spans) pieces.push([start, end > start ? end : DAY_MS]);
    for (const [start, end] of previous) if (end < start && end > 0) pieces.push([0, end]);
    pieces.sort((x, y) => x[0] - y[0]);
    const flat: number[] = [];
    for (const [start, end] of pieces) {
      const last = flat.length - 1;
      if (last > 0 && start <= (flat[last] ?? -1)) flat[last] = Math.max(flat[last] ?? end, end);
      else flat.push(start, end);
    }
    return flat;
  });
}

function isWholeWeek(template: WeekTemplate): boolean {
  return template.every((pieces) => pieces.length === 2 && pieces[0] === 0 && pieces[1] === DAY_MS);
}

function holidayDays(holidays: readonly string[]): Set<number> {
  const days = new Set<number>();
  for (const holiday of holidays) {
    const parsed = parseIsoDate(holiday);
    if ('day' in parsed) days.add(parsed.day);
  }
  return days;
}

/** Timelines are shared by calendars with equal configs, so their caches are built once. */
const timelines = new Map<string, Timeline>();
const MAX_TIMELINES = 64;

function sharedTimeline(config: NormalisedCalendarConfig, template: WeekTemplate): Timeline {
  const key = JSON.stringify(config);
  let timeline = timelines.get(key);
  if (timeline === undefined) {
    if (timelines.size >= MAX_TIMELINES) timelines.clear();
    timeline = new Timeline(
      zoneOffsets(config.timezone),
      template,
      holidayDays(config.holidays),
      Timeline.chunkIndex(MAX_INSTANT),
    );
    timelines.set(key, timeline);
  }
  return timeline;
}

function invalidInstant(method: string, name: string, value: unknown): InvalidInputError {
  return new InvalidInputError(`${method}: ${name} must be ${INSTANT_RANGE}; received ${abbreviate(value)}`, {
    path: [name],
    received: value,
    expected: INSTANT_RANGE,
  });
}

function invalidAmount(value: unknown): InvalidInputError {
  return new InvalidInputError(
    `addBusinessTime: ms must be a finite, non-negative number of milliseconds; received ${abbreviate(value)}`,
    { path: ['ms'], received: value, expected: 'a finite number of milliseconds >= 0' },
  );
}

function beyondRange(method: string): InvalidInputError {
  return new InvalidInputError(`${method}: the result would lie after 9999-12-31T23:59:59.999Z`, {
    path: [],
    expected: INSTANT_RANGE,
  });
}

function isInstant(value: number): boolean {
  // typeof first: comparing an object would call its valueOf, which may throw.
  return typeof value === 'number' && value >= MIN_INSTANT && value <= MAX_INSTANT;
}

/**
 * Builds a {@link BusinessCalendar} from a config (see {@link BusinessCalendarConfig}); with no
 * config, a 24×7 UTC calendar.
 *
 * Edges:
 * - wall times follow the zone's clock, DST included: a span time skipped by a spring-forward gap
 *   starts (or ends) the span at the end of the gap; a repeated fall-back time means its first
 *   occurrence. Offsets come from the platform's `Intl` and are cached per zone.
 * - a holiday closes its whole local day 00:00–24:00, including the part of an overnight shift
 *   that runs into it (an overnight shift starting on a holiday still opens after midnight).
 * - overlapping and touching spans merge; the open time is their union.
 *
 * Throws `InvalidConfigError` (code `INVALID_CONFIG`) with the offending path for: an unknown zone,
 * a malformed time or date (`'9:00'`, `'25:00'`, `'2026-02-30'`), a span that ends where it starts
 * or starts at `'24:00'`, an unknown key, or a week without any open time.
 *
 * @example
 * ```ts
 * import { businessCalendar } from 'serviceflow';
 * const support = businessCalendar({
 *   timezone: 'America/New_York',
 *   week: {
 *     mon: [['09:00', '12:00'], ['13:00', '17:00']],
 *     tue: [['09:00', '12:00'], ['13:00', '17:00']],
 *     wed: [['09:00', '12:00'], ['13:00', '17:00']],
 *     thu: [['09:00', '12:00'], ['13:00', '17:00']],
 *     fri: [['09:00', '12:00'], ['13:00', '17:00']],
 *   },
 *   holidays: ['2026-12-25'],
 * });
 * support.isOpen(Date.parse('2026-12-24T12:30:00-05:00')); // false: lunch
 * support.addBusinessTime(Date.parse('2026-12-24T16:30:00-05:00'), 3_600_000);
 * // Date.parse('2026-12-28T09:30:00-05:00'): Christmas Friday and the weekend are closed
 * ```
 */
export function businessCalendar(config: BusinessCalendarConfigInput = {}): BusinessCalendar {
  const parsed = BusinessCalendarConfig.safeParse(config);
  if (!parsed.success) {
    const { message, details } = describeZodError('business calendar config', config, parsed.error);
    throw new InvalidConfigError(message, details);
  }
  const normalised = deepFreeze(parsed.data);
  const template = weekTemplate(normalised.week);
  const alwaysOpen = normalised.holidays.length === 0 && isWholeWeek(template);
  return alwaysOpen ? plainCalendar(normalised) : zonedCalendar(normalised, sharedTimeline(normalised, template));
}

function plainCalendar(config: NormalisedCalendarConfig): BusinessCalendar {
  return Object.freeze({
    timezone: config.timezone,
    alwaysOpen: true,
    config,
    addBusinessTime(at: number, ms: number): number {
      if (!isInstant(at)) throw invalidInstant('addBusinessTime', 'at', at);
      if (typeof ms !== 'number' || !(ms >= 0 && ms < Infinity)) throw invalidAmount(ms);
      const due = at + ms;
      if (due > MAX_INSTANT) throw beyondRange('addBusinessTime');
      return due;
    },
    businessTimeBetween(a: number, b: number): number {
      if (!isInstant(a)) throw invalidInstant('businessTimeBetween', 'a', a);
      if (!isInstant(b)) throw invalidInstant('businessTimeBetween', 'b', b);
      return b - a;
    },
    isOpen(at: number): boolean {
      if (!isInstant(at)) throw invalidInstant('isOpen', 'at', at);
      return true;
    },
    nextOpen(at: number): number {
      if (!isInstant(at)) throw invalidInstant('nextOpen', 'at', at);
      return at;
    },
  });
}

function zonedCalendar(config: NormalisedCalendarConfig, timeline: Timeline): BusinessCalendar {
  return Object.freeze({
    timezone: config.timezone,
    alwaysOpen: false,
    config,
    addBusinessTime(at: number, ms: number): number {
      if (!isInstant(at)) throw invalidInstant('addBusinessTime', 'at', at);
      if (typeof ms !== 'number' || !(ms >= 0 && ms < Infinity)) throw invalidAmount(ms);
      if (ms === 0) return at;
      // Business time never exceeds real time, so this bound needs no timeline work.
      if (ms > MAX_INSTANT - at) throw beyondRange('addBusinessTime');
      const due = timeline.add(at, ms);
      if (due > MAX_INSTANT) throw beyondRange('addBusinessTime');
      return due;
    },
    businessTimeBetween(a: number, b: number): number {
      if (!isInstant(a)) throw invalidInstant('businessTimeBetween', 'a', a);
      if (!isInstant(b)) throw invalidInstant('businessTimeBetween', 'b', b);
      // `0 - x` rather than `-x`: no negative zero when nothing is open in between.
      return b < a ? 0 - timeline.between(b, a) : timeline.between(a, b);
    },
    isOpen(at: number): boolean {
      if (!isInstant(at)) throw invalidInstant('isOpen', 'at', at);
      return timeline.isOpen(at);
    },
    nextOpen(at: number): number {
      if (!isInstant(at)) throw invalidInstant('nextOpen', 'at', at);
      const next = timeline.nextOpen(at);
      if (next > MAX_INSTANT) throw beyondRange('nextOpen');
      return next;
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * The default calendar: open 24×7 in UTC, no holidays. Business time is real time.
 *
 * @example
 * ```ts
 * import { alwaysOpenCalendar } from 'serviceflow';
 * alwaysOpenCalendar.addBusinessTime(Date.parse('2026-01-03T10:00:00Z'), 3_600_000);
 * // Date.parse('2026-01-03T11:00:00Z'), a Saturday like any other day
 * ```
 */
export const alwaysOpenCalendar: BusinessCalendar = businessCalendar();
