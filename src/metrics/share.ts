/**
 * The running totals of one share of the KPIs (every inquiry, one channel's or one priority's),
 * filled in a single pass over the views and turned into {@link ServiceKpis} at the end.
 */
import type { SlaMetric } from '../schemas/state.js';
import type { ContactKpis, MetricsContactView, ServiceKpis, SlaAttainment } from './compute.js';
import { noSlaCounts, type InquiryFigures, type SlaCounts } from './inquiry-figures.js';
import { summariseInPlace } from './stats.js';

/** Whether a resolved inquiry was resolved at first contact, as seen by one share; `undefined` when it had no contact there. */
export type FirstContactOutcome = boolean | undefined;

/** Calendar and business samples of one duration. */
interface DurationSamples {
  readonly calendar: number[];
  readonly business: number[];
}

/** The running totals of one share. Fields are plain counters so that adding stays cheap. */
export interface ShareTotals {
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
  /** Added in view order, as a fold over the share's scores would. */
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
export function emptyShare(): ShareTotals {
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
export function addCancelledInquiry(share: ShareTotals): void {
  share.inquiries++;
  share.cancelled++;
}

/** Adds one (not cancelled) inquiry's figures, with its first-contact outcome as this share sees its contacts. */
export function addInquiry(share: ShareTotals, figures: InquiryFigures, firstContact: FirstContactOutcome): void {
  share.inquiries++;
  if (figures.firstResponseMs !== undefined)
    addDuration(share.firstResponse, figures.firstResponseMs, figures.firstResponseBusinessMs);
  if (figures.resolutionMs !== undefined)
    addDuration(share.resolution, figures.resolutionMs, figures.resolutionBusinessMs);
  for (let cycle = 0; cycle < figures.nextResponses; cycle++) {
    addDuration(share.nextResponse, figures.nextResponseMs[cycle] ?? 0, figures.nextResponseBusinessMs[cycle] ?? 0);
  }
  for (const metric in figures.sla) {
    const counts = figures.sla[metric] as SlaCounts;
    // A metric this share has not seen yet is added only once an inquiry has a clock of it.
    if (share.sla[metric] === undefined && counts.met + counts.breached === 0) continue;
    addSlaCounts((share.sla[metric] ??= { met: 0, breached: 0 }), counts);
  }
  addScores(share, figures);
  if (figures.escalated) share.escalated++;
  if (figures.resolved || figures.reopened) {
    share.everResolved++;
    if (figures.reopened) share.reopened++;
  }
  if (figures.resolved) {
    share.resolved++;
    if (firstContact !== undefined) {
      share.fcrEligible++;
      if (firstContact) share.fcrFirstContact++;
    }
  }
  if (figures.open) {
    share.backlogTotal++;
    if (!figures.resolved) share.unresolved++;
    share.byStage[figures.stage] = (share.byStage[figures.stage] ?? 0) + 1;
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

function addScores(share: ShareTotals, figures: InquiryFigures): void {
  if (figures.csat !== undefined) {
    share.csatResponses++;
    if (figures.csat >= 4) share.csatSatisfied++;
  }
  if (figures.nps !== undefined) {
    share.npsResponses++;
    if (figures.nps >= 9) share.npsPromoters++;
    if (figures.nps <= 6) share.npsDetractors++;
  }
  if (figures.ces !== undefined) {
    share.cesResponses++;
    share.cesSum += figures.ces;
  }
}

/** Adds one agent-handled contact's handle time. */
export function addHandledContact(share: ShareTotals, handleMs: number, handleBusinessMs: number): void {
  addDuration(share.handle, handleMs, handleBusinessMs);
}

/** Counts one contact view by its outcome. */
export function addContactView(share: ShareTotals, view: MetricsContactView): void {
  share.contactViews++;
  if (view.outcome === 'handled') share.contactsHandled++;
  else if (view.outcome === 'self-service') share.contactsSelfService++;
  else if (view.outcome === 'abandoned') share.contactsAbandoned++;
}

const attainment = (counts: SlaCounts): SlaAttainment => ({
  met: counts.met,
  breached: counts.breached,
  rate: rate(counts.met, counts.met + counts.breached),
});

/** Attainment of the classic metrics (always there) and of every other metric the share has seen. */
function slaAttainment(share: ShareTotals): ServiceKpis['slaAttainment'] {
  const result: Record<string, SlaAttainment> = {};
  for (const metric in share.sla) result[metric] = attainment(share.sla[metric] as SlaCounts);
  return result as ServiceKpis['slaAttainment'];
}

function contactKpis(share: ShareTotals): ContactKpis {
  const { contactsHandled: handled, contactsSelfService: selfService, contactsAbandoned: abandoned } = share;
  const finished = handled + selfService + abandoned;
  return {
    total: share.contactViews,
    handled,
    selfService,
    abandoned,
    abandonmentRate: rate(abandoned, finished),
    selfServiceRate: rate(selfService, finished),
  };
}

/** The KPIs of a share's totals. Reorders the share's samples: call it once, at the end. */
export function shareKpis(share: ShareTotals): ServiceKpis {
  const counted = share.inquiries - share.cancelled;
  return {
    firstResponseTime: summariseInPlace(share.firstResponse.calendar),
    nextResponseTime: summariseInPlace(share.nextResponse.calendar),
    resolutionTime: summariseInPlace(share.resolution.calendar),
    averageHandleTime: summariseInPlace(share.handle.calendar),
    business: {
      firstResponseTime: summariseInPlace(share.firstResponse.business),
      nextResponseTime: summariseInPlace(share.nextResponse.business),
      resolutionTime: summariseInPlace(share.resolution.business),
      averageHandleTime: summariseInPlace(share.handle.business),
    },
    firstContactResolutionRate: rate(share.fcrFirstContact, share.fcrEligible),
    slaAttainment: slaAttainment(share),
    escalationRate: rate(share.escalated, counted),
    reopenRate: rate(share.reopened, share.everResolved),
    csat: rate(share.csatSatisfied, share.csatResponses),
    ces: share.cesResponses === 0 ? null : share.cesSum / share.cesResponses,
    nps: rate(100 * (share.npsPromoters - share.npsDetractors), share.npsResponses),
    backlog: { total: share.backlogTotal, unresolved: share.unresolved, byStage: share.byStage },
    counts: {
      inquiries: share.inquiries,
      cancelled: share.cancelled,
      resolved: share.resolved,
      responses: { csat: share.csatResponses, nps: share.npsResponses, ces: share.cesResponses },
    },
    contacts: contactKpis(share),
  };
}

/**
 * The shares of one breakdown (per channel, per priority), created on first use. There are only a
 * handful of keys, and a linear scan over them costs less than hashing a key for every view.
 */
export class Breakdown<K extends string> {
  private readonly keys: K[] = [];
  private readonly shares: ShareTotals[] = [];

  /** The share of `key`, created empty on first use. */
  of(key: K): ShareTotals {
    const found = this.find(key);
    if (found !== undefined) return found;
    const share = emptyShare();
    this.keys.push(key);
    this.shares.push(share);
    return share;
  }

  /** The share of `key` if it was ever used. */
  find(key: K): ShareTotals | undefined {
    // A plain loop: `indexOf` is a call into the runtime per lookup, `===` is inlined.
    for (let index = 0; index < this.keys.length; index++) if (this.keys[index] === key) return this.shares[index];
    return undefined;
  }

  /** Every share's KPIs, keys in sorted order. */
  kpis(): Partial<Record<K, ServiceKpis>> {
    const result: Partial<Record<K, ServiceKpis>> = {};
    for (const key of [...this.keys].sort()) {
      const share = this.find(key);
      if (share !== undefined) result[key] = shareKpis(share);
    }
    return result;
  }
}
