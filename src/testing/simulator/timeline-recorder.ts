/**
 * The run's timeline: arrivals and resolutions counted per bucket as they happen, the backlog
 * read at each bucket's end, and a progress report per bucket closed.
 */
import type { SimulationProgress } from '../simulation-options.js';
import type { RunCounters } from './run-counters.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface Timeline {
  readonly start: number;
  readonly bucketMs: number;
  readonly arrivals: number[];
  readonly resolved: number[];
  readonly backlog: number[];
  readonly queued: number[];
}

export class TimelineRecorder {
  readonly timeline: Timeline;
  private readonly buckets: number;
  private bucket = 0;
  private bucketEnd: number;

  constructor(
    private readonly start: number,
    private readonly end: number,
    private readonly counters: RunCounters,
    private readonly onProgress: ((progress: SimulationProgress) => void) | undefined,
  ) {
    // An hour per bucket for up to 60 days, else a day.
    const bucketMs = end - start <= 60 * DAY ? HOUR : DAY;
    this.buckets = Math.max(1, Math.ceil((end - start) / bucketMs));
    this.bucketEnd = start + bucketMs;
    this.timeline = {
      start,
      bucketMs,
      arrivals: new Array<number>(this.buckets).fill(0),
      resolved: new Array<number>(this.buckets).fill(0),
      backlog: new Array<number>(this.buckets).fill(0),
      queued: new Array<number>(this.buckets).fill(0),
    };
  }

  /** Closes every bucket that ends at or before `t`. */
  advanceTo(t: number): void {
    const { timeline, counters, start, end } = this;
    const bucketMs = timeline.bucketMs;
    while (t >= this.bucketEnd && this.bucket < this.buckets) {
      timeline.backlog[this.bucket] = counters.unresolved;
      timeline.queued[this.bucket] = counters.queued;
      this.bucket++;
      this.bucketEnd += bucketMs;
      this.onProgress?.({
        at: this.bucketEnd - bucketMs,
        fraction: Math.min(1, (this.bucketEnd - bucketMs - start) / (end - start)),
        arrived: counters.arrived,
        finished: counters.finished,
        steps: counters.steps,
      });
    }
  }

  countArrival(at: number): void {
    count(this.timeline.arrivals, this.bucketOf(at));
  }

  countResolution(at: number): void {
    count(this.timeline.resolved, this.bucketOf(at));
  }

  /** Closes the remaining buckets and reports the run complete. */
  close(): void {
    this.advanceTo(this.end);
    const counters = this.counters;
    this.onProgress?.({
      at: this.end,
      fraction: 1,
      arrived: counters.arrived,
      finished: counters.finished,
      steps: counters.steps,
    });
  }

  private bucketOf(t: number): number {
    return Math.min(this.buckets - 1, Math.floor((t - this.start) / this.timeline.bucketMs));
  }
}

function count(series: number[], index: number): void {
  series[index] = (series[index] ?? 0) + 1;
}
