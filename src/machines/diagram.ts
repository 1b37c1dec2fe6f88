/**
 * Mermaid state diagrams generated from machine definitions, so that the pictures in the docs are
 * the machines themselves and cannot drift from them unnoticed.
 */
import type { AnyStateMachine } from 'xstate';

interface TransitionLike {
  readonly eventType: string | null;
  readonly target?: readonly NodeLike[] | undefined;
  readonly guard?: unknown;
}

interface NodeLike {
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly path: readonly string[];
  readonly parent?: NodeLike | undefined;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly initial?: { readonly target: readonly NodeLike[] } | undefined;
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly always?: readonly TransitionLike[] | undefined;
}

interface Edge {
  readonly source: NodeLike;
  readonly target: NodeLike;
  readonly label: string;
}

/**
 * Options of {@link toMermaid}.
 *
 * @example
 * ```ts
 * import { contactMachine, toMermaid, type MermaidOptions } from 'serviceflow';
 * const options: MermaidOptions = { direction: 'LR', note: false };
 * toMermaid(contactMachine, options);
 * ```
 */
export interface MermaidOptions {
  /** The layout direction (`TB`, top to bottom, is Mermaid's default and left out). */
  readonly direction?: 'TB' | 'LR';
  /**
   * Whether to list the events the machine accepts in every state without changing state (its
   * root's targetless transitions, such as `tick`) in a note. Default `true`.
   */
  readonly note?: boolean;
}

function guardName(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name === '' ? 'guard' : guard.name;
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string')
    return (guard as { type: string }).type;
  return 'guard';
}

function labelOf(transition: TransitionLike): string {
  const event = transition.eventType === null || transition.eventType === '' ? 'always' : transition.eventType;
  const guard = guardName(transition.guard);
  return guard === undefined ? event : `${event} [${guard}]`;
}

function descendants(node: NodeLike): NodeLike[] {
  return Object.values(node.states).flatMap((child) => [child, ...descendants(child)]);
}

/**
 * Renders a machine definition as a Mermaid `stateDiagram-v2`: every state (compound states as
 * nested blocks with their initial state, parallel regions separated by `--`, final states to
 * `[*]`) and every transition labelled with its event, plus `[guard]` when it is guarded.
 *
 * The rules at the edges: a transition without a target is drawn as a self-loop on the state
 * that declares it, except on the machine's root, whose targetless transitions are listed in a
 * note; a root transition with a target is drawn from every top-level state that is not final;
 * state ids are the state keys, or the path joined with `_` where keys repeat. The output is
 * deterministic (definition order), ends with a newline, and changes exactly when the machine's
 * states, transitions or guards do.
 *
 * @example
 * ```ts
 * import { contactMachine, toMermaid } from 'serviceflow';
 * const diagram = toMermaid(contactMachine);
 * diagram.startsWith('stateDiagram-v2\n'); // true
 * diagram.includes('onHold --> talking: unhold'); // true
 * ```
 */
export function toMermaid(machine: AnyStateMachine, options: MermaidOptions = {}): string {
  const root = machine.root as unknown as NodeLike;
  const all = descendants(root);
  const keyCount = new Map<string, number>();
  for (const node of all) keyCount.set(node.key, (keyCount.get(node.key) ?? 0) + 1);
  const idOf = (node: NodeLike): string => ((keyCount.get(node.key) ?? 0) > 1 ? node.path.join('_') : node.key);

  const edges: Edge[] = [];
  const rootNotes: string[] = [];
  const sourcesOfRoot = Object.values(root.states).filter((child) => child.type !== 'final');
  // The root's transitions (accepted everywhere) come last, after each state's own.
  for (const node of [...all, root]) {
    const transitions = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
    for (const transition of transitions) {
      const label = labelOf(transition);
      const targets = transition.target ?? [];
      if (targets.length === 0) {
        if (node === root) rootNotes.push(label);
        else edges.push({ source: node, target: node, label });
        continue;
      }
      for (const source of node === root ? sourcesOfRoot : [node]) {
        for (const target of targets) edges.push({ source, target, label });
      }
    }
  }

  // Mermaid creates a state inside the block where it is first named: an edge goes in the block
  // of its endpoints' common parent, and every other edge after all blocks, at the top level.
  const placed = new Set<Edge>();
  const lines: string[] = ['stateDiagram-v2'];
  if (options.direction === 'LR') lines.push('  direction LR');

  const edgeLine = (edge: Edge, indent: string) =>
    `${indent}${idOf(edge.source)} --> ${idOf(edge.target)}: ${edge.label}`;

  const block = (node: NodeLike, indent: string): void => {
    const children = Object.values(node.states);
    if (node.type === 'parallel') {
      children.forEach((region, index) => {
        if (index > 0) lines.push(`${indent}--`);
        declare(region, indent);
      });
    } else {
      for (const initial of node.initial?.target ?? []) lines.push(`${indent}[*] --> ${idOf(initial)}`);
      for (const child of children) declare(child, indent);
    }
    for (const edge of edges) {
      if (placed.has(edge) || edge.source.parent !== node || edge.target.parent !== node) continue;
      placed.add(edge);
      lines.push(edgeLine(edge, indent));
    }
    for (const child of children) if (child.type === 'final') lines.push(`${indent}${idOf(child)} --> [*]`);
  };

  const declare = (node: NodeLike, indent: string): void => {
    const id = idOf(node);
    const head = id === node.key ? `state ${id}` : `state "${node.key}" as ${id}`;
    if (node.type === 'compound' || node.type === 'parallel') {
      lines.push(`${head} {`.replace(/^/, indent));
      block(node, `${indent}  `);
      lines.push(`${indent}}`);
    } else if (id !== node.key) {
      lines.push(`${indent}${head}`);
    }
  };

  block(root, '  ');
  for (const edge of edges) if (!placed.has(edge)) lines.push(edgeLine(edge, '  '));
  const initial = root.initial?.target[0];
  if (options.note !== false && rootNotes.length > 0 && initial !== undefined) {
    const events = [...new Set(rootNotes)];
    lines.push(`  note right of ${idOf(initial)}`);
    lines.push('    In every state that is not final:');
    for (let i = 0; i < events.length; i += 4) lines.push(`    ${events.slice(i, i + 4).join(', ')}`);
    lines.push('  end note');
  }
  return `${lines.join('\n')}\n`;
}
