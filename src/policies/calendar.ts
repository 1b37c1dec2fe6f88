/**
 * Business calendars: when a support team is open, and business-time arithmetic in its IANA zone.
 */
import * as z from 'zod/mini';
import { abbreviate, describeZodError, InvalidConfigError, InvalidInputError } from '../errors.js';
import { DAY_MS, WEEKDAYS, formatTimeOfDay, parseIsoDate, parseTimeOfDay, type Weekday } from './calendar/civil.js';
import { BusinessDays, type OpenTime } from './calendar/business-days.js';
import { LocalSchedule, type LocalSpans } from './calendar/schedule.js';
import { Timeline } from './calendar/timeline.js';
import { isTimeZone, zoneOffsets } from './calendar/zone.js';
import { INSTANT_EXPECTED, instantRange } from '../schemas/time.js';

/** The instants a calendar accepts or returns: those of {@link instantRange}. */
const { min: MIN_INSTANT, max: MAX_INSTANT } = instantRange;
const INSTANT_RANGE = INSTANT_EXPECTED;

const TimeOfDay = z.string().check(
  z.superRefine((text, ctx) => {
    const parsed = parseTimeOfDay(text);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
  }),
);

const isPair = (value: unknown): value is readonly [unknown, unknown] => Array.isArray(value) && value.length === 2;

/**
 * One open span `[start, end]` of a weekday; an end before the start crosses midnight. A checked
 * pair rather than `z.tuple`, which alone weighs almost 1 KB of every browser bundle.
 */
const Span = z
  .custom<readonly [string, string]>(isPair, { message: "must be a span ['HH:MM', 'HH:MM']: a start and an end" })
  .check(
    z.superRefine((span, ctx) => {
      // Both ends by index: `map` would skip the holes of a sparse pair (`[, '17:00']`).
      const times = [span[0], span[1]].map((text, index) => {
        const parsed = TimeOfDay.safeParse(text);
        if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [index] });
        return parsed.success ? parseTimeOfDay(parsed.data) : { problem: '' };
      });
      const [from, to] = times as [ReturnType<typeof parseTimeOfDay>, ReturnType<typeof parseTimeOfDay>];
      const [start] = span;
      if (!('ms' in from) || !('ms' in to)) return;
      if (from.ms === DAY_MS) {
        ctx.addIssue({
          code: 'custom',
          path: [0],
          message: "a span cannot start at '24:00' (start at '00:00' of the next day)",
        });
      } else if (from.ms === to.ms) {
        ctx.addIssue({
          code: 'custom',
          path: [1],
          message: `a span must end at another time than it starts (${start}); write ['00:00', '24:00'] for a whole day`,
        });
      }
    }),
  );

// Readonly so that `as const` configurations type-check.
const DaySpans = z.readonly(z.array(Span));

const Week = z.strictObject({
  mon: z.optional(DaySpans),
  tue: z.optional(DaySpans),
  wed: z.optional(DaySpans),
  thu: z.optional(DaySpans),
  fri: z.optional(DaySpans),
  sat: z.optional(DaySpans),
  sun: z.optional(DaySpans),
});

const Holiday = z.string().check(
  z.superRefine((text, ctx) => {
    const parsed = parseIsoDate(text);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
  }),
);

/** Special hours per local date: replaces the weekday's spans on that date. */
const Exceptions = z.record(z.string(), DaySpans).check(
  z.superRefine((exceptions, ctx) => {
    for (const date of Object.keys(exceptions)) {
      const parsed = parseIsoDate(date);
      if ('problem' in parsed) {
        const message = parsed.problem.startsWith('must')
          ? `the key '${date}' ${parsed.problem}`
          : `the key '${date}' is not a date: ${parsed.problem}`;
        ctx.addIssue({ code: 'custom', path: [date], message });
      }
    }
  }),
);

const TimeZone = z.string().check(
  z.superRefine((name, ctx) => {
    if (!isTimeZone(name)) {
      ctx.addIssue({
        code: 'custom',
        message: "must be an IANA time zone known to Intl, such as 'America/New_York' or 'UTC'",
      });
    }
  }),
);

