/**
 * Building blocks for teams that define their own service process (a returns process, an incident
 * process…) and want SLA clocks, escalation, feedback, durable wake-ups, persistence, metrics and
 * the process API for free.
 */
import { setup, type ActionFunction, type AnyStateMachine, type EventObject } from 'xstate';
import * as z from 'zod/mini';
import { compiledObject, compiledStrictObject } from '../internal/compiled-objects.js';
import { abbreviate, describeZodError, InvalidConfigError, InvalidInputError } from '../errors.js';
import { pureContext } from './pure-context.js';
import type { InquiryEffect } from '../schemas/effects.js';
import { InquiryEvent, inquiryEventTypes, InquiryInput, type InquiryInputInit } from '../schemas/inquiry.js';
import { InquiryContext } from '../schemas/state.js';
import { refuseUnstorableText, vouchStorable } from '../schemas/text.js';
import { Timestamp } from '../schemas/time.js';
import { serviceActions, serviceGuards, type DeadlineEvent } from './actions.js';
import { defaultPolicies } from '../policies/service-policies.js';
import { serviceRootHandlers } from './root-handlers.js';
import { receivedContext } from './steps.js';
import { deadlinesFirst } from './deadlines-first.js';

type ParamsOf<F> =
  F extends ActionFunction<infer _C, infer _E, infer _T, infer P, infer _A, infer _B, infer _G, infer _D, infer _M>
    ? P
    : never;
/** serviceflow's actions, typed for a machine whose context and events extend the service ones. */
type RetypedActions<A, C extends InquiryContext, E extends EventObject> = {
  [K in keyof A]: ActionFunction<C, E, E, ParamsOf<A[K]>, never, never, never, never, InquiryEffect>;
};
/** serviceflow's guards, typed for such a machine. */
type RetypedGuards<G, C extends InquiryContext, E extends EventObject> = {
  [K in keyof G]: (args: { context: C; event: E }) => boolean;
};

/** The events a custom machine adds: each named, with the fields it carries besides `type` and `at`. */
export type CustomEventShapes = Record<string, Record<string, z.core.$ZodType>>;

/** The typed event union of a set of custom event shapes (`at` in epoch ms). */
export type CustomEventsOf<TEvents extends CustomEventShapes> = {
  [K in keyof TEvents & string]: { type: K; at: number } & ([keyof TEvents[K]] extends [never]
    ? unknown
    : z.infer<z.ZodMiniObject<TEvents[K]>>);
}[keyof TEvents & string];

/**
 * Every event a machine made with {@link serviceSetup} handles: the standard inquiry events, the
 * internal deadline, and the custom events of `TEvents`.
 */
export type ServiceSetupEvent<TEvents extends CustomEventShapes> =
  InquiryEvent | DeadlineEvent | CustomEventsOf<TEvents>;

/** The context of a machine made with {@link serviceSetup}: the inquiry context plus the fields of `TContext`. */
export type ServiceSetupContext<TContext extends Record<string, z.core.$ZodType>> = InquiryContext &
  z.infer<z.ZodMiniObject<TContext>>;

/** Options of {@link serviceSetup}. */
export interface ServiceSetupOptions<
  TEvents extends CustomEventShapes,
  TContext extends Record<string, z.core.$ZodType>,
> {
  /** The events the process adds to the standard ones, as zod shapes of their fields. */
  readonly events?: TEvents;
  /** Fields the process adds to the service context, as zod schemas with defaults (`.default(…)`). */
  readonly context?: TContext;
}

// Duck-typed: every zod 4 schema carries `_zod`, whichever entry (classic, mini) made it.
const isSchema = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { _zod?: unknown })._zod === 'object';
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function refuseSetup(path: string[], received: unknown, expected: string): never {
  throw new InvalidConfigError(
    `Invalid serviceSetup options: ${path.length === 0 ? 'options' : path.join('.')} must be ${expected} (received ${abbreviate(received)})`,
    {
      path,
      received,
      expected,
    },
  );
}

