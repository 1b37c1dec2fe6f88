/**
 * Civil (wall-clock) arithmetic without time zones: day numbers, weekdays and times of day.
 *
 * A "day number" counts local calendar days from 1970-01-01 (day 0, a Thursday). A "wall time" is
 * a local date and time written as if it were UTC milliseconds: `day * DAY_MS + msOfDay`. Keeping
 * wall times as plain numbers lets the calendar do all schedule arithmetic without `Date`.
 */

import { daysInMonth } from '../../schemas/time.js';

/** Milliseconds in a civil day (24 wall-clock hours). */
export const DAY_MS = 86_400_000;

/** The weekday keys of a calendar's `week`, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** One weekday key: `'mon'` … `'sun'`. */
export type Weekday = (typeof WEEKDAYS)[number];

/** The weekday of a day number as an index into {@link WEEKDAYS} (0 = Monday). */
export function weekdayIndex(day: number): number {
  // Day 0 (1970-01-01) was a Thursday, index 3.
  return (((day + 3) % 7) + 7) % 7;
}

/**
 * The day number of a proleptic-Gregorian date (Howard Hinnant's `days_from_civil`). Avoids
 * `Date.UTC`, which reads years 0–99 as 1900–1999.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Reads a `'YYYY-MM-DD'` date (years 0001–9999) as a day number, or explains why it cannot.
 */
export function parseIsoDate(text: string): { day: number } | { problem: string } {
  const match = ISO_DATE.exec(text);
  if (!match) return { problem: "must be a date 'YYYY-MM-DD'" };
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1) return { problem: 'the year must be 0001 or later' };
  if (month < 1 || month > 12) return { problem: `there is no month ${match[2]}` };
  if (day < 1 || day > daysInMonth(year, month)) {
    return { problem: `there is no day ${match[3]} in ${match[1]}-${match[2]}` };
  }
  return { day: daysFromCivil(year, month, day) };
}

const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Reads `'HH:MM'` or `'HH:MM:SS'` as milliseconds since local midnight, `'24:00'` included
 * (the end of the day), or explains why it cannot.
 */
export function parseTimeOfDay(text: string): { ms: number } | { problem: string } {
  const match = TIME_OF_DAY.exec(text);
  if (!match) return { problem: "must be a time of day 'HH:MM' or 'HH:MM:SS'" };
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const seconds = match[3] === undefined ? 0 : Number(match[3]);
  if (hours > 24) return { problem: 'hours must be 00–24' };
  if (minutes > 59) return { problem: 'minutes must be 00–59' };
  if (seconds > 59) return { problem: 'seconds must be 00–59' };
  if (hours === 24 && (minutes > 0 || seconds > 0)) return { problem: "the latest time of day is '24:00'" };
  return { ms: ((hours * 60 + minutes) * 60 + seconds) * 1000 };
}

/** Writes milliseconds since local midnight as `'HH:MM'`, or `'HH:MM:SS'` when seconds are set. */
export function formatTimeOfDay(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const seconds = totalSeconds % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return seconds === 0 ? `${pad(hours)}:${pad(minutes)}` : `${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
}
