import * as z from 'zod/mini';
import { compiledStrictObject } from '../internal/compiled-objects.js';
import { Channel, Customer, TickEvent } from './inquiry.js';
import { Id, Label, textLimits, textProblem, vouchStorable } from './text.js';
import { instantRange, Timestamp } from './time.js';
import { refuseInTransform } from './refuse.js';

// Instants as epoch ms within the instants serviceflow accepts (negative before 1970).
const Ms = z.number().check(z.int(), z.gte(instantRange.min), z.lte(instantRange.max));

/**
 * Who started a contact: the customer (`inbound`: a call, chat or message coming in) or the
 * service team (`outbound`: a callback, a proactive message).
 *
 * @example
 * ```ts
 * import { ContactDirection } from 'serviceflow';
 * ContactDirection.parse('outbound'); // 'outbound'
 * ```
 */
export const ContactDirection = z.enum(['inbound', 'outbound']);
export type ContactDirection = z.infer<typeof ContactDirection>;

/**
 * The customer on a contact, as far as the channel knows them when it starts: an id (a CRM id, or
 * whatever the channel has — a phone number, a chat visitor id) and optional reach details.
 * `customer.identified` later names the CRM customer.
 *
 * @example
 * ```ts
 * import { ContactCustomer } from 'serviceflow';
 * ContactCustomer.parse({ id: 'visitor-81', phone: '+4930123456' });
 * ```
 */
export const ContactCustomer = z.extend(Customer, {
  name: z.optional(Label),
  phone: z.optional(Label),
  email: z.optional(Label),
});
export type ContactCustomer = z.infer<typeof ContactCustomer>;

/**
 * What identification loaded about a customer (their history, open cases, segment): any JSON
 * object, at most `textLimits.profile` (65536) characters as JSON text and 32 levels deep, whose
 * strings and keys hold no NUL character or unpaired surrogate. The contact keeps a copy of it for
 * the agent; serviceflow does not interpret it.
 *
 * @example
 * ```ts
 * import { CustomerProfile } from 'serviceflow';
 * CustomerProfile.parse({ openInquiries: 2, segment: 'smb', lastContact: '2026-02-27' });
 * CustomerProfile.safeParse({ note: 'a\u0000b' }).success; // false: NUL character
 * ```
 */
export const CustomerProfile = z.pipe(
  z.custom<Record<string, z.core.util.JSONType>>(),
  z.transform((profile: Record<string, z.core.util.JSONType>, ctx): Record<string, z.core.util.JSONType> => {
    if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
      return refuseInTransform(ctx, 'must be a JSON object');
    }
    const problem = textProblem(profile, { maxText: textLimits.profile, json: true });
    if (problem !== undefined) return refuseInTransform(ctx, problem.message, problem.path);
    const json = JSON.stringify(profile);
    if (json.length > textLimits.profile) {
      return refuseInTransform(ctx, `must be at most ${textLimits.profile} characters as JSON (is ${json.length})`);
    }
    // A copy: the caller's object may change after the event; the contact's record must not.
    return JSON.parse(json) as Record<string, z.core.util.JSONType>;
  }),
);
export type CustomerProfile = z.infer<typeof CustomerProfile>;

/**
 * What starts a contact: its id, the inquiry it belongs to (if known), the channel, the direction,
 * the customer and the instant. `at` accepts epoch ms, an ISO-8601 string or a `Date`.
 *
 * @example
 * ```ts
 * import { ContactInput } from 'serviceflow';
 * const input = ContactInput.parse({
 *   id: 'K-1', inquiryId: 'T-1', channel: 'phone', direction: 'inbound',
 *   customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z',
 * });
 * input.at; // 1772442000000
 * ```
 */
export const ContactInput = vouchStorable(
  compiledStrictObject({
    id: Id,
    inquiryId: z.optional(Id),
    channel: Channel,
    direction: ContactDirection,
    customer: ContactCustomer,
    at: Timestamp,
  }),
);
/**
 * A validated, normalised {@link ContactInput}.
 *
 * @example
 * ```ts
 * import type { ContactInput } from 'serviceflow';
 * const input: ContactInput = { id: 'K-1', channel: 'chat', direction: 'inbound', customer: { id: 'C-1' }, at: 0 };
 * ```
 */
export type ContactInput = z.infer<typeof ContactInput>;
/**
 * What callers may pass as a {@link ContactInput} (before normalisation).
 *
 * @example
 * ```ts
 * import type { ContactInputInit } from 'serviceflow';
 * const input: ContactInputInit = { id: 'K-1', channel: 'chat', direction: 'inbound', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' };
 * ```
 */
export type ContactInputInit = z.input<typeof ContactInput>;

