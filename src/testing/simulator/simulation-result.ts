/** What a simulation returns: the views, the KPIs, the journal, the timeline and the run's counts. */
import type { ServiceMetrics } from '../../metrics/compute.js';
import type { InquiryView } from '../../process/view.js';
import type { InquiryEffect } from '../../schemas/effects.js';

/**
 * Arrivals, resolutions and the open backlog per time bucket, for charts.
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * const { timeline } = simulate({ inquiries: 1_000, days: 7 });
 * const peak = Math.max(...timeline.backlog); // the largest open backlog at an hour's end
 * ```
 */
export interface SimulationTimeline {
  readonly start: number;
  /** Width of each bucket: an hour for up to 60 days, else a day. */
  readonly bucketMs: number;
  /** Inquiries that arrived in each bucket. */
  readonly arrivals: readonly number[];
  /** Resolutions in each bucket (a reopened inquiry counts again when resolved again). */
  readonly resolved: readonly number[];
  /** Unresolved inquiries (waiting, being worked or pending) at each bucket's end. */
  readonly backlog: readonly number[];
  /** Of those, the ones waiting in a queue for an agent at each bucket's end. */
  readonly queued: readonly number[];
}

/**
 * Counts of the run itself.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { simulate } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine);
 * const { stats } = simulate({ inquiries: 1_000, days: 7 });
 * console.log(`${stats.steps / stats.inquiries} process steps per inquiry`, stats.rejected);
 * ```
 */
export interface SimulationStats {
  readonly inquiries: number;
  readonly agents: number;
  /** Accepted process steps: one `start` per inquiry plus every accepted `send`. */
  readonly steps: number;
  /** Events the process refused (`EVENT_NOT_ALLOWED` and the like), by type. Zero for the built-in process. */
  readonly rejected: Readonly<Record<string, number>>;
  readonly effects: number;
  /** Inquiries closed or cancelled by the end. */
  readonly finished: number;
  readonly start: number;
  readonly end: number;
}

/**
 * What {@link simulate} returns.
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * const { views, metrics, timeline, stats } = simulate({ inquiries: 1_000, days: 7, seed: 3 });
 * console.log(views.length, metrics?.csat, timeline.arrivals.length, stats.steps);
 * ```
 */
export interface SimulationResult {
  /** One view per inquiry in arrival order, read at the end (empty with `keepViews: false`). */
  readonly views: readonly InquiryView[];
  /**
   * The KPIs of every inquiry (`computeMetrics`, business-time twins on the SLA policy's
   * calendar), or `null` with `metrics: false`.
   */
  readonly metrics: ServiceMetrics | null;
  /** Every effect in time order (with `journal: true`). */
  readonly journal?: readonly InquiryEffect[];
  readonly timeline: SimulationTimeline;
  readonly stats: SimulationStats;
}
