/**
 * What one inquiry view adds to the KPIs, read and measured once.
 */
import type { BusinessCalendar } from '../policies/calendar.js';
import type { SlaMetric } from '../schemas/state.js';
import type { MetricsInquiryView } from './service-metrics.js';

/** Met and breached clocks of one SLA metric. */
export interface SlaCounts {
  met: number;
  breached: number;
}

/** No clock of any metric decided yet. */
export const noSlaCounts = (): Record<SlaMetric, SlaCounts> & Record<string, SlaCounts | undefined> => ({
  firstResponse: { met: 0, breached: 0 },
  nextResponse: { met: 0, breached: 0 },
  resolution: { met: 0, breached: 0 },
});

const FINAL_STAGES = new Set(['closed', 'cancelled']);

/**
 * Everything one inquiry adds to the segments it belongs to (every inquiry, its channel's, its
 * priority's), read and measured once (business time included) so that the overall figures and
 * every breakdown aggregate the same values.
 *
 * One instance serves every view of a computation: {@link InquiryFigures.measure} overwrites every
 * field. Over 100k views, a fresh record per view was a good part of the garbage collector's work.
 */
export class InquiryFigures {
  stage = '';
  /** Neither closed nor cancelled: in the backlog. */
  open = false;
  /** Escalated at least once. */
  escalated = false;
  /** Currently resolved. */
  resolved = false;
  reopened = false;
  /** Received → first agent reply, in calendar and business ms; `undefined` before any reply. */
  firstResponseMs: number | undefined;
  firstResponseBusinessMs = 0;
  /** Received → resolved; `undefined` while unresolved. */
  resolutionMs: number | undefined;
  resolutionBusinessMs = 0;
  /**
   * How many next-response cycles (customer reply → agent reply) were answered: the first
   * `nextResponses` entries of the two lists. The lists keep their room from view to view.
   */
  nextResponses = 0;
  readonly nextResponseMs: number[] = [];
  readonly nextResponseBusinessMs: number[] = [];
  /** Met / breached tallies per metric, current clocks and finished cycles. */
  readonly sla = noSlaCounts();
  /** The latest score of each kind, or `undefined`. */
  csat: number | undefined;
  nps: number | undefined;
  ces: number | undefined;

  /** Reads and measures `view`, replacing the previous view's figures. */
  measure(view: MetricsInquiryView, calendar: BusinessCalendar): this {
    // Each field of the view is read once: views come in several shapes, so every read is a slow lookup.
    const { stage, receivedAt, firstRespondedAt, resolvedAt } = view;
    this.stage = stage;
    this.open = !FINAL_STAGES.has(stage);
    this.escalated = view.escalation.history.length > 0;
    this.resolved = resolvedAt !== undefined;
    this.reopened = view.reopenCount > 0;
    this.firstResponseMs = firstRespondedAt === undefined ? undefined : firstRespondedAt - receivedAt;
    this.firstResponseBusinessMs =
      firstRespondedAt === undefined ? 0 : calendar.businessTimeBetween(receivedAt, firstRespondedAt);
    this.resolutionMs = resolvedAt === undefined ? undefined : resolvedAt - receivedAt;
    this.resolutionBusinessMs = resolvedAt === undefined ? 0 : calendar.businessTimeBetween(receivedAt, resolvedAt);
    this.countClocks(view, calendar);
    const responses = view.feedback.responses;
    // Most inquiries have no response: skip the three scans.
    this.csat = responses.length === 0 ? undefined : latestScore(responses, 'csat');
    this.nps = responses.length === 0 ? undefined : latestScore(responses, 'nps');
    this.ces = responses.length === 0 ? undefined : latestScore(responses, 'ces');
    return this;
  }

  /** SLA verdicts of the current clocks and of the finished ones, and every answered next-response cycle. */
  private countClocks(view: MetricsInquiryView, calendar: BusinessCalendar): void {
    const { sla } = this;
    for (const metric in sla) clear(sla[metric] as SlaCounts);
    this.nextResponses = 0;
    for (const clock of view.slaHistory) {
      countClock((sla[clock.metric] ??= { met: 0, breached: 0 }), clock.status);
      if (clock.metric === 'nextResponse' && clock.metAt !== undefined)
        this.addCycle(clock.startedAt, clock.metAt, calendar);
    }
    // Named reads rather than a loop over the metrics with a computed key (bench/README.md).
    const { firstResponse, nextResponse, resolution } = view.sla;
    if (firstResponse !== undefined) countClock(sla.firstResponse, firstResponse.status);
    if (nextResponse !== undefined) countClock(sla.nextResponse, nextResponse.status);
    if (resolution !== undefined) countClock(sla.resolution, resolution.status);
    if (nextResponse?.metAt !== undefined) this.addCycle(nextResponse.startedAt, nextResponse.metAt, calendar);
    // Defined metrics (periodicUpdate, timeToAssign, a process's own): by name.
    for (const metric in view.sla) {
      if (metric === 'firstResponse' || metric === 'nextResponse' || metric === 'resolution') continue;
      const clock = view.sla[metric];
      if (clock !== undefined) countClock((sla[metric] ??= { met: 0, breached: 0 }), clock.status);
    }
  }

  private addCycle(startedAt: number, metAt: number, calendar: BusinessCalendar): void {
    this.nextResponseMs[this.nextResponses] = metAt - startedAt;
    this.nextResponseBusinessMs[this.nextResponses] = calendar.businessTimeBetween(startedAt, metAt);
    this.nextResponses++;
  }
}

function clear(counts: SlaCounts): void {
  counts.met = 0;
  counts.breached = 0;
}

function countClock(counts: SlaCounts, status: string): void {
  if (status === 'met') counts.met++;
  else if (status === 'breached') counts.breached++;
}

/** The latest score of a kind in an inquiry's responses, or `undefined`. */
function latestScore(
  responses: MetricsInquiryView['feedback']['responses'],
  kind: 'csat' | 'nps' | 'ces',
): number | undefined {
  let latest: { score: number; at: number } | undefined;
  for (const response of responses) {
    if (response.kind === kind && (latest === undefined || response.at >= latest.at)) latest = response;
  }
  return latest?.score;
}