const event = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  compiledStrictObject({ type: z.literal(type), ...shape, at: Timestamp });

/**
 * The customer was identified (authenticated in the IVR, matched by the bot, looked up by the
 * agent) and their context loaded. Accepted in every open stage.
 *
 * @example
 * ```ts
 * import { CustomerIdentifiedEvent } from 'serviceflow';
 * CustomerIdentifiedEvent.parse({ type: 'customer.identified', customerId: 'C-1', profile: { tier: 'gold' }, at: 0 });
 * ```
 */
export const CustomerIdentifiedEvent = event('customer.identified', {
  customerId: Id,
  profile: z.optional(CustomerProfile),
});
/**
 * The contact was routed to a queue and waits there for an agent. Routing again re-routes it;
 * the queue wait keeps counting from the first routing.
 *
 * @example
 * ```ts
 * import { RoutedEvent } from 'serviceflow';
 * RoutedEvent.parse({ type: 'routed', queue: 'billing', at: 0 });
 * ```
 */
export const RoutedEvent = event('routed', { queue: Label });
/**
 * Self-service (IVR menu, bot, help article) answered the customer before an agent connected:
 * the contact ends deflected, resolved, with no handle time.
 *
 * @example
 * ```ts
 * import { SelfServiceResolvedEvent } from 'serviceflow';
 * SelfServiceResolvedEvent.parse({ type: 'self-service.resolved', at: 0 });
 * ```
 */
export const SelfServiceResolvedEvent = event('self-service.resolved', {});
/**
 * An agent is connected with the customer (answered the call, accepted the chat, the customer
 * picked up an outbound call). The queue wait ends; talk time starts.
 *
 * @example
 * ```ts
 * import { AgentConnectedEvent } from 'serviceflow';
 * AgentConnectedEvent.parse({ type: 'agent.connected', agentId: 'ana', at: 0 });
 * ```
 */
export const AgentConnectedEvent = event('agent.connected', { agentId: Id });
/**
 * The agent put the customer on hold.
 *
 * @example
 * ```ts
 * import { HoldEvent } from 'serviceflow';
 * HoldEvent.parse({ type: 'hold', at: 0 });
 * ```
 */
export const HoldEvent = event('hold', {});
/**
 * The agent took the customer off hold.
 *
 * @example
 * ```ts
 * import { UnholdEvent } from 'serviceflow';
 * UnholdEvent.parse({ type: 'unhold', at: 0 });
 * ```
 */
export const UnholdEvent = event('unhold', {});
/**
 * The contact was handed to another agent (`to`), who now handles it; a hold in progress ends.
 * Recorded with the agent it came from and the instant.
 *
 * @example
 * ```ts
 * import { TransferEvent } from 'serviceflow';
 * TransferEvent.parse({ type: 'transfer', to: 'ben', at: 0 });
 * ```
 */
export const TransferEvent = event('transfer', { to: Id });
/**
 * The conversation ended (hang-up, chat closed, reply sent); wrap-up starts.
 *
 * @example
 * ```ts
 * import { ContactEndedEvent } from 'serviceflow';
 * ContactEndedEvent.parse({ type: 'contact.ended', at: 0 });
 * ```
 */
export const ContactEndedEvent = event('contact.ended', {});
/**
 * The agent finished after-contact work: a disposition code and whether the contact resolved the
 * customer's issue.
 *
 * @example
 * ```ts
 * import { WrapUpCompletedEvent } from 'serviceflow';
 * WrapUpCompletedEvent.parse({ type: 'wrapup.completed', disposition: 'refund-issued', resolved: true, at: 0 });
 * ```
 */
export const WrapUpCompletedEvent = event('wrapup.completed', { disposition: Label, resolved: z.boolean() });
/**
 * The customer left before an agent connected (hung up in the IVR or queue, closed the chat).
 *
 * @example
 * ```ts
 * import { AbandonEvent } from 'serviceflow';
 * AbandonEvent.parse({ type: 'abandon', at: 0 });
 * ```
 */
export const AbandonEvent = event('abandon', {});

/**
 * Every event a contact accepts, validated and normalised (`at` in epoch ms). `tick` is the same
 * event the inquiry takes.
 *
 * @example
 * ```ts
 * import { ContactEvent } from 'serviceflow';
 * ContactEvent.parse({ type: 'transfer', to: 'ben', at: '2026-03-02T09:12:00Z' }).at; // 1772442720000
 * ```
 */