/** Options of the shape serviceSetup reads: records of zod schemas. */
function checkSetupOptions(options: unknown): void {
  if (!isRecord(options)) refuseSetup([], options, 'an object { events?, context? }');
  const { events, context } = options;
  if (events !== undefined) {
    if (!isRecord(events)) refuseSetup(['events'], events, 'an object of event shapes keyed by event type');
    for (const [type, shape] of Object.entries(events)) {
      if (!isRecord(shape)) refuseSetup(['events', type], shape, 'a shape: an object of zod schemas keyed by field');
      for (const [field, schema] of Object.entries(shape)) {
        if (!isSchema(schema)) refuseSetup(['events', type, field], schema, 'a zod schema');
      }
    }
  }
  if (context !== undefined) {
    if (!isRecord(context)) refuseSetup(['context'], context, 'an object of zod schemas with defaults keyed by field');
    for (const [field, schema] of Object.entries(context))
      if (!isSchema(schema)) refuseSetup(['context', field], schema, 'a zod schema with a default');
  }
}

/**
 * Everything a service machine needs besides its states: XState's `setup()` with serviceflow's
 * actions, guards, typed events and schemas declared, plus the `context` factory and the `on`
 * handlers every service machine uses. Build the machine with `.createMachine({ … })` and spread
 * `on` / pass `context` / run `entry: 'receive'` as the example shows; `createProcess` checks the
 * contract (see docs/custom-processes.md) and names what is missing.
 *
 * Custom events are validated with zod like the standard ones; a typo in an event name in the
 * machine or in `process.send` is a compile error.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { serviceSetup } from 'serviceflow';
 *
 * const returns = serviceSetup({
 *   events: { approve: { approver: z.string() }, 'item.received': {} },
 *   context: { approvedBy: z.string().nullable().default(null) },
 * });
 * export const returnsMachine = returns.createMachine({
 *   id: 'returns',
 *   version: '1',
 *   context: returns.context,
 *   entry: 'receive',
 *   on: returns.on,
 *   initial: 'requested',
 *   states: {
 *     requested: { entry: { type: 'enterStage', params: { stage: 'requested' } }, on: { approve: 'approved' } },
 *     approved: { entry: { type: 'enterStage', params: { stage: 'approved' } }, on: { 'item.received': { target: 'done', actions: 'resolve' } } },
 *     done: { type: 'final', entry: { type: 'enterStage', params: { stage: 'done' } } },
 *   },
 * });
 * ```
 */
export function serviceSetup<
  TEvents extends CustomEventShapes = {},
  TContext extends Record<string, z.core.$ZodType> = {},
