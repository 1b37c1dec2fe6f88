/**
 * A calendar's schedule in local wall time: which pieces of each local day are open, after the
 * week, the date exceptions and the holidays have been combined. No zone here: the timeline maps
 * these pieces to instants.
 */
import { DAY_MS, weekdayIndex } from './civil.js';

/** Open spans as `[start, end]` in ms since local midnight; an end at or before the start crosses midnight. */
export type LocalSpans = readonly (readonly [number, number])[];

/**
 * Open pieces of one local day: a flat list `[start0, end0, start1, end1, …]` in ms since local
 * midnight, ascending, disjoint, within `[0, DAY_MS]`.
 */
export type DayPieces = readonly number[];

/** The part of each span on its own day: an overnight span is cut at midnight. */
function ownPieces(spans: LocalSpans): [number, number][] {
  return spans.map(([start, end]) => [start, end > start ? end : DAY_MS]);
}

/** The parts of a day's overnight spans that run past midnight into the next day. */
function tailPieces(spans: LocalSpans): [number, number][] {
  return spans.filter(([start, end]) => end < start && end > 0).map(([, end]) => [0, end]);
}

/** Sorts and merges overlapping or touching pieces into the flat form. */
function flatten(pieces: [number, number][]): DayPieces {
  pieces.sort((x, y) => x[0] - y[0]);
  const flat: number[] = [];
  for (const [start, end] of pieces) {
    const last = flat.length - 1;
    const lastEnd = flat[last];
    if (lastEnd !== undefined && start <= lastEnd) flat[last] = Math.max(lastEnd, end);
    else flat.push(start, end);
  }
  return flat;
}

/** Pieces kept for days near exceptions and holidays before the cache starts over. */
const MAX_CACHED_DAYS = 65_536;

/**
 * The open pieces of every local day. A day's own spans are its exception's when it has one, else
 * its weekday's; its pieces are its own spans cut at midnight plus the after-midnight tails of
 * the previous day's own spans. A holiday drops both from its day, except the spans of an
 * exception for that same date (the more specific statement wins); the tails of a holiday's own
 * overnight spans still open the next day.
 */
export class LocalSchedule {
  /** The pieces of an ordinary day, per weekday (0 = Monday). */
  private readonly template: readonly DayPieces[];
  private readonly cache = new Map<number, DayPieces>();

  constructor(
    private readonly week: readonly LocalSpans[],
    private readonly exceptions: ReadonlyMap<number, LocalSpans>,
    private readonly holidays: ReadonlySet<number>,
  ) {
    this.template = week.map((spans, index) =>
      flatten([...ownPieces(spans), ...tailPieces(week[(index + 6) % 7] ?? [])]),
    );
  }

  /** Whether every ordinary day is open from midnight to midnight. */
  get wholeWeek(): boolean {
    return this.template.every((pieces) => pieces.length === 2 && pieces[0] === 0 && pieces[1] === DAY_MS);
  }

  /** The open pieces of local day `day` (a day number). */
  piecesOn(day: number): DayPieces {
    if (!this.isSpecial(day) && !this.exceptions.has(day - 1)) return this.template[weekdayIndex(day)] ?? [];
    let pieces = this.cache.get(day);
    if (pieces === undefined) {
      if (this.cache.size >= MAX_CACHED_DAYS) this.cache.clear();
      const exception = this.exceptions.get(day);
      pieces = this.holidays.has(day)
        ? flatten(ownPieces(exception ?? []))
        : flatten([...ownPieces(exception ?? this.ownSpans(day)), ...tailPieces(this.ownSpans(day - 1))]);
      this.cache.set(day, pieces);
    }
    return pieces;
  }

  private isSpecial(day: number): boolean {
    return this.holidays.has(day) || this.exceptions.has(day);
  }

  private ownSpans(day: number): LocalSpans {
    return this.exceptions.get(day) ?? this.week[weekdayIndex(day)] ?? [];
  }
}