export const ContactEvent = vouchStorable(
  z.discriminatedUnion('type', [
    CustomerIdentifiedEvent,
    RoutedEvent,
    SelfServiceResolvedEvent,
    AgentConnectedEvent,
    HoldEvent,
    UnholdEvent,
    TransferEvent,
    ContactEndedEvent,
    WrapUpCompletedEvent,
    AbandonEvent,
    TickEvent,
  ]),
);
/**
 * A validated, normalised contact event.
 *
 * @example
 * ```ts
 * import type { ContactEvent } from 'serviceflow';
 * const event: ContactEvent = { type: 'agent.connected', agentId: 'ana', at: 1_772_442_000_000 };
 * ```
 */
export type ContactEvent = z.infer<typeof ContactEvent>;
/**
 * What callers may send as a contact event (`at` as epoch ms, ISO string or `Date`).
 *
 * @example
 * ```ts
 * import type { ContactEventInit } from 'serviceflow';
 * const event: ContactEventInit = { type: 'hold', at: new Date('2026-03-02T09:05:00Z') };
 * ```
 */
export type ContactEventInit = z.input<typeof ContactEvent>;
/**
 * The `type` of every contact event.
 *
 * @example
 * ```ts
 * import type { ContactEventType } from 'serviceflow';
 * const live: ContactEventType[] = ['hold', 'unhold', 'transfer'];
 * ```
 */
export type ContactEventType = ContactEvent['type'];
/**
 * Every contact event type, in contract order.
 *
 * @example
 * ```ts
 * import { contactEventTypes } from 'serviceflow';
 * contactEventTypes.includes('hold'); // true
 * ```
 */
export const contactEventTypes = ContactEvent.def.options.map(
  (option) => option.shape.type.def.values[0],
) as readonly ContactEventType[];

/**
 * The stages of a contact: `preContact` (identification, self-service, routing and queue) →
 * `contact` (agent connected) → `postContact` (wrap-up) → `completed`; `abandoned` when the
 * customer leaves before an agent connects. `completed` and `abandoned` are final.
 *
 * @example
 * ```ts
 * import { ContactStage } from 'serviceflow';
 * ContactStage.options; // ['preContact', 'contact', 'postContact', 'completed', 'abandoned']
 * ```
 */
export const ContactStage = z.enum(['preContact', 'contact', 'postContact', 'completed', 'abandoned']);
export type ContactStage = z.infer<typeof ContactStage>;

/**
 * How a finished contact ended: `handled` by an agent (through wrap-up), resolved by
 * `self-service` without an agent, or `abandoned` by the customer before an agent connected.
 *
 * @example
 * ```ts
 * import { ContactOutcome } from 'serviceflow';
 * ContactOutcome.parse('self-service');
 * ```
 */
export const ContactOutcome = z.enum(['handled', 'self-service', 'abandoned']);
export type ContactOutcome = z.infer<typeof ContactOutcome>;

/** The schema of a {@link ContactRouting}, checked as part of {@link ContactContext}. @internal */
export const ContactRouting = compiledStrictObject({ queue: z.string(), at: Ms });
/**
 * One routing of a contact to a queue.
 *
 * @example
 * ```ts
 * import { contactMachine, createProcess, type ContactRouting } from 'serviceflow';
 * const contacts = createProcess(contactMachine);
 * let { state } = contacts.start({ id: 'K-1', channel: 'phone', direction: 'inbound', customer: { id: 'C-1' }, at: 0 });
 * ({ state } = contacts.send(state, { type: 'routed', queue: 'billing', at: 1_000 }));
 * const routing: ContactRouting[] = state.context.routing; // [{ queue: 'billing', at: 1000 }]
 * ```
 */
export type ContactRouting = z.infer<typeof ContactRouting>;

/** The schema of a {@link ContactHold}, checked as part of {@link ContactContext}. @internal */
export const ContactHold = compiledStrictObject({ startedAt: Ms, endedAt: z.optional(Ms) });
/**
 * One hold: when it started and, once over, when it ended (`unhold`, a transfer, or the end of the
 * contact).
 *
 * @example
 * ```ts
 * import { contactMachine, createProcess, type ContactHold } from 'serviceflow';
 * const contacts = createProcess(contactMachine);
 * let { state } = contacts.start({ id: 'K-1', channel: 'phone', direction: 'inbound', customer: { id: 'C-1' }, at: 0 });
 * ({ state } = contacts.send(state, { type: 'agent.connected', agentId: 'ana', at: 1_000 }));
 * ({ state } = contacts.send(state, { type: 'hold', at: 2_000 }));
 * ({ state } = contacts.send(state, { type: 'unhold', at: 62_000 }));
 * const holds: ContactHold[] = state.context.holds; // [{ startedAt: 2000, endedAt: 62000 }]
 * ```
 */
export type ContactHold = z.infer<typeof ContactHold>;

