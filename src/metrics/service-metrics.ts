/**
 * The shapes of the service KPIs: what {@link computeMetrics} reads of inquiry and contact views,
 * its options, and the figures it returns.
 */
import type { BusinessCalendar } from '../policies/calendar.js';
import type { ContactView } from '../process/contact-view.js';
import type { InquiryView } from '../process/view.js';
import type { Channel, Priority } from '../schemas/inquiry.js';
import type { BuiltInSlaMetric, SlaMetric } from '../schemas/state.js';
import type { DurationInput } from '../schemas/time.js';
import type { CustomerKpis } from './customers.js';
import type { DurationStats } from './stats.js';

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
> & {
  readonly stage: string;
  /** Read by the customer-level figures; views without it are left out of them. */
  readonly customer?: { readonly id: string };
  readonly followUpOf?: string;
};

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
  | 'id'
  | 'inquiryId'
  | 'channel'
  | 'stage'
  | 'outcome'
  | 'resolved'
  | 'handleMs'
  | 'connectedAt'
  | 'completedAt'
  | 'lastEventAt'
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
  /**
   * How soon after a resolution another inquiry of the same customer counts as a repeat contact
   * (`repeatContactRate`): ms or a duration string. Default `'7d'`.
   */
  readonly repeatWindow?: DurationInput;
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
 * The KPIs of one set of inquiries (the whole set, or one channel's or priority's segment).
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
  /**
   * Per metric: the classic three always, and each other metric (built-in or defined) that any
   * inquiry had a decided or open clock of.
   */
  readonly slaAttainment: Readonly<Record<SlaMetric, SlaAttainment>> & {
    readonly [K in BuiltInSlaMetric]?: SlaAttainment;
  } & { readonly [metric: string]: SlaAttainment };
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
export interface ServiceMetrics extends ServiceKpis, CustomerKpis {
  /**
   * Per channel present. Inquiry figures follow the inquiry's channel; handle time and contact
   * figures follow the contact's own channel.
   */
  readonly byChannel: Readonly<Partial<Record<Channel, ServiceKpis>>>;
  /** Per priority present; contacts count under the priority of their inquiry. */
  readonly byPriority: Readonly<Partial<Record<Priority, ServiceKpis>>>;
}
