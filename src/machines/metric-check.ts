/**
 * Checks that the metrics an SLA policy defines as data fit the machine a process binds it to: every
 * event and stage a definition names is one the machine has.
 */
import type { AnyStateMachine } from 'xstate';
import { InvalidConfigError } from '../errors.js';
import type { EscalationPolicy } from '../policies/escalation.js';
import type { SlaPolicy } from '../policies/sla.js';
import { isClassicMetric } from '../policies/sla-clocks.js';
import type { SlaMetricDefinition, SlaPauseCondition, SlaTrigger } from '../policies/sla-metrics.js';
import { serviceActionNames } from './actions.js';

interface NodeLike {
  readonly states: Record<string, NodeLike>;
  readonly entry: readonly unknown[];
  readonly transitions: Map<string, readonly unknown[]>;
}

/** The event types a machine handles anywhere, and the stages its states enter. */
function machineVocabulary(machine: AnyStateMachine): { events: Set<string>; stages: Set<string> } {
  const events = new Set<string>();
  const stages = new Set<string>();
  const visit = (node: NodeLike) => {
    for (const type of node.transitions.keys()) events.add(type);
    for (const action of node.entry) {
      const { type, params } = (typeof action === 'object' && action !== null ? action : {}) as {
        type?: unknown;
        params?: { stage?: unknown };
      };
      if (type === 'enterStage' && typeof params?.stage === 'string') stages.add(params.stage);
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root as unknown as NodeLike);
  return { events, stages };
}

const listOf = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];

/** What one trigger or condition names: an event type, stages or a service action (or nothing to check). */
function named(item: SlaTrigger | SlaPauseCondition): { event?: string; stages?: readonly string[]; action?: string } {
  if (typeof item === 'string') return item === 'received' ? {} : { event: item };
  if ('event' in item) return { event: item.event };
  if ('stage' in item) return { stages: listOf(item.stage) };
  if ('inStage' in item) return { stages: listOf(item.inStage) };
  if ('action' in item) {
    const stages = listOf(item.if).flatMap((condition) => ('inStage' in condition ? listOf(condition.inStage) : []));
    return { action: item.action, stages };
  }
  return {};
}

/** The service actions a trigger may name (the metrics' own observation is not one). */
const triggerActions = serviceActionNames.filter((name) => name !== 'observeMetrics');

/**
 * Throws `INVALID_CONFIG` when a metric the policy defines names an event the machine does not
 * handle or a stage none of its states enters, with the path of the trigger
 * (`['sla', 'metrics', name, key, index?]`).
 */
export function checkMetricsFit(policy: SlaPolicy, machine: AnyStateMachine): void {
  const definitions = (policy.metrics ?? {}) as Readonly<Record<string, SlaMetricDefinition>>;
  if (Object.keys(definitions).length === 0) return;
  const { events, stages } = machineVocabulary(machine);
  for (const [name, definition] of Object.entries(definitions)) {
    for (const key of ['start', 'stop', 'pause', 'resume', 'restart', 'reopen', 'cancel'] as const) {
      const value = definition[key] as SlaTrigger | SlaPauseCondition | readonly (SlaTrigger | SlaPauseCondition)[];
      const items = listOf(value);
      items.forEach((item, index) => {
        const path = ['sla', 'metrics', name, key, ...(Array.isArray(value) ? [index] : [])];
        const { event, stages: itemStages, action } = named(item);
        if (action !== undefined && !triggerActions.includes(action)) {
          throw new InvalidConfigError(
            `SLA metric '${name}' ${key} names action '${action}', which is not a service action; expected one of ${triggerActions.join(', ')}`,
            { path, received: action, expected: `a service action (${triggerActions.join(', ')})` },
          );
        }
        if (event !== undefined && !events.has(event)) {
          throw new InvalidConfigError(
            `SLA metric '${name}' ${key} names event '${event}', which machine '${machine.id}' does not handle; expected one of ${[...events].filter((type) => type !== 'deadline' && type !== 'sla.observe').join(', ')} or 'received'`,
            { path, received: event, expected: `an event of machine '${machine.id}' or 'received'` },
          );
        }
        const missing = itemStages?.find((stage) => !stages.has(stage));
        if (missing !== undefined) {
          throw new InvalidConfigError(
            `SLA metric '${name}' ${key} names stage '${missing}', which machine '${machine.id}' does not have; expected one of ${[...stages].join(', ')}`,
            { path, received: missing, expected: `a stage of machine '${machine.id}'` },
          );
        }
      });
    }
  }
}

/**
 * Throws `INVALID_CONFIG` when an escalation rule names an SLA metric the SLA policy does not run
 * (neither a classic clock nor one of its defined metrics): such a rule could never fire.
 */
export function checkEscalationMetrics(escalation: EscalationPolicy, sla: SlaPolicy): void {
  const defined = Object.keys(sla.metrics ?? {});
  (escalation.ruleMetrics ?? []).forEach((metric, index) => {
    if (metric === undefined || isClassicMetric(metric) || defined.includes(metric)) return;
    const known = ['firstResponse', 'nextResponse', 'resolution', ...defined];
    throw new InvalidConfigError(
      `Escalation rule ${index} names SLA metric '${metric}', which the SLA policy does not run; expected one of ${known.join(', ')} (a built-in metric runs when a target names it)`,
      { path: ['escalation', 'rules', index, 'metric'], received: metric, expected: `one of ${known.join(', ')}` },
    );
  });
}
