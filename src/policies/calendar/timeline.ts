/**
 * The open time of a calendar as UTC intervals, built lazily in chunks and queried with binary
 * searches. All the zone and schedule work happens once per chunk; a query is a few look-ups.
 */
import { DAY_MS } from './civil.js';
import type { LocalSchedule } from './schedule.js';
import type { ZoneOffsets } from './zone.js';

/** UTC milliseconds per chunk: 52 weeks, so about one chunk per year of queries. */
const CHUNK_MS = 364 * DAY_MS;
/** Chunks kept per timeline before the cache starts over (a year of Mon–Fri is about 8 KB). */
const MAX_CHUNKS = 512;

/**
 * The open intervals of one chunk, ascending and disjoint, with the business time accumulated
 * before and at the end of each. All arrays hold `count` entries.
 */
interface Chunk {
  readonly count: number;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly cumulativeAtStart: Float64Array;
  readonly cumulativeAtEnd: Float64Array;
  /** Business time in the whole chunk. */
  readonly total: number;
}

/*
 * Index safety: every typed-array read below uses an index proven to lie in [0, count) by the
 * binary search or loop bound right before it, hence the non-null assertions.
 */

/** The index of the last interval that starts at or before `t`, or -1. */
function lastStartAtOrBefore(chunk: Chunk, t: number): number {
  const starts = chunk.starts;
  let low = 0;
  let high = chunk.count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (starts[mid]! <= t) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** Business time in the chunk before instant `t`. */
function cumulativeAt(chunk: Chunk, t: number): number {
  const i = lastStartAtOrBefore(chunk, t);
  if (i < 0) return 0;
  const end = chunk.ends[i]!;
  return chunk.cumulativeAtStart[i]! + (t < end ? t : end) - chunk.starts[i]!;
}

/** The earliest instant at which the chunk's business time reaches `amount` (0 < amount <= total). */
function instantReaching(chunk: Chunk, amount: number): number {
  const atEnd = chunk.cumulativeAtEnd;
  let low = 0;
  let high = chunk.count - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (atEnd[mid]! < amount) low = mid + 1;
    else high = mid;
  }
  return chunk.starts[low]! + (amount - chunk.cumulativeAtStart[low]!);
}

/**
 * The open intervals of a schedule in a zone. Answers are exact to the millisecond for integer
 * inputs; `Infinity` means "beyond `lastChunk`" and is turned into an error by the caller.
 */
export class Timeline {
  private readonly chunks = new Map<number, Chunk>();
  private lastIndex = Number.NaN;
  private lastChunk: Chunk | undefined;

  constructor(
    readonly zone: ZoneOffsets,
    private readonly schedule: LocalSchedule,
    /** No chunk before this index is built: backward searches give up there. */
    private readonly firstChunkIndex: number,
    /** No chunk past this index is built: forward searches give up there. */
    private readonly lastChunkIndex: number,
  ) {}

  /** The chunk index of a UTC instant. */
  static chunkIndex(t: number): number {
    return Math.floor(t / CHUNK_MS);
  }

  /** Whether `t` lies in an open interval. */
  isOpen(t: number): boolean {
    const chunk = this.chunk(Timeline.chunkIndex(t));
    const i = lastStartAtOrBefore(chunk, t);
    return i >= 0 && t < chunk.ends[i]!;
  }

  /** `t` when open, else the start of the next open interval (`Infinity` if none is left). */
  nextOpen(t: number): number {
    let index = Timeline.chunkIndex(t);
    let chunk = this.chunk(index);
    const i = lastStartAtOrBefore(chunk, t);
    if (i >= 0 && t < chunk.ends[i]!) return t;
    if (i + 1 < chunk.count) return chunk.starts[i + 1]!;
    for (;;) {
      index++;
      if (index > this.lastChunkIndex) return Infinity;
      chunk = this.chunk(index);
      if (chunk.count > 0) return chunk.starts[0]!;
    }
  }

