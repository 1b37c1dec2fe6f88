/**
 * Date exceptions ("special hours") and business-day arithmetic of businessCalendar, with worked
 * examples ported from the peers' own test suites: zendesk/biz (spec/calculation/for_duration_spec.rb,
 * spec/dates_spec.rb, spec/time_spec.rb) and moment-business-time (test/spec.business-hours.js).
 */
import { describe, expect, it } from 'vitest';
import { businessCalendar, InvalidConfigError, slaPolicy, type BusinessCalendarConfigInput } from 'serviceflow';
import { thrown } from '../support/errors.js';
import { makeInput, makeProcess } from '../support/fixtures.js';

const HOUR = 3_600_000;

/** An instant from an ISO date-time with its offset, e.g. `'2026-03-06T16:30-05:00'`. */
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new TypeError(`bad fixture instant ${iso}`);
  return ms;
};
const iso = (ms: number): string => new Date(ms).toISOString();

type Spans = [string, string][];
const weekdays = (spans: Spans) => ({ mon: spans, tue: spans, wed: spans, thu: spans, fri: spans });

/** New York, Monday to Friday 09:00–17:00, Christmas a holiday, Christmas Eve until 13:00. */
const newYork = (extra: Partial<BusinessCalendarConfigInput> = {}) =>
  businessCalendar({
    timezone: 'America/New_York',
    week: weekdays([['09:00', '17:00']]),
    holidays: ['2026-12-25'],
    exceptions: { '2026-12-24': [['09:00', '13:00']] },
    ...extra,
  });

