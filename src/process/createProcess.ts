import type {
  AnyStateMachine,
  SnapshotFrom,
  EmittedFrom,
  EventFromLogic,
  InputFrom,
  StateValueFrom,
  Snapshot,
} from 'xstate';
import { abbreviate, InvalidConfigError, InvalidEventError, InvalidInputError } from '../errors.js';
import { inquiryContextCopy, inquiryContextJson, isInquiryConfig } from '../engine/context-copies.js';
import { frozenJsonOf } from '../internal/json-copies.js';
import { createStateStamper, type ContextJson } from '../engine/state-stamp.js';
import { createStepper } from '../engine/stepper.js';
import { TRUSTED_SEND, TRUSTED_START } from '../engine/trusted.js';
import { bindServiceActions, serviceGuards } from '../machines/actions.js';
import { deadlinesFirst } from '../machines/deadlines-first.js';
import { checkServiceMachine } from '../machines/service-machine.js';
import { checkEscalationMetrics, checkMetricsFit } from '../machines/metric-check.js';
import { genericContextCopy } from '../machines/steps.js';
import { resolvePolicies, type ServicePolicies } from '../policies/service-policies.js';
import { InquiryContext, type PersistedState, type StateValue } from '../schemas/state.js';
import { isVouchedStorable } from '../schemas/text.js';
import type { TimestampInput } from '../schemas/time.js';
import { serviceDefinition } from './definition.js';
import { definitionFor, processKindOf } from './definition-registry.js';
import { parseInstant, parseWith } from './inputs.js';
import { fastInquiryEvent, fastInquiryInput, readsInquiryEvents, readsInquiryInputs } from './fast-inputs.js';
import { checkOptions, schemasOf, type ProcessOptions } from './options.js';
import { createRestorer } from './restore.js';
import { envelopeOfSnapshot, persistedSnapshotOf } from './snapshot-bridge.js';
import { createStepRunner } from './step-runner.js';
import { snapshotOf } from '../engine/fast-path.js';
import type { ServiceView } from './view.js';

export type { ProcessOptions, StateMigration } from './options.js';

/** A machine `createProcess` can run: a service machine built on serviceflow's building blocks. */
export type AnyServiceMachine = AnyStateMachine;

/**
 * An event type (each member of a union) with `at` as the process accepts it: epoch milliseconds,
 * an ISO-8601 string or a `Date`.
 */
export type WithLooseAt<E> = E extends { at: number } ? Omit<E, 'at'> & { at: TimestampInput } : never;

/** The events a process accepts from outside: the machine's events minus internal ones, `at` loose. */
export type ProcessEventOf<TMachine extends AnyServiceMachine> = WithLooseAt<
  Exclude<EventFromLogic<TMachine>, { type: 'deadline' }>
>;
/** The start input of a process (`at` loose). */
export type ProcessInputOf<TMachine extends AnyServiceMachine> = InputFrom<TMachine>;
/** The effects a process reports. */
export type ProcessEffectOf<TMachine extends AnyServiceMachine> = EmittedFrom<TMachine>;
/**
 * The context a process persists. Read through the snapshot, not XState's `ContextFrom`, which
 * infers all fifteen type parameters of `StateMachine` and yields `never` for a subtype such as a
 * machine typed with the `__serviceflowView` phantom (`contactMachine`).
 */
export type ProcessContextOf<TMachine extends AnyServiceMachine> = SnapshotFrom<TMachine>['context'];

/** What every `start` and `send` returns. */
export interface ProcessStep<TContext = InquiryContext, TEffect = unknown> {
  /** The persisted state after the step: plain JSON, safe to store as is. */
  readonly state: PersistedState<TContext>;
  /** The domain events of the step, in order, each stamped with the instant it happened. */
  readonly effects: readonly TEffect[];
  /** When a `tick` would next change something, or `null`: schedule a wake-up for it. */
  readonly wakeAt: number | null;
}

/** The stages of a machine: the names of its top-level states. */
export type StageOf<TMachine extends AnyServiceMachine> =
  StateValueFrom<TMachine> extends infer V
    ? V extends string
      ? V
      : V extends object
        ? Extract<keyof V, string>
        : never
    : never;

/** The read model of a machine's process: a `ServiceView` of its stages for service machines. */
export type ProcessViewOf<TMachine extends AnyServiceMachine> = TMachine extends {
  readonly __serviceflowView?: infer V;
}
  ? V
  : ServiceView<StageOf<TMachine>>;

