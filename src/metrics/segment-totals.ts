/**
 * The running totals of one segment of the KPIs (every inquiry, one channel's or one priority's),
 * filled in a single pass over the views and turned into {@link ServiceKpis} at the end.
 */
import type { SlaMetric } from '../schemas/state.js';
import type { ContactKpis, MetricsContactView, ServiceKpis, SlaAttainment } from './service-metrics.js';
import { noSlaCounts, type InquiryFigures, type SlaCounts } from './inquiry-figures.js';
import { summariseInPlace } from './stats.js';

/** Whether a resolved inquiry was resolved at first contact, as seen by one segment; `undefined` when it had no contact there. */
export type FirstContactOutcome = boolean | undefined;

/** Calendar and business samples of one duration. */
interface DurationSamples {
  readonly calendar: number[];
  readonly business: number[];
}

/** The running totals of one segment. Fields are plain counters so that adding stays cheap. */
export interface SegmentTotals {
  readonly firstResponse: DurationSamples;
  readonly nextResponse: DurationSamples;
  readonly resolution: DurationSamples;
  readonly handle: DurationSamples;
  readonly sla: Record<SlaMetric, SlaCounts> & Record<string, SlaCounts | undefined>;
  readonly byStage: Record<string, number>;
  inquiries: number;
  cancelled: number;
  escalated: number;
  everResolved: number;
  reopened: number;
  resolved: number;
  backlogTotal: number;
  unresolved: number;
  fcrEligible: number;
  fcrFirstContact: number;
  csatResponses: number;
  csatSatisfied: number;
  npsResponses: number;
  npsPromoters: number;
  npsDetractors: number;
  cesResponses: number;
  /** Added in view order, as a fold over the segment's scores would. */
  cesSum: number;
  contactViews: number;
  contactsHandled: number;
  contactsSelfService: number;
  contactsAbandoned: number;
}

const OPEN_STAGES = ['inquiry', 'identification', 'resolution', 'followUp'] as const;

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const durationSamples = (): DurationSamples => ({ calendar: [], business: [] });

/** Empty totals; the built-in open stages are present in the backlog from the start. */
export function emptySegment(): SegmentTotals {
  const byStage: Record<string, number> = {};
  for (const stage of OPEN_STAGES) byStage[stage] = 0;
  return {
    firstResponse: durationSamples(),
    nextResponse: durationSamples(),
    resolution: durationSamples(),
    handle: durationSamples(),
    sla: noSlaCounts(),
    byStage,
    inquiries: 0,
    cancelled: 0,
    escalated: 0,
    everResolved: 0,
    reopened: 0,
    resolved: 0,
    backlogTotal: 0,
    unresolved: 0,
    fcrEligible: 0,
    fcrFirstContact: 0,
    csatResponses: 0,
    csatSatisfied: 0,
    npsResponses: 0,
    npsPromoters: 0,
    npsDetractors: 0,
    cesResponses: 0,
    cesSum: 0,
    contactViews: 0,
    contactsHandled: 0,
    contactsSelfService: 0,
    contactsAbandoned: 0,
  };
}

/** Counts a cancelled inquiry: in `counts` only. */
export function addCancelledInquiry(segment: SegmentTotals): void {
  segment.inquiries++;
  segment.cancelled++;
}

/** Adds one (not cancelled) inquiry's figures, with its first-contact outcome as this segment sees its contacts. */
export function addInquiry(segment: SegmentTotals, figures: InquiryFigures, firstContact: FirstContactOutcome): void {
  segment.inquiries++;
  if (figures.firstResponseMs !== undefined)
    addDuration(segment.firstResponse, figures.firstResponseMs, figures.firstResponseBusinessMs);
  if (figures.resolutionMs !== undefined)
    addDuration(segment.resolution, figures.resolutionMs, figures.resolutionBusinessMs);
  for (let cycle = 0; cycle < figures.nextResponses; cycle++) {
    addDuration(segment.nextResponse, figures.nextResponseMs[cycle] ?? 0, figures.nextResponseBusinessMs[cycle] ?? 0);
  }
  for (const metric in figures.sla) {
    const counts = figures.sla[metric] as SlaCounts;
    // A metric this segment has not seen yet is added only once an inquiry has a clock of it.
    if (segment.sla[metric] === undefined && counts.met + counts.breached === 0) continue;
    addSlaCounts((segment.sla[metric] ??= { met: 0, breached: 0 }), counts);
  }
  addScores(segment, figures);
  if (figures.escalated) segment.escalated++;
  if (figures.resolved || figures.reopened) {
    segment.everResolved++;
    if (figures.reopened) segment.reopened++;
  }
  if (figures.resolved) {
    segment.resolved++;
    if (firstContact !== undefined) {
      segment.fcrEligible++;
      if (firstContact) segment.fcrFirstContact++;
    }
  }
  if (figures.open) {
    segment.backlogTotal++;
    if (!figures.resolved) segment.unresolved++;
    segment.byStage[figures.stage] = (segment.byStage[figures.stage] ?? 0) + 1;
  }
}

function addDuration(into: DurationSamples, calendarMs: number, businessMs: number): void {
  into.calendar.push(calendarMs);
  into.business.push(businessMs);
}

