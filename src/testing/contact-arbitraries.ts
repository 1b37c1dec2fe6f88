/**
 * fast-check arbitraries for contacts: start inputs, event sequences (valid or not), and complete
 * journeys that are valid by construction. Meant to sit in `serviceflow/testing`'s `arbitraries`
 * namespace next to the inquiry arbitraries.
 */
import fc from 'fast-check';
import type { ContactEventInit, ContactInputInit } from '../schemas/contact.js';
import { DEFAULT_EPOCH } from './inquiry-arbitraries.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const channel = fc.constantFrom('email', 'chat', 'phone', 'social', 'web', 'sms' as const);
const direction = fc.constantFrom('inbound', 'outbound' as const);
const agentId = fc.constantFrom('ana', 'ben', 'chen', 'dara', 'eli');
const queue = fc.constantFrom('general', 'billing', 'technical', 'vip');
const disposition = fc.constantFrom('answered', 'refund-issued', 'escalated', 'callback-scheduled');

/**
 * Options of {@link contactInput}.
 *
 * @example
 * ```ts
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * arbitraries.contactInput({ from: Date.UTC(2026, 5, 1), inquiryId: 'T-1' });
 * ```
 */
export interface ContactInputOptions {
  /** Earliest start instant (default 2026-01-01). */
  readonly from?: number;
  /** Latest start instant (default one year after `from`). */
  readonly to?: number;
  /** The inquiry every generated contact belongs to (default: some linked, some not). */
  readonly inquiryId?: string;
}

/**
 * A valid contact start input, `at` as epoch milliseconds, on any channel, in either direction.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * fc.assert(fc.property(arbitraries.contactInput(), (input) => input.id.startsWith('K-')));
 * ```
 */
export function contactInput(options: ContactInputOptions = {}): fc.Arbitrary<ContactInputInit & { at: number }> {
  const from = options.from ?? DEFAULT_EPOCH;
  const to = options.to ?? from + 365 * DAY;
  return fc.record(
    {
      id: fc.stringMatching(/^K-[0-9]{1,6}$/),
      inquiryId: options.inquiryId === undefined ? fc.stringMatching(/^T-[0-9]{1,4}$/) : fc.constant(options.inquiryId),
      channel,
      direction,
      customer: fc.record(
        { id: fc.stringMatching(/^C-[0-9]{1,5}$/), tier: fc.constantFrom('standard', 'gold') },
        { requiredKeys: ['id'] },
      ),
      at: fc.integer({ min: from, max: to }),
    },
    {
      requiredKeys:
        options.inquiryId === undefined
          ? ['id', 'channel', 'direction', 'customer', 'at']
          : ['id', 'inquiryId', 'channel', 'direction', 'customer', 'at'],
    },
  );
}

/** The body (everything but `at`) of a contact event: one member per event type. */
export type ContactEventBody = {
  [K in ContactEventInit['type']]: Omit<Extract<ContactEventInit, { type: K }>, 'at'>;
}[ContactEventInit['type']];

/**
 * The body (everything but `at`) of a valid contact event of any type.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * fc.sample(arbitraries.contactEventBody(), 3); // e.g. [{ type: 'hold' }, { type: 'routed', queue: 'vip' }, …]
 * ```
 */
export function contactEventBody(): fc.Arbitrary<ContactEventBody> {
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('customer.identified' as const),
        customerId: fc.stringMatching(/^C-[0-9]{1,5}$/),
      }),
    },
    { weight: 3, arbitrary: fc.record({ type: fc.constant('routed' as const), queue }) },
    { weight: 1, arbitrary: fc.constant({ type: 'self-service.resolved' as const }) },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('agent.connected' as const), agentId }) },
    { weight: 4, arbitrary: fc.constant({ type: 'hold' as const }) },
    { weight: 4, arbitrary: fc.constant({ type: 'unhold' as const }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('transfer' as const), to: agentId }) },
    { weight: 3, arbitrary: fc.constant({ type: 'contact.ended' as const }) },
    {
      weight: 3,
      arbitrary: fc.record({ type: fc.constant('wrapup.completed' as const), disposition, resolved: fc.boolean() }),
    },
    { weight: 1, arbitrary: fc.constant({ type: 'abandon' as const }) },
    { weight: 2, arbitrary: fc.constant({ type: 'tick' as const }) },
  ) as fc.Arbitrary<ContactEventBody>;
}

