/**
 * The readings a process knows by name: a machine names its kind in `meta.serviceflow` on its root
 * (`'service'` by default), and `createProcess` looks the reading of that kind up here. The two
 * built-in kinds are all there are; the map is fixed.
 */
import type { AnyStateMachine } from 'xstate';
import { contactDefinition } from './contact-view.js';
import { serviceDefinition, type ProcessDefinition } from './definition.js';

// The built-in readings are named here, statically, rather than registered by their modules at
// load: the package is `sideEffects: false`, so a bundler may drop a module imported only for its
// registration. `contact-view.ts` and `definition.ts` import no
// registry, so these imports make no cycle.
const definitions: ReadonlyMap<string, ProcessDefinition<never, unknown>> = new Map([
  ['service', serviceDefinition as ProcessDefinition<never, unknown>],
  ['contact', contactDefinition as ProcessDefinition<never, unknown>],
]);

/** The machine kind a machine declares in its root `meta.serviceflow`, defaulting to `'service'`. */
export function processKindOf(machine: AnyStateMachine): string {
  const meta = machine.root.meta as { serviceflow?: unknown } | undefined;
  return typeof meta?.serviceflow === 'string' ? meta.serviceflow : 'service';
}

/** The reading registered for a machine's kind, or `undefined`. */
export function definitionFor(machine: AnyStateMachine): ProcessDefinition<never, unknown> | undefined {
  return definitions.get(processKindOf(machine));
}
