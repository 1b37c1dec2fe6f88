/**
 * Service KPIs from read models: the figures of ARCHITECTURE §4c, computed from inquiry views
 * (and contact views where given). Every definition, with its formula and edge cases, is in
 * `docs/metrics.md`; the TSDoc below summarises them.
 */
import { alwaysOpenCalendar, type BusinessCalendar } from '../policies/calendar.js';
import type { ContactView } from '../process/contact-view.js';
import type { InquiryView } from '../process/view.js';
import type { Channel, Priority } from '../schemas/inquiry.js';
import type { SlaMetric } from '../schemas/state.js';
import { durationStats, type DurationStats } from './stats.js';

/**
 * What {@link computeMetrics} reads of an inquiry view. Any `InquiryView` fits; so does the view
 * of a custom service machine, whose stages may be named differently.
 *
 * @example
 * ```ts
 * import type { InquiryView, MetricsInquiryView } from 'serviceflow';
 * declare const view: InquiryView;
 * const measured: MetricsInquiryView = view;
 * ```
 */
export type MetricsInquiryView = Pick<
  InquiryView,
  | 'id'
  | 'channel'
  | 'priority'
  | 'escalation'
  | 'sla'
  | 'slaHistory'
  | 'feedback'
  | 'contacts'
  | 'receivedAt'
  | 'firstRespondedAt'
  | 'resolvedAt'
  | 'cancelledAt'
  | 'reopenCount'
> & { readonly stage: string };

/**
 * What {@link computeMetrics} reads of a contact view. Any `ContactView` fits.
 *
 * @example
 * ```ts
 * import type { ContactView, MetricsContactView } from 'serviceflow';
 * declare const view: ContactView;
 * const measured: MetricsContactView = view;
 * ```
 */
export type MetricsContactView = Pick<
  ContactView,
  'id' | 'inquiryId' | 'channel' | 'stage' | 'outcome' | 'resolved' | 'handleMs' | 'connectedAt' | 'completedAt' | 'lastEventAt'
>;

/**
 * Options of {@link computeMetrics}.
 *
 * @example
 * ```ts
 * import { businessCalendar, type ContactView, type MetricsOptions } from 'serviceflow';
 * declare const contacts: ContactView[];
 * const options: MetricsOptions = { contacts, calendar: businessCalendar({ timezone: 'Europe/Paris' }) };
 * ```
 */
export interface MetricsOptions {
  /**
   * Contact views: completed contacts add to (and, for the same contact id, take precedence over)
   * the contacts the inquiries recorded, for average handle time and first-contact resolution;
   * the `contacts` section counts them all.
   */
  readonly contacts?: readonly MetricsContactView[];
  /**
   * The calendar the business-time twins are measured on (use the one your SLA policy uses).
   * Default: 24×7, so the twins equal the calendar-time figures.
   */
  readonly calendar?: BusinessCalendar;
}

/**
 * SLA attainment of one metric: decided clocks only (`met` or `breached`).
 *
 * @example
 * ```ts
 * import { computeMetrics, type InquiryView, type SlaAttainment } from 'serviceflow';
 * declare const views: InquiryView[];
 * const firstResponse: SlaAttainment = computeMetrics(views).slaAttainment.firstResponse; // { met, breached, rate }
 * ```
 */
export interface SlaAttainment {
  /** Clocks met in time. */
  readonly met: number;
  /** Clocks that breached (whether or not completed late). */
  readonly breached: number;
  /** `met / (met + breached)`, or `null` when no clock was decided. */
  readonly rate: number | null;
}

/**
 * The four durations, measured one way (calendar or business time).
 *
 * @example
 * ```ts
 * import { computeMetrics, type InquiryView, type ServiceDurations } from 'serviceflow';
 * declare const views: InquiryView[];
 * const business: ServiceDurations = computeMetrics(views).business;
 * ```
 */