describe('exceptions: special hours for a date', () => {
  it('refuses exceptions that are not a plain object of dates, and a bad spans list under a date', () => {
    const asMap = new Map([
      ['2026-12-24', [['09:00', '13:00']]],
    ]) as unknown as BusinessCalendarConfigInput['exceptions'];
    expect(() => businessCalendar({ exceptions: asMap })).toThrow(InvalidConfigError);
    const bad = { '2026-12-24': [['09:00']] } as unknown as BusinessCalendarConfigInput['exceptions'];
    expect(thrown(() => businessCalendar({ exceptions: bad }))).toMatchObject({
      path: ['exceptions', '2026-12-24', 0],
    });
  });

  it('shortens Christmas Eve to 09:00–13:00', () => {
    const calendar = newYork();
    expect(calendar.isOpen(at('2026-12-24T12:59-05:00'))).toBe(true);
    expect(calendar.isOpen(at('2026-12-24T13:00-05:00'))).toBe(false);
    expect(calendar.businessTimeBetween(at('2026-12-24T00:00-05:00'), at('2026-12-25T00:00-05:00'))).toBe(4 * HOUR);
    // Thursday 12:00 + 2 h: one hour until 13:00, Christmas and the weekend closed, Monday 10:00.
    expect(calendar.addBusinessTime(at('2026-12-24T12:00-05:00'), 2 * HOUR)).toBe(at('2026-12-28T10:00-05:00'));
    expect(calendar.nextOpen(at('2026-12-24T13:00-05:00'))).toBe(at('2026-12-28T09:00-05:00'));
  });

  it('opens a Saturday for a launch and leaves the Sunday closed', () => {
    const calendar = newYork({ exceptions: { '2026-03-14': [['10:00', '14:00']] } });
    expect(calendar.isOpen(at('2026-03-14T10:00-04:00'))).toBe(true);
    expect(calendar.businessTimeBetween(at('2026-03-13T17:00-04:00'), at('2026-03-16T09:00-04:00'))).toBe(4 * HOUR);
    expect(calendar.addBusinessTime(at('2026-03-13T16:00-04:00'), 2 * HOUR)).toBe(at('2026-03-14T11:00-04:00'));
  });

  it('closes a date with [], the week and its other dates unchanged', () => {
    const calendar = newYork({ exceptions: { '2026-06-05': [] } });
    expect(calendar.isOpen(at('2026-06-05T12:00-04:00'))).toBe(false);
    expect(calendar.isOpen(at('2026-06-04T12:00-04:00'))).toBe(true);
    expect(calendar.addBusinessTime(at('2026-06-04T16:00-04:00'), 2 * HOUR)).toBe(at('2026-06-08T10:00-04:00'));
  });

  it('replaces the spans a date starts, so the previous night shift still ends that morning', () => {
    const nights = businessCalendar({
      timezone: 'Europe/London',
      week: weekdays([['22:00', '06:00']]),
      exceptions: { '2026-12-24': [] },
    });
    // The Wednesday night shift runs into Thursday the 24th; no shift starts on the 24th.
    expect(nights.isOpen(at('2026-12-24T05:59Z'))).toBe(true);
    expect(nights.isOpen(at('2026-12-24T22:00Z'))).toBe(false);
    expect(nights.isOpen(at('2026-12-25T05:00Z'))).toBe(false);
  });

  it('runs an overnight exception into the next day, unless that day is a holiday', () => {
    const newYearsEve = { '2026-12-31': [['20:00', '02:00']] as Spans };
    const open = businessCalendar({ week: weekdays([['09:00', '17:00']]), exceptions: newYearsEve });
    expect(open.isOpen(at('2027-01-01T01:00Z'))).toBe(true);
    expect(open.isOpen(at('2026-12-31T12:00Z'))).toBe(false);
    const holiday = businessCalendar({
      week: weekdays([['09:00', '17:00']]),
      exceptions: newYearsEve,
      holidays: ['2027-01-01'],
    });
    expect(holiday.isOpen(at('2026-12-31T23:00Z'))).toBe(true);
    expect(holiday.isOpen(at('2027-01-01T01:00Z'))).toBe(false);
  });

  it('wins over a holiday on the same date: the exception is the more specific statement', () => {
    const calendar = businessCalendar({
      timezone: 'Europe/Berlin',
      week: { ...weekdays([['09:00', '17:00']]), thu: [['20:00', '02:00']] },
      holidays: ['2026-12-25'],
      exceptions: { '2026-12-25': [['10:00', '14:00']] },
    });
    expect(calendar.isOpen(at('2026-12-25T10:00+01:00'))).toBe(true);
    expect(calendar.isOpen(at('2026-12-25T14:00+01:00'))).toBe(false);
    // The holiday still cuts the Thursday night shift at midnight.
    expect(calendar.isOpen(at('2026-12-24T23:59+01:00'))).toBe(true);
    expect(calendar.isOpen(at('2026-12-25T01:00+01:00'))).toBe(false);
  });

  it('maps its spans like the week on DST days: 01:00–03:00 lasts one real hour when clocks spring forward', () => {
    const calendar = businessCalendar({
      timezone: 'America/New_York',
      week: weekdays([['09:00', '17:00']]),
      exceptions: { '2026-03-08': [['01:00', '03:00']] },
    });
    expect(calendar.businessTimeBetween(at('2026-03-08T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(HOUR);
  });

  it('merges overlapping spans like the week and keeps the normalised config explicit', () => {
    const calendar = newYork({
      exceptions: {
        '2026-12-31': [
          ['12:00:00', '16:00'],
          ['09:00', '13:00'],
        ],
        '2026-12-24': [['09:00', '13:00']],
      },
    });
    expect(calendar.config.exceptions).toEqual({
      '2026-12-24': [['09:00', '13:00']],
      '2026-12-31': [
        ['09:00', '13:00'],
        ['12:00', '16:00'],
      ],
    });
    expect(calendar.businessTimeBetween(at('2026-12-31T00:00-05:00'), at('2027-01-01T00:00-05:00'))).toBe(7 * HOUR);
    const rebuilt = businessCalendar(JSON.parse(JSON.stringify(calendar.config)) as BusinessCalendarConfigInput);
    expect(rebuilt.config).toEqual(calendar.config);
  });

  it('leaves exceptions out of the normalised config when there are none', () => {
    expect(businessCalendar({ exceptions: {} }).config).not.toHaveProperty('exceptions');
    expect(businessCalendar({ exceptions: {} }).alwaysOpen).toBe(true);
    expect(businessCalendar({ exceptions: { '2026-12-25': [] } }).alwaysOpen).toBe(false);
  });

  it('moves SLA deadlines: a first response due in 4 business hours on Christmas Eve morning', () => {
    const sla = slaPolicy({ calendar: newYork(), targets: [{ firstResponse: '4h' }], warnAt: [] });
    const process = makeProcess({ sla });
    const step = process.start(makeInput({ at: at('2026-12-24T11:00-05:00') }));
    // 2 h until 13:00, then Monday 28th 09:00 + 2 h.
    expect(process.view(step.state).sla.firstResponse?.dueAt).toBe(at('2026-12-28T11:00-05:00'));
  });

  const invalid: { name: string; exceptions: unknown; path: (string | number)[]; message: RegExp }[] = [
    {
      name: 'an impossible date',
      exceptions: { '2026-02-30': [] },
      path: ['exceptions', '2026-02-30'],
      message: /no day 30 in 2026-02/,
    },
    {
      name: 'a malformed date',
      exceptions: { '24/12/2026': [] },
      path: ['exceptions', '24/12/2026'],
      message: /'YYYY-MM-DD'/,
    },
    {
      name: 'a bad time',
      exceptions: { '2026-12-24': [['9:00', '13:00']] },
      path: ['exceptions', '2026-12-24', 0, 0],
      message: /'HH:MM'/,
    },
    {
      name: 'hours over 24',
      exceptions: { '2026-12-24': [['09:00', '25:00']] },
      path: ['exceptions', '2026-12-24', 0, 1],
      message: /00–24/,
    },
    {
      name: 'a span ending where it starts',
      exceptions: { '2026-12-24': [['09:00', '09:00']] },
      path: ['exceptions', '2026-12-24', 0, 1],
      message: /end at another time/,
    },
    {
      name: 'spans that are not a list',
      exceptions: { '2026-12-24': 'closed' },
      path: ['exceptions', '2026-12-24'],
      message: /array/,
    },
    { name: 'a list instead of a record', exceptions: [['2026-12-24', []]], path: ['exceptions'], message: /record/ },
  ];
  for (const { name, exceptions, path, message } of invalid) {
    it(`rejects ${name} with INVALID_CONFIG and its path`, () => {
      const error = thrown(() => businessCalendar({ exceptions } as BusinessCalendarConfigInput));
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect(error.path).toEqual(path);
      expect(error.message).toMatch(message);
    });
  }
});

describe('addBusinessDays: worked examples from zendesk/biz (for_duration_spec.rb, days)', () => {
  // biz's spec schedule (spec/support/time.rb), in UTC; 2006-01-02 is a Monday.
  const biz = businessCalendar({
    week: {
      mon: [['09:00', '17:00']],
      tue: [['10:00', '16:00']],
      wed: [['09:00', '17:00']],
      thu: [['10:00', '16:00']],
      fri: [['09:00', '17:00']],
      sat: [['11:00', '14:30']],
    },
  });
  const cases: [string, string, number, string][] = [
    ['after, within a period', '2006-01-06T12:00Z', 2, '2006-01-09T12:00Z'],
    ['after, before the first period of the day', '2006-01-03T08:00Z', 2, '2006-01-05T10:00Z'],
    ['after, after the last period of the day', '2006-01-03T18:00Z', 2, '2006-01-06T09:00Z'],
    ['after, with second precision', '2006-01-06T12:30:52Z', 2, '2006-01-09T12:30:52Z'],
    ['after, zero days', '2006-01-02T13:00Z', 0, '2006-01-02T13:00Z'],
    ['before, within a period', '2006-01-09T12:00Z', -2, '2006-01-06T12:00Z'],
    ['before, before the first period of the day', '2006-01-05T08:00Z', -2, '2006-01-02T17:00Z'],
    ['before, after the last period of the day', '2006-01-05T18:00Z', -2, '2006-01-03T16:00Z'],
    ['before, with second precision', '2006-01-09T12:30:52Z', -2, '2006-01-06T12:30:52Z'],
  ];
  for (const [name, start, n, expected] of cases) {
    it(`${name}: ${start} ${n >= 0 ? '+' : '−'} ${Math.abs(n)} → ${expected}`, () => {
      expect(iso(biz.addBusinessDays(at(start), n))).toBe(iso(at(expected)));
    });
  }

  it('skips a holiday (dates_spec.rb: Mondays 01:00–02:00, 2006-01-09 a holiday)', () => {
    const mondays = businessCalendar({ week: { mon: [['01:00', '02:00']] }, holidays: ['2006-01-09'] });
    expect(iso(mondays.addBusinessDays(at('2006-01-01T01:30Z'), 1))).toBe('2006-01-02T01:30:00.000Z');
    expect(iso(mondays.addBusinessDays(at('2006-01-01T01:30Z'), 2))).toBe('2006-01-16T01:30:00.000Z');
    expect(mondays.businessDaysBetween(at('2006-01-01T00:00Z'), at('2006-01-16T00:00Z'))).toBe(2);
  });

  it('moves a wall time skipped by spring-forward on by the gap, and takes the first of a repeated one (time_spec.rb)', () => {
    const losAngeles = businessCalendar({ timezone: 'America/Los_Angeles' });
    // 2014-03-09 02:30 does not exist in Los Angeles: biz gives 03:30 PDT.
    expect(losAngeles.addBusinessDays(at('2014-03-08T02:30-08:00'), 1)).toBe(at('2014-03-09T03:30-07:00'));
    // 2014-11-02 01:30 happens twice: biz gives the first (PDT) occurrence.
    expect(losAngeles.addBusinessDays(at('2014-11-01T01:30-07:00'), 1)).toBe(at('2014-11-02T01:30-07:00'));
  });
});

describe('addBusinessDays: worked examples from moment-business-time (addWorkingTime / subtractWorkingTime, days)', () => {
  // moment-business-time's default locale: Monday to Friday 09:00–17:00, no holidays.
  const working = businessCalendar({ week: weekdays([['09:00', '17:00']]) });
  const cases: [string, number, string][] = [
    ['2015-02-26T10:12:34Z', 2, '2015-03-02T10:12:34Z'],
    ['2015-02-26T10:12:34Z', 10, '2015-03-12T10:12:34Z'],
    ['2015-02-26T10:12:34Z', 100, '2015-07-16T10:12:34Z'],
    ['2015-02-26T10:12:34Z', 1, '2015-02-27T10:12:34Z'],
    ['2015-02-28T10:13:00Z', 1, '2015-03-02T10:13:00Z'], // from a Saturday
    ['2015-02-26T10:12:34Z', -1, '2015-02-25T10:12:34Z'],
    ['2015-02-26T16:12:34Z', -2, '2015-02-24T16:12:34Z'],
    ['2015-02-26T16:12:34Z', -10, '2015-02-12T16:12:34Z'],
    ['2015-03-01T16:12:34Z', -1, '2015-02-27T16:12:34Z'], // from a Sunday
    ['2015-02-26T16:12:34Z', 2, '2015-03-02T16:12:34Z'],
  ];
  for (const [start, n, expected] of cases) {
    it(`${start} ${n >= 0 ? '+' : '−'} ${Math.abs(n)} business days → ${expected}`, () => {
      expect(iso(working.addBusinessDays(at(start), n))).toBe(iso(at(expected)));
    });
  }

  it('differs where moment-business-time keeps a closed time: Thursday 18:00 + 1 is Monday 09:00 (biz), not Friday 18:00', () => {
    expect(iso(working.addBusinessDays(at('2015-02-26T18:00Z'), 1))).toBe('2015-03-02T09:00:00.000Z');
  });
});

describe('addBusinessDays: edges', () => {
  const calendar = newYork();

  it('keeps a closing time: Monday 17:00 + 1 is Tuesday 17:00, the end of that business day', () => {
    expect(calendar.addBusinessDays(at('2026-06-01T17:00-04:00'), 1)).toBe(at('2026-06-02T17:00-04:00'));
  });

  it('gives the instant itself for n = 0 when open, else the next opening', () => {
    expect(calendar.addBusinessDays(at('2026-06-01T10:00-04:00'), 0)).toBe(at('2026-06-01T10:00-04:00'));
    expect(calendar.addBusinessDays(at('2026-06-06T10:00-04:00'), 0)).toBe(at('2026-06-08T09:00-04:00'));
  });

  it('gives the instant itself for n = 0 in the second run of a repeated hour (regression: it went back an hour)', () => {
    const allDay = {
      mon: [['00:00', '24:00']],
      tue: [['00:00', '24:00']],
      wed: [['00:00', '24:00']],
      thu: [['00:00', '24:00']],
      fri: [['00:00', '24:00']],
      sat: [['00:00', '24:00']],
      sun: [['00:00', '24:00']],
    } as const;
    const stJohns = businessCalendar({ timezone: 'America/St_Johns', week: allDay });
    // 2025-11-02 01:10 NST, the second 01:10 of that night (clocks went back from 02:00 NDT).
    const second = at('2025-11-02T04:40:00Z');
    expect(stJohns.addBusinessDays(second, 0)).toBe(second);
    expect(stJohns.addBusinessDays(second - HOUR, 0)).toBe(second - HOUR);
  });

  it('skips holidays and dates an exception closes, and counts dates an exception opens', () => {
    // Wednesday 23rd + 2: Thursday 24th (open until 13:00), Christmas closed, the weekend, Monday 28th.
    expect(calendar.addBusinessDays(at('2026-12-23T10:00-05:00'), 2)).toBe(at('2026-12-28T10:00-05:00'));
    // + 1 lands on Thursday 24th at 10:00, inside its short hours; at 15:00 it rolls on to Monday.
    expect(calendar.addBusinessDays(at('2026-12-23T10:00-05:00'), 1)).toBe(at('2026-12-24T10:00-05:00'));
    expect(calendar.addBusinessDays(at('2026-12-23T15:00-05:00'), 1)).toBe(at('2026-12-28T09:00-05:00'));
    const saturday = newYork({ exceptions: { '2026-03-14': [['10:00', '14:00']], '2026-03-16': [] } });
    expect(saturday.addBusinessDays(at('2026-03-13T11:00-04:00'), 1)).toBe(at('2026-03-14T11:00-04:00'));
    expect(saturday.addBusinessDays(at('2026-03-13T11:00-04:00'), 2)).toBe(at('2026-03-17T11:00-04:00'));
  });

  it('counts back to the last closing when the wall time is closed on the target day', () => {
    expect(calendar.addBusinessDays(at('2026-06-03T08:00-04:00'), -1)).toBe(at('2026-06-01T17:00-04:00'));
  });

  it('rejects an n that is not a whole number, and results outside 0001–9999, with INVALID_INPUT', () => {
    for (const n of [1.5, Number.NaN, Infinity, 2 ** 53]) {
      const error = thrown(() => calendar.addBusinessDays(at('2026-06-01T10:00-04:00'), n));
      expect([error.code, error.path]).toEqual(['INVALID_INPUT', ['n']]);
    }
    expect(thrown(() => calendar.addBusinessDays(at('9999-12-30T10:00Z'), 5)).code).toBe('INVALID_INPUT');
    expect(thrown(() => calendar.addBusinessDays(at('0001-01-02T10:00Z'), -5)).code).toBe('INVALID_INPUT');
    expect(thrown(() => calendar.addBusinessDays(Number.NaN, 1)).path).toEqual(['at']);
  });
});

describe('businessDaysBetween', () => {
  const calendar = newYork();

  it('counts the business days after the first date up to and including the second', () => {
    const friday = at('2026-06-05T16:00-04:00');
    expect(calendar.businessDaysBetween(friday, at('2026-06-08T09:30-04:00'))).toBe(1);
    expect(calendar.businessDaysBetween(at('2026-06-06T12:00-04:00'), at('2026-06-08T08:00-04:00'))).toBe(1);
    expect(calendar.businessDaysBetween(friday, at('2026-06-06T12:00-04:00'))).toBe(0);
    expect(calendar.businessDaysBetween(friday, at('2026-06-05T08:00-04:00'))).toBe(0);
    expect(calendar.businessDaysBetween(at('2026-06-08T09:30-04:00'), friday)).toBe(-1);
  });

  it('skips holidays and counts short days', () => {
    // Wednesday 23rd to Monday 28th: Thursday 24th (short) and Monday 28th.
    expect(calendar.businessDaysBetween(at('2026-12-23T12:00-05:00'), at('2026-12-28T12:00-05:00'))).toBe(2);
  });

  it('agrees with moment-business-time workingDiff(…, "days") on whole days (Fri 2015-02-27 to Fri 2015-03-20: 15)', () => {
    const working = businessCalendar({ week: weekdays([['09:00', '17:00']]) });
    expect(working.businessDaysBetween(at('2015-02-27T10:00Z'), at('2015-03-20T13:30Z'))).toBe(15);
    expect(working.businessDaysBetween(at('2015-03-20T13:30Z'), at('2015-02-27T10:00Z'))).toBe(-15);
    expect(working.businessDaysBetween(at('2015-02-26T10:00Z'), at('2015-02-27T15:00Z'))).toBe(1);
    expect(working.businessDaysBetween(at('2015-02-27T10:00Z'), at('2015-02-27T15:00Z'))).toBe(0);
    // Where it does not: moment counts elapsed business days by the clock (Monday 11:00 to
    // Tuesday 10:00 is 0 there); serviceflow counts dates, like businessDaysBetween's inverse addBusinessDays.
    expect(working.businessDaysBetween(at('2021-11-22T11:00Z'), at('2021-11-23T10:00Z'))).toBe(1);
  });

  it('is the inverse of addBusinessDays from a business day', () => {
    const start = at('2026-12-21T10:00-05:00');
    for (const n of [-5, -1, 0, 1, 2, 3, 10]) {
      expect(calendar.businessDaysBetween(start, calendar.addBusinessDays(start, n))).toBe(n);
    }
  });

  it('rejects instants outside 0001–9999 with INVALID_INPUT', () => {
    expect(thrown(() => calendar.businessDaysBetween(0, Infinity)).path).toEqual(['b']);
  });
});
