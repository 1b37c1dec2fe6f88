/**
 * UTC offsets of an IANA time zone, read from the platform's `Intl` and cached as transition
 * tables, and the one mapping the calendar needs: from a wall-clock time to an instant.
 */
import { DAY_MS } from './civil.js';

/** No zone is this far from UTC (tzdb's extremes are local mean times of about ±15:56). */
const MAX_OFFSET_MS = 18 * 3_600_000;
/** Offsets are read for blocks of this many UTC milliseconds at a time. */
const BLOCK_MS = 364 * DAY_MS;
/** Offsets are sampled once a day; a change between two samples is then bisected to the ms. */
const SAMPLE_MS = DAY_MS;
/** `Date`'s own limits: Intl throws beyond them. */
const DATE_LIMIT_MS = 8.64e15;
/** Blocks kept per zone before the cache starts over (each block is a few numbers). */
const MAX_BLOCKS = 4096;

interface OffsetBlock {
  /** Start of the block, inclusive (UTC ms). */
  readonly start: number;
  /** End of the block, exclusive (UTC ms). */
  readonly end: number;
  /** The offset in effect at `start`. */
  readonly initialOffset: number;
  /** Instants inside the block at which the offset changes, ascending. */
  readonly times: readonly number[];
  /** The offset in effect from `times[k]` on. */
  readonly offsets: readonly number[];
}

const OFFSET_TEXT = /GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/;

/**
 * The offset history of one time zone. Every `Intl` call is cached: a year of offsets costs about
 * 400 calls once, after which offsets and wall-time mappings are table look-ups.
 */
export class ZoneOffsets {
  readonly name: string;
  private readonly format: Intl.DateTimeFormat;
  private readonly blocks = new Map<number, OffsetBlock>();

  constructor(name: string) {
    this.name = name;
    this.format = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
  }

  /**
   * The first instant at which the zone's wall clock reads `wall` (a wall time: local date and
   * time written as UTC ms) or later. A wall time in a spring-forward gap maps to the end of the
   * gap; a repeated wall time (fall-back) maps to its first occurrence. The mapping never
   * decreases as `wall` grows.
   */
  instantOfWall(wall: number): number {
    // Before this instant the wall clock reads less than `wall` whatever the offset.
    let t = wall - MAX_OFFSET_MS;
    for (;;) {
      const block = this.blockAt(t);
      let k = block.times.length - 1;
      while (k >= 0 && (block.times[k] ?? Infinity) > t) k--;
      const offset = k < 0 ? block.initialOffset : (block.offsets[k] ?? block.initialOffset);
      const until = block.times[k + 1] ?? block.end;
      // On [t, until) the clock reads t + offset … until + offset (exclusive), rising.
      if (until + offset > wall) return Math.max(t, wall - offset);
      t = until;
    }
  }

  /**
   * The instant of wall time `wall` by Temporal's `'compatible'` rule (also biz's and moment's): a
   * repeated time is its first occurrence, a skipped time is moved forward by the gap's length
   * (02:30 in a one-hour gap at 02:00 is 03:30 after it). Unlike {@link instantOfWall} this is
   * not monotonic inside a gap; it is what "the same wall time on another day" means to users.
   */
  instantOfWallCompatible(wall: number): number {
    const first = this.instantOfWall(wall);
    if (first + this.offsetAt(first) === wall) return first;
    return wall - this.offsetAt(first - 1);
  }

  /** The offset (local minus UTC, in ms) in effect at instant `t`. */
  offsetAt(t: number): number {
    const block = this.blockAt(t);
    let offset = block.initialOffset;
    for (let k = 0; k < block.times.length; k++) {
      if ((block.times[k] ?? Infinity) > t) break;
      offset = block.offsets[k] ?? offset;
    }
    return offset;
  }

  private blockAt(t: number): OffsetBlock {
    const index = Math.floor(t / BLOCK_MS);
    let block = this.blocks.get(index);
    if (block === undefined) {
      if (this.blocks.size >= MAX_BLOCKS) this.blocks.clear();
      block = this.readBlock(index * BLOCK_MS, (index + 1) * BLOCK_MS);
      this.blocks.set(index, block);
    }
    return block;
  }

  private readBlock(start: number, end: number): OffsetBlock {
    const times: number[] = [];
    const offsets: number[] = [];
    const initialOffset = this.readOffset(start);
    let before = start;
    let offset = initialOffset;
    for (let sample = start + SAMPLE_MS; sample <= end; sample += SAMPLE_MS) {
      const sampled = this.readOffset(sample);
      // Several changes between two samples (none known in tzdb) are found one by one.
      while (sampled !== offset) {
        const change = this.bisectChange(before, sample, offset);
        if (change >= end) break;
        offset = this.readOffset(change);
        times.push(change);
        offsets.push(offset);
        before = change;
      }
      before = sample;
      offset = sampled;
    }
    return { start, end, initialOffset, times, offsets };
  }

  /** The first instant in (after, upTo] whose offset differs from `offset` (ms precision). */
  private bisectChange(after: number, upTo: number, offset: number): number {
    let low = after;
    let high = upTo;
    while (high - low > 1) {
      const mid = low + Math.floor((high - low) / 2);
      if (this.readOffset(mid) === offset) low = mid;
      else high = mid;
    }
    return high;
  }

  /** One uncached `Intl` read: the offset at `t`, to the second (local mean times have seconds). */
  private readOffset(t: number): number {
    const clamped = Math.min(DATE_LIMIT_MS, Math.max(-DATE_LIMIT_MS, t));
    const text = this.format.format(clamped);
    const match = OFFSET_TEXT.exec(text);
    // Not a ServiceFlowError: no config or input can cause this, only a platform whose Intl does
    // not format 'longOffset' as ECMA-402 specifies ("GMT", "GMT+05:30", "GMT-04:56:02").
    if (!match) throw new Error(`Intl formatted an offset serviceflow cannot read: ${text}`);
    if (match[1] === undefined) return 0;
    const sign = match[1] === '-' ? -1 : 1;
    const seconds = Number(match[2]) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0);
    return sign * seconds * 1000;
  }
}

const zones = new Map<string, ZoneOffsets>();

/** The shared, cached offsets of a zone (one table per zone name for the whole process). */
export function zoneOffsets(name: string): ZoneOffsets {
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = new ZoneOffsets(name);
    zones.set(name, zone);
  }
  return zone;
}

const knownZones = new Map<string, boolean>();

/** Whether the platform's `Intl` knows the IANA zone `name`. */
export function isTimeZone(name: string): boolean {
  let known = knownZones.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      known = name.length > 0;
    } catch {
      known = false;
    }
    if (knownZones.size < 1024) knownZones.set(name, known);
  }
  return known;
}