export interface ServiceDurations {
  /** Received → first agent reply. */
  readonly firstResponseTime: DurationStats;
  /** Each unanswered customer reply → the agent reply that answered it (from the next-response SLA clocks). */
  readonly nextResponseTime: DurationStats;
  /** Received → resolved (the latest resolution of a reopened inquiry). */
  readonly resolutionTime: DurationStats;
  /** Per agent-handled contact: talk + hold + wrap-up. */
  readonly averageHandleTime: DurationStats;
}

/**
 * Open inquiries per stage.
 *
 * @example
 * ```ts
 * import { computeMetrics, type Backlog, type InquiryView } from 'serviceflow';
 * declare const views: InquiryView[];
 * const backlog: Backlog = computeMetrics(views).backlog;
 * backlog.byStage.resolution; // open inquiries being worked
 * ```
 */
export interface Backlog {
  /** Inquiries neither closed nor cancelled. */
  readonly total: number;
  /** Open inquiries not currently resolved (what still needs work). */
  readonly unresolved: number;
  /** Open inquiries per stage; the built-in open stages are always present. */
  readonly byStage: Readonly<Record<string, number>>;
}

/**
 * Contact volumes and rates (from contact views; zero without them).
 *
 * @example
 * ```ts
 * import { computeMetrics, type ContactKpis, type ContactView } from 'serviceflow';
 * declare const contacts: ContactView[];
 * const { abandonmentRate }: ContactKpis = computeMetrics([], { contacts }).contacts;
 * ```
 */
export interface ContactKpis {
  readonly total: number;
  readonly handled: number;
  readonly selfService: number;
  readonly abandoned: number;
  /** `abandoned / (handled + selfService + abandoned)`, or `null` when no contact finished. */
  readonly abandonmentRate: number | null;
  /** `selfService / (handled + selfService + abandoned)`: the deflection rate, or `null`. */
  readonly selfServiceRate: number | null;
}

/**
 * The KPIs of one set of inquiries (the whole set, or one channel's or priority's share).
 *
 * @example
 * ```ts
 * import { computeMetrics, type InquiryView, type ServiceKpis } from 'serviceflow';
 * declare const views: InquiryView[];
 * const urgent: ServiceKpis | undefined = computeMetrics(views).byPriority.urgent;
 * ```
 */
export interface ServiceKpis extends ServiceDurations {
  /** The same four durations in business time, on `options.calendar`. */
  readonly business: ServiceDurations;
  /** Resolved inquiries (with contacts) whose only contact resolved them, never reopened. 0–1 or `null`. */
  readonly firstContactResolutionRate: number | null;
  readonly slaAttainment: Readonly<Record<SlaMetric, SlaAttainment>>;
  /** Inquiries escalated at least once (by hand or by a rule). 0–1 or `null`. */
  readonly escalationRate: number | null;
  /** Inquiries reopened at least once among those ever resolved. 0–1 or `null`. */
  readonly reopenRate: number | null;
  /** Satisfied (CSAT 4–5) among CSAT responses, the latest per inquiry. 0–1 or `null`. */
  readonly csat: number | null;
  /** Mean CES score (1–7, lower is less effort), the latest per inquiry, or `null`. */
  readonly ces: number | null;
  /** % promoters (9–10) − % detractors (0–6) among NPS responses, the latest per inquiry: −100…100 or `null`. */
  readonly nps: number | null;
  readonly backlog: Backlog;
  /** How many samples the rates rest on. */
  readonly counts: {
    /** Inquiry views given, cancelled ones included. */
    readonly inquiries: number;
    /** Cancelled inquiries: counted here and left out of every other figure. */
    readonly cancelled: number;
    /** Inquiries currently resolved. */
    readonly resolved: number;
    readonly responses: { readonly csat: number; readonly nps: number; readonly ces: number };
  };
  readonly contacts: ContactKpis;
}

/**
 * {@link ServiceKpis} for the whole set, plus the same KPIs per channel and per priority.
 *
 * @example
 * ```ts
 * import { computeMetrics, type InquiryView, type ServiceMetrics } from 'serviceflow';
 * declare const views: InquiryView[];
 * const metrics: ServiceMetrics = computeMetrics(views);
 * ```
 */
