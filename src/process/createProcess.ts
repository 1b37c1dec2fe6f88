import {
  createActor,
  type AnyStateMachine,
  type SnapshotFrom,
  type EmittedFrom,
  type EventFromLogic,
  type InputFrom,
  type StateValueFrom,
  type AnyMachineSnapshot,
  type Snapshot,
} from 'xstate';
import type * as z from 'zod';
import { bindServiceActions, serviceGuards, serviceStepOf } from '../machines/actions.js';
import { observesMetrics } from '../machines/metric-steps.js';
import { checkEscalationMetrics, checkMetricsFit } from '../machines/metric-check.js';
import {
  genericContextCopy,
  inquiryContextCopy,
  inquiryContextJson,
  isInquiryConfig,
} from '../engine/context-copies.js';
import { resolvePolicies, type ServicePolicies, type ServicePolicyOptions } from '../policies/service-policies.js';
import { InquiryContext, PERSISTED_FORMAT, type PersistedState, type StateValue } from '../schemas/state.js';
import { textLimits, textProblem, isVouchedStorable } from '../schemas/text.js';
import { INSTANT_EXPECTED, isInstant, Timestamp, type TimestampInput } from '../schemas/time.js';
import {
  abbreviate,
  describeZodError,
  EventNotAllowedError,
  IncompatibleStateError,
  InvalidConfigError,
  InvalidEventError,
  InvalidInputError,
  OutOfOrderError,
  ServiceFlowError,
} from '../errors.js';
import { checkServiceMachine } from '../machines/service-machine.js';
import {
  deadlinesFirst,
  observationEvent,
  rawInitialSnapshotOf,
  rawTransitionOf,
} from '../machines/deadlines-first.js';
import { serviceDefinition, type ProcessDefinition } from './definition.js';
import { definitionFor, processKindOf } from './definition-registry.js';
import { serviceContextProblem, stateValueProblem } from './state-checks.js';
import { cellOf, compileFastPath, compileFastStart, snapshotOf, type Cell } from '../engine/fast-path.js';
import { withValidated } from '../schemas/validated.js';
import { envelopeOfSnapshot, persistedSnapshotOf } from './snapshot-bridge.js';
import { freezeNew, frozenJsonOf } from '../engine/json-copies.js';
import { CellStamp } from '../engine/state-stamp.js';
import { TRUSTED_SEND, TRUSTED_START } from '../engine/trusted.js';
import type { ServiceView } from './view.js';

/** A machine `createProcess` can run: a service machine built on serviceflow's building blocks. */
export type AnyServiceMachine = AnyStateMachine;

type WithLooseAt<E> = E extends { at: number } ? Omit<E, 'at'> & { at: TimestampInput } : never;

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

/** Options of {@link createProcess}: the policies (each defaults) and state migrations. */
export interface ProcessOptions extends ServicePolicyOptions {
  /**
   * How to read the machine's state (its view and next deadline). Defaults to the reading its root
   * `meta.serviceflow` names, which is the service reading for the inquiry machine and for custom
   * machines built on its blocks.
   */
  readonly definition?: ProcessDefinition<never, unknown>;
  /**
   * Migrations of persisted states written by earlier versions of the machine, keyed by the
   * version they migrate from. Each returns a state of a later version; they chain.
   */
  readonly migrations?: Readonly<Record<string, StateMigration>>;
  /**
   * Whether to run unguarded, targetless transitions made only of service actions (most events)
   * without XState's interpreter (default `true`). The results are identical — a property test
   * holds the two paths to it — `false` only makes every event go through XState, for debugging.
   */
  readonly fastPath?: boolean;
}

/** Turns a persisted state of an earlier machine version into one of a later version. */
export type StateMigration = (
  state: PersistedState<Record<string, unknown>>,
) => PersistedState<Record<string, unknown>>;

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

interface MachineSchemas {
  readonly input: z.ZodType;
  readonly events: z.ZodType;
  readonly context?: z.ZodType;
}

