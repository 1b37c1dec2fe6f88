/**
 * Service KPIs from read models: the figures of ARCHITECTURE §4c, computed from inquiry views
 * (and contact views where given). Every definition, with its formula and edge cases, is in
 * `docs/metrics.md`; the TSDoc below summarises them.
 */
import { alwaysOpenCalendar, type BusinessCalendar } from '../policies/calendar.js';
import { abbreviate, InvalidInputError, ServiceFlowError } from '../errors.js';
import type { Channel, Priority } from '../schemas/inquiry.js';
import { InquiryFigures } from './inquiry-figures.js';
import type { MetricsContactView, MetricsInquiryView, MetricsOptions, ServiceMetrics } from './service-metrics.js';
import {
  addCancelledInquiry,
  addContactView,
  addHandledContact,
  addInquiry,
  Breakdown,
  emptySegment,
  segmentKpis,
  type FirstContactOutcome,
  type SegmentTotals,
} from './segment-totals.js';
import { customerKpis, parseRepeatWindow } from './customers.js';

export type {
  Backlog,
  ContactKpis,
  MetricsContactView,
  MetricsInquiryView,
  MetricsOptions,
  ServiceDurations,
  ServiceKpis,
  ServiceMetrics,
  SlaAttainment,
} from './service-metrics.js';

/**
 * A completed contact, from a contact view or from an inquiry's record of it, with its handle
 * time in calendar and business ms.
 */
interface CompletedContact {
  readonly channel: Channel;
  /** Whether an agent handled it (self-service deflections are completed but not handled). */
  readonly handled: boolean;
  readonly resolved: boolean;
  /** Talk + hold + wrap-up. */
  readonly handleMs: number;
  /** Business time over the handled period (agent connected → wrap-up completed); 0 when not handled. */
  readonly handleBusinessMs: number;
}

/** A contact as an inquiry recorded it. */
type RecordedContact = MetricsInquiryView['contacts'][number];

/** What first-contact resolution reads of a completed contact, whichever its source. */
type ContactOutcome = Pick<CompletedContact, 'channel' | 'resolved'>;

/**
 * The completed contacts of an inquiry id that more than its own view describes: contact views
 * name it, or several inquiry views carry it. They count under the priority of the id's last view
 * (`undefined` when no view carries it), and so do its contact views.
 */
interface SharedInquiry {
  priority: Priority | undefined;
  readonly completed: CompletedContact[];
}

/** The segments every inquiry and contact is added to. */
interface Segments {
  readonly overall: SegmentTotals;
  readonly byChannel: Breakdown<Channel>;
  readonly byPriority: Breakdown<Priority>;
}

const isCancelled = (view: MetricsInquiryView): boolean => view.stage === 'cancelled' || view.cancelledAt !== undefined;

/** Contact views deduplicated by id (the one with the latest event wins). */
function contactViewsById(contacts: readonly MetricsContactView[]): Map<string, MetricsContactView> {
  const byId = new Map<string, MetricsContactView>();
  for (const contact of contacts) {
    const seen = byId.get(contact.id);
    if (seen === undefined || contact.lastEventAt > seen.lastEventAt) byId.set(contact.id, contact);
  }
  return byId;
}

function completedFromView(
  view: MetricsContactView,
  completedAt: number,
  calendar: BusinessCalendar,
): CompletedContact {
  const handled = view.outcome === 'handled';
  return {
    channel: view.channel,
    handled,
    resolved: view.resolved ?? false,
    handleMs: view.handleMs,
    handleBusinessMs: handled ? calendar.businessTimeBetween(view.connectedAt ?? completedAt, completedAt) : 0,
  };
}

/** The contacts an inquiry recorded that no contact view describes (a contact view takes precedence). */
function recordedContacts(
  view: MetricsInquiryView,
  contactViews: ReadonlyMap<string, MetricsContactView>,
): readonly RecordedContact[] {
  const contacts = view.contacts;
  if (contactViews.size === 0 || contacts.length === 0) return contacts;
  return contacts.filter((contact) => !contactViews.has(contact.contactId));
}

/** An inquiry's record of a contact as a completed contact: `handleMs` 0 is a self-service deflection. */
function completedFromRecord(contact: RecordedContact, calendar: BusinessCalendar): CompletedContact {
  const handled = contact.handleMs > 0;
  return {
    channel: contact.channel,
    handled,
    resolved: contact.resolved,
    handleMs: contact.handleMs,
    handleBusinessMs: handled ? calendar.businessTimeBetween(contact.at - contact.handleMs, contact.at) : 0,
  };
}

/** Ids that more than one inquiry view carries: normally none. */
function repeatedIds(views: readonly MetricsInquiryView[]): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const view of views) {
    const before = seen.size;
    seen.add(view.id);
    if (seen.size === before) repeated.push(view.id);
  }
  return repeated;
}