export interface ServiceMetrics extends ServiceKpis {
  /**
   * Per channel present. Inquiry figures follow the inquiry's channel; handle time and contact
   * figures follow the contact's own channel.
   */
  readonly byChannel: Readonly<Partial<Record<Channel, ServiceKpis>>>;
  /** Per priority present; contacts count under the priority of their inquiry. */
  readonly byPriority: Readonly<Partial<Record<Priority, ServiceKpis>>>;
}

/** A completed contact, from a contact view or from an inquiry's record of it. */
interface CompletedContact {
  readonly contactId: string;
  readonly inquiryId: string | undefined;
  readonly channel: Channel;
  /** Whether an agent handled it (self-service deflections are completed but not handled). */
  readonly handled: boolean;
  readonly resolved: boolean;
  readonly handleMs: number;
  /** The handled period: agent connected → wrap-up completed. */
  readonly from: number;
  readonly to: number;
}

const OPEN_STAGES = ['inquiry', 'identification', 'resolution', 'followUp'] as const;
const FINAL_STAGES = new Set(['closed', 'cancelled']);
const SLA_METRICS: readonly SlaMetric[] = ['firstResponse', 'nextResponse', 'resolution'];

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const isCancelled = (view: MetricsInquiryView): boolean => view.stage === 'cancelled' || view.cancelledAt !== undefined;

/** Contact views that completed, deduplicated by id (the one with the latest event wins). */
function contactViewsById(contacts: readonly MetricsContactView[]): Map<string, MetricsContactView> {
  const byId = new Map<string, MetricsContactView>();
  for (const contact of contacts) {
    const seen = byId.get(contact.id);
    if (seen === undefined || contact.lastEventAt > seen.lastEventAt) byId.set(contact.id, contact);
  }
  return byId;
}

/**
 * Every completed contact: completed contact views, plus the contacts inquiries recorded that no
 * contact view describes. An inquiry's record with `handleMs` 0 is a self-service deflection.
 */
function completedContacts(inquiries: readonly MetricsInquiryView[], views: ReadonlyMap<string, MetricsContactView>): CompletedContact[] {
  const completed: CompletedContact[] = [];
  for (const view of views.values()) {
    if (view.stage !== 'completed' || view.completedAt === undefined) continue;
    const handled = view.outcome === 'handled';
    completed.push({
      contactId: view.id,
      inquiryId: view.inquiryId,
      channel: view.channel,
      handled,
      resolved: view.resolved ?? false,
      handleMs: view.handleMs,
      from: view.connectedAt ?? view.completedAt,
      to: view.completedAt,
    });
  }
  for (const inquiry of inquiries) {
    for (const contact of inquiry.contacts) {
      if (views.has(contact.contactId)) continue;
      completed.push({
        contactId: contact.contactId,
        inquiryId: inquiry.id,
        channel: contact.channel,
        handled: contact.handleMs > 0,
        resolved: contact.resolved,
        handleMs: contact.handleMs,
        from: contact.at - contact.handleMs,
        to: contact.at,
      });
    }
  }
  return completed;
}

/** The latest score of a kind in an inquiry's responses, or `undefined`. */
function latestScore(inquiry: MetricsInquiryView, kind: 'csat' | 'nps' | 'ces'): number | undefined {
  let latest: { score: number; at: number } | undefined;
  for (const response of inquiry.feedback.responses) {
    if (response.kind === kind && (latest === undefined || response.at >= latest.at)) latest = response;
  }
  return latest?.score;
}

/**
 * Everything the KPIs need from one inquiry, measured once (business time included) so that the
 * overall figures and every breakdown aggregate the same records.
 */