function schemasOf(machine: AnyStateMachine): MachineSchemas {
  if (
    typeof machine !== 'object' ||
    machine === null ||
    typeof (machine as { provide?: unknown }).provide !== 'function'
  ) {
    throw new InvalidConfigError(
      `createProcess needs an XState machine (from setup().createMachine or serviceSetup), received ${abbreviate(machine)}`,
      {
        received: machine,
        expected: 'an XState v5 state machine',
      },
    );
  }
  const schemas = machine.schemas as Partial<MachineSchemas> | undefined;
  const isSchema = (value: unknown): value is z.ZodType =>
    typeof value === 'object' && value !== null && typeof (value as z.ZodType).safeParse === 'function';
  if (!schemas || !isSchema(schemas.input) || !isSchema(schemas.events)) {
    throw new InvalidConfigError(
      `Machine '${machine.id}' declares no zod schemas: createProcess needs setup({ schemas: { input, events } }) to validate what it is given`,
      { path: ['schemas'], expected: 'zod schemas for input and events' },
    );
  }
  return {
    input: schemas.input,
    events: schemas.events,
    ...(isSchema(schemas.context) ? { context: schemas.context } : {}),
  };
}

function refuseOption(path: string[], received: unknown, expected: string): never {
  throw new InvalidConfigError(
    `Invalid createProcess options: ${path.length === 0 ? 'options' : path.join('.')} must be ${expected} (received ${abbreviate(received)})`,
    {
      path,
      received,
      expected,
    },
  );
}

/** The options' shape (the policies are checked by resolvePolicies). */
function checkOptions(options: unknown): asserts options is ProcessOptions {
  if (typeof options !== 'object' || options === null)
    refuseOption([], options, 'an object such as { sla, escalation, feedback }');
  const { definition, migrations, fastPath } = options as Record<string, unknown>;
  if (
    definition !== undefined &&
    (typeof definition !== 'object' ||
      definition === null ||
      typeof (definition as ProcessDefinition<never, unknown>).view !== 'function' ||
      typeof (definition as ProcessDefinition<never, unknown>).nextDeadline !== 'function')
  ) {
    refuseOption(['definition'], definition, 'a process definition { view, nextDeadline, wake? }');
  }
  if (migrations !== undefined) {
    if (typeof migrations !== 'object' || migrations === null)
      refuseOption(['migrations'], migrations, 'an object of migrations keyed by version');
    for (const [from, migration] of Object.entries(migrations)) {
      if (typeof migration !== 'function')
        refuseOption(['migrations', from], migration, 'a function from a state of that version to a later one');
    }
  }
  if (fastPath !== undefined && typeof fastPath !== 'boolean') refuseOption(['fastPath'], fastPath, 'true or false');
}

