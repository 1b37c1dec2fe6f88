/**
 * Types of the calendar API: business-day members are optional on the BusinessCalendar interface
 * (calendars written before they existed still satisfy it) and present on what businessCalendar builds.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  alwaysOpenCalendar,
  businessCalendar,
  slaPolicy,
  type BusinessCalendar,
  type BusinessCalendarConfigInput,
  type NormalisedCalendarConfig,
} from 'serviceflow';

describe('calendar types', () => {
  it('gives calendars built by businessCalendar the business-day members', () => {
    const calendar = businessCalendar({ week: { mon: [['09:00', '17:00']] } });
    expectTypeOf(calendar.addBusinessDays).toEqualTypeOf<(at: number, n: number) => number>();
    expectTypeOf(calendar.businessDaysBetween).toEqualTypeOf<(a: number, b: number) => number>();
    expectTypeOf(alwaysOpenCalendar.addBusinessDays(0, 1)).toEqualTypeOf<number>();
  });

  it('keeps a custom calendar written without them a BusinessCalendar that policies accept', () => {
    const base = businessCalendar();
    const custom = {
      timezone: 'UTC',
      alwaysOpen: false,
      config: base.config,
      addBusinessTime: (at: number, ms: number) => at + ms,
      businessTimeBetween: (a: number, b: number) => b - a,
      isOpen: () => true,
      nextOpen: (at: number) => at,
    };
    expectTypeOf(custom).toExtend<BusinessCalendar>();
    expectTypeOf(slaPolicy).toBeCallableWith({ calendar: custom, targets: [{ firstResponse: '1h' }] });
    expectTypeOf<BusinessCalendar['addBusinessDays']>().toEqualTypeOf<
      ((at: number, n: number) => number) | undefined
    >();
  });

  it('accepts exceptions in the config and keeps configs without them valid normalised configs', () => {
    expectTypeOf<{ exceptions: { '2026-12-24': [['09:00', '13:00']] } }>().toExtend<BusinessCalendarConfigInput>();
    const old = {
      timezone: 'UTC',
      week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      holidays: [],
    };
    expectTypeOf(old).toExtend<NormalisedCalendarConfig>();
    expectTypeOf<NormalisedCalendarConfig['exceptions']>().toEqualTypeOf<
      Record<string, [string, string][]> | undefined
    >();
  });
});