/** Canonical spans: times as 'HH:MM' (or 'HH:MM:SS'), sorted, exact duplicates dropped. */
function normaliseSpans(spans: readonly (readonly [string, string])[]): [string, string][] {
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
 * - `exceptions`: special hours per local date, `{ 'YYYY-MM-DD': [[start, end], …] }`, replacing
 *   that date's weekday spans (`[]`: no span that day); spans are written and merged as in `week`.
 *   On a date that is also a holiday, the exception's spans are open (the more specific wins).
 *
 * @example
 * ```ts
 * import { BusinessCalendarConfig } from 'serviceflow';
 * const result = BusinessCalendarConfig.safeParse({ timezone: 'Europe/Berlin', week: { mon: [['9:00', '17:00']] } });
 * // result.success === false: week.mon[0][0] must be a time of day 'HH:MM' or 'HH:MM:SS'
 * const config = BusinessCalendarConfig.parse({ week: { sat: [['10:00:00', '14:00']] } });
 * // config.week.sat → [['10:00', '14:00']], config.week.mon → [], config.timezone → 'UTC'
 * const special = BusinessCalendarConfig.parse({ exceptions: { '2026-12-24': [['09:00', '13:00']] } });
 * // special.exceptions → { '2026-12-24': [['09:00', '13:00']] }
 * ```
 */
export const BusinessCalendarConfig = z.pipe(
  z
    .strictObject({
      timezone: z.optional(TimeZone),
      week: z.optional(Week),
      holidays: z.optional(z.readonly(z.array(Holiday))),
      exceptions: z.optional(Exceptions),
    })
    .check(
      z.superRefine((config, ctx) => {
        const week = config.week;
        if (week !== undefined && WEEKDAYS.every((day) => (week[day] ?? []).length === 0)) {
          ctx.addIssue({
            code: 'custom',
            path: ['week'],
            message: 'the week has no open time: list at least one span, or leave week out for a 24x7 calendar',
          });
        }
      }),
    ),
  z.transform((config) => {
    const spansOf = (day: Weekday): [string, string][] =>
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
    const normalised: {
      timezone: string;
      week: typeof week;
      holidays: string[];
      exceptions?: Record<string, [string, string][]>;
    } = {
      timezone: config.timezone ?? 'UTC',
      week,
      holidays,
    };
    const exceptions = config.exceptions ?? {};
    const dates = Object.keys(exceptions).sort();
    // Left out when empty, so that configs without exceptions keep their shape.
    if (dates.length > 0) {
      normalised.exceptions = Object.fromEntries(
        dates.map((date): [string, [string, string][]] => [date, normaliseSpans(exceptions[date] ?? [])]),
      );
    }
    return normalised;
  }),
);

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
 *   exceptions: { '2026-12-24': [['09:00', '13:00']], '2026-12-31': [] },
 * };
 * ```
 */
export type BusinessCalendarConfigInput = z.input<typeof BusinessCalendarConfig>;

/**
 * The explicit, JSON-serialisable form of a calendar's configuration: the zone, all seven days
 * (a 24×7 day is `[['00:00', '24:00']]`, a closed day `[]`) with canonical, sorted spans, the
 * holidays sorted and unique, and `exceptions` by date with canonical spans (the key is left out
 * when there are none). It is itself a valid {@link BusinessCalendarConfigInput}.
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
  /**
   * The same wall time on the `n`th business day after (`n > 0`) or before (`n < 0`) the local
   * date of `at`, zendesk/biz's rule. A business day is a local date on which the calendar is open
   * at some moment. A wall time that the target day skips (a spring-forward gap) moves forward by
   * the gap's length; when the instant found is neither open nor a closing time, the answer is the
   * next opening (`n >= 0`) or the last closing before it (`n < 0`). So `n = 0` gives `at` when it
   * is open or a closing time, else the next opening. Throws `INVALID_INPUT` for an `n` that is not
   * a whole number, or a result outside 0001–9999.
   *
   * Optional so that calendars written against earlier versions still satisfy the interface; every
   * calendar {@link businessCalendar} builds has it.
   */
  addBusinessDays?(at: number, n: number): number;
  /**
   * The number of business days after the local date of `a` up to and including the local date of
   * `b` (negative when `b`'s date is earlier): Friday to the next Monday is 1, Saturday to Monday
   * is 1, Friday to Saturday is 0. Times of day do not matter. Optional like
   * {@link BusinessCalendar.addBusinessDays}.
   */
  businessDaysBetween?(a: number, b: number): number;
  /** The JSON-serialisable normalised config this calendar was built from. */
  readonly config: NormalisedCalendarConfig;
}

/** Spans of a normalised config as milliseconds since local midnight. */
function localSpans(spans: readonly (readonly [string, string])[]): LocalSpans {
  return spans.map(([start, end]) => [msOf(start), msOf(end)] as const);
}

function localSchedule(config: NormalisedCalendarConfig): LocalSchedule {
  const week = WEEKDAYS.map((day) => localSpans(config.week[day]));
  const exceptions = new Map<number, LocalSpans>();
  for (const [date, spans] of Object.entries(config.exceptions ?? {})) {
    const parsed = parseIsoDate(date);
    if ('day' in parsed) exceptions.set(parsed.day, localSpans(spans));
  }
  const holidays = new Set<number>();
  for (const holiday of config.holidays) {
    const parsed = parseIsoDate(holiday);
    if ('day' in parsed) holidays.add(parsed.day);
  }
  return new LocalSchedule(week, exceptions, holidays);
}

interface SharedTables {
  readonly timeline: Timeline;
  readonly businessDays: BusinessDays;
}

/** Tables are shared by calendars with equal configs, so their caches are built once. */
const sharedTables = new Map<string, SharedTables>();
const MAX_SHARED_TABLES = 64;

function tablesFor(config: NormalisedCalendarConfig, schedule: LocalSchedule): SharedTables {
  const key = JSON.stringify(config);
  let tables = sharedTables.get(key);
  if (tables === undefined) {
    if (sharedTables.size >= MAX_SHARED_TABLES) sharedTables.clear();
    const zone = zoneOffsets(config.timezone);
    const timeline = new Timeline(zone, schedule, Timeline.chunkIndex(MIN_INSTANT), Timeline.chunkIndex(MAX_INSTANT));
    tables = { timeline, businessDays: new BusinessDays(zone, schedule, timeline) };
    sharedTables.set(key, tables);
  }
  return tables;
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

function invalidDayCount(value: unknown): InvalidInputError {
  return new InvalidInputError(
    `addBusinessDays: n must be a whole number of business days (negative to count back); received ${abbreviate(value)}`,
    { path: ['n'], received: value, expected: 'a safe integer' },
  );
}

function beforeRange(method: string): InvalidInputError {
  return new InvalidInputError(`${method}: the result would lie before 0001-01-01T00:00:00.000Z`, {
    path: [],
    expected: INSTANT_RANGE,
  });
}

/** The business-day members of a calendar, with their input checks, over its business days. */
function businessDayMethods(
  days: () => BusinessDays,
): Pick<Required<BusinessCalendar>, 'addBusinessDays' | 'businessDaysBetween'> {
  return {
    addBusinessDays(at: number, n: number): number {
      if (!isInstant(at)) throw invalidInstant('addBusinessDays', 'at', at);
      if (!Number.isSafeInteger(n)) throw invalidDayCount(n);
      const result = days().add(at, n);
      if (result > MAX_INSTANT) throw beyondRange('addBusinessDays');
      if (result < MIN_INSTANT) throw beforeRange('addBusinessDays');
      return result;
    },
    businessDaysBetween(a: number, b: number): number {
      if (!isInstant(a)) throw invalidInstant('businessDaysBetween', 'a', a);
      if (!isInstant(b)) throw invalidInstant('businessDaysBetween', 'b', b);
      return days().between(a, b);
    },
  };
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
 * - an exception replaces the spans that start on its date (the previous evening's overnight
 *   shift still ends that morning); on a date that is also a holiday, the exception's spans open.
 * - business days (`addBusinessDays`, `businessDaysBetween`) are the local dates with open time.
 *
 * Throws `InvalidConfigError` (code `INVALID_CONFIG`) with the offending path for: an unknown zone,
 * a malformed time or date (`'9:00'`, `'25:00'`, `'2026-02-30'`, as a holiday or an exception's
 * key), a span that ends where it starts or starts at `'24:00'`, an unknown key, or a week without
 * any open time.
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
 *   exceptions: { '2026-12-31': [['09:00', '13:00']] },
 * });
 * support.isOpen(Date.parse('2026-12-24T12:30:00-05:00')); // false: lunch
 * support.addBusinessTime(Date.parse('2026-12-24T16:30:00-05:00'), 3_600_000);
 * // Date.parse('2026-12-28T09:30:00-05:00'): Christmas Friday and the weekend are closed
 * support.isOpen(Date.parse('2026-12-31T14:00:00-05:00')); // false: New Year's Eve closes at 13:00
 * support.addBusinessDays(Date.parse('2026-12-24T10:00:00-05:00'), 1);
 * // Date.parse('2026-12-28T10:00:00-05:00'): the next business day, same time
 * support.businessDaysBetween(Date.parse('2026-12-24T10:00:00-05:00'), Date.parse('2026-12-31T10:00:00-05:00')); // 4
 * ```
 */