function sharedInquiry(shared: Map<string, SharedInquiry>, inquiryId: string): SharedInquiry {
  let entry = shared.get(inquiryId);
  if (entry === undefined) {
    entry = { priority: undefined, completed: [] };
    shared.set(inquiryId, entry);
  }
  return entry;
}

/**
 * The inquiry ids whose completed contacts come from more than their own view (see
 * {@link SharedInquiry}), and the completed contacts of contact views that name no inquiry. Every
 * other inquiry's contacts are its own record, read as its view is.
 */
function sharedContacts(
  views: readonly MetricsInquiryView[],
  contactViews: ReadonlyMap<string, MetricsContactView>,
  calendar: BusinessCalendar,
): { shared: Map<string, SharedInquiry>; unlinked: CompletedContact[] } {
  const shared = new Map<string, SharedInquiry>();
  const unlinked: CompletedContact[] = [];
  for (const view of contactViews.values()) {
    // Every named inquiry gets an entry, if only for the priority its contact views count under.
    const entry = view.inquiryId === undefined ? undefined : sharedInquiry(shared, view.inquiryId);
    if (view.stage !== 'completed' || view.completedAt === undefined) continue;
    const contact = completedFromView(view, view.completedAt, calendar);
    if (entry === undefined) unlinked.push(contact);
    else entry.completed.push(contact);
  }
  for (const id of repeatedIds(views)) sharedInquiry(shared, id);
  if (shared.size === 0) return { shared, unlinked };
  for (const view of views) {
    const entry = shared.get(view.id);
    if (entry === undefined) continue;
    entry.priority = view.priority;
    for (const contact of recordedContacts(view, contactViews))
      entry.completed.push(completedFromRecord(contact, calendar));
  }
  return { shared, unlinked };
}

/** Counts a completed contact: in its own channel's segment, and its handle time when an agent handled it. */
function addCompletedContact(segments: Segments, contact: CompletedContact, priority: Priority | undefined): void {
  const channelSegment = segments.byChannel.of(contact.channel);
  if (contact.handled) addHandleTime(segments, channelSegment, priority, contact.handleMs, contact.handleBusinessMs);
}

/**
 * Counts a contact an inquiry recorded, as {@link addCompletedContact} does, straight from the
 * record: most inquiries share their id with no other view, and their contacts need no copy.
 */
function addRecordedContact(
  segments: Segments,
  contact: RecordedContact,
  priority: Priority,
  calendar: BusinessCalendar,
): void {
  const channelSegment = segments.byChannel.of(contact.channel);
  const { handleMs, at } = contact;
  if (handleMs > 0)
    addHandleTime(segments, channelSegment, priority, handleMs, calendar.businessTimeBetween(at - handleMs, at));
}

function addHandleTime(
  segments: Segments,
  channelSegment: SegmentTotals,
  priority: Priority | undefined,
  handleMs: number,
  handleBusinessMs: number,
): void {
  addHandledContact(segments.overall, handleMs, handleBusinessMs);
  addHandledContact(channelSegment, handleMs, handleBusinessMs);
  const prioritySegment = priority === undefined ? undefined : segments.byPriority.find(priority);
  if (prioritySegment !== undefined) addHandledContact(prioritySegment, handleMs, handleBusinessMs);
}

/** Counts every contact view: in its own channel's segment, and under its inquiry's priority. */
function addContactViews(
  segments: Segments,
  contactViews: ReadonlyMap<string, MetricsContactView>,
  shared: ReadonlyMap<string, SharedInquiry>,
): void {
  for (const view of contactViews.values()) {
    addContactView(segments.overall, view);
    addContactView(segments.byChannel.of(view.channel), view);
    const priority = view.inquiryId === undefined ? undefined : shared.get(view.inquiryId)?.priority;
    const prioritySegment = priority === undefined ? undefined : segments.byPriority.find(priority);
    if (prioritySegment !== undefined) addContactView(prioritySegment, view);
  }
}

/**
 * Whether an inquiry was resolved at first contact, counting only its contacts on `channel`
 * (all of them without): `undefined` when there are none, `true` when the only one resolved it
 * and the inquiry was never reopened.
 */
function firstContactOutcome(
  contacts: readonly ContactOutcome[],
  channel: Channel | undefined,
  reopened: boolean,
): FirstContactOutcome {
  let count = 0;
  let onlyResolved = false;
  for (const contact of contacts) {
    if (channel !== undefined && contact.channel !== channel) continue;
    count++;
    onlyResolved = contact.resolved;
  }
  return count === 0 ? undefined : count === 1 && onlyResolved && !reopened;
}

