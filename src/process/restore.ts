/**
 * Restoring a state: a stored state is checked (envelope, format, machine, version), migrated to
 * the process's machine version, copied so that nothing its owner changes later reaches the engine,
 * and checked again (value against the machine, context against its schema and the policies).
 * What the machine cannot hold is `INCOMPATIBLE_STATE`, never silently repaired.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type * as z from 'zod/mini';
import { abbreviate, describeZodError, IncompatibleStateError } from '../errors.js';
import { inquiryContextCopy } from '../engine/context-copies.js';
import { liveStateOf, type LiveState } from '../engine/fast-path.js';
import { frozenJsonOf } from '../internal/json-copies.js';
import { LiveStateMemo, type StateStamper } from '../engine/state-stamp.js';
import type { ServicePolicies } from '../policies/service-policies.js';
import { PERSISTED_FORMAT, type InquiryContext, type PersistedState } from '../schemas/state.js';
import type { StateMigration } from './options.js';
import { activeNodesOf, serviceContextProblem, stateValueProblem } from './state-checks.js';

/** What a restorer needs to know of its process. */
export interface RestoreSettings {
  /** The process's machine (its policies bound). */
  readonly machine: AnyStateMachine;
  readonly version: string;
  readonly migrations: Readonly<Record<string, StateMigration>>;
  readonly contextSchema: z.ZodMiniType | undefined;
  /** Whether the context is the built-in inquiry context (put in its fixed shape when restored). */
  readonly builtInContext: boolean;
  /** Whether to check the context against the policies as service steps would have made it. */
  readonly serviceContext: boolean;
  readonly policies: ServicePolicies;
  readonly stamper: StateStamper;
}

/** A state checked and restored: the state to hand on and the engine's live state of it. */
export interface Restored {
  readonly state: PersistedState<unknown>;
  readonly liveState: LiveState;
}

/** The restore of one process: `(state) → { state, live state }`, or `INCOMPATIBLE_STATE`. */
export function createRestorer(settings: RestoreSettings): (state: unknown) => Restored {
  const { machine, version } = settings;
  return (state) => {
    const cached = LiveStateMemo.of(state);
    // A state this process made: frozen, its context bound to its live state, so nothing in it can
    // have changed since.
    if (cached !== undefined && cached.snapshot.machine === machine)
      return { state: state as PersistedState<unknown>, liveState: cached };
    const migrated = migrate(checkEnvelope(state, machine.id, version), settings);
    return restoreChecked(migrated, settings);
  };
}

/** The envelope `{ format, machine: { id, version } }` of a state of `machineId`, or `INCOMPATIBLE_STATE`. */
function checkEnvelope(state: unknown, machineId: string, version: string): PersistedState<Record<string, unknown>> {
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
  return envelope as PersistedState<Record<string, unknown>>;
}

/** The state migrated to the process's machine version, one registered migration after another. */
function migrate(
  state: PersistedState<Record<string, unknown>>,
  { machine: { id: machineId }, version, migrations }: RestoreSettings,
): PersistedState<Record<string, unknown>> {
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
    const written = typeof next === 'object' && next !== null ? (next as { machine?: unknown }).machine : undefined;
    if (
      typeof written !== 'object' ||
      written === null ||
      typeof (written as { version?: unknown }).version !== 'string'
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
}

/** The frozen JSON copy of a part of a stored state; a part JSON cannot hold is no state. */
function jsonOfStored(part: unknown, name: 'value' | 'context'): unknown {
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
}

/** The value and context of a state of the process's version, checked, as a live state and a stamped state. */
function restoreChecked(migrated: PersistedState<Record<string, unknown>>, settings: RestoreSettings): Restored {
  const { machine, contextSchema } = settings;
  const machineId = machine.id;
  // A frozen copy of what was stored, so that nothing its owner changes later reaches the
  // engine (and what is checked is what is used).
  const value = jsonOfStored(migrated.value, 'value');
  const valueProblem = stateValueProblem(machine.root, value);
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
  if (contextSchema !== undefined) {
    const parsed = contextSchema.safeParse(context);
    if (!parsed.success) {
      const { message, details } = describeZodError('persisted context', context, parsed.error);
      throw new IncompatibleStateError(message, { ...details, path: ['context', ...(details.path ?? [])] });
    }
    if (settings.builtInContext) context = inquiryContextCopy(context as InquiryContext);
  }
  let snapshot: AnyMachineSnapshot;
  try {
    snapshot = machine.resolveState({ value, context } as never) as AnyMachineSnapshot;
  } catch (error) {
    throw new IncompatibleStateError(`State value ${abbreviate(value)} is not a state of machine '${machineId}'`, {
      path: ['value'],
      received: value,
      expected: `a state of machine '${machineId}'`,
      cause: error,
    });
  }
  if (settings.serviceContext && contextSchema !== undefined) {
    const nodes = activeNodesOf(machine.root, snapshot.value);
    const problem = serviceContextProblem(context as InquiryContext, nodes, settings.policies);
    if (problem !== undefined)
      throw new IncompatibleStateError(
        `Stored state of machine '${machineId}' cannot be restored: ${problem.message}`,
        problem,
      );
  }
  const liveState = liveStateOf(snapshot);
  // The stored context is its own copy: the copy of the restored one reuses its members.
  const earlier = { context: stored } as PersistedState<unknown>;
  return {
    state: settings.stamper.handOut(liveState, { snapshot: liveState.snapshot, context: stored }, earlier),
    liveState,
  };
}