export function businessCalendar(config: BusinessCalendarConfigInput = {}): Required<BusinessCalendar> {
  const parsed = BusinessCalendarConfig.safeParse(config);
  if (!parsed.success) {
    const { message, details } = describeZodError('business calendar config', config, parsed.error);
    throw new InvalidConfigError(message, details);
  }
  const normalised = deepFreeze(parsed.data);
  const schedule = localSchedule(normalised);
  const alwaysOpen = normalised.holidays.length === 0 && normalised.exceptions === undefined && schedule.wholeWeek;
  return alwaysOpen ? plainCalendar(normalised, schedule) : zonedCalendar(normalised, tablesFor(normalised, schedule));
}

/** Open time of a calendar open all the time. */
const ALWAYS_OPEN: OpenTime = {
  isOpen: () => true,
  nextOpen: (t) => t,
  lastClose: (t) => t,
  between: (a, b) => b - a,
};

function plainCalendar(config: NormalisedCalendarConfig, schedule: LocalSchedule): Required<BusinessCalendar> {
  // Built on first use: only business days need the zone's offsets.
  let businessDays: BusinessDays | undefined;
  const days = (): BusinessDays =>
    (businessDays ??= new BusinessDays(zoneOffsets(config.timezone), schedule, ALWAYS_OPEN));
  return Object.freeze({
    timezone: config.timezone,
    alwaysOpen: true,
    config,
    ...businessDayMethods(days),
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

function zonedCalendar(
  config: NormalisedCalendarConfig,
  { timeline, businessDays }: SharedTables,
): Required<BusinessCalendar> {
  return Object.freeze({
    timezone: config.timezone,
    alwaysOpen: false,
    config,
    ...businessDayMethods(() => businessDays),
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
export const alwaysOpenCalendar: Required<BusinessCalendar> = businessCalendar();