/** A process: pure functions over persisted JSON state. */
export interface ServiceProcess<TMachine extends AnyServiceMachine = AnyServiceMachine> {
  /** The machine with the process's policies bound (usable with XState's `createActor`). */
  readonly machine: TMachine;
  readonly policies: ServicePolicies;
  /** Starts a new instance. Throws `INVALID_INPUT` on bad input. */
  start(input: ProcessInputOf<TMachine>): ProcessStep<ProcessContextOf<TMachine>, ProcessEffectOf<TMachine>>;
  /**
   * Applies one event: first every deadline due by the event's `at` fires in time order (each at
   * its own instant), then the event, then anything its own instant made due. Pure: the same state
   * and event always give deep-equal results, and the given state is never modified. Throws
   * `INVALID_EVENT`, `EVENT_NOT_ALLOWED`, `OUT_OF_ORDER` or `INCOMPATIBLE_STATE`; a rejected event
   * leaves nothing changed.
   */
  send(
    state: PersistedState<ProcessContextOf<TMachine>>,
    event: ProcessEventOf<TMachine>,
  ): ProcessStep<ProcessContextOf<TMachine>, ProcessEffectOf<TMachine>>;
  /** The read model of a state; running SLA clocks are read at `at` (default: the last event). */
  view(state: PersistedState<ProcessContextOf<TMachine>>, options?: { at?: TimestampInput }): ProcessViewOf<TMachine>;
  /** Whether `send(state, event)` would succeed. Never throws. */
  can(state: PersistedState<ProcessContextOf<TMachine>>, event: ProcessEventOf<TMachine>): boolean;
  /** When a `tick` would next change this state, or `null`. */
  wakeAt(state: PersistedState<ProcessContextOf<TMachine>>): number | null;
  /** Checks a state read from storage and returns it migrated to this process's machine version. */
  restore(state: unknown): PersistedState<ProcessContextOf<TMachine>>;
  /**
   * The state as XState's persisted snapshot of {@link ServiceProcess.machine}: what
   * `createActor(process.machine, { snapshot })` restores (and `actor.getPersistedSnapshot()`
   * returns). The state is checked (and migrated) as by `restore` first. (XState's types ask for
   * `input` even when an actor is restored from a snapshot; it is not read: pass `input: undefined as never`.)
   *
   * @param state - A process state (from `start`, `send`, `restore` or storage).
   * @returns XState's persisted snapshot of the same instance: `status`, `value`, `context`, no children.
   * @throws `INCOMPATIBLE_STATE` when the state is not one of this process's machine.
   *
   * @example
   * ```ts
   * import { createActor } from 'xstate';
   * import { createProcess, inquiryMachine, slaPolicy } from 'serviceflow';
   * const desk = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
   * const { state } = desk.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
   * const actor = createActor(desk.machine, { snapshot: desk.toSnapshot(state), input: undefined as never }).start();
   * actor.send({ type: 'assign', agentId: 'ana', at: Date.parse('2026-03-02T09:05:00Z') });
   * actor.getSnapshot().value; // { resolution: 'working' }
   * ```
   */
  toSnapshot(state: PersistedState<ProcessContextOf<TMachine>>): Snapshot<unknown>;
  /**
   * The process state of an XState persisted snapshot of {@link ServiceProcess.machine}
   * (`actor.getPersistedSnapshot()`), checked like a stored state: its value against the machine,
   * its context against the machine's schema.
   *
   * @param snapshot - A persisted snapshot of an actor of `process.machine` (status `active` or `done`).
   * @returns The process state of the same instance, for `send`, `view`, `can` and stores.
   * @throws `INCOMPATIBLE_STATE` when it is not a persisted snapshot of this machine (a failed
   * actor's, one with child actors, a value or context the machine cannot hold).
   *
   * @example
   * ```ts
   * import { createActor } from 'xstate';
   * import { createProcess, inquiryMachine } from 'serviceflow';
   * const desk = createProcess(inquiryMachine);
   * const actor = createActor(desk.machine, {
   *   input: { id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: Date.parse('2026-03-02T09:00:00Z') },
   * }).start();
   * actor.send({ type: 'assign', agentId: 'ana', at: Date.parse('2026-03-02T09:05:00Z') });
   * const state = desk.fromSnapshot(actor.getPersistedSnapshot());
   * desk.view(state).stage; // 'resolution'
   * ```
   */
  fromSnapshot(snapshot: unknown): PersistedState<ProcessContextOf<TMachine>>;
}

/**
 * Creates a process: the pure step function of a service machine with its policies bound.
 * `start`, `send`, `view` and `can` work on plain JSON states that you store wherever you like.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, slaPolicy } from 'serviceflow';
 * const process = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
 * let step = process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * step = process.send(step.state, { type: 'agent.reply', agentId: 'ana', at: '2026-03-02T09:20:00Z' });
 * process.view(step.state).sla.firstResponse?.status; // 'met'
 * ```
 */
