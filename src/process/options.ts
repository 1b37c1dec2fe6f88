/**
 * What `createProcess` is given: the machine's zod schemas (every process validates against them)
 * and the options, checked before anything is built from them.
 */
import type { AnyStateMachine } from 'xstate';
import type * as z from 'zod/mini';
import { abbreviate, InvalidConfigError } from '../errors.js';
import type { ServicePolicyOptions } from '../policies/service-policies.js';
import type { PersistedState } from '../schemas/state.js';
import type { ProcessDefinition } from './definition.js';

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

/** The zod schemas of a machine, from `setup({ schemas })`. */
export interface MachineSchemas {
  readonly input: z.ZodMiniType;
  readonly events: z.ZodMiniType;
  readonly context?: z.ZodMiniType;
}

export function schemasOf(machine: AnyStateMachine): MachineSchemas {
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
  const isSchema = (value: unknown): value is z.ZodMiniType =>
    typeof value === 'object' && value !== null && typeof (value as z.ZodMiniType).safeParse === 'function';
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
export function checkOptions(options: unknown): asserts options is ProcessOptions {
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