  /**
   * `t` when `t` is the end of an open interval, else the latest end before it (`-Infinity` if
   * none is left), for a `t` that is not open.
   */
  lastClose(t: number): number {
    let index = Timeline.chunkIndex(t);
    let chunk = this.chunk(index);
    const i = lastStartAtOrBefore(chunk, t);
    if (i >= 0) return chunk.ends[i]!;
    for (;;) {
      index--;
      if (index < this.firstChunkIndex) return -Infinity;
      chunk = this.chunk(index);
      if (chunk.count > 0) return chunk.ends[chunk.count - 1]!;
    }
  }

  /** Business time in `[a, b)`, for `a <= b`. */
  between(a: number, b: number): number {
    const first = Timeline.chunkIndex(a);
    const last = Timeline.chunkIndex(b);
    const firstChunk = this.chunk(first);
    if (first === last) return cumulativeAt(firstChunk, b) - cumulativeAt(firstChunk, a);
    let sum = firstChunk.total - cumulativeAt(firstChunk, a);
    for (let index = first + 1; index < last; index++) sum += this.chunk(index).total;
    return sum + cumulativeAt(this.chunk(last), b);
  }

  /** The earliest instant `t >= at` with `between(at, t) === ms`, for `ms > 0` (`Infinity` if none). */
  add(at: number, ms: number): number {
    let index = Timeline.chunkIndex(at);
    let chunk = this.chunk(index);
    let rest = cumulativeAt(chunk, at) + ms;
    for (;;) {
      if (rest <= chunk.total) return instantReaching(chunk, rest);
      rest -= chunk.total;
      index++;
      if (index > this.lastChunkIndex) return Infinity;
      chunk = this.chunk(index);
    }
  }

  private chunk(index: number): Chunk {
    if (index === this.lastIndex && this.lastChunk !== undefined) return this.lastChunk;
    let chunk = this.chunks.get(index);
    if (chunk === undefined) {
      if (this.chunks.size >= MAX_CHUNKS) this.chunks.clear();
      chunk = this.buildChunk(index);
      this.chunks.set(index, chunk);
    }
    this.lastIndex = index;
    this.lastChunk = chunk;
    return chunk;
  }

  /**
   * Maps every local day that may overlap the chunk to UTC intervals and clips them to it. A day
   * `d` covers the instants from its midnight to the next one, and the wall-to-instant mapping
   * never decreases, so the intervals come out ascending and only need touching ones merged.
   */
  private buildChunk(index: number): Chunk {
    const chunkStart = index * CHUNK_MS;
    const chunkEnd = chunkStart + CHUNK_MS;
    const starts: number[] = [];
    const ends: number[] = [];
    // A local day lies within 18 h of its UTC namesake, so two days of margin cover every zone.
    const firstDay = Math.floor(chunkStart / DAY_MS) - 2;
    const lastDay = Math.floor(chunkEnd / DAY_MS) + 1;
    for (let day = firstDay; day <= lastDay; day++) {
      const pieces = this.schedule.piecesOn(day);
      const midnight = day * DAY_MS;
      for (let p = 0; p + 1 < pieces.length; p += 2) {
        const start = Math.max(chunkStart, this.zone.instantOfWall(midnight + pieces[p]!));
        const end = Math.min(chunkEnd, this.zone.instantOfWall(midnight + pieces[p + 1]!));
        if (end <= start) continue;
        const previous = ends.length - 1;
        if (previous >= 0 && start <= ends[previous]!) ends[previous] = Math.max(ends[previous]!, end);
        else {
          starts.push(start);
          ends.push(end);
        }
      }
    }
    const count = starts.length;
    const cumulativeAtStart = new Float64Array(count);
    const cumulativeAtEnd = new Float64Array(count);
    let total = 0;
    for (let i = 0; i < count; i++) {
      cumulativeAtStart[i] = total;
      total += ends[i]! - starts[i]!;
      cumulativeAtEnd[i] = total;
    }
    return {
      count,
      starts: Float64Array.from(starts),
      ends: Float64Array.from(ends),
      cumulativeAtStart,
      cumulativeAtEnd,
      total,
    };
  }
}