interface InquiryRecord {
  readonly view: MetricsInquiryView;
  readonly cancelled: boolean;
  /** `[calendar ms, business ms]` of each measured period. */
  readonly firstResponse: readonly [number, number] | null;
  readonly resolution: readonly [number, number] | null;
  readonly nextResponses: readonly (readonly [number, number])[];
  readonly csat: number | undefined;
  readonly nps: number | undefined;
  readonly ces: number | undefined;
  /** Met / breached tallies per metric, current clocks and finished cycles. */
  readonly sla: Readonly<Record<SlaMetric, { met: number; breached: number }>>;
}

/** A completed contact with its handle time in calendar and business ms. */
interface ContactRecord extends CompletedContact {
  readonly handleCalendar: number;
  readonly handleBusiness: number;
}

function inquiryRecord(view: MetricsInquiryView, calendar: BusinessCalendar): InquiryRecord {
  const measure = (from: number, to: number): [number, number] => [to - from, calendar.businessTimeBetween(from, to)];
  const sla = { firstResponse: { met: 0, breached: 0 }, nextResponse: { met: 0, breached: 0 }, resolution: { met: 0, breached: 0 } };
  const tally = (metric: SlaMetric, status: string) => {
    if (status === 'met') sla[metric].met++;
    else if (status === 'breached') sla[metric].breached++;
  };
  const nextResponses: [number, number][] = [];
  for (const clock of view.slaHistory) {
    tally(clock.metric, clock.status);
    if (clock.metric === 'nextResponse' && clock.metAt !== undefined) nextResponses.push(measure(clock.startedAt, clock.metAt));
  }
  for (const metric of SLA_METRICS) {
    const clock = view.sla[metric];
    if (clock !== undefined) tally(metric, clock.status);
  }
  const current = view.sla.nextResponse;
  if (current?.metAt !== undefined) nextResponses.push(measure(current.startedAt, current.metAt));
  return {
    view,
    cancelled: isCancelled(view),
    firstResponse: view.firstRespondedAt === undefined ? null : measure(view.receivedAt, view.firstRespondedAt),
    resolution: view.resolvedAt === undefined ? null : measure(view.receivedAt, view.resolvedAt),
    nextResponses,
    csat: latestScore(view, 'csat'),
    nps: latestScore(view, 'nps'),
    ces: latestScore(view, 'ces'),
    sla,
  };
}

function contactKpis(views: readonly MetricsContactView[]): ContactKpis {
  let handled = 0;
  let selfService = 0;
  let abandoned = 0;
  for (const view of views) {
    if (view.outcome === 'handled') handled++;
    else if (view.outcome === 'self-service') selfService++;
    else if (view.outcome === 'abandoned') abandoned++;
  }
  const finished = handled + selfService + abandoned;
  return { total: views.length, handled, selfService, abandoned, abandonmentRate: rate(abandoned, finished), selfServiceRate: rate(selfService, finished) };
}

/**
 * The KPIs of one share: its inquiries (cancelled ones included, for the count) and its contacts.
 * Every handled contact counts towards handle time, whatever became of its inquiry.
 */