/**
 * Options of {@link contactEventSequence}.
 *
 * @example
 * ```ts
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * arbitraries.contactEventSequence({ start: Date.UTC(2026, 0, 1), maxLength: 10, maxGapMs: 60_000 });
 * ```
 */
export interface ContactEventSequenceOptions {
  /** The instant the first gap counts from (the contact's start). */
  readonly start: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Longest gap between two events (default 30 minutes); gaps of 0 happen too. */
  readonly maxGapMs?: number;
}

const gapUpTo = (maxGap: number) =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: maxGap }) });

/**
 * Contact events with non-decreasing `at`, starting at `start`. Not every event is accepted in
 * every stage: feed them through `process.can` to keep the valid ones.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * const events = fc.sample(arbitraries.contactEventSequence({ start: 0, maxLength: 5 }), 1)[0];
 * ```
 */
export function contactEventSequence(options: ContactEventSequenceOptions): fc.Arbitrary<ContactEventInit[]> {
  const gap = gapUpTo(options.maxGapMs ?? 30 * MINUTE);
  return fc
    .array(fc.tuple(gap, contactEventBody()), { minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 25 })
    .map((items) => {
      let at = options.start;
      return items.map(([delta, body]) => {
        at += delta;
        return { ...body, at } as ContactEventInit;
      });
    });
}

/**
 * A whole contact, valid by construction: a start input and the events of one journey —
 * identification and self-service, routing (and re-routing), then either self-service
 * resolution, abandonment, or an agent with holds and transfers, the end and the wrap-up. Some
 * journeys stop before the end (a contact still under way).
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { contactMachine, createProcess } from 'serviceflow';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * const contacts = createProcess(contactMachine);
 * fc.assert(fc.property(arbitraries.contactJourney(), ({ input, events }) => {
 *   let step = contacts.start(input);
 *   for (const event of events) step = contacts.send(step.state, event);
 * }));
 * ```
 */
export function contactJourney(
  options: ContactInputOptions & { readonly maxGapMs?: number } = {},
): fc.Arbitrary<{ input: ContactInputInit & { at: number }; events: (ContactEventInit & { at: number })[] }> {
  const gap = gapUpTo(options.maxGapMs ?? 20 * MINUTE);
  const body = fc.record({
    identify: fc.boolean(),
    routes: fc.array(queue, { maxLength: 3 }),
    end: fc.constantFrom('agent', 'agent', 'agent', 'self-service', 'abandon' as const),
    agent: agentId,
    middle: fc.array(
      fc.oneof(
        fc.constant({ kind: 'hold' as const }),
        fc.record({ kind: fc.constant('transfer' as const), to: agentId }),
        fc.constant({ kind: 'tick' as const }),
      ),
      { maxLength: 6 },
    ),
    endOnHold: fc.boolean(),
    wrapUp: fc.record({ disposition, resolved: fc.boolean() }),
    stopAfter: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
  });
  // Enough gaps for the longest journey (identify, 3 routes, connect, 6 middle steps, hold, end, wrap-up).
  return fc
    .tuple(contactInput(options), body, fc.array(gap, { minLength: 16, maxLength: 16 }))
    .map(([input, plan, gaps]) => {
      const bodies: ContactEventBody[] = [];
      if (plan.identify) bodies.push({ type: 'customer.identified', customerId: input.customer.id });
      for (const name of plan.routes) bodies.push({ type: 'routed', queue: name });
      if (plan.end === 'self-service') bodies.push({ type: 'self-service.resolved' });
      else if (plan.end === 'abandon') bodies.push({ type: 'abandon' });
      else {
        bodies.push({ type: 'agent.connected', agentId: plan.agent });
        let onHold = false;
        for (const step of plan.middle) {
          if (step.kind === 'hold') {
            bodies.push({ type: onHold ? 'unhold' : 'hold' });
            onHold = !onHold;
          } else if (step.kind === 'transfer') {
            bodies.push({ type: 'transfer', to: step.to });
            onHold = false;
          } else bodies.push({ type: 'tick' });
        }
        if (plan.endOnHold && !onHold) bodies.push({ type: 'hold' });
        bodies.push({ type: 'contact.ended' }, { type: 'wrapup.completed', ...plan.wrapUp });
      }
      const kept = plan.stopAfter === undefined ? bodies : bodies.slice(0, plan.stopAfter);
      let at = input.at;
      const events = kept.map((b, index) => {
        at += gaps[index] ?? 0;
        return { ...b, at } as ContactEventInit & { at: number };
      });
      return { input, events };
    });
}
