/**
 * What `restore` checks in a stored state beyond its schemas: that its value is a state the
 * machine has, and, for service machines, that its context is one the process's policies and
 * steps could have made. Anything else would be silently repaired by XState (an unknown value
 * becomes the initial state) or would leave a deadline that no tick ever moves.
 */
import type { ServicePolicies } from '../policies/service-policies.js';
import type { InquiryContext } from '../schemas/state.js';
import { abbreviate } from '../errors.js';

/** One thing wrong with a stored state: where, what, and what was expected. */
export interface StateProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly received: unknown;
  readonly expected: string;
}

interface NodeLike {
  readonly key: string;
  readonly type: string;
  readonly states: Record<string, NodeLike>;
  readonly entry: readonly unknown[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const childrenOf = (node: NodeLike): string[] =>
  Object.keys(node.states).filter((key) => node.states[key]?.type !== 'history');

const quoted = (names: readonly string[]): string => names.map((name) => `'${name}'`).join(', ');

/** How a value naming `child` of a compound state must look. */
const shapeOf = (key: string, child: NodeLike): string =>
  child.type === 'compound' || child.type === 'parallel'
    ? `{ ${key}: <one of ${quoted(childrenOf(child))}> }`
    : `'${key}'`;

function valueProblem(node: NodeLike, value: unknown, path: (string | number)[]): StateProblem | undefined {
  const children = childrenOf(node);
  const problem = (message: string, received: unknown, expected: string, at = path): StateProblem => ({
    path: at,
    message,
    received,
    expected,
  });
  const where = path.length === 1 ? 'at the top level' : `inside '${path.slice(1).join('.')}'`;
  if (node.type === 'parallel') {
    if (!isRecord(value))
      return problem(
        `${abbreviate(value)} is not a value of the parallel state ${where}`,
        value,
        `an object with the regions ${quoted(children)}`,
      );
    for (const key of Object.keys(value)) {
      if (!children.includes(key))
        return problem(`'${key}' is not a region ${where}`, key, `one of ${quoted(children)}`, [...path, key]);
    }
    for (const key of children) {
      if (!(key in value))
        return problem(
          `the region '${key}' is missing ${where}`,
          value,
          `an object with the regions ${quoted(children)}`,
        );
      const inner = valueProblem(node.states[key] as NodeLike, value[key], [...path, key]);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  const expected = `one of ${children.map((key) => shapeOf(key, node.states[key] as NodeLike)).join(', ')}`;
  if (typeof value === 'string') {
    const child = node.states[value];
    if (child === undefined || child.type === 'history')
      return problem(`'${value}' is not a state ${where}`, value, expected);
    if (child.type === 'compound' || child.type === 'parallel') {
      return problem(`'${value}' has sub-states, and the value names none of them`, value, shapeOf(value, child));
    }
    return undefined;
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1)
      return problem(
        `${abbreviate(value)} names ${keys.length} states ${where}, where exactly one is active`,
        value,
        expected,
      );
    const key = keys[0] as string;
    const child = node.states[key];
    if (child === undefined || child.type === 'history')
      return problem(`'${key}' is not a state ${where}`, key, expected);
    if (child.type !== 'compound' && child.type !== 'parallel')
      return problem(`'${key}' has no sub-states`, value, `'${key}'`);
    return valueProblem(child, value[key], [...path, key]);
  }
  return problem(`${abbreviate(value)} is not a state value ${where}`, value, expected);
}

/**
 * Why `value` is not a complete state value of the machine whose root node is `root` (a state
 * name, or `{ state: sub-state }` down to a state without sub-states, one entry per region of a
 * parallel state), or `undefined` when it is one.
 */
export function stateValueProblem(root: unknown, value: unknown): StateProblem | undefined {
  const node = root as NodeLike;
  if (node.type !== 'compound' && node.type !== 'parallel') return undefined;
  return valueProblem(node, value, ['value']);
}

/**
 * The active state nodes of a state value of the machine whose root node is `root`: the root and
 * every state the value names, down to its atomic states (every region of a parallel state).
 */
export function activeNodesOf(root: unknown, value: unknown): unknown[] {
  const nodes: unknown[] = [root];
  const walk = (node: NodeLike, inner: unknown): void => {
    if (typeof inner === 'string') {
      const child = node.states[inner];
      if (child !== undefined) nodes.push(child);
      return;
    }
    if (!isRecord(inner)) return;
    for (const key of Object.keys(inner)) {
      const child = node.states[key];
      if (child === undefined) continue;
      nodes.push(child);
      walk(child, inner[key]);
    }
  };
  walk(root as NodeLike, value);
  return nodes;
}

const actionName = (action: unknown): string | undefined =>
  typeof action === 'string'
    ? action
    : typeof action === 'object' && action !== null
      ? (action as { type?: string }).type
      : undefined;

/**
 * Why a service machine's context could not have been made by the process's steps under its
 * policies, or `undefined` when it could: the escalation level is one of the policy's levels, each
 * clock counts exactly when its status says so (a running clock has a start and a due time; only
 * a running clock has a pending warning), and the follow-up is present exactly in a follow-up
 * stage (`nodes`: the active state nodes).
 */
export function serviceContextProblem(
  ctx: InquiryContext,
  nodes: readonly unknown[],
  policies: ServicePolicies,
): StateProblem | undefined {
  const problem = (path: (string | number)[], message: string, received: unknown, expected: string): StateProblem => ({
    path: ['context', ...path],
    message,
    received,
    expected,
  });
  const levels = policies.escalation.levels;
  if (ctx.escalation.level >= levels.length) {
    return problem(
      ['escalation', 'level'],
      `escalation level ${ctx.escalation.level} is beyond the escalation policy's ${levels.length} level(s) (${levels.map((level) => level.name).join(', ')})`,
      ctx.escalation.level,
      `a level from 0 to ${levels.length - 1}`,
    );
  }
  for (const metric in ctx.sla.clocks) {
    const clock = ctx.sla.clocks[metric];
    if (clock === undefined) continue;
    const path = ['sla', 'clocks', metric];
    if (clock.metric !== metric)
      return problem(
        [...path, 'metric'],
        `the ${metric} clock says it measures '${clock.metric}'`,
        clock.metric,
        `'${metric}'`,
      );
    if (clock.status === 'running' && clock.since === null) {
      return problem(
        [...path, 'since'],
        `the running ${metric} clock has no start (since: null)`,
        null,
        'the instant it started counting',
      );
    }
    if (clock.status === 'running' && clock.dueAt === null) {
      return problem(
        [...path, 'dueAt'],
        `the running ${metric} clock has no due time (dueAt: null)`,
        null,
        'the instant it breaches',
      );
    }
    if ((clock.status === 'paused' || clock.status === 'met' || clock.status === 'cancelled') && clock.since !== null) {
      return problem(
        [...path, 'since'],
        `the ${clock.status} ${metric} clock is still counting (since: ${clock.since})`,
        clock.since,
        `null for a ${clock.status} clock`,
      );
    }
    if (clock.status !== 'running' && clock.warnAt !== null) {
      return problem(
        [...path, 'warnAt'],
        `the ${clock.status} ${metric} clock has a pending warning (warnAt: ${clock.warnAt})`,
        clock.warnAt,
        `null for a ${clock.status} clock`,
      );
    }
  }
  const inFollowUp = nodes.some((node) =>
    (node as NodeLike).entry.some((action) => actionName(action) === 'openFollowUp'),
  );
  if (inFollowUp && ctx.followUp === null) {
    return problem(
      ['followUp'],
      'the state is in a follow-up stage, and the context has no follow-up (followUp: null)',
      null,
      '{ resolvedAt, reopenUntil, closeAt }',
    );
  }
  if (!inFollowUp && ctx.followUp !== null) {
    return problem(
      ['followUp'],
      `the context has a follow-up outside a follow-up stage ('${ctx.stage}')`,
      ctx.followUp,
      'null outside the follow-up stage',
    );
  }
  return undefined;
}