const stageOf = (value: StateValue): string => (typeof value === 'string' ? value : (Object.keys(value)[0] ?? '?'));

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
  type Snapshot = AnyMachineSnapshot;
  type State = PersistedState<Context>;

  const schemas = schemasOf(machine);
  checkOptions(options);
  const policies = resolvePolicies(options);
  // The built-in machine's contexts (exactly InquiryContext) are copied into one fixed shape, much
  // cheaper for V8; any other machine's keep every field they have.
  const builtInContext = schemas.context === InquiryContext && isInquiryConfig(machine.config);
  const copier = builtInContext ? inquiryContextCopy : genericContextCopy;
  const contextJson = (builtInContext ? inquiryContextJson : frozenJsonOf) as <T>(
    context: T,
    earlier?: T,
    earlierCopy?: T,
  ) => T;
  const bound = machine.provide({
    actions: bindServiceActions(policies, copier),
    guards: serviceGuards(policies),
  }) as TMachine;
  const machineId = bound.id;
  const version = bound.version ?? '0';
  const migrations = options.migrations ?? {};
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
  // fires them itself (advance/finish below) around XState's own macrostep.
  deadlinesFirst(bound, definition);
  const macrostep = rawTransitionOf(bound);

  // One inert actor scope for the life of the process: XState's own transition() builds a new
  // one on every call, which costs more than the step itself.
  let sink: unknown[] = [];
  let executed = 0;
  const self = createActor(bound);
  const scope = {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: (action: { type: string; params?: unknown }) => {
      executed++;
      if (action.type === 'xstate.emit') sink.push((action.params as { event: unknown }).event);
    },
  };
  const interpret = (cell: Cell, event: unknown): Cell => {
    // XState's transition() would still process an event on a snapshot that is done; the
    // machine has ended, so nothing is accepted any more.
    if (cell.snapshot.status !== 'active') return cell;
    const snapshot = snapshotOf(cell);
    const next = macrostep(snapshot, event, scope) as unknown as Snapshot;
    if (next.status === 'error') throw next.error;
    // The same cell when nothing happened: an event no state accepted is told apart by identity.
    return next === snapshot ? cell : cellOf(next);
  };
  // Metrics defined as data see each event after it applied: the machine's own observeMetrics step,
  // run directly (the machine raises an internal event for it under plain XState).
  const observeStep = observesMetrics(policies.sla)
    ? serviceStepOf((bound.implementations.actions as Record<string, unknown> | undefined)?.observeMetrics)
    : undefined;
  const observe = (cell: Cell, event: { type: string; at: number }, from: string): Cell => {
    if (observeStep === undefined || cell.snapshot.status !== 'active') return cell;
    const context = cell.context as InquiryContext;
    const observed = observationEvent(event, from, cell.snapshot.tags);
    const next = observeStep(context, observed, undefined, { effects: sink, raised: [] });
    return next === context ? cell : { snapshot: cell.snapshot, context: next };
  };
  const fastPath = options.fastPath === false ? null : compileFastPath(bound);
  const fastStart = options.fastPath === false ? null : compileFastStart(bound);
  const raised: { type: string; at: number }[] = [];

  /**
   * One macrostep: the event, then the events its actions raised, in order, while the machine is
   * running. Each goes through the fast path when it can, else through XState (which then also
   * runs whatever that event raises). `handled` is false when no state accepted the event.
   */
  const transition = (cell: Cell, event: { type: string; at: number }): Cell => {
    executed = 0;
    if (fastPath === null) return interpret(cell, event);
    let current = cell;
    raised.length = 0;
    raised.push(event);
    const out = { effects: sink, raised };
    for (let index = 0; index < raised.length && current.snapshot.status === 'active'; index++) {
      const next = raised[index] as { type: string; at: number };
      const step = fastPath(current, next, out);
      if (step.kind === 'interpret') current = interpret(current, next);
      else if (step.kind === 'handled') {
        executed++;
        current = step.cell;
      }
    }
    return current;
  };

  const machineRef = Object.freeze({ id: machineId, version });
  // Each state this process returns carries its cell (invisible to JSON, spreads, deep equality
  // and structuredClone), so that a step on it skips the restore. See `CellStamp`. The state is
  // exactly its JSON and frozen all the way down, so nothing in it can change behind the cell: its
  // context is a frozen JSON copy of the cell's, which reuses the parts of `earlier` (the state the
  // step started from, whose cell is `earlierCell`) that the step did not change.
  const persist = (cell: Cell, earlierCell?: Cell, earlier?: State): State => {
    const value = cell.snapshot.value as StateValue;
    if (earlier !== undefined && !CellStamp.handedOut(earlier)) earlierCell = earlier = undefined;
    const state = {
      format: PERSISTED_FORMAT,
      machine: machineRef,
      // XState's own value objects are plain JSON it never changes: frozen in place, not copied.
      value: typeof value === 'string' ? value : freezeNew(value, earlierCell?.snapshot.value),
      context: contextJson(cell.context as Context, earlierCell?.context as Context | undefined, earlier?.context),
    };
    new CellStamp(state, cell, true);
    return Object.freeze(state);
  };

  // What the trusted callers get (the simulator, which keeps its states to itself and hands out
  // views): the cell's own context, neither copied nor frozen; a later step on such a state gives
  // a state to hand out built without it (see `persist`).
  const persistPrivately = (cell: Cell): State => {
    const state = {
      format: PERSISTED_FORMAT,
      machine: machineRef,
      value: cell.snapshot.value as StateValue,
      context: cell.context as Context,
    };
    new CellStamp(state, cell, false);
    return Object.freeze(state);
  };

  const migrate = (state: PersistedState<Record<string, unknown>>): PersistedState<Record<string, unknown>> => {
    let current = state;
    const seen = new Set<string>();
    while (current.machine.version !== version) {
      const from = current.machine.version;
      const step = migrations[from];
      if (step === undefined || seen.has(from)) {
        throw new IncompatibleStateError(
          `State was written by version '${from}' of machine '${machineId}'; this process runs version '${version}' and has no migration from '${from}'`,
          { path: ['machine', 'version'], received: from, expected: `version '${version}' or a registered migration` },
        );
      }
      seen.add(from);
      let next: unknown;
      try {
        next = step(current);
      } catch (error) {
        throw new IncompatibleStateError(
          `The migration from version '${from}' of machine '${machineId}' failed: ${error instanceof Error ? error.message : abbreviate(error)}`,
          {
            path: ['machine', 'version'],
            received: from,
            expected: `a state the migration from '${from}' can read`,
            cause: error,
          },
        );
      }
      const machine = typeof next === 'object' && next !== null ? (next as { machine?: unknown }).machine : undefined;
      if (
        typeof machine !== 'object' ||
        machine === null ||
        typeof (machine as { version?: unknown }).version !== 'string'
      ) {
        throw new IncompatibleStateError(
          `The migration from version '${from}' of machine '${machineId}' returned ${abbreviate(next)}, not a persisted state`,
          {
            path: ['machine', 'version'],
            received: next,
            expected: 'a persisted state { format, machine: { id, version }, value, context }',
          },
        );
      }
      current = next as PersistedState<Record<string, unknown>>;
    }
    return current;
  };

  /** The frozen JSON copy of a part of a stored state; a part JSON cannot hold is no state. */
  const jsonOfStored = (part: unknown, name: 'value' | 'context'): unknown => {
    try {
      return frozenJsonOf(part);
    } catch (error) {
      // A cycle (a RangeError here), a bigint or a throwing toJSON: nothing a store could have kept.
      throw new IncompatibleStateError(
        `State ${name} is not JSON: ${error instanceof Error ? error.message : abbreviate(error)}`,
        {
          path: [name],
          received: part,
          expected: 'plain JSON',
          cause: error,
        },
      );
    }
  };

  const restoreState = (state: unknown): { state: State; cell: Cell } => {
    const cached = CellStamp.of(state);
    // A state this process made: frozen, its context bound to its cell, so nothing in it can
    // have changed since.
    if (cached !== undefined && cached.snapshot.machine === bound) return { state: state as State, cell: cached };
    const envelope = state as Partial<PersistedState<unknown>> | null;
    if (
      typeof envelope !== 'object' ||
      envelope === null ||
      typeof envelope.machine !== 'object' ||
      envelope.machine === null
    ) {
      throw new IncompatibleStateError(
        `Expected a persisted state { format, machine, value, context }, received ${abbreviate(state)}`,
        {
          received: state,
          expected: 'a state returned by process.start or process.send',
        },
      );
    }
    if (envelope.format !== PERSISTED_FORMAT) {
      const newer = typeof envelope.format === 'number' && envelope.format > PERSISTED_FORMAT;
      throw new IncompatibleStateError(
        newer
          ? `State format ${envelope.format} was written by a newer serviceflow; this release reads format ${PERSISTED_FORMAT}`
          : `Unknown state format ${abbreviate(envelope.format)}; this release reads format ${PERSISTED_FORMAT}`,
        { path: ['format'], received: envelope.format, expected: `format ${PERSISTED_FORMAT}` },
      );
    }
    if (typeof envelope.machine.version !== 'string') {
      throw new IncompatibleStateError(
        `State names machine version ${abbreviate(envelope.machine.version)}; a version is a string`,
        {
          path: ['machine', 'version'],
          received: envelope.machine.version,
          expected: `a version string such as '${version}'`,
        },
      );
    }
    if (envelope.machine.id !== machineId) {
      throw new IncompatibleStateError(
        `State belongs to machine '${abbreviate(envelope.machine.id)}', but this process runs machine '${machineId}'`,
        { path: ['machine', 'id'], received: envelope.machine.id, expected: `'${machineId}'` },
      );
    }
    const migrated = migrate(envelope as PersistedState<Record<string, unknown>>);
    // A frozen copy of what was stored, so that nothing its owner changes later reaches the
    // engine (and what is checked is what is used).
    const value = jsonOfStored(migrated.value, 'value');
    const valueProblem = stateValueProblem(bound.root, value);
    if (valueProblem !== undefined) {
      throw new IncompatibleStateError(
        `State value ${abbreviate(value)} is not a state of machine '${machineId}': ${valueProblem.message}`,
        valueProblem,
      );
    }
    // Validation only: a custom machine's context is kept as stored (key order, fields its schema
    // omits). The built-in machine's is put in its fixed shape, as its steps would copy it (fields
    // outside InquiryContext dropped; what it holds is kept as stored).
    const stored: unknown = jsonOfStored(migrated.context, 'context');
    let context = stored;
    const contextSchema = schemas.context;
    if (contextSchema !== undefined) {
      const parsed = contextSchema.safeParse(context);
      if (!parsed.success) {
        const { message, details } = describeZodError('persisted context', context, parsed.error);
        throw new IncompatibleStateError(message, { ...details, path: ['context', ...(details.path ?? [])] });
      }
      if (builtInContext) context = inquiryContextCopy(context as InquiryContext);
    }
    let snapshot: Snapshot;
    try {
      snapshot = bound.resolveState({ value, context } as Parameters<TMachine['resolveState']>[0]) as Snapshot;
    } catch (error) {
      throw new IncompatibleStateError(`State value ${abbreviate(value)} is not a state of machine '${machineId}'`, {
        path: ['value'],
        received: value,
        expected: `a state of machine '${machineId}'`,
        cause: error,
      });
    }
    if (definition === serviceDefinition && contextSchema !== undefined) {
      const nodes = (snapshot as unknown as { _nodes: readonly unknown[] })._nodes;
      const problem = serviceContextProblem(context as InquiryContext, nodes, policies);
      if (problem !== undefined)
        throw new IncompatibleStateError(
          `Stored state of machine '${machineId}' cannot be restored: ${problem.message}`,
          problem,
        );
    }
    const cell = cellOf(snapshot);
    // The stored context is its own copy: the copy of the restored one reuses its members.
    return { state: persist(cell, { snapshot: cell.snapshot, context: stored }, { context: stored } as State), cell };
  };

  const deadlineOf = (cell: Cell): number | null =>
    cell.snapshot.status === 'active' ? definition.nextDeadline(cell.context as never) : null;

  /** Fires everything due by `at` (when anything is), collecting effects into `effects`. */
  const advance = (cell: Cell, at: number, effects: unknown[], due = deadlineOf(cell)): Cell => {
    if (due === null || due > at) return cell;
    sink = effects;
    return transition(cell, definition.wake?.(due, at) ?? { type: 'tick', at });
  };

  /** The step after an event: fires what its own instant made due, then reports the next wake-up. */
  const finish = (
    cell: Cell,
    at: number,
    effects: unknown[],
    handOut: boolean,
    earlierCell?: Cell,
    earlier?: State,
  ) => {
    let due = deadlineOf(cell);
    if (due !== null && due <= at) {
      cell = advance(cell, at, effects, due);
      due = deadlineOf(cell);
    }
    return {
      state: handOut ? persist(cell, earlierCell, earlier) : persistPrivately(cell),
      effects: effects as Effect[],
      wakeAt: due,
    };
  };

  const parseInstant = (at: unknown): number => {
    // Epoch ms, the common case, is taken as is when Timestamp would accept it unchanged.
    if (typeof at === 'number' && isInstant(at)) return at;
    const parsed = Timestamp.safeParse(at);
    if (!parsed.success) {
      const { message, details } = describeZodError('instant', at, parsed.error);
      throw new InvalidInputError(message, details);
    }
    return parsed.data;
  };

  // What the machine's own schemas do not vouch for (a custom machine's) is checked here: strings a
  // store could keep, an `at` in range.
  const checkEventText = !isVouchedStorable(schemas.events);
  const checkInputText = !isVouchedStorable(schemas.input);

  /** Validates `value` with `schema`, or throws `refusal` naming what is wrong. */
  const parseWith = <T extends { at: number }>(
    schema: z.ZodType,
    value: unknown,
    what: string,
    refusal: typeof InvalidEventError,
    checkText: boolean,
  ): T => {
    let parsed: z.ZodSafeParseResult<unknown>;
    try {
      parsed = schema.safeParse(value);
    } catch (error) {
      // A schema that throws (a custom machine's z.json() on a value nested too deep) cannot read it.
      throw new refusal(
        `Invalid ${what}: its schema could not read it (${error instanceof Error ? error.message : abbreviate(error)})`,
        {
          received: value,
          cause: error,
        },
      );
    }
    if (!parsed.success) {
      const { message, details } = describeZodError(what, value, parsed.error);
      throw new refusal(message, details);
    }
    const data = parsed.data as T;
    const problem = checkText ? textProblem(data, { maxText: textLimits.text, json: false }) : undefined;
    if (problem !== undefined) {
      throw new refusal(`Invalid ${what}: ${problem.path.join('.')}: ${problem.message}`, {
        path: problem.path,
        expected: problem.message,
      });
    }
    if (!isInstant(data.at)) {
      throw new refusal(`Invalid ${what}: at: must be ${INSTANT_EXPECTED} (received ${abbreviate(data.at)})`, {
        path: ['at'],
        received: data.at,
        expected: INSTANT_EXPECTED,
      });
    }
    return data;
  };

  const parseEvent = (event: unknown): { type: string; at: number } =>
    parseWith(schemas.events, event, 'event', InvalidEventError, checkEventText);

  const notAllowed = (before: Cell, after: Cell, event: { type: string; at: number }): ServiceFlowError => {
    const stage = stageOf(after.snapshot.value as StateValue);
    const movedBy =
      stageOf(before.snapshot.value as StateValue) === stage
        ? ''
        : ` (deadlines due by ${new Date(event.at).toISOString()} moved it from '${stageOf(before.snapshot.value as StateValue)}' to '${stage}' first)`;
    const nodes = (after.snapshot as unknown as { _nodes: { ownEvents: string[] }[] })._nodes;
    const handled =
      after.snapshot.status === 'active' ? new Set(nodes.flatMap((node) => node.ownEvents)) : new Set<string>();
    // The state has transitions for the event, and none of their conditions held: it is not
    // "accepted here", whatever the state's event list says.
    const guarded = handled.has(event.type);
    const accepted = [...handled].filter((type) => type !== 'deadline' && type !== event.type);
    const ctx = after.context as InquiryContext;
    const hint =
      (event.type === 'reopen' || event.type === 'customer.reply') && stage === 'followUp' && ctx.followUp !== null
        ? `; the reopen window ended at ${new Date(ctx.followUp.reopenUntil).toISOString()}`
        : '';
    const ended = after.snapshot.status !== 'active';
    return new EventNotAllowedError(
      `Event '${event.type}' is not allowed in stage '${stage}'${movedBy}${guarded ? ' now: no condition for it holds' : ''}${hint}; ${
        accepted.length > 0
          ? `${guarded ? 'other events ' : ''}accepted here: ${accepted.join(', ')}`
          : ended
            ? 'the process has ended and accepts no events'
            : 'no other event is accepted here'
      }`,
      {
        path: ['type'],
        received: event.type,
        expected:
          accepted.length > 0
            ? `one of ${accepted.join(', ')}`
            : ended
              ? 'no event (final stage)'
              : 'no event in this state',
      },
    );
  };

  /** What an event asks for on an ended instance (`null`: it is refused); see `afterEnd`. */
  const afterEnd = (cell: Cell, event: { type: string; at: number }): unknown =>
    cell.snapshot.status === 'active' ? null : (definition.afterEnd?.(cell.context as never, event) ?? null);

  const sendParsed = (
    state: State,
    parsed: { type: string; at: number },
    handOut = true,
  ): ProcessStep<Context, Effect> => {
    const restored = restoreState(state);
    const current = restored.cell;
    if (current.snapshot.status !== 'active' && afterEnd(current, parsed) === null)
      throw notAllowed(current, current, parsed);
    const lastEventAt = (current.context as InquiryContext).lastEventAt;
    if (parsed.at < lastEventAt) {
      throw new OutOfOrderError(
        `Event '${parsed.type}' at ${new Date(parsed.at).toISOString()} is earlier than the last event applied (${new Date(lastEventAt).toISOString()}); events must arrive in time order`,
        { path: ['at'], received: parsed.at, expected: `at >= ${lastEventAt}` },
      );
    }
    const effects: unknown[] = [];
    let cell = parsed.type === 'tick' ? current : advance(current, parsed.at, effects);
    // Ended (before the event, or by the deadlines due by its instant): the step reports what the
    // event asks for (a follow-up), or the event is refused. An inquiry that had ended stays as it
    // was; one that the deadlines ended is left as a tick at the event's instant leaves it.
    if (cell.snapshot.status !== 'active') {
      const asked = afterEnd(cell, parsed);
      if (asked === null) throw notAllowed(current, cell, parsed);
      if (cell !== current) {
        effects.length = 0;
        sink = effects;
        cell = transition(current, { type: 'tick', at: parsed.at });
      }
      effects.push(asked);
      return finish(cell, parsed.at, effects, handOut, current, restored.state);
    }
    const before = cell;
    sink = effects;
    cell = transition(cell, parsed);
    if (cell === before && executed === 0) throw notAllowed(current, before, parsed);
    cell = observe(cell, parsed, (before.context as InquiryContext).stage);
    return finish(cell, parsed.at, effects, handOut, current, restored.state);
  };

  const startParsed = (input: { at: number }): ProcessStep<Context, Effect> => withValidated(input, startValidated);
  const startPrivately = (input: { at: number }): ProcessStep<Context, Effect> =>
    withValidated(input, (data) => startValidated(data, false));

  const startValidated = (data: { at: number }, handOut = true): ProcessStep<Context, Effect> => {
    const effects: unknown[] = [];
    sink = effects;
    let cell: Cell;
    if (fastStart !== null) {
      raised.length = 0;
      cell = fastStart(data, { effects, raised });
      for (const event of raised.splice(0)) cell = transition(cell, event);
    } else {
      const snapshot = rawInitialSnapshotOf(bound)(scope as never, data) as unknown as Snapshot;
      if (snapshot.status === 'error') throw snapshot.error;
      cell = cellOf(snapshot);
    }
    cell = observe(cell, { type: 'received', at: data.at }, '');
    return finish(cell, data.at, effects, handOut);
  };

  const process: ServiceProcess<TMachine> = {
    machine: bound,
    policies,

    start(input) {
      return startParsed(parseWith(schemas.input, input, `${machineId} input`, InvalidInputError, checkInputText));
    },

    send(state, event) {
      return sendParsed(state, parseEvent(event));
    },

    view(state, options = {}) {
      const { cell } = restoreState(state);
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
      return definition.view(cell.snapshot.value as StateValue, cell.context as never, {
        at,
        wakeAt: deadlineOf(cell),
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
      return deadlineOf(restoreState(state).cell);
    },

    restore(state) {
      return restoreState(state).state;
    },

    toSnapshot(state) {
      return persistedSnapshotOf(bound, snapshotOf(restoreState(state).cell));
    },

    fromSnapshot(snapshot) {
      return restoreState(envelopeOfSnapshot(snapshot, machineRef)).state;
    },
  };
  // For callers that build inputs and events themselves (the simulator): valid and normalised.
  Object.defineProperty(process, TRUSTED_SEND, {
    value: (state: State, event: { type: string; at: number }) => sendParsed(state, event, false),
    enumerable: false,
  });
  Object.defineProperty(process, TRUSTED_START, { value: startPrivately, enumerable: false });
  return process;
}
