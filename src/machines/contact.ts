import { enqueueActions, setup, type ActionFunction, type ParameterizedObject } from 'xstate';
import { describeZodError, InvalidConfigError, InvalidInputError } from '../errors.js';
import type { ContactView } from './contact-read-model.js';
import type { ContactEffect } from '../schemas/contact-effects.js';
import {
  ContactContext,
  ContactEvent,
  ContactInput,
  type ContactInputInit,
  type ContactStage,
} from '../schemas/contact.js';
import * as steps from './contact-steps.js';

/**
 * Validates and normalises a contact start input, throwing `INVALID_INPUT` with the offending path.
 *
 * @example
 * ```ts
 * import { parseContactInput } from 'serviceflow';
 * parseContactInput({ id: 'K-1', channel: 'chat', direction: 'inbound', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' }).at;
 * // 1772442000000
 * ```
 */
export function parseContactInput(input: unknown): ContactInput {
  const parsed = ContactInput.safeParse(input);
  if (!parsed.success) {
    const { message, details } = describeZodError('contact input', input, parsed.error);
    throw new InvalidInputError(message, details);
  }
  return parsed.data;
}

type EventOf<T extends ContactEvent['type']> = Extract<ContactEvent, { type: T }>;

function expectEvent<T extends ContactEvent['type']>(event: ContactEvent, type: T): EventOf<T> {
  if (event.type !== type) {
    throw new InvalidConfigError(`serviceflow contact action expected '${type}', received '${event.type}'`, {
      path: ['type'],
      received: event.type,
      expected: `'${type}'`,
    });
  }
  return event as EventOf<T>;
}

type ContactStep<TParams> = (
  context: ContactContext,
  event: ContactEvent,
  emit: steps.ContactEffectSink,
  params: TParams,
) => ContactContext;

/**
 * Wraps a pure contact step into an XState action: assigns the next context (stamping
 * `lastEventAt` with the event's instant) and emits the step's effects in order.
 *
 * The context is assigned even when the step changed nothing, so that a handled event always
 * yields a new snapshot: that is how a process tells a handled event from one no state accepts.
 *
 * Plain `enqueueActions` + `assign` + `emit`, XState's public API, after a no-op action named
 * `name`: XState's inspection reports an inline action by its function's name, so
 * `createActor(contactMachine, { inspect })` sees each contact action by name, as it sees the
 * inquiry's service actions.
 */
function contactAction<TParams extends ParameterizedObject['params'] | undefined = undefined>(
  name: string,
  step: ContactStep<TParams>,
): ActionFunction<ContactContext, ContactEvent, ContactEvent, TParams, never, never, never, never, ContactEffect> {
  const named = { [name]: () => {} }[name] as () => void;
  return enqueueActions<ContactContext, ContactEvent, TParams, ContactEvent, never, never, never, never, ContactEffect>(
    ({ context, event, enqueue }, params) => {
      enqueue(named);
      const effects: ContactEffect[] = [];
      const next = step(context, event, (effect) => effects.push(effect), params);
      // The machine's own start (xstate.init) carries no `at`: the context already has the start instant.
      const at = typeof event.at === 'number' ? event.at : next.lastEventAt;
      enqueue.assign(() => (next.lastEventAt < at ? { ...next, lastEventAt: at } : next));
      for (const effect of effects) enqueue.emit(effect);
    },
  );
}

/**
 * The action implementations of the contact machine. Their names are distinct from the inquiry's
 * service actions, which `createProcess` provides to every machine it runs.
 */
const contactActions = {
  /** Entry of the machine: reports `contact.started`. */
  announceContact: contactAction('announceContact', (ctx, _event, emit) => steps.announce(ctx, emit)),
  /** Records the stage a state stands for (`params.stage`) and reports `stage.changed`. */
  enterContactStage: contactAction<{ stage: ContactStage }>('enterContactStage', (ctx, event, emit, params) =>
    steps.enterStage(ctx, params.stage, event.at, emit),
  ),
  /** Records an event's instant only (`tick`: a contact has no deadlines). */
  recordContactTime: contactAction('recordContactTime', (ctx) => ctx),
  identifyCustomer: contactAction('identifyCustomer', (ctx, event, emit) => {
    const e = expectEvent(event, 'customer.identified');
    return steps.identify(ctx, e.customerId, e.profile, e.at, emit);
  }),
  routeContact: contactAction('routeContact', (ctx, event, emit) =>
    steps.route(ctx, expectEvent(event, 'routed').queue, event.at, emit),
  ),
  deflectContact: contactAction('deflectContact', (ctx, event) => steps.deflect(ctx, event.at)),
  connectAgent: contactAction('connectAgent', (ctx, event, emit) =>
    steps.connect(ctx, expectEvent(event, 'agent.connected').agentId, event.at, emit),
  ),
  startHold: contactAction('startHold', (ctx, event, emit) => steps.hold(ctx, event.at, emit)),
  endHold: contactAction('endHold', (ctx, event, emit) => steps.unhold(ctx, event.at, emit)),
  transferContact: contactAction('transferContact', (ctx, event, emit) =>
    steps.transfer(ctx, expectEvent(event, 'transfer').to, event.at, emit),
  ),
  endContact: contactAction('endContact', (ctx, event, emit) => steps.end(ctx, event.at, emit)),
  completeWrapUp: contactAction('completeWrapUp', (ctx, event, emit) => {
    const e = expectEvent(event, 'wrapup.completed');
    return steps.wrapUp(ctx, e.disposition, e.resolved, e.at, emit);
  }),
  abandonContact: contactAction('abandonContact', (ctx, event) => steps.abandon(ctx, event.at)),
  reportContactCompleted: contactAction('reportContactCompleted', (ctx, event, emit) =>
    steps.reportCompleted(ctx, event.at, emit),
  ),
  reportContactAbandoned: contactAction('reportContactAbandoned', (ctx, event, emit) =>
    steps.reportAbandoned(ctx, event.at, emit),
  ),
};

