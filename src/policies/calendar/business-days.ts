/**
 * Business-day arithmetic: "the same wall time on the nth next business day" (zendesk/biz's
 * rule) and counting business days between two dates, over a calendar's open time.
 */
import { DAY_MS, daysFromCivil } from './civil.js';
import type { LocalSchedule } from './schedule.js';
import type { ZoneOffsets } from './zone.js';

/** 0001-01-01 and 9999-12-31 as day numbers: business days are searched no further. */
const FIRST_DAY = daysFromCivil(1, 1, 1);
const LAST_DAY = daysFromCivil(9999, 12, 31);

/** What business-day arithmetic needs to know of a calendar's open time (instants in UTC ms). */
export interface OpenTime {
  isOpen(t: number): boolean;
  /** `t` when open, else the next opening (`Infinity` if none). */
  nextOpen(t: number): number;
  /** For a closed `t`: `t` when an open interval ends there, else the latest end before it (`-Infinity` if none). */
  lastClose(t: number): number;
  /** Open time in `[a, b)`, for `a <= b`. */
  between(a: number, b: number): number;
}

/** Days whose answer is kept before the cache starts over (about 180 years). */
const MAX_CACHED_DAYS = 65_536;

/** Business days of a calendar: the local dates on which it is open at some moment. */
export class BusinessDays {
  private readonly known = new Map<number, boolean>();

  constructor(
    private readonly zone: ZoneOffsets,
    private readonly schedule: LocalSchedule,
    private readonly open: OpenTime,
  ) {}

  /**
   * The nth business day after (n > 0) or before (n < 0) the local date of `at`, at `at`'s wall
   * time; when that instant is neither open nor a closing time, the next opening (n >= 0) or the
   * last closing (n < 0). `±Infinity` when the answer would leave the years 0001–9999.
   */
  add(at: number, n: number): number {
    const day = this.localDay(at);
    const wall = at + this.zone.offsetAt(at);
    const target = this.shift(day, n);
    if (!Number.isFinite(target)) return target;
    // The same date keeps `at` itself: its wall time may be the second of a repeated hour, which
    // the wall clock alone would read as the first.
    const t = target === day ? at : this.zone.instantOfWallCompatible(target * DAY_MS + (wall - day * DAY_MS));
    if (this.open.isOpen(t) || this.open.isOpen(t - 1)) return t;
    return n >= 0 ? this.open.nextOpen(t) : this.open.lastClose(t);
  }

  /**
   * Business days after the local date of `a` up to and including that of `b`; when `b`'s date
   * is earlier, the negative of the count from `b`'s to `a`'s. Dates are read off the wall clock.
   */
  between(a: number, b: number): number {
    const from = this.localDay(a);
    const to = this.localDay(b);
    return to < from ? 0 - this.countAfter(to, from) : this.countAfter(from, to);
  }

  /** Business days in `(from, to]`. */
  private countAfter(from: number, to: number): number {
    let count = 0;
    for (let day = from + 1; day <= to; day++) if (this.isBusinessDay(day)) count++;
    return count;
  }

  private localDay(t: number): number {
    return Math.floor((t + this.zone.offsetAt(t)) / DAY_MS);
  }

  /** Whether the calendar is open at some moment of local day `day`. */
  isBusinessDay(day: number): boolean {
    let business = this.known.get(day);
    if (business === undefined) {
      if (this.known.size >= MAX_CACHED_DAYS) this.known.clear();
      business = this.hasOpenTime(day);
      this.known.set(day, business);
    }
    return business;
  }

  private hasOpenTime(day: number): boolean {
    // A day without pieces has no open time; one with pieces may still have none (a span inside a
    // spring-forward gap), which the instants tell.
    if (this.schedule.piecesOn(day).length === 0) return false;
    const from = this.zone.instantOfWall(day * DAY_MS);
    const to = this.zone.instantOfWall((day + 1) * DAY_MS);
    return this.open.between(from, to) > 0;
  }

  /** The nth business day after (n > 0) or before (n < 0) `day`; `day` itself for 0. */
  private shift(day: number, n: number): number {
    const step = n < 0 ? -1 : 1;
    let left = Math.abs(n);
    // A business day is at least a day: a count beyond the calendar's range cannot be reached.
    if (left > (step > 0 ? LAST_DAY - day : day - FIRST_DAY)) return step * Infinity;
    let current = day;
    while (left > 0) {
      current += step;
      if (current > LAST_DAY || current < FIRST_DAY) return step * Infinity;
      if (this.isBusinessDay(current)) left--;
    }
    return current;
  }
}