/** The schema of a {@link ContactTransfer}, checked as part of {@link ContactContext}. @internal */
export const ContactTransfer = compiledStrictObject({ from: z.string(), to: z.string(), at: Ms });
/**
 * One transfer: the agent it came from, the agent it went to, the instant.
 *
 * @example
 * ```ts
 * import { contactMachine, createProcess, type ContactTransfer } from 'serviceflow';
 * const contacts = createProcess(contactMachine);
 * let { state } = contacts.start({ id: 'K-1', channel: 'phone', direction: 'inbound', customer: { id: 'C-1' }, at: 0 });
 * ({ state } = contacts.send(state, { type: 'agent.connected', agentId: 'ana', at: 1_000 }));
 * ({ state } = contacts.send(state, { type: 'transfer', to: 'ben', at: 5_000 }));
 * const transfers: ContactTransfer[] = state.context.transfers; // [{ from: 'ana', to: 'ben', at: 5000 }]
 * ```
 */
export type ContactTransfer = z.infer<typeof ContactTransfer>;

/** The schema of a {@link ContactAgent}, checked as part of {@link ContactContext}. @internal */
export const ContactAgent = compiledStrictObject({ agentId: z.string(), at: Ms });
/**
 * One agent's part of a contact: who, and from when (connected or transferred to).
 *
 * @example
 * ```ts
 * import { contactMachine, createProcess, type ContactAgent } from 'serviceflow';
 * const contacts = createProcess(contactMachine);
 * let { state } = contacts.start({ id: 'K-1', channel: 'phone', direction: 'inbound', customer: { id: 'C-1' }, at: 0 });
 * ({ state } = contacts.send(state, { type: 'agent.connected', agentId: 'ana', at: 1_000 }));
 * ({ state } = contacts.send(state, { type: 'transfer', to: 'ben', at: 5_000 }));
 * const agents: ContactAgent[] = state.context.agents; // [{ agentId: 'ana', at: 1000 }, { agentId: 'ben', at: 5000 }]
 * ```
 */
export type ContactAgent = z.infer<typeof ContactAgent>;

/** The schema of a {@link FollowUpTask}, checked as part of {@link ContactContext}. @internal */
export const FollowUpTask = compiledStrictObject({
  reason: z.literal('unresolved'),
  disposition: z.string(),
  createdAt: Ms,
});
/**
 * The follow-up task a contact left behind: created at wrap-up when the contact did not resolve
 * the issue, for the team that owns the inquiry to pick up.
 *
 * @example
 * ```ts
 * import { contactMachine, createProcess, type FollowUpTask } from 'serviceflow';
 * const contacts = createProcess(contactMachine);
 * let { state } = contacts.start({ id: 'K-1', channel: 'phone', direction: 'inbound', customer: { id: 'C-1' }, at: 0 });
 * ({ state } = contacts.send(state, { type: 'agent.connected', agentId: 'ana', at: 1_000 }));
 * ({ state } = contacts.send(state, { type: 'contact.ended', at: 60_000 }));
 * ({ state } = contacts.send(state, { type: 'wrapup.completed', disposition: 'needs-engineering', resolved: false, at: 90_000 }));
 * const task: FollowUpTask | undefined = state.context.followUpTask; // { reason: 'unresolved', disposition: 'needs-engineering', createdAt: 90000 }
 * ```
 */
export type FollowUpTask = z.infer<typeof FollowUpTask>;

/**
 * The context of the contact machine: everything the process knows about one contact, plain JSON.
 * Every instant is an event's `at`; the timing fields of the view are computed from them.
 *
 * @example
 * ```ts
 * import { ContactContext } from 'serviceflow';
 * // restoring a stored contact validates its context against this schema
 * ContactContext.safeParse({}).success; // false
 * ```
 */
export const ContactContext = compiledStrictObject({
  id: z.string(),
  inquiryId: z.optional(z.string()),
  channel: Channel,
  direction: ContactDirection,
  customer: ContactCustomer,
  stage: ContactStage,
  startedAt: Ms,
  lastEventAt: Ms,
  /** The CRM customer and what identification loaded, once identified. */
  identification: z.nullable(
    compiledStrictObject({ customerId: z.string(), profile: z.optional(CustomerProfile), at: Ms }),
  ),
  routing: z.array(ContactRouting),
  agents: z.array(ContactAgent),
  holds: z.array(ContactHold),
  transfers: z.array(ContactTransfer),
  connectedAt: z.optional(Ms),
  endedAt: z.optional(Ms),
  completedAt: z.optional(Ms),
  abandonedAt: z.optional(Ms),
  outcome: z.optional(ContactOutcome),
  disposition: z.optional(z.string()),
  resolved: z.optional(z.boolean()),
  surveyOfferedAt: z.optional(Ms),
  followUpTask: z.optional(FollowUpTask),
});
export type ContactContext = z.infer<typeof ContactContext>;
