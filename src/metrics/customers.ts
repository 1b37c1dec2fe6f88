/**
 * Customer-level KPIs: how many customers the inquiries came from, how many inquiries each, and
 * the repeat contact rate (the industry's proxy for "was it really solved": the same customer back
 * soon after a resolution). Follow-ups count as repeat contacts like any other new inquiry; they
 * are not reopens of the inquiry they follow.
 */
import { describeZodError, InvalidConfigError } from '../errors.js';
import { PositiveDuration, type DurationInput } from '../schemas/time.js';

/** What the customer figures read of an inquiry view. */
export interface CustomerFacts {
  readonly id: string;
  readonly stage: string;
  readonly customer?: { readonly id: string };
  readonly receivedAt: number;
  readonly resolvedAt?: number;
  readonly cancelledAt?: number;
  readonly followUpOf?: string;
}

/**
 * The customer-level figures of a set of inquiries (cancelled ones left out, as everywhere else).
 *
 * @example
 * ```ts
 * import { computeMetrics, type CustomerKpis, type InquiryView } from 'serviceflow';
 * declare const views: InquiryView[];
 * const { customers, inquiriesPerCustomer, repeatContactRate }: CustomerKpis = computeMetrics(views);
 * ```
 */
export interface CustomerKpis {
  /** Distinct customers among the inquiries. */
  readonly customers: number;
  /** Inquiries per customer (mean), or `null` without inquiries. */
  readonly inquiriesPerCustomer: number | null;
  /**
   * Resolved inquiries whose customer opened another inquiry within `repeatWindow` of the
   * resolution (received at or after the resolution, at most the window later), over resolved
   * inquiries: 0–1, or `null` when none is resolved.
   */
  readonly repeatContactRate: number | null;
  /** Inquiries that are follow-ups of another (`followUpOf`): they count as repeat contacts, not reopens. */
  readonly followUps: number;
}

/** The default repeat window: 7 days. */
const DEFAULT_REPEAT_WINDOW = 7 * 86_400_000;

/** Reads `repeatWindow` (ms or a duration string), throwing `INVALID_CONFIG` when it is not one. */
export function parseRepeatWindow(value: DurationInput | undefined): number {
  if (value === undefined) return DEFAULT_REPEAT_WINDOW;
  const parsed = PositiveDuration.safeParse(value);
  if (!parsed.success) {
    const { message, details } = describeZodError('metrics option repeatWindow', value, parsed.error);
    throw new InvalidConfigError(message, { ...details, path: ['repeatWindow', ...(details.path ?? [])] });
  }
  return parsed.data;
}

/** The first index of the sorted `times` whose value is at least `at`. */
function firstAtOrAfter(times: readonly number[], at: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) < at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The customer-level figures of `views`; `windowMs` is the repeat window. */
export function customerKpis(views: readonly CustomerFacts[], windowMs: number): CustomerKpis {
  const arrivals = new Map<string, number[]>();
  let inquiries = 0;
  let followUps = 0;
  for (const view of views) {
    if (view.stage === 'cancelled' || view.cancelledAt !== undefined || view.customer === undefined) continue;
    inquiries++;
    if (view.followUpOf !== undefined) followUps++;
    const times = arrivals.get(view.customer.id);
    if (times === undefined) arrivals.set(view.customer.id, [view.receivedAt]);
    else times.push(view.receivedAt);
  }
  for (const times of arrivals.values()) if (times.length > 1) times.sort((a, b) => a - b);
  let resolved = 0;
  let repeated = 0;
  for (const view of views) {
    if (
      view.resolvedAt === undefined ||
      view.stage === 'cancelled' ||
      view.cancelledAt !== undefined ||
      view.customer === undefined
    )
      continue;
    resolved++;
    const times = arrivals.get(view.customer.id);
    if (times === undefined || times.length < 2) continue;
    // Another inquiry received in [resolvedAt, resolvedAt + window]; the inquiry itself was received
    // before it was resolved, or at the same instant (then it needs a second one at that instant).
    let index = firstAtOrAfter(times, view.resolvedAt);
    if (index < times.length && times[index] === view.receivedAt) index++;
    if (index < times.length && (times[index] as number) <= view.resolvedAt + windowMs) repeated++;
  }
  return {
    customers: arrivals.size,
    inquiriesPerCustomer: arrivals.size === 0 ? null : inquiries / arrivals.size,
    repeatContactRate: resolved === 0 ? null : repeated / resolved,
    followUps,
  };
}
