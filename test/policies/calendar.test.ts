import { describe, expect, it } from 'vitest';
import {
  alwaysOpenCalendar,
  businessCalendar,
  BusinessCalendarConfig,
  InvalidConfigError,
  ServiceFlowError,
  type BusinessCalendarConfigInput,
} from 'serviceflow';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** An instant from an ISO date-time with its offset, e.g. `'2026-03-06T16:30-05:00'`. */
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new TypeError(`bad fixture instant ${iso}`);
  return ms;
};

type Spans = [string, string][];

/** The same spans Monday to Friday. */
const weekdays = (spans: Spans): NonNullable<BusinessCalendarConfigInput['week']> => ({
  mon: spans,
  tue: spans,
  wed: spans,
  thu: spans,
  fri: spans,
});

const nineToFive = (timezone: string, holidays: string[] = []) =>
  businessCalendar({ timezone, week: weekdays([['09:00', '17:00']]), holidays });

/** Runs `build` and returns the ServiceFlowError it throws. */
function errorOf(build: () => unknown): ServiceFlowError {
  try {
    build();
  } catch (error) {
    if (error instanceof ServiceFlowError) return error;
    throw error;
  }
  throw new Error('expected a ServiceFlowError, nothing was thrown');
}

describe('businessCalendar: Monday to Friday 09:00–17:00 in New York', () => {
  const ny = nineToFive('America/New_York');

  it('carries 4 business hours from Friday 16:30 to Monday 12:30', () => {
    expect(ny.addBusinessTime(at('2026-01-09T16:30-05:00'), 4 * HOUR)).toBe(at('2026-01-12T12:30-05:00'));
  });

  it('lands on Monday 12:30 local across the spring-forward weekend (one real hour less)', () => {
    const due = ny.addBusinessTime(at('2026-03-06T16:30-05:00'), 4 * HOUR);
    expect(due).toBe(at('2026-03-09T12:30-04:00'));
    expect(new Date(due).toISOString()).toBe('2026-03-09T16:30:00.000Z');
  });

  it('lands on Monday 12:30 local across the fall-back weekend (one real hour more)', () => {
    const due = ny.addBusinessTime(at('2026-10-30T16:30-04:00'), 4 * HOUR);
    expect(new Date(due).toISOString()).toBe('2026-11-02T17:30:00.000Z');
  });

  it('stops at the closing time when the amount runs out exactly there (Fri 16:30 + 30 min = Fri 17:00)', () => {
    expect(ny.addBusinessTime(at('2026-01-09T16:30-05:00'), 30 * MINUTE)).toBe(at('2026-01-09T17:00-05:00'));
  });

  it('returns the start itself for a zero amount, open or closed', () => {
    const saturday = at('2026-01-10T11:00-05:00');
    expect(ny.addBusinessTime(saturday, 0)).toBe(saturday);
    expect(ny.addBusinessTime(at('2026-01-09T10:00-05:00'), 0)).toBe(at('2026-01-09T10:00-05:00'));
  });

  it('starts counting at the next opening when added to from closed time', () => {
    expect(ny.addBusinessTime(at('2026-01-10T11:00-05:00'), 1)).toBe(at('2026-01-12T09:00-05:00') + 1);
  });

  it('counts business time between two instants, negative when reversed', () => {
    const friday = at('2026-01-09T16:00-05:00');
    const monday = at('2026-01-12T10:00-05:00');
    expect(ny.businessTimeBetween(friday, monday)).toBe(2 * HOUR);
    expect(ny.businessTimeBetween(monday, friday)).toBe(-2 * HOUR);
    expect(Object.is(ny.businessTimeBetween(at('2026-01-10T12:00Z'), at('2026-01-10T11:00Z')), 0)).toBe(true);
  });

  it('counts 40 hours in the spring-forward week like in any other', () => {
    expect(ny.businessTimeBetween(at('2026-03-08T00:00-05:00'), at('2026-03-15T00:00-04:00'))).toBe(40 * HOUR);
  });

  it('is open from the opening instant up to, not including, the closing instant', () => {
    expect(ny.isOpen(at('2026-01-09T09:00-05:00'))).toBe(true);
    expect(ny.isOpen(at('2026-01-09T16:59:59.999-05:00'))).toBe(true);
    expect(ny.isOpen(at('2026-01-09T17:00-05:00'))).toBe(false);
    expect(ny.isOpen(at('2026-01-09T08:59:59.999-05:00'))).toBe(false);
  });

  it('finds the next opening: the instant itself when open, else Monday 09:00', () => {
    expect(ny.nextOpen(at('2026-01-09T10:00-05:00'))).toBe(at('2026-01-09T10:00-05:00'));
    expect(ny.nextOpen(at('2026-01-09T17:00-05:00'))).toBe(at('2026-01-12T09:00-05:00'));
    expect(ny.nextOpen(at('2026-03-07T12:00-05:00'))).toBe(at('2026-03-09T09:00-04:00'));
  });

  it('keeps working when its methods are passed around on their own', () => {
    const { addBusinessTime, isOpen } = ny;
    expect(addBusinessTime(at('2026-01-09T16:30-05:00'), 30 * MINUTE)).toBe(at('2026-01-09T17:00-05:00'));
    expect(isOpen(at('2026-01-09T10:00-05:00'))).toBe(true);
  });
});