>(options: ServiceSetupOptions<TEvents, TContext> = {}) {
  type Events = ServiceSetupEvent<TEvents>;
  type Context = ServiceSetupContext<TContext>;

  checkSetupOptions(options);
  const customEvents = options.events ?? ({} as TEvents);
  for (const name of Object.keys(customEvents)) {
    if ((inquiryEventTypes as readonly string[]).includes(name) || name === 'deadline') {
      throw new InvalidConfigError(
        `Custom event '${name}' clashes with a standard serviceflow event; give it another name`,
        {
          path: ['events', name],
          expected: 'a name that is not a standard event',
        },
      );
    }
  }
  const extraContext = compiledObject(options.context ?? ({} as TContext));
  // The context factory fills in these defaults on every start: a field without one fails here.
  const defaults = extraContext.safeParse({});
  if (!defaults.success) {
    const { message, details } = describeZodError(
      'serviceSetup context (every field needs a default)',
      {},
      defaults.error,
    );
    throw new InvalidConfigError(message, { ...details, path: ['context', ...(details.path ?? [])] });
  }
  // Custom events take any zod shape: their strings are checked as the built-in events' are, at
  // most textLimits.text long (or what the shape says) and storable.
  const events = vouchStorable(
    z.discriminatedUnion('type', [
      ...InquiryEvent.def.options,
      ...Object.entries(customEvents).map(([type, shape]) =>
        compiledStrictObject({ type: z.literal(type), ...shape, at: Timestamp }).check(
          z.superRefine(refuseUnstorableText),
        ),
      ),
    ] as unknown as [z.ZodMiniObject, ...z.ZodMiniObject[]]),
  );
  const context = z.extend(InquiryContext, options.context ?? {});

  const base = setup({
    types: {
      context: {} as Context,
      events: {} as Events,
      input: {} as InquiryInputInit,
      emitted: {} as InquiryEffect,
      tags: {} as 'active' | 'pending' | 'resolved',
    },
    schemas: { input: InquiryInput, events, context },
    actions: serviceActions(defaultPolicies) as unknown as RetypedActions<
      ReturnType<typeof serviceActions>,
      Context,
      Events
    >,
    guards: serviceGuards(defaultPolicies) as unknown as RetypedGuards<
      ReturnType<typeof serviceGuards>,
      Context,
      Events
    >,
  });

  const contextFactory = pureContext(
    (input: unknown): InquiryInput => {
      const result = InquiryInput.safeParse(input);
      if (!result.success) {
        const { message, details } = describeZodError('inquiry input', input, result.error);
        throw new InvalidInputError(message, details);
      }
      return result.data;
    },
    (parsed: InquiryInput): Context => ({ ...receivedContext(parsed), ...extraContext.parse({}) }) as Context,
  );

  /** The handlers every open state of a service machine needs; refine them in your states. */
  const on = serviceRootHandlers;

  // Machines built from it fire due deadlines before each event under plain XState too.
  const create = base.createMachine.bind(base) as (config: unknown) => AnyStateMachine;
  const createMachine = ((config: unknown) => deadlinesFirst(create(config))) as unknown as typeof base.createMachine;

  return Object.assign(base, {
    createMachine,
    /** The context factory: the service context of the input plus your fields' defaults. */
    context: contextFactory,
    /** The root handlers every service machine uses (spread them into the root `on`). */
    on,
    /** The zod schema of every event the machine accepts (standard and custom). */
    eventSchema: events,
    /** The zod schema of the machine's context. */
    contextSchema: context,
  });
}

/**
 * The follow-up stage every service process ends with: the survey and reopen window after
 * resolution, closing by hand or by itself. `reopenTo` is the state a reopen returns to, `closeTo`
 * the final state it closes into.
 *
 * @example
 * ```ts
 * import { followUpState } from 'serviceflow';
 * const states = { followUp: followUpState({ stage: 'followUp', reopenTo: 'investigating', closeTo: 'closed' }) };
 * ```
 */
export function followUpState<TReopen extends string, TClose extends string>(options: {
  readonly stage: string;
  readonly reopenTo: TReopen;
  readonly closeTo: TClose;
}) {
  const reopenTo = options.reopenTo;
  return {
    tags: ['resolved'] as 'resolved'[],
    entry: [{ type: 'enterStage', params: { stage: options.stage } } as const, 'openFollowUp' as const],
    on: {
      // Inside the reopen window a reply or reopen reopens; after it, it asks for a follow-up.
      'customer.reply': [
        {
          guard: 'withinReopenWindow',
          target: reopenTo,
          actions: [{ type: 'reopen', params: { by: 'customer.reply' } } as const, 'recordCustomerReply' as const],
        },
        { actions: 'requestFollowUp' as const },
      ],
      reopen: [
        {
          guard: 'withinReopenWindow',
          target: reopenTo,
          actions: { type: 'reopen', params: { by: 'reopen' } } as const,
        },
        { actions: 'requestFollowUp' as const },
      ],
      feedback: [
        {
          guard: 'feedbackReopens',
          target: reopenTo,
          actions: ['recordFeedback' as const, { type: 'reopen', params: { by: 'feedback' } } as const],
        },
        { actions: 'recordFeedback' as const },
      ],
      close: { target: options.closeTo, actions: 'close' as const },
      deadline: [
        {
          guard: 'closesNow',
          target: options.closeTo,
          actions: ['fireDeadlines' as const, 'closeAutomatically' as const],
        },
        { actions: 'fireDeadlines' as const },
      ],
    },
  } as const;
}

interface NodeLike {
  readonly id: string;
  readonly type: string;
  readonly parent?: NodeLike | undefined;
  readonly states: Record<string, NodeLike>;
  readonly entry: readonly unknown[];
  readonly transitions: Map<string, readonly unknown[]>;
}

