/**
 * Arrival times: exactly `count` instants in [start, end), spread by an hour-of-week profile
 * read on a zone's wall clock, sorted.
 */
import { zoneOffsets } from '../policies/calendar/zone.js';
import { cumulativeWeights, type Random } from './random.js';

const HOUR = 3_600_000;
const WEEK_HOURS = 168;
/** 1970-01-01 was a Thursday: hour 0 of the epoch is hour 72 of a Monday-first week. */
const EPOCH_HOUR_OF_WEEK = 72;

/** The hour of the week (0 = Monday 00:00–01:00) of a wall time written as UTC ms. */
export function hourOfWeek(wall: number): number {
  const hours = Math.floor(wall / HOUR) + EPOCH_HOUR_OF_WEEK;
  return ((hours % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS;
}

/**
 * The hour slots of [start, end) and their weights: each slot's local hour of week (read at its
 * middle, so a DST change shifts the profile with the clock) and the profile's weight for it,
 * scaled by the slot's length (the last may be short). A profile of 24 weights applies to every day.
 */
export function hourSlots(
  start: number,
  end: number,
  profile: readonly number[],
  timezone: string,
): { hours: Uint8Array; weights: number[] } {
  const zone = zoneOffsets(timezone);
  const slots = Math.max(1, Math.ceil((end - start) / HOUR));
  const hours = new Uint8Array(slots);
  const weights: number[] = new Array<number>(slots);
  for (let slot = 0; slot < slots; slot++) {
    const from = start + slot * HOUR;
    const to = Math.min(end, from + HOUR);
    const middle = (from + to) / 2;
    const local = hourOfWeek(middle + zone.offsetAt(middle));
    const weight = profile.length === 24 ? (profile[local % 24] ?? 0) : (profile[local] ?? 0);
    hours[slot] = local;
    weights[slot] = weight * ((to - from) / HOUR);
  }
  return { hours, weights };
}

/**
 * Draws `count` arrival instants (whole ms, sorted) over [start, end): each falls in an hour slot
 * chosen with probability proportional to the profile's weight for that slot's local hour of week
 * (see {@link hourSlots}), uniformly within it.
 */
export function arrivalTimes(
  random: Random,
  count: number,
  start: number,
  end: number,
  profile: readonly number[],
  timezone: string,
): Float64Array {
  const { weights } = hourSlots(start, end, profile, timezone);
  // A profile that is zero over the whole period (a weekend-only profile over three weekdays)
  // still has to place the arrivals somewhere: spread them evenly then.
  const cumulative = cumulativeWeights(weights.some((w) => w > 0) ? weights : weights.map(() => 1));
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const slot = random.pick(cumulative);
    const from = start + slot * HOUR;
    const to = Math.min(end, from + HOUR);
    times[i] = Math.min(to - 1, Math.floor(from + random.next() * (to - from)));
  }
  return times.sort();
}