describe('businessCalendar: holidays', () => {
  const ny = nineToFive('America/New_York', ['2026-12-25']);

  it('closes Christmas Friday: Thursday 16:30 + 4 h is Monday 12:30', () => {
    expect(ny.addBusinessTime(at('2026-12-24T16:30-05:00'), 4 * HOUR)).toBe(at('2026-12-28T12:30-05:00'));
    expect(ny.isOpen(at('2026-12-25T10:00-05:00'))).toBe(false);
    expect(ny.nextOpen(at('2026-12-24T17:00-05:00'))).toBe(at('2026-12-28T09:00-05:00'));
  });

  it('closes a whole 23-hour or 25-hour local day on DST changes of a 24x7 calendar', () => {
    const spring = businessCalendar({ timezone: 'America/New_York', holidays: ['2026-03-08'] });
    expect(spring.alwaysOpen).toBe(false);
    expect(spring.businessTimeBetween(at('2026-03-07T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(24 * HOUR);
    const fall = businessCalendar({ timezone: 'America/New_York', holidays: ['2026-11-01'] });
    expect(fall.businessTimeBetween(at('2026-10-31T00:00-04:00'), at('2026-11-02T00:00-05:00'))).toBe(24 * HOUR);
    expect(fall.nextOpen(at('2026-11-01T12:00-05:00'))).toBe(at('2026-11-02T00:00-05:00'));
  });

  it('starts a holiday at the end of a midnight gap (São Paulo 2018, clocks jumped 00:00 → 01:00)', () => {
    const saoPaulo = businessCalendar({ timezone: 'America/Sao_Paulo', holidays: ['2018-11-03'] });
    expect(saoPaulo.nextOpen(at('2018-11-03T12:00-03:00'))).toBe(at('2018-11-04T01:00-02:00'));
  });

  it('closes all 25 real hours of a day whose last hour repeats (São Paulo 2019-02-16)', () => {
    const saoPaulo = businessCalendar({ timezone: 'America/Sao_Paulo', holidays: ['2019-02-16'] });
    const from = at('2019-02-15T00:00-02:00');
    const to = at('2019-02-18T00:00-03:00');
    expect(to - from).toBe(73 * HOUR);
    expect(saoPaulo.businessTimeBetween(from, to)).toBe(48 * HOUR);
  });
});

describe('businessCalendar: several spans a day', () => {
  const lunchBreak = businessCalendar({
    timezone: 'America/New_York',
    week: weekdays([
      ['09:00', '12:00'],
      ['13:00', '17:00'],
    ]),
  });

  it('skips the lunch break', () => {
    expect(lunchBreak.addBusinessTime(at('2026-01-12T11:30-05:00'), HOUR)).toBe(at('2026-01-12T13:30-05:00'));
    expect(lunchBreak.addBusinessTime(at('2026-01-12T11:30-05:00'), 30 * MINUTE)).toBe(at('2026-01-12T12:00-05:00'));
    expect(lunchBreak.businessTimeBetween(at('2026-01-12T09:00-05:00'), at('2026-01-12T17:00-05:00'))).toBe(7 * HOUR);
  });

  it('is closed over lunch and reopens at 13:00', () => {
    expect(lunchBreak.isOpen(at('2026-01-12T12:30-05:00'))).toBe(false);
    expect(lunchBreak.nextOpen(at('2026-01-12T12:30-05:00'))).toBe(at('2026-01-12T13:00-05:00'));
  });

  it('merges overlapping and touching spans into their union', () => {
    const overlapping = businessCalendar({
      week: {
        mon: [
          ['09:00', '13:00'],
          ['12:00', '17:00'],
        ],
      },
    });
    expect(overlapping.businessTimeBetween(at('2026-01-12T00:00Z'), at('2026-01-13T00:00Z'))).toBe(8 * HOUR);
    expect(overlapping.addBusinessTime(at('2026-01-12T09:00Z'), 8 * HOUR)).toBe(at('2026-01-12T17:00Z'));
    const touching = businessCalendar({
      week: {
        mon: [
          ['09:00', '12:00'],
          ['12:00', '17:00'],
        ],
      },
    });
    expect(touching.isOpen(at('2026-01-12T12:00Z'))).toBe(true);
    expect(touching.nextOpen(at('2026-01-12T12:00Z'))).toBe(at('2026-01-12T12:00Z'));
  });

  it('accepts spans to the second', () => {
    const calendar = businessCalendar({ week: { mon: [['09:00:30', '09:01']] } });
    expect(calendar.businessTimeBetween(at('2026-01-12T00:00Z'), at('2026-01-13T00:00Z'))).toBe(30_000);
    expect(calendar.nextOpen(at('2026-01-12T09:00Z'))).toBe(at('2026-01-12T09:00:30Z'));
  });
});

describe('businessCalendar: overnight shifts', () => {
  const nightShift = (holidays: string[] = []) =>
    businessCalendar({ timezone: 'America/New_York', week: { fri: [['22:00', '06:00']] }, holidays });

  it('runs a Friday 22:00–06:00 shift into Saturday morning', () => {
    const calendar = nightShift();
    expect(calendar.addBusinessTime(at('2026-01-09T23:00-05:00'), 7 * HOUR)).toBe(at('2026-01-10T06:00-05:00'));
    expect(calendar.isOpen(at('2026-01-10T05:59:59.999-05:00'))).toBe(true);
    expect(calendar.isOpen(at('2026-01-10T06:00-05:00'))).toBe(false);
    expect(calendar.businessTimeBetween(at('2026-01-05T00:00-05:00'), at('2026-01-12T00:00-05:00'))).toBe(8 * HOUR);
  });

  it('stops the shift at midnight when the next day is a holiday', () => {
    const calendar = nightShift(['2026-01-10']);
    expect(calendar.addBusinessTime(at('2026-01-09T23:00-05:00'), 2 * HOUR)).toBe(at('2026-01-16T23:00-05:00'));
    expect(calendar.isOpen(at('2026-01-10T01:00-05:00'))).toBe(false);
  });

  it('still opens after midnight when the shift starts on a holiday', () => {
    const calendar = nightShift(['2026-01-09']);
    expect(calendar.nextOpen(at('2026-01-09T21:00-05:00'))).toBe(at('2026-01-10T00:00-05:00'));
    expect(calendar.businessTimeBetween(at('2026-01-09T00:00-05:00'), at('2026-01-11T00:00-05:00'))).toBe(6 * HOUR);
  });

  it('joins an overnight tail with a span of the next day that overlaps it', () => {
    const calendar = businessCalendar({ week: { sun: [['22:00', '06:00']], mon: [['05:00', '10:00']] } });
    expect(calendar.businessTimeBetween(at('2026-01-11T00:00Z'), at('2026-01-13T00:00Z'))).toBe(12 * HOUR);
    expect(calendar.addBusinessTime(at('2026-01-11T23:00Z'), 11 * HOUR)).toBe(at('2026-01-12T10:00Z'));
  });
});

describe('businessCalendar: spans on days when the clocks change (New York)', () => {
  it('gives a 01:00–03:00 span 1 real hour on the spring-forward day and 3 on the fall-back day', () => {
    const sunday = businessCalendar({ timezone: 'America/New_York', week: { sun: [['01:00', '03:00']] } });
    expect(sunday.businessTimeBetween(at('2026-03-07T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(HOUR);
    expect(sunday.businessTimeBetween(at('2026-10-31T00:00-04:00'), at('2026-11-02T00:00-05:00'))).toBe(3 * HOUR);
    expect(sunday.businessTimeBetween(at('2026-01-10T00:00-05:00'), at('2026-01-12T00:00-05:00'))).toBe(2 * HOUR);
  });

  it('leaves a span that lies wholly inside the spring-forward gap empty that day', () => {
    const inGap = businessCalendar({ timezone: 'America/New_York', week: { sun: [['02:15', '02:45']] } });
    expect(inGap.businessTimeBetween(at('2026-03-08T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(0);
    expect(inGap.nextOpen(at('2026-03-07T12:00-05:00'))).toBe(at('2026-03-15T02:15-04:00'));
    expect(inGap.businessTimeBetween(at('2026-03-01T00:00-05:00'), at('2026-03-02T00:00-05:00'))).toBe(30 * MINUTE);
  });

  it('opens a span starting inside the gap at the end of the gap (03:00 EDT)', () => {
    const acrossGap = businessCalendar({ timezone: 'America/New_York', week: { sun: [['02:30', '04:00']] } });
    expect(acrossGap.nextOpen(at('2026-03-08T00:00-05:00'))).toBe(at('2026-03-08T03:00-04:00'));
    expect(new Date(acrossGap.nextOpen(at('2026-03-08T00:00-05:00'))).toISOString()).toBe('2026-03-08T07:00:00.000Z');
    expect(acrossGap.businessTimeBetween(at('2026-03-08T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(HOUR);
  });

  it('ends a span at the first occurrence of a repeated time', () => {
    const calendar = businessCalendar({ timezone: 'America/New_York', week: { sun: [['00:30', '01:30']] } });
    expect(calendar.isOpen(at('2026-11-01T01:15-04:00'))).toBe(true);
    expect(calendar.isOpen(at('2026-11-01T01:15-05:00'))).toBe(false);
    expect(calendar.businessTimeBetween(at('2026-11-01T00:00-04:00'), at('2026-11-02T00:00-05:00'))).toBe(HOUR);
  });
});

describe('businessCalendar: zones with half-hour and 45-minute offsets', () => {
  it('works in Asia/Kolkata (+05:30)', () => {
    const kolkata = nineToFive('Asia/Kolkata');
    const due = kolkata.addBusinessTime(at('2026-01-09T16:30+05:30'), 4 * HOUR);
    expect(new Date(due).toISOString()).toBe('2026-01-12T07:00:00.000Z');
  });

  it('works in Pacific/Chatham (+13:45 → +12:45 on 2026-04-05)', () => {
    const chatham = nineToFive('Pacific/Chatham');
    const due = chatham.addBusinessTime(at('2026-04-03T16:30+13:45'), 4 * HOUR);
    expect(new Date(due).toISOString()).toBe('2026-04-05T23:45:00.000Z');
    expect(due).toBe(at('2026-04-06T12:30+12:45'));
  });

  it('gives a Chatham 02:00–04:00 span 3 real hours when 03:45 falls back and 1 when 02:45 springs forward', () => {
    const sunday = businessCalendar({ timezone: 'Pacific/Chatham', week: { sun: [['02:00', '04:00']] } });
    expect(sunday.businessTimeBetween(at('2026-04-05T00:00+13:45'), at('2026-04-06T00:00+12:45'))).toBe(3 * HOUR);
    expect(sunday.businessTimeBetween(at('2026-09-27T00:00+12:45'), at('2026-09-28T00:00+13:45'))).toBe(HOUR);
  });

  it('works in Australia/Lord_Howe, whose DST is 30 minutes', () => {
    const lordHowe = nineToFive('Australia/Lord_Howe');
    const due = lordHowe.addBusinessTime(at('2026-04-03T16:30+11:00'), 4 * HOUR);
    expect(new Date(due).toISOString()).toBe('2026-04-06T02:00:00.000Z');
    const sunday = businessCalendar({ timezone: 'Australia/Lord_Howe', week: { sun: [['01:00', '03:00']] } });
    expect(sunday.businessTimeBetween(at('2026-04-05T00:00+11:00'), at('2026-04-06T00:00+10:30'))).toBe(2.5 * HOUR);
    expect(sunday.businessTimeBetween(at('2026-10-04T00:00+10:30'), at('2026-10-05T00:00+11:00'))).toBe(1.5 * HOUR);
    expect(sunday.nextOpen(at('2026-10-04T01:59+10:30'))).toBe(at('2026-10-04T01:59+10:30'));
    expect(sunday.isOpen(at('2026-10-04T02:30+11:00'))).toBe(true);
  });
});

describe('businessCalendar: always open', () => {
  it('is 24x7 UTC by default, with plain arithmetic', () => {
    expect(alwaysOpenCalendar.alwaysOpen).toBe(true);
    expect(alwaysOpenCalendar.timezone).toBe('UTC');
    const saturday = at('2026-01-03T10:00Z');
    expect(alwaysOpenCalendar.addBusinessTime(saturday, HOUR)).toBe(saturday + HOUR);
    expect(alwaysOpenCalendar.businessTimeBetween(saturday + HOUR, saturday)).toBe(-HOUR);
    expect(alwaysOpenCalendar.isOpen(saturday)).toBe(true);
    expect(alwaysOpenCalendar.nextOpen(saturday)).toBe(saturday);
  });

  it('counts real time across DST in any zone when no week and no holidays are given', () => {
    const ny = businessCalendar({ timezone: 'America/New_York' });
    expect(ny.alwaysOpen).toBe(true);
    expect(ny.businessTimeBetween(at('2026-03-07T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(47 * HOUR);
  });

  it('recognises a week that covers every hour as always open', () => {
    const halves: Spans = [
      ['00:00', '12:00'],
      ['12:00', '24:00'],
    ];
    const calendar = businessCalendar({
      timezone: 'Europe/Berlin',
      week: { ...weekdays(halves), sat: halves, sun: [['00:00', '24:00']] },
    });
    expect(calendar.alwaysOpen).toBe(true);
    const day: Spans = [['00:00', '24:00']];
    const overnight = businessCalendar({
      week: {
        mon: [
          ['06:00', '06:00:01'],
          ['06:00:01', '06:00'],
        ],
        tue: [['06:00', '24:00']],
        wed: day,
        thu: day,
        fri: day,
        sat: day,
        sun: [
          ['00:00', '12:00'],
          ['12:00', '06:00'],
        ],
      },
    });
    expect(overnight.alwaysOpen).toBe(true);
  });
});

describe('businessCalendar: normalised config', () => {
  it('spells out all seven days, canonical times, sorted spans and unique sorted holidays', () => {
    const calendar = businessCalendar({
      timezone: 'Europe/London',
      week: {
        mon: [
          ['13:00:00', '17:00'],
          ['09:00', '12:00:30'],
        ],
        sat: [],
      },
      holidays: ['2026-12-26', '2026-12-25', '2026-12-26'],
    });
    expect(calendar.config).toEqual({
      timezone: 'Europe/London',
      week: {
        mon: [
          ['09:00', '12:00:30'],
          ['13:00', '17:00'],
        ],
        tue: [],
        wed: [],
        thu: [],
        fri: [],
        sat: [],
        sun: [],
      },
      holidays: ['2026-12-25', '2026-12-26'],
    });
  });

  it('describes the default calendar as 00:00–24:00 every day in UTC', () => {
    const day: Spans = [['00:00', '24:00']];
    expect(alwaysOpenCalendar.config).toEqual({
      timezone: 'UTC',
      week: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day },
      holidays: [],
    });
  });

  it('survives JSON and rebuilds the same calendar', () => {
    const original = nineToFive('America/New_York', ['2026-12-25']);
    const copy = businessCalendar(JSON.parse(JSON.stringify(original.config)) as BusinessCalendarConfigInput);
    expect(copy.config).toEqual(original.config);
    const rebuilt = businessCalendar(original.config);
    const start = at('2026-12-24T16:30-05:00');
    expect(rebuilt.addBusinessTime(start, 4 * HOUR)).toBe(original.addBusinessTime(start, 4 * HOUR));
  });

  it('is frozen', () => {
    const calendar = nineToFive('UTC');
    expect(Object.isFrozen(calendar.config)).toBe(true);
    expect(Object.isFrozen(calendar.config.week.mon)).toBe(true);
    expect(Object.isFrozen(calendar)).toBe(true);
  });

  it('is what the schema parses to', () => {
    expect(BusinessCalendarConfig.parse({ week: { sat: [['10:00:00', '14:00']] } }).week.sat).toEqual([
      ['10:00', '14:00'],
    ]);
  });
});

describe('businessCalendar: invalid config is INVALID_CONFIG with the offending path', () => {
  const cases: { name: string; config: unknown; path: (string | number)[]; message: RegExp }[] = [
    {
      name: 'an unknown time zone',
      config: { timezone: 'Mars/Olympus_Mons' },
      path: ['timezone'],
      message: /IANA time zone/,
    },
    { name: 'an empty time zone', config: { timezone: '' }, path: ['timezone'], message: /IANA time zone/ },
    { name: 'a time zone that is not a string', config: { timezone: 5 }, path: ['timezone'], message: /string/ },
    {
      // A sparse pair once crashed the check with a TypeError.
      name: 'a span with a hole for its start',
      config: { exceptions: { '2026-12-24': [[, '17:00']] } },
      path: ['exceptions', '2026-12-24', 0, 0],
      message: /string/,
    },
    {
      name: 'a time without two-digit hours',
      config: { week: { mon: [['9:00', '17:00']] } },
      path: ['week', 'mon', 0, 0],
      message: /'HH:MM'/,
    },
    {
      name: 'hours over 24',
      config: { week: { mon: [['09:00', '25:00']] } },
      path: ['week', 'mon', 0, 1],
      message: /hours must be 00–24/,
    },
    {
      name: 'a time past 24:00',
      config: { week: { tue: [['09:00', '24:30']] } },
      path: ['week', 'tue', 0, 1],
      message: /latest time of day/,
    },
    {
      name: 'minutes over 59',
      config: { week: { wed: [['09:60', '17:00']] } },
      path: ['week', 'wed', 0, 0],
      message: /minutes must be 00–59/,
    },
    {
      name: 'seconds over 59',
      config: { week: { wed: [['09:00:61', '17:00']] } },
      path: ['week', 'wed', 0, 0],
      message: /seconds must be 00–59/,
    },
    {
      name: 'a span ending where it starts',
      config: { week: { thu: [['09:00', '09:00']] } },
      path: ['week', 'thu', 0, 1],
      message: /end at another time/,
    },
    {
      name: 'a span ending where it starts, written differently',
      config: { week: { thu: [['09:00', '09:00:00']] } },
      path: ['week', 'thu', 0, 1],
      message: /end at another time/,
    },
    {
      name: 'a span starting at 24:00',
      config: { week: { fri: [['24:00', '06:00']] } },
      path: ['week', 'fri', 0, 0],
      message: /cannot start at '24:00'/,
    },
    {
      name: 'a span that is not a pair',
      config: { week: { sat: [['09:00']] } },
      path: ['week', 'sat', 0],
      message: /.+/,
    },
    {
      name: 'an unknown weekday',
      config: { week: { monday: [['09:00', '17:00']] } },
      path: ['week'],
      message: /monday/,
    },
    { name: 'an unknown option', config: { timeZone: 'UTC' }, path: [], message: /timeZone/ },
    { name: 'an empty week', config: { week: {} }, path: ['week'], message: /no open time/ },
    {
      name: 'a week of closed days',
      config: { week: { mon: [], sun: [] }, holidays: [] },
      path: ['week'],
      message: /no open time/,
    },
    {
      name: 'an impossible date',
      config: { holidays: ['2026-12-25', '2026-02-30'] },
      path: ['holidays', 1],
      message: /no day 30 in 2026-02/,
    },
    {
      name: 'February 29 of a common year',
      config: { holidays: ['2025-02-29'] },
      path: ['holidays', 0],
      message: /no day 29/,
    },
    { name: 'month 13', config: { holidays: ['2026-13-01'] }, path: ['holidays', 0], message: /no month 13/ },
    { name: 'a malformed date', config: { holidays: ['25/12/2026'] }, path: ['holidays', 0], message: /'YYYY-MM-DD'/ },
    { name: 'year zero', config: { holidays: ['0000-01-01'] }, path: ['holidays', 0], message: /0001/ },
    { name: 'holidays that are not a list', config: { holidays: '2026-12-25' }, path: ['holidays'], message: /array/ },
    { name: 'a config that is not an object', config: null, path: [], message: /object/ },
  ];

  for (const { name, config, path, message } of cases) {
    it(`rejects ${name}`, () => {
      const error = errorOf(() => businessCalendar(config as BusinessCalendarConfigInput));
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.path).toEqual(path);
      expect(error.message).toMatch(message);
      expect(error.message).toMatch(/^Invalid business calendar config: /);
    });
  }

  it('names the field in the message', () => {
    const error = errorOf(() =>
      businessCalendar({
        week: {
          mon: [
            ['09:00', '17:00'],
            ['9:00', '10:00'],
          ],
        },
      }),
    );
    expect(error.message).toContain('week.mon[1][0]');
    expect(error.received).toBe('9:00');
  });

  it('accepts February 29 of a leap year', () => {
    expect(businessCalendar({ holidays: ['2024-02-29'] }).config.holidays).toEqual(['2024-02-29']);
  });
});

describe('businessCalendar: invalid instants and amounts are INVALID_INPUT', () => {
  const ny = nineToFive('America/New_York');
  const start = at('2026-01-09T10:00-05:00');
  const cases: { name: string; call: () => unknown; path: (string | number)[] }[] = [
    { name: 'a negative amount', call: () => ny.addBusinessTime(start, -1), path: ['ms'] },
    { name: 'a NaN amount', call: () => ny.addBusinessTime(start, Number.NaN), path: ['ms'] },
    { name: 'an infinite amount', call: () => ny.addBusinessTime(start, Infinity), path: ['ms'] },
    { name: 'a NaN start', call: () => ny.addBusinessTime(Number.NaN, HOUR), path: ['at'] },
    { name: 'an infinite bound', call: () => ny.businessTimeBetween(start, Infinity), path: ['b'] },
    { name: 'a NaN bound', call: () => ny.businessTimeBetween(Number.NaN, start), path: ['a'] },
    { name: 'an instant after 9999', call: () => ny.isOpen(8.64e15), path: ['at'] },
    { name: 'an instant before year 1', call: () => ny.nextOpen(-8.64e15), path: ['at'] },
    {
      name: 'a negative amount on the 24x7 calendar',
      call: () => alwaysOpenCalendar.addBusinessTime(start, -HOUR),
      path: ['ms'],
    },
    { name: 'a NaN instant on the 24x7 calendar', call: () => alwaysOpenCalendar.isOpen(Number.NaN), path: ['at'] },
    { name: 'a result after 9999', call: () => alwaysOpenCalendar.addBusinessTime(start, 8e15), path: [] },
    { name: 'a result after 9999 on business hours', call: () => ny.addBusinessTime(start, 2.6e14), path: [] },
  ];

  for (const { name, call, path } of cases) {
    it(`rejects ${name}`, () => {
      const error = errorOf(call);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.path).toEqual(path);
    });
  }
});