/**
 * Computes the service KPIs of ARCHITECTURE §4c from inquiry views (and contact views where
 * given): `firstResponseTime`, `nextResponseTime`, `resolutionTime`, `averageHandleTime` as
 * `{ count, mean, median, p90 }` in ms of calendar time, their business-time twins under
 * `business`, `firstContactResolutionRate`, `slaAttainment` per metric, `escalationRate`,
 * `reopenRate`, `csat`, `ces`, `nps` and `backlog`, plus the same per channel and per priority,
 * and the customer-level `customers`, `inquiriesPerCustomer`, `repeatContactRate` (another inquiry
 * of the same customer within `options.repeatWindow`, default 7 days, of a resolution) and
 * `followUps`.
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
  checkMetricsInput(views, options);
  try {
    return metricsOf(views, options);
  } catch (error) {
    if (error instanceof ServiceFlowError) throw error;
    // Views are read as process.view makes them; one that is not breaks the arithmetic.
    throw new InvalidInputError(
      `computeMetrics: a view is not one process.view (or contactView) made: ${error instanceof Error ? error.message : abbreviate(error)}`,
      { path: ['views'], expected: 'views from process.view and contact views from contactView', cause: error },
    );
  }
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

function refuseMetricsInput(path: (string | number)[], received: unknown, expected: string): never {
  throw new InvalidInputError(
    `computeMetrics: ${path.join('.')} must be ${expected} (received ${abbreviate(received)})`,
    { path, received, expected },
  );
}

/** The shape computeMetrics needs before it reads anything: arrays of objects, a calendar. */
function checkMetricsInput(views: unknown, options: unknown): void {
  if (!Array.isArray(views)) refuseMetricsInput(['views'], views, 'an array of inquiry views');
  const view = views.findIndex((entry) => !isObject(entry));
  if (view >= 0) refuseMetricsInput(['views', view], views[view], 'an inquiry view (an object from process.view)');
  if (!isObject(options)) refuseMetricsInput(['options'], options, 'an options object');
  const { contacts, calendar } = options as { contacts?: unknown; calendar?: unknown };
  if (contacts !== undefined) {
    if (!Array.isArray(contacts)) refuseMetricsInput(['options', 'contacts'], contacts, 'an array of contact views');
    const contact = contacts.findIndex((entry) => !isObject(entry));
    if (contact >= 0)
      refuseMetricsInput(
        ['options', 'contacts', contact],
        contacts[contact],
        'a contact view (an object from contactView)',
      );
  }
  if (
    calendar !== undefined &&
    (!isObject(calendar) || typeof (calendar as { businessTimeBetween?: unknown }).businessTimeBetween !== 'function')
  ) {
    refuseMetricsInput(['options', 'calendar'], calendar, 'a business calendar');
  }
}

function metricsOf(views: readonly MetricsInquiryView[], options: MetricsOptions): ServiceMetrics {
  const calendar = options.calendar ?? alwaysOpenCalendar;
  const repeatWindow = parseRepeatWindow(options.repeatWindow);
  const contactViews = contactViewsById(options.contacts ?? []);
  const { shared, unlinked } = sharedContacts(views, contactViews, calendar);
  const segments: Segments = { overall: emptySegment(), byChannel: new Breakdown(), byPriority: new Breakdown() };

  // One pass adds each inquiry to its three segments, rather than one walk over the views per
  // segment (eleven walks with every channel and priority).
  const figures = new InquiryFigures();
  for (const view of views) {
    const channelSegment = segments.byChannel.of(view.channel);
    const prioritySegment = segments.byPriority.of(view.priority);
    const entry = shared.size === 0 ? undefined : shared.get(view.id);
    let own: readonly ContactOutcome[];
    if (entry === undefined) {
      const recorded = recordedContacts(view, contactViews);
      for (const contact of recorded) addRecordedContact(segments, contact, view.priority, calendar);
      own = recorded;
    } else {
      // A shared inquiry's contacts are added after this pass, once its priority is known.
      own = entry.completed;
    }
    if (isCancelled(view)) {
      addCancelledInquiry(segments.overall);
      addCancelledInquiry(channelSegment);
      addCancelledInquiry(prioritySegment);
      continue;
    }
    figures.measure(view, calendar);
    // Contacts count under their own channel and under their inquiry's priority.
    const samePriority = entry === undefined || entry.priority === view.priority;
    addInquiry(segments.overall, figures, firstContactOutcome(own, undefined, figures.reopened));
    addInquiry(channelSegment, figures, firstContactOutcome(own, view.channel, figures.reopened));
    addInquiry(
      prioritySegment,
      figures,
      samePriority ? firstContactOutcome(own, undefined, figures.reopened) : undefined,
    );
  }
  for (const entry of shared.values())
    for (const contact of entry.completed) addCompletedContact(segments, contact, entry.priority);
  for (const contact of unlinked) addCompletedContact(segments, contact, undefined);

  addContactViews(segments, contactViews, shared);
  return {
    ...segmentKpis(segments.overall),
    ...customerKpis(views, repeatWindow),
    byChannel: segments.byChannel.kpis(),
    byPriority: segments.byPriority.kpis(),
  };
}