function kpis(all: readonly InquiryRecord[], completed: readonly ContactRecord[], contactViews: readonly MetricsContactView[]): ServiceKpis {
  const samples = () => ({ calendar: [] as number[], business: [] as number[] });
  const firstResponse = samples();
  const nextResponse = samples();
  const resolution = samples();
  const handle = samples();
  const add = (into: { calendar: number[]; business: number[] }, [calendarMs, businessMs]: readonly [number, number]) => {
    into.calendar.push(calendarMs);
    into.business.push(businessMs);
  };
  const tally = { firstResponse: { met: 0, breached: 0 }, nextResponse: { met: 0, breached: 0 }, resolution: { met: 0, breached: 0 } };
  const scores = { csat: [] as number[], nps: [] as number[], ces: [] as number[] };
  const byStage: Record<string, number> = Object.fromEntries(OPEN_STAGES.map((stage) => [stage, 0]));
  let counted = 0;
  let escalated = 0;
  let everResolved = 0;
  let reopened = 0;
  let resolved = 0;
  let backlogTotal = 0;
  let unresolved = 0;
  let fcrEligible = 0;
  let fcrFirstContact = 0;

  const contactsByInquiry = new Map<string, ContactRecord[]>();
  for (const contact of completed) {
    if (contact.handled) add(handle, [contact.handleCalendar, contact.handleBusiness]);
    if (contact.inquiryId === undefined) continue;
    const list = contactsByInquiry.get(contact.inquiryId);
    if (list === undefined) contactsByInquiry.set(contact.inquiryId, [contact]);
    else list.push(contact);
  }

  for (const record of all) {
    if (record.cancelled) continue;
    const view = record.view;
    counted++;
    if (record.firstResponse !== null) add(firstResponse, record.firstResponse);
    if (record.resolution !== null) add(resolution, record.resolution);
    for (const cycle of record.nextResponses) add(nextResponse, cycle);
    for (const metric of SLA_METRICS) {
      tally[metric].met += record.sla[metric].met;
      tally[metric].breached += record.sla[metric].breached;
    }
    if (record.csat !== undefined) scores.csat.push(record.csat);
    if (record.nps !== undefined) scores.nps.push(record.nps);
    if (record.ces !== undefined) scores.ces.push(record.ces);
    if (view.escalation.history.length > 0) escalated++;
    if (view.resolvedAt !== undefined || view.reopenCount > 0) {
      everResolved++;
      if (view.reopenCount > 0) reopened++;
    }
    if (view.resolvedAt !== undefined) {
      resolved++;
      const own = contactsByInquiry.get(view.id);
      if (own !== undefined && own.length > 0) {
        fcrEligible++;
        if (own.length === 1 && own[0]?.resolved === true && view.reopenCount === 0) fcrFirstContact++;
      }
    }
    if (!FINAL_STAGES.has(view.stage)) {
      backlogTotal++;
      if (view.resolvedAt === undefined) unresolved++;
      byStage[view.stage] = (byStage[view.stage] ?? 0) + 1;
    }
  }

  const attainment = (t: { met: number; breached: number }): SlaAttainment => ({ ...t, rate: rate(t.met, t.met + t.breached) });
  const promoters = scores.nps.filter((score) => score >= 9).length;
  const detractors = scores.nps.filter((score) => score <= 6).length;
  return {
    firstResponseTime: durationStats(firstResponse.calendar),
    nextResponseTime: durationStats(nextResponse.calendar),
    resolutionTime: durationStats(resolution.calendar),
    averageHandleTime: durationStats(handle.calendar),
    business: {
      firstResponseTime: durationStats(firstResponse.business),
      nextResponseTime: durationStats(nextResponse.business),
      resolutionTime: durationStats(resolution.business),
      averageHandleTime: durationStats(handle.business),
    },
    firstContactResolutionRate: rate(fcrFirstContact, fcrEligible),
    slaAttainment: { firstResponse: attainment(tally.firstResponse), nextResponse: attainment(tally.nextResponse), resolution: attainment(tally.resolution) },
    escalationRate: rate(escalated, counted),
    reopenRate: rate(reopened, everResolved),
    csat: rate(scores.csat.filter((score) => score >= 4).length, scores.csat.length),
    ces: scores.ces.length === 0 ? null : scores.ces.reduce((sum, score) => sum + score, 0) / scores.ces.length,
    nps: rate(100 * (promoters - detractors), scores.nps.length),
    backlog: { total: backlogTotal, unresolved, byStage },
    counts: {
      inquiries: all.length,
      cancelled: all.length - counted,
      resolved,
      responses: { csat: scores.csat.length, nps: scores.nps.length, ces: scores.ces.length },
    },
    contacts: contactKpis(contactViews),
  };
}