function addSlaCounts(into: SlaCounts, counts: SlaCounts): void {
  into.met += counts.met;
  into.breached += counts.breached;
}

function addScores(segment: SegmentTotals, figures: InquiryFigures): void {
  if (figures.csat !== undefined) {
    segment.csatResponses++;
    if (figures.csat >= 4) segment.csatSatisfied++;
  }
  if (figures.nps !== undefined) {
    segment.npsResponses++;
    if (figures.nps >= 9) segment.npsPromoters++;
    if (figures.nps <= 6) segment.npsDetractors++;
  }
  if (figures.ces !== undefined) {
    segment.cesResponses++;
    segment.cesSum += figures.ces;
  }
}

/** Adds one agent-handled contact's handle time. */
export function addHandledContact(segment: SegmentTotals, handleMs: number, handleBusinessMs: number): void {
  addDuration(segment.handle, handleMs, handleBusinessMs);
}

/** Counts one contact view by its outcome. */
export function addContactView(segment: SegmentTotals, view: MetricsContactView): void {
  segment.contactViews++;
  if (view.outcome === 'handled') segment.contactsHandled++;
  else if (view.outcome === 'self-service') segment.contactsSelfService++;
  else if (view.outcome === 'abandoned') segment.contactsAbandoned++;
}

const attainment = (counts: SlaCounts): SlaAttainment => ({
  met: counts.met,
  breached: counts.breached,
  rate: rate(counts.met, counts.met + counts.breached),
});

/** Attainment of the classic metrics (always there) and of every other metric the segment has seen. */
function slaAttainment(segment: SegmentTotals): ServiceKpis['slaAttainment'] {
  const result: Record<string, SlaAttainment> = {};
  for (const metric in segment.sla) result[metric] = attainment(segment.sla[metric] as SlaCounts);
  return result as ServiceKpis['slaAttainment'];
}

function contactKpis(segment: SegmentTotals): ContactKpis {
  const { contactsHandled: handled, contactsSelfService: selfService, contactsAbandoned: abandoned } = segment;
  const finished = handled + selfService + abandoned;
  return {
    total: segment.contactViews,
    handled,
    selfService,
    abandoned,
    abandonmentRate: rate(abandoned, finished),
    selfServiceRate: rate(selfService, finished),
  };
}

/** The KPIs of a segment's totals. Reorders the segment's samples: call it once, at the end. */
export function segmentKpis(segment: SegmentTotals): ServiceKpis {
  const counted = segment.inquiries - segment.cancelled;
  return {
    firstResponseTime: summariseInPlace(segment.firstResponse.calendar),
    nextResponseTime: summariseInPlace(segment.nextResponse.calendar),
    resolutionTime: summariseInPlace(segment.resolution.calendar),
    averageHandleTime: summariseInPlace(segment.handle.calendar),
    business: {
      firstResponseTime: summariseInPlace(segment.firstResponse.business),
      nextResponseTime: summariseInPlace(segment.nextResponse.business),
      resolutionTime: summariseInPlace(segment.resolution.business),
      averageHandleTime: summariseInPlace(segment.handle.business),
    },
    firstContactResolutionRate: rate(segment.fcrFirstContact, segment.fcrEligible),
    slaAttainment: slaAttainment(segment),
    escalationRate: rate(segment.escalated, counted),
    reopenRate: rate(segment.reopened, segment.everResolved),
    csat: rate(segment.csatSatisfied, segment.csatResponses),
    ces: segment.cesResponses === 0 ? null : segment.cesSum / segment.cesResponses,
    nps: rate(100 * (segment.npsPromoters - segment.npsDetractors), segment.npsResponses),
    backlog: { total: segment.backlogTotal, unresolved: segment.unresolved, byStage: segment.byStage },
    counts: {
      inquiries: segment.inquiries,
      cancelled: segment.cancelled,
      resolved: segment.resolved,
      responses: { csat: segment.csatResponses, nps: segment.npsResponses, ces: segment.cesResponses },
    },
    contacts: contactKpis(segment),
  };
}

/**
 * The segments of one breakdown (per channel, per priority), created on first use. There are only a
 * handful of keys, and a linear scan over them costs less than hashing a key for every view.
 */
export class Breakdown<K extends string> {
  private readonly keys: K[] = [];
  private readonly segments: SegmentTotals[] = [];

  /** The segment of `key`, created empty on first use. */
  of(key: K): SegmentTotals {
    const found = this.find(key);
    if (found !== undefined) return found;
    const segment = emptySegment();
    this.keys.push(key);
    this.segments.push(segment);
    return segment;
  }

  /** The segment of `key` if it was ever used. */
  find(key: K): SegmentTotals | undefined {
    // A plain loop rather than `indexOf`, which leaves the compiled code for every lookup (bench/README.md).
    for (let index = 0; index < this.keys.length; index++) if (this.keys[index] === key) return this.segments[index];
    return undefined;
  }

  /** Every segment's KPIs, keys in sorted order. */
  kpis(): Partial<Record<K, ServiceKpis>> {
    const result: Partial<Record<K, ServiceKpis>> = {};
    for (const key of [...this.keys].sort()) {
      const segment = this.find(key);
      if (segment !== undefined) result[key] = segmentKpis(segment);
    }
    return result;
  }
}