export function createProcess<TMachine extends AnyServiceMachine>(
  machine: TMachine,
  options: ProcessOptions = {},
): ServiceProcess<TMachine> {
  type Context = ProcessContextOf<TMachine>;
  type Effect = ProcessEffectOf<TMachine>;
  type Step = ProcessStep<Context, Effect>;

  const schemas = schemasOf(machine);
  checkOptions(options);
  const policies = resolvePolicies(options);
  // The built-in machine's contexts (exactly InquiryContext) are copied into one fixed shape, which
  // keeps property reads monomorphic (bench/README.md); any other machine's keep every field they have.
  const builtInContext = schemas.context === InquiryContext && isInquiryConfig(machine.config);
  const bound = machine.provide({
    actions: bindServiceActions(policies, builtInContext ? inquiryContextCopy : genericContextCopy),
    guards: serviceGuards(policies),
  }) as TMachine;
  const machineId = bound.id;
  const version = bound.version ?? '0';
  if (options.definition === undefined && processKindOf(bound) === 'service') checkServiceMachine(bound);
  if (processKindOf(bound) === 'service') {
    checkMetricsFit(policies.sla, bound);
    checkEscalationMetrics(policies.escalation, policies.sla);
  }
  const definition = options.definition ?? definitionFor(bound);
  if (definition === undefined) {
    throw new InvalidConfigError(
      `Machine '${machineId}' declares meta.serviceflow '${String((bound.root.meta as { serviceflow?: unknown } | undefined)?.serviceflow)}', which has no registered reading; pass options.definition`,
      { path: ['meta', 'serviceflow'] },
    );
  }
  // process.machine fires due deadlines before each event under plain XState too; the process
  // fires them itself (see step-runner.ts) around XState's own macrostep.
  deadlinesFirst(bound, definition);

  const machineRef = Object.freeze({ id: machineId, version });
  const stamper = createStateStamper(machineRef, (builtInContext ? inquiryContextJson : frozenJsonOf) as ContextJson);
  const restore = createRestorer({
    machine: bound,
    version,
    migrations: options.migrations ?? {},
    contextSchema: schemas.context,
    builtInContext,
    serviceContext: definition === serviceDefinition,
    policies,
    stamper,
  });
  const stepper = createStepper(bound, { fastPath: options.fastPath !== false });
  const runner = createStepRunner({ stepper, definition, restore, stamper });

  // What the machine's own schemas do not vouch for (a custom machine's) is checked here: strings a
  // store could keep, an `at` in range.
  const checkEventText = !isVouchedStorable(schemas.events);
  const checkInputText = !isVouchedStorable(schemas.input);
  // The built-in schemas have shortcuts for plainly valid values (fast-inputs.ts).
  const fastEvents = readsInquiryEvents(schemas.events);
  const fastInputs = readsInquiryInputs(schemas.input);
  const parseEvent = (event: unknown): { type: string; at: number } =>
    (fastEvents ? fastInquiryEvent(event) : undefined) ??
    parseWith(schemas.events, event, 'event', InvalidEventError, checkEventText);

  const process: ServiceProcess<TMachine> = {
    machine: bound,
    policies,

    start(input) {
      const parsed =
        (fastInputs ? (fastInquiryInput(input) as { at: number } | undefined) : undefined) ??
        parseWith<{ at: number }>(schemas.input, input, `${machineId} input`, InvalidInputError, checkInputText);
      return runner.start(parsed, true) as Step;
    },

    send(state, event) {
      return runner.send(state, parseEvent(event), true) as Step;
    },

    view(state, options = {}) {
      const { liveState } = restore(state);
      if (typeof options !== 'object' || options === null) {
        throw new InvalidInputError(
          `view: options must be an object such as { at } (received ${abbreviate(options)})`,
          {
            received: options,
            expected: '{ at?: an instant }',
          },
        );
      }
      const at = options.at === undefined ? undefined : parseInstant(options.at);
      return definition.view(liveState.snapshot.value as StateValue, liveState.context as never, {
        at,
        wakeAt: runner.deadlineOf(liveState),
        policies,
      }) as ProcessViewOf<TMachine>;
    },

    can(state, event) {
      try {
        process.send(state, event);
        return true;
      } catch {
        return false;
      }
    },

    wakeAt(state) {
      return runner.deadlineOf(restore(state).liveState);
    },

    restore(state) {
      return restore(state).state as PersistedState<Context>;
    },

    toSnapshot(state) {
      return persistedSnapshotOf(bound, snapshotOf(restore(state).liveState));
    },

    fromSnapshot(snapshot) {
      return restore(envelopeOfSnapshot(snapshot, machineRef)).state as PersistedState<Context>;
    },
  };
  // For callers that build inputs and events themselves (the simulator): valid and normalised.
  Object.defineProperty(process, TRUSTED_SEND, {
    value: (state: unknown, event: { type: string; at: number }) => runner.send(state, event, false),
    enumerable: false,
  });
  Object.defineProperty(process, TRUSTED_START, {
    value: (input: { at: number }) => runner.start(input, false),
    enumerable: false,
  });
  return process;
}