/**
 * Computes the service KPIs of ARCHITECTURE §4c from inquiry views (and contact views where
 * given): `firstResponseTime`, `nextResponseTime`, `resolutionTime`, `averageHandleTime` as
 * `{ count, mean, median, p90 }` in ms of calendar time, their business-time twins under
 * `business`, `firstContactResolutionRate`, `slaAttainment` per metric, `escalationRate`,
 * `reopenRate`, `csat`, `ces`, `nps` and `backlog`, plus the same per channel and per priority.
 *
 * Rates are fractions 0–1 and NPS is points −100…100; a rate or mean over nothing is `null`.
 * Cancelled inquiries count in `counts.cancelled` only. The result does not depend on the order of
 * the views. Definitions and edge cases: `docs/metrics.md`.
 *
 * @example
 * ```ts
 * import { computeMetrics, createProcess, inquiryMachine } from 'serviceflow';
 * const process = createProcess(inquiryMachine);
 * let step = process.start({ id: 'T-1', channel: 'chat', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * step = process.send(step.state, { type: 'agent.reply', at: '2026-03-02T09:04:00Z' });
 * step = process.send(step.state, { type: 'resolve', at: '2026-03-02T09:30:00Z' });
 * const metrics = computeMetrics([process.view(step.state)]);
 * metrics.firstResponseTime.mean; // 240000
 * metrics.byChannel.chat?.resolutionTime.median; // 1800000
 * ```
 */
export function computeMetrics(views: readonly MetricsInquiryView[], options: MetricsOptions = {}): ServiceMetrics {
  const calendar = options.calendar ?? alwaysOpenCalendar;
  const contactViews = [...contactViewsById(options.contacts ?? []).values()];
  const records = views.map((view) => inquiryRecord(view, calendar));
  // Records built field by field in one order (one object shape), not by spreading.
  const completed: ContactRecord[] = completedContacts(views, new Map(contactViews.map((view) => [view.id, view]))).map((contact) => ({
    contactId: contact.contactId,
    inquiryId: contact.inquiryId,
    channel: contact.channel,
    handled: contact.handled,
    resolved: contact.resolved,
    handleMs: contact.handleMs,
    from: contact.from,
    to: contact.to,
    handleCalendar: contact.handleMs,
    handleBusiness: contact.handled ? calendar.businessTimeBetween(contact.from, contact.to) : 0,
  }));

  const group = <K extends string, T>(items: readonly T[], keyOf: (item: T) => K | undefined): Map<K, T[]> => {
    const groups = new Map<K, T[]>();
    for (const item of items) {
      const key = keyOf(item);
      if (key === undefined) continue;
      const list = groups.get(key);
      if (list === undefined) groups.set(key, [item]);
      else list.push(item);
    }
    return groups;
  };

  const byChannel: Partial<Record<Channel, ServiceKpis>> = {};
  const recordsByChannel = group(records, (record) => record.view.channel);
  const completedByChannel = group(completed, (contact) => contact.channel);
  const contactViewsByChannel = group(contactViews, (contact) => contact.channel);
  const channels = new Set<Channel>([...recordsByChannel.keys(), ...completedByChannel.keys(), ...contactViewsByChannel.keys()]);
  for (const channel of [...channels].sort()) {
    byChannel[channel] = kpis(recordsByChannel.get(channel) ?? [], completedByChannel.get(channel) ?? [], contactViewsByChannel.get(channel) ?? []);
  }

  const byPriority: Partial<Record<Priority, ServiceKpis>> = {};
  const priorityOf = new Map(views.map((view) => [view.id, view.priority]));
  const priorityOfInquiry = (inquiryId: string | undefined) => (inquiryId === undefined ? undefined : priorityOf.get(inquiryId));
  const recordsByPriority = group(records, (record) => record.view.priority);
  const completedByPriority = group(completed, (contact) => priorityOfInquiry(contact.inquiryId));
  const contactViewsByPriority = group(contactViews, (contact) => priorityOfInquiry(contact.inquiryId));
  for (const priority of [...recordsByPriority.keys()].sort()) {
    byPriority[priority] = kpis(recordsByPriority.get(priority) ?? [], completedByPriority.get(priority) ?? [], contactViewsByPriority.get(priority) ?? []);
  }

  return { ...kpis(records, completed, contactViews), byChannel, byPriority };
}