const isInside = (child: NodeLike, parent: NodeLike): boolean => {
  for (let n = child.parent; n !== undefined; n = n.parent) if (n === parent) return true;
  return false;
};

const actionName = (action: unknown): string | undefined =>
  typeof action === 'string'
    ? action
    : typeof action === 'object' && action !== null
      ? (action as { type?: string }).type
      : undefined;

/**
 * Checks the contract a service machine keeps so that the process, the desk, the stores, the
 * simulator and the metrics work with it; throws `INVALID_CONFIG` naming what breaks it.
 *
 * The contract: the root's `entry` runs `'receive'` (clocks start, `received` rules apply); every
 * state that is not final handles `tick` and `deadline` (durable timers fire everywhere); every
 * transition out of a follow-up stage (a state whose entry runs `'openFollowUp'`) runs `reopen`,
 * `close`, `closeAutomatically` or `cancel` (so no survey or automatic close stays scheduled); at
 * least one final state (the process can end); the context carries the service fields (checked by
 * the schema on restore). `createProcess` runs this check on service machines it is given without
 * a `definition`.
 *
 * @example
 * ```ts
 * import { createMachine } from 'xstate';
 * import { checkServiceMachine, inquiryMachine } from 'serviceflow';
 * checkServiceMachine(inquiryMachine); // keeps the contract: returns
 * checkServiceMachine(createMachine({ id: 'bare', initial: 'open', states: { open: {} } }));
 * // throws INVALID_CONFIG: the root entry must run 'receive' …; state 'open' does not handle 'tick' …
 * ```
 */
export function checkServiceMachine(machine: AnyStateMachine): void {
  const root = machine.root as unknown as NodeLike;
  const problems: { path: string[]; message: string }[] = [];
  if (!root.entry.some((action) => actionName(action) === 'receive')) {
    problems.push({
      path: ['entry'],
      message: "the root entry must run 'receive' so that SLA clocks start and 'received' escalation rules apply",
    });
  }
  let finals = 0;
  const leavesFollowUp = ['reopen', 'close', 'closeAutomatically', 'cancel'];
  const visit = (node: NodeLike, path: string[]) => {
    if (node.type === 'final') finals++;
    if (node.entry.some((action) => actionName(action) === 'openFollowUp')) {
      for (let n: NodeLike | undefined = node; n !== undefined; n = n.parent) {
        for (const [event, transitions] of n.transitions) {
          for (const transition of transitions as readonly {
            target?: readonly NodeLike[];
            actions: readonly unknown[];
          }[]) {
            const leaves = (transition.target ?? []).some((target) => target !== node && !isInside(target, node));
            if (leaves && !transition.actions.some((action) => leavesFollowUp.includes(actionName(action) ?? ''))) {
              problems.push({
                path: ['states', ...path],
                message: `'${event}' leaves the follow-up stage '${path.join('.')}' without reopen, close or cancel, which would leave its survey and automatic close scheduled`,
              });
            }
          }
        }
      }
    }
    if (node.type === 'atomic') {
      for (const event of ['tick', 'deadline']) {
        let handled = false;
        for (let n: NodeLike | undefined = node; n !== undefined && !handled; n = n.parent)
          handled = (n.transitions.get(event)?.length ?? 0) > 0;
        if (!handled)
          problems.push({
            path: ['states', ...path],
            message: `state '${path.join('.')}' does not handle '${event}' (spread serviceSetup().on into the root 'on')`,
          });
      }
    }
    for (const [key, child] of Object.entries(node.states)) visit(child, [...path, key]);
  };
  visit(root, []);
  if (finals === 0)
    problems.push({ path: ['states'], message: 'the machine has no final state, so no instance could ever end' });
  if (problems.length > 0) {
    throw new InvalidConfigError(
      `Machine '${machine.id}' breaks the service machine contract: ${problems.map((p) => p.message).join('; ')}`,
      {
        path: problems[0]?.path ?? [],
        issues: problems.map((p) => ({ path: p.path, message: p.message })),
        expected: 'see docs/custom-processes.md for the contract',
      },
    );
  }
}
