/**
 * What a simulation run keeps and hands back: each inquiry's view (or only what the KPIs read,
 * for streamed runs), the journal of effects, the events the process refused, the counters, and
 * at the end the result with its KPIs.
 */
import type { BusinessCalendar } from '../../policies/calendar.js';
import { computeMetrics, type MetricsInquiryView } from '../../metrics/compute.js';
import type { InquiryView } from '../../process/view.js';
import type { InquiryEffect } from '../../schemas/effects.js';
import type { SimulationConfig } from '../simulation-options.js';
import { RunCounters } from './run-counters.js';
import type { SimulationResult } from './simulation-result.js';
import type { TimelineRecorder } from './timeline-recorder.js';

export class RunRecord {
  readonly counters = new RunCounters();
  /** Events the process refused, by type. */
  private readonly rejected: Record<string, number> = {};
  private readonly keepViews: boolean;
  private readonly views: InquiryView[];
  /** Streamed runs keep only what the KPIs read, in arrival order. */
  private readonly metricViews: MetricsInquiryView[] | null;
  private readonly journal: InquiryEffect[] | undefined;
  private readonly onEffect: ((effect: InquiryEffect) => void) | undefined;
  private readonly onView: ((view: InquiryView) => void) | undefined;

  constructor(private readonly config: SimulationConfig) {
    this.keepViews = config.keepViews;
    this.views = config.keepViews ? new Array<InquiryView>(config.inquiries) : [];
    this.metricViews = config.metrics && !config.keepViews ? new Array<MetricsInquiryView>(config.inquiries) : null;
    this.journal = config.journal ? [] : undefined;
    this.onEffect = config.onEffect;
    this.onView = config.onView;
  }

  /** Records one effect the process returned: counted, journaled, streamed. */
  effect(effect: InquiryEffect): void {
    this.counters.effects++;
    this.journal?.push(effect);
    this.onEffect?.(effect);
  }

  /** Counts an event the process refused (`EVENT_NOT_ALLOWED` and the like). */
  reject(type: string): void {
    this.rejected[type] = (this.rejected[type] ?? 0) + 1;
  }

  /** Records the last view of the inquiry that arrived `index`-th. */
  view(index: number, view: InquiryView): void {
    if (this.keepViews) this.views[index] = view;
    else if (this.metricViews !== null) this.metricViews[index] = metricsProjection(view);
    this.onView?.(view);
  }

  /** The result of a run that ended at `end`, with the KPIs on `calendar`. */
  result(timeline: TimelineRecorder, agents: number, calendar: BusinessCalendar, end: number): SimulationResult {
    const { config, counters, journal } = this;
    const measured = !config.metrics ? null : this.keepViews ? this.views : this.metricViews;
    return {
      views: this.views,
      metrics: measured === null ? null : computeMetrics(measured, { calendar }),
      ...(journal === undefined ? {} : { journal: journal.sort((a, b) => a.at - b.at) }),
      timeline: timeline.timeline,
      stats: {
        inquiries: counters.arrived,
        agents,
        steps: counters.steps,
        rejected: this.rejected,
        effects: counters.effects,
        finished: counters.finished,
        start: config.start,
        end,
      },
    };
  }
}

/** The fields of a view that `computeMetrics` reads. */
function metricsProjection(view: InquiryView): MetricsInquiryView {
  return {
    id: view.id,
    stage: view.stage,
    channel: view.channel,
    priority: view.priority,
    escalation: view.escalation,
    sla: view.sla,
    slaHistory: view.slaHistory,
    feedback: view.feedback,
    contacts: view.contacts,
    receivedAt: view.receivedAt,
    customer: view.customer,
    ...(view.followUpOf === undefined ? {} : { followUpOf: view.followUpOf }),
    ...(view.firstRespondedAt === undefined ? {} : { firstRespondedAt: view.firstRespondedAt }),
    ...(view.resolvedAt === undefined ? {} : { resolvedAt: view.resolvedAt }),
    ...(view.cancelledAt === undefined ? {} : { cancelledAt: view.cancelledAt }),
    reopenCount: view.reopenCount,
  };
}