/** The names of the contact machine's actions (kept apart from the inquiry's by a test). */
export const contactActionNames: readonly string[] = Object.keys(contactActions);

const stage = (name: ContactStage) => ({ type: 'enterContactStage', params: { stage: name } }) as const;

const machine = setup({
  types: {
    context: {} as ContactContext,
    events: {} as ContactEvent,
    input: {} as ContactInputInit,
    emitted: {} as ContactEffect,
    tags: {} as 'waiting' | 'connected' | 'onHold',
  },
  schemas: { input: ContactInput, events: ContactEvent, context: ContactContext },
  actions: contactActions,
}).createMachine({
  id: 'contact',
  version: '1',
  meta: { serviceflow: 'contact' },
  context: ({ input }) => steps.startedContact(parseContactInput(input)),
  entry: 'announceContact',
  initial: 'preContact',
  // Accepted in every open stage: the agent may identify the customer during the contact or wrap-up.
  on: {
    'customer.identified': { actions: 'identifyCustomer' },
    tick: { actions: 'recordContactTime' },
  },
  states: {
    preContact: {
      tags: ['waiting'],
      entry: stage('preContact'),
      initial: 'identification',
      on: {
        'self-service.resolved': { target: 'completed', actions: 'deflectContact' },
        'agent.connected': { target: 'contact', actions: 'connectAgent' },
        abandon: { target: 'abandoned', actions: 'abandonContact' },
      },
      states: {
        /** The customer is not known yet (IVR greeting, bot, outbound dialling). */
        identification: {
          on: {
            'customer.identified': { target: 'selfService', actions: 'identifyCustomer' },
            routed: { target: 'queue', actions: 'routeContact' },
          },
        },
        /** Identified, context loaded; self-service (IVR menu, bot) until routed to an agent. */
        selfService: {
          on: { routed: { target: 'queue', actions: 'routeContact' } },
        },
        /** Routed: waiting in a queue for an agent (routing again re-routes). */
        queue: {
          on: { routed: { actions: 'routeContact' } },
        },
      },
    },
    contact: {
      tags: ['connected'],
      entry: stage('contact'),
      initial: 'talking',
      on: {
        'contact.ended': { target: 'postContact', actions: 'endContact' },
      },
      states: {
        talking: {
          on: {
            hold: { target: 'onHold', actions: 'startHold' },
            transfer: { actions: 'transferContact' },
          },
        },
        onHold: {
          tags: ['onHold'],
          on: {
            unhold: { target: 'talking', actions: 'endHold' },
            transfer: { target: 'talking', actions: 'transferContact' },
          },
        },
      },
    },
    postContact: {
      entry: stage('postContact'),
      on: {
        'wrapup.completed': { target: 'completed', actions: 'completeWrapUp' },
      },
    },
    completed: { type: 'final', entry: [stage('completed'), 'reportContactCompleted'] },
    abandoned: { type: 'final', entry: [stage('abandoned'), 'reportContactAbandoned'] },
  },
});

/**
 * One interaction with a customer on one channel — a call, a chat, an email thread, a social
 * message — inbound or outbound, as an XState v5 machine:
 * `preContact` (`identification` → `selfService` → `queue`) → `contact` (`talking` ⇄ `onHold`,
 * transfers) → `postContact` (wrap-up) → `completed`; `abandoned` when the customer leaves before
 * an agent connects; `self-service.resolved` ends it `completed` with outcome `'self-service'`.
 *
 * Time is data: every event carries `at`, and the view's `queueMs`, `talkMs`, `holdMs`, `wrapUpMs`
 * and `handleMs` are computed from those instants. A contact has no deadlines (`wakeAt` is always
 * `null`); `tick` only advances its clock. It ends by emitting `contact.completed`, which a host
 * forwards to the contact's inquiry (see `contactCompletedEvent`).
 *
 * Runs with XState's `createActor`, and with {@link createProcess} as JSON state.
 *
 * @example
 * ```ts
 * import { contactMachine, createProcess } from 'serviceflow';
 * const contacts = createProcess(contactMachine);
 * let step = contacts.start({ id: 'K-1', inquiryId: 'T-1', channel: 'phone', direction: 'inbound', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * step = contacts.send(step.state, { type: 'routed', queue: 'billing', at: '2026-03-02T09:01:00Z' });
 * step = contacts.send(step.state, { type: 'agent.connected', agentId: 'ana', at: '2026-03-02T09:03:00Z' });
 * step = contacts.send(step.state, { type: 'contact.ended', at: '2026-03-02T09:10:00Z' });
 * step = contacts.send(step.state, { type: 'wrapup.completed', disposition: 'answered', resolved: true, at: '2026-03-02T09:12:00Z' });
 * contacts.view(step.state).handleMs; // 540000 (7 min talk + 2 min wrap-up)
 * ```
 */
export const contactMachine: ContactMachine = machine;

type ContactStateMachine = typeof machine;

/**
 * The type of the built-in contact machine: its XState machine type, plus the phantom property
 * through which `createProcess` types `process.view` as {@link ContactView}. (XState's own
 * `ContextFrom` cannot see through such a subtype; `SnapshotFrom<ContactMachine>['context']` can.)
 *
 * @example
 * ```ts
 * import { createProcess, contactMachine, type ContactMachine, type ServiceProcess } from 'serviceflow';
 * const contacts: ServiceProcess<ContactMachine> = createProcess(contactMachine);
 * ```
 */
export interface ContactMachine extends ContactStateMachine {
  readonly __serviceflowView?: ContactView;
}
